"""A clinic ready to take API bookings, on dates relative to today.

Online bookings need at least 24 hours' notice and at most 42 days, so these
tests cannot use fixed dates; `booking_day()` is a weekday a few days ahead.
"""

import datetime as dt
import uuid
from types import SimpleNamespace

from django.conf import settings as django_settings
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_create
from scheduling.models import AppointmentType, ArtistHours, Room
from tests.clock import at

GENEROUS_RATES = {"anon": "10000/min", "bookings": "10000/min", "user": "10000/min"}


def booking_day(days_ahead: int = 3) -> dt.date:
    """A Monday to Friday at least `days_ahead` days from today (the clinic's date)."""
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def iso(day: dt.date, hhmm: str) -> str:
    """How the API writes that London time: ISO 8601 with the offset of that date."""
    return at(day, hhmm).isoformat()


def use_throttle_rates(settings, **rates) -> None:
    """Throttle with these rates and a private, empty cache.

    The shared cache (files or Redis) also serves other test runs on this machine.
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-tests-{uuid.uuid4()}",
        }
    }
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**GENEROUS_RATES, **rates},
    }


def make_clinic(people) -> SimpleNamespace:
    """Two artists working Monday to Saturday 09:00–18:00, two treatment rooms."""
    second = user_create(
        email="alex@clinic.test", first_name="Alex", last_name="Brennan", role=Role.ARTIST
    )
    for artist in (people.artist, second):
        ArtistHours.objects.bulk_create(
            ArtistHours(artist=artist, weekday=weekday, starts=dt.time(9), ends=dt.time(18))
            for weekday in range(6)
        )
    return SimpleNamespace(
        people=people,
        artist=people.artist,
        artist2=second,
        room1=Room.objects.create(name="Room 1"),
        room2=Room.objects.create(name="Room 2"),
        consultation=AppointmentType.objects.get(slug="consultation"),
        video=AppointmentType.objects.get(slug="video-consultation"),
        treatment=AppointmentType.objects.get(slug="treatment-session"),
        day=booking_day(),
    )
