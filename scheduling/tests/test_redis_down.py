"""Redis stops: online booking, the booking API and the free times keep working.

The rate limits count in Redis (smpclinic.cache.FailOpenRedisCache). With a Redis of the
test's own, the booking page's limit holds while it runs; once it is stopped, the pages and
the API still book and answer — the limits let requests through, with a warning in the
log — and each booking's confirmation waits in the outbox; once Redis is back the
dispatcher sends each of them exactly once: none lost, none doubled.
"""

import json
import logging

import pytest
from django.conf import settings as django_settings
from django.test import Client as Browser
from django.urls import reverse

from reminders.dispatch import dispatch_due
from reminders.models import Reminder, ReminderKind, ReminderStatus
from scheduling.models import Appointment, BookingSource
from scheduling.tests.api_fixtures import booking_day, iso
from scheduling.tests.diary_fixtures import open_the_clinic
from scheduling.tests.public_booking_fixtures import details, details_url
from tests.clock import at

pytestmark = [pytest.mark.django_db, pytest.mark.needs_redis]


@pytest.fixture
def clinic(people, settings, private_redis):
    settings.CACHES = {
        "default": {
            "BACKEND": "smpclinic.cache.FailOpenRedisCache",
            "LOCATION": private_redis.url,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
    settings.BOOKING_RATE_LIMIT = "2/h"
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1000/h", "bookings": "1000/h", "user": "1000/h"},
    }
    clinic = open_the_clinic(people, rooms=("Room 1", "Room 2"))
    clinic.day = booking_day()
    clinic.redis = private_redis
    return clinic


def book_online(browser, day, hhmm, n):
    start = at(day, hhmm)
    return browser.post(
        details_url(start),
        details(start, email=f"online{n}@example.com", phone=f"07911 1000{n:02}"),
    )


def test_while_redis_is_down_booking_online_and_through_the_api_keeps_working(
    clinic, caplog, mailoutbox
):
    browser = Browser(REMOTE_ADDR="10.1.1.1")
    # With Redis up, the page's limit holds: the third booking from one address waits.
    assert book_online(browser, clinic.day, "09:00", 1).status_code == 302
    assert book_online(browser, clinic.day, "10:00", 2).status_code == 302
    assert book_online(browser, clinic.day, "11:00", 3).status_code == 429

    clinic.redis.stop()
    with caplog.at_level(logging.WARNING, logger="smpclinic.cache"):
        down = [book_online(browser, clinic.day, f"{12 + n}:00", 4 + n) for n in range(3)]
        free = Browser().get(
            "/api/v1/availability/", {"type": "consultation", "start": clinic.day, "days": 1}
        )
        api = Browser().post(
            "/api/v1/bookings/",
            json.dumps(
                {
                    "type": "consultation",
                    "start": iso(clinic.day, "16:00"),
                    "client": {
                        "first_name": "Api",
                        "last_name": "Caller",
                        "email": "api@example.com",
                        "phone": "07911 100099",
                    },
                }
            ),
            content_type="application/json",
        )
    assert [r.status_code for r in down] == [302, 302, 302]  # no limit, no error
    assert free.status_code == 200 and free.json()["slots"]
    assert api.status_code == 201, api.content
    assert "The cache (Redis) cannot be reached" in caplog.text

    online = Appointment.objects.filter(source=BookingSource.ONLINE)
    assert online.count() == 5 and Appointment.objects.filter(source=BookingSource.API).count() == 1
    # Each booking made while Redis was down has its confirmation waiting in the outbox.
    confirmations = Reminder.objects.filter(kind=ReminderKind.BOOKING_CONFIRMATION)
    assert confirmations.count() == 6
    assert set(confirmations.values_list("status", flat=True)) <= {
        ReminderStatus.PENDING,
        ReminderStatus.SENT,
    }
    # Redis back: the outbox's dispatcher sends what waited, each confirmation once.
    clinic.redis.start()
    assert not mailoutbox, "nothing was sent while the broker's hand-off had no worker"
    dispatch_due(max_seconds=30)
    assert set(confirmations.values_list("status", flat=True)) == {ReminderStatus.SENT}
    booked_while_down = ["online4@example.com", "online5@example.com", "online6@example.com"]
    booked_while_down.append("api@example.com")
    for address in booked_while_down:
        received = [m for m in mailoutbox if address in m.to]
        assert len(received) == 1, (address, [m.subject for m in received])
    # The limits count again.
    again = Browser(REMOTE_ADDR="10.1.1.2")
    assert book_online(again, clinic.day, "17:00", 20).status_code == 302
    assert reverse("booking:start")
