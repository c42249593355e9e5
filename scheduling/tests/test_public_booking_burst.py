"""A burst of people booking the same time online at once: one booking, clear answers.

Each request runs in its own thread through Django's test client, with its own
database connection (closed when the thread ends), released together by a
barrier. The database is a file, as in production, so the threads really contend
for it: on SQLite the booking's transaction waits for the write lock (IMMEDIATE
mode and a busy timeout), on PostgreSQL the exclusion constraints catch the race.
Either way exactly one person is booked, everyone else is told the time is not
free (never a server error, never "database is locked"), and a refused booking
leaves nothing behind: no client record, no history, no message.
"""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client as Browser

from clients.models import Client
from reminders.models import Reminder
from scheduling.models import Appointment, AppointmentEvent, BookingSource
from scheduling.tests.api_fixtures import booking_day, use_throttle_rates
from scheduling.tests.diary_fixtures import open_the_clinic
from scheduling.tests.test_public_booking import details, details_url
from tests.clock import at

pytestmark = pytest.mark.django_db(transaction=True)

NOT_FREE = "Sorry, that time is not free. Please choose another."
# Each racer waits at most this long for the others to reach the barrier.
BARRIER_SECONDS = 60


@pytest.fixture
def clinic(people, settings):
    """Two artists but one room: a consultation at any time can be booked only once."""
    use_throttle_rates(settings)  # a private cache for the booking form's rate limit
    settings.BOOKING_RATE_LIMIT = "10000/m"
    clinic = open_the_clinic(people, rooms=("Room 1",))
    clinic.day = booking_day()
    return clinic


def _book(n: int, url: str, data: dict, barrier: threading.Barrier):
    """One person's booking, from an address of their own; returns (n, status, page)."""
    browser = Browser(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}")
    try:
        barrier.wait(timeout=BARRIER_SECONDS)
        try:
            response = browser.post(url, data)
        except Exception as error:  # a server error, as the visitor would get a 500 page
            return n, 500, repr(error)
        return n, response.status_code, response.content.decode()
    finally:
        connections.close_all()


def burst(clinic, racers: int, hhmm: str = "10:00") -> list[tuple[int, int, str]]:
    start = at(clinic.day, hhmm)
    url = details_url(start)
    barrier = threading.Barrier(racers)
    forms = [
        details(
            start,
            first_name="Racer",
            last_name=f"No {n}",
            email=f"racer{n}@example.com",
            phone=f"07911 {n:06}",
        )
        for n in range(racers)
    ]
    with ThreadPoolExecutor(max_workers=racers) as pool:
        return list(pool.map(lambda n: _book(n, url, forms[n], barrier), range(racers)))


def assert_one_booking_and_clear_refusals(clinic, results, racers: int, clients_before: int):
    statuses = Counter(status for _, status, _ in results)
    problems = {n: (status, body[:300]) for n, status, body in results if status not in (200, 302)}
    assert statuses == {302: 1, 200: racers - 1}, problems or statuses
    for _, status, body in results:
        if status == 200:
            assert NOT_FREE in body
            assert "locked" not in body.lower()
    [winner] = [n for n, status, _ in results if status == 302]

    [appointment] = Appointment.objects.all()
    assert appointment.source == BookingSource.ONLINE
    assert appointment.starts_at == at(clinic.day, "10:00")
    assert appointment.room == clinic.room1
    assert appointment.client.email == f"racer{winner}@example.com"
    # Nothing from the people who were refused: no client record, history or message.
    assert Client.objects.count() == clients_before + 1
    assert not Client.objects.filter(email__startswith="racer").exclude(pk=appointment.client_id)
    assert AppointmentEvent.objects.count() == 1
    assert not Reminder.objects.exclude(appointment=appointment).exists()


def race_and_check(clinic, racers: int) -> None:
    clients_before = Client.objects.count()
    began = time.monotonic()
    results = burst(clinic, racers)
    took = time.monotonic() - began
    assert_one_booking_and_clear_refusals(clinic, results, racers, clients_before)
    print(f"\n{racers} online bookings for one time on {connection.vendor}: {took:.1f} s")


@pytest.mark.sqlite_only
@pytest.mark.parametrize("racers", [30, 100])
def test_a_burst_of_online_bookings_on_sqlite_books_one_and_refuses_the_rest(clinic, racers):
    assert connection.vendor == "sqlite"
    assert not connection.is_in_memory_db()
    race_and_check(clinic, racers)


@pytest.mark.needs_postgres
@pytest.mark.parametrize("racers", [30, 100])
def test_a_burst_of_online_bookings_on_postgres_books_one_and_refuses_the_rest(clinic, racers):
    assert connection.vendor == "postgresql"
    race_and_check(clinic, racers)
