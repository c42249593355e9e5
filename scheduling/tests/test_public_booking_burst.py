"""A burst of people booking the same time online at once: one booking, clear answers.

Each request runs in its own thread through Django's test client, with its own
database connection (closed when the thread ends), released together by a
barrier. The database is a file, as in production, so the threads really contend
for it: on SQLite the booking's transaction waits for the write lock (IMMEDIATE
mode and a busy timeout), on PostgreSQL the exclusion constraints catch the race.
Either way exactly one person is booked, everyone else is told the time is not
free (never a server error, never "database is locked"), and a refused booking
leaves nothing behind: no client record, no history, no message. Run with -s to
see how long each burst took.

When the wait for the lock does run out, the booker is asked to try again (503 with
Retry-After) and nothing is saved: the last tests hold the lock from elsewhere.
"""

import html
import sqlite3
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import pytest
from django.db import OperationalError, connection, connections
from django.test import Client as Browser
from django.test import RequestFactory
from django.urls import reverse

from clients.models import Client
from reminders.models import Reminder
from scheduling.booking import BUSY_MESSAGE
from scheduling.models import Appointment, AppointmentEvent, BookingSource
from scheduling.tests.api_fixtures import booking_day, iso, use_throttle_rates
from scheduling.tests.diary_fixtures import open_the_clinic
from scheduling.tests.public_booking_fixtures import details, details_url
from smpclinic.database import BUSY_PAGE_MESSAGE
from smpclinic.middleware import DatabaseBusyMiddleware
from tests.clock import at

pytestmark = pytest.mark.django_db(transaction=True)

NOT_FREE = "Sorry, that time is not free. Please choose another."
# Each racer waits at most this long for the others to reach the barrier.
BARRIER_SECONDS = 60
# Requests in flight at once on PostgreSQL, whose max_connections is 100 by default.
PG_IN_FLIGHT = 40


@pytest.fixture
def clinic(people, settings):
    """Two artists but one room: a consultation at any time can be booked only once."""
    use_throttle_rates(settings)  # a private cache for the booking form's rate limit
    settings.BOOKING_RATE_LIMIT = "10000/m"
    clinic = open_the_clinic(people, rooms=("Room 1",))
    clinic.day = booking_day()
    return clinic


def _book(n: int, url: str, data: dict, barrier: threading.Barrier, gate: threading.Semaphore):
    """One person's booking, from an address of their own.

    Returns (n, status, page, seconds the answer took).
    """
    browser = Browser(REMOTE_ADDR=f"10.0.{n // 250}.{n % 250 + 1}")
    barrier.wait(timeout=BARRIER_SECONDS)
    with gate:
        began = time.monotonic()
        try:
            response = browser.post(url, data)
        except Exception as error:  # a server error, as the visitor would get a 500 page
            return n, 500, repr(error), time.monotonic() - began
        finally:
            connections.close_all()
        return n, response.status_code, response.content.decode(), time.monotonic() - began


def burst(
    clinic, racers: int, *, in_flight: int | None = None, hhmm: str = "10:00"
) -> list[tuple[int, int, str, float]]:
    """Everyone posts the booking form for one time at once (at most `in_flight` at a time)."""
    start = at(clinic.day, hhmm)
    url = details_url(start)
    barrier = threading.Barrier(racers)
    gate = threading.Semaphore(in_flight or racers)
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
        return list(pool.map(lambda n: _book(n, url, forms[n], barrier, gate), range(racers)))


def assert_one_booking_and_clear_refusals(clinic, results, racers: int, clients_before: int):
    statuses = Counter(status for _, status, _, _ in results)
    problems = {
        n: (status, body[:300]) for n, status, body, _ in results if status not in (200, 302)
    }
    assert statuses == {302: 1, 200: racers - 1}, problems or statuses
    for _, status, body, _ in results:
        if status == 200:
            assert NOT_FREE in body
            assert "locked" not in body.lower()
    [winner] = [n for n, status, _, _ in results if status == 302]

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


@contextmanager
def patient_lock_wait(seconds: float = 120):
    """On SQLite, racers wait this long for the write lock during the race.

    The answers (one booking, every other "not free") are what the test is about; how
    long a hundred queued writers take depends on the machine, and the clinic's own 20 s
    wait is for a real server, not a busy test machine.
    """
    if connection.vendor != "sqlite":
        yield
        return
    options = connection.settings_dict["OPTIONS"]
    waits = options["timeout"]
    connection.close()
    options["timeout"] = seconds
    try:
        yield
    finally:
        connection.close()
        options["timeout"] = waits


def race_and_check(clinic, racers: int, in_flight: int | None = None) -> None:
    clients_before = Client.objects.count()
    began = time.monotonic()
    with patient_lock_wait():
        results = burst(clinic, racers, in_flight=in_flight)
    took = time.monotonic() - began
    slowest = max(seconds for *_, seconds in results)
    print(
        f"\n{racers} online bookings for one time on {connection.vendor}: {took:.1f} s, "
        f"the slowest answer {slowest:.1f} s"
    )
    assert_one_booking_and_clear_refusals(clinic, results, racers, clients_before)


@pytest.mark.sqlite_only
@pytest.mark.parametrize("racers", [30, 100])
def test_a_burst_of_online_bookings_on_sqlite_books_one_and_refuses_the_rest(clinic, racers):
    assert connection.vendor == "sqlite"
    assert not connection.is_in_memory_db()
    race_and_check(clinic, racers)


@pytest.mark.needs_postgres
@pytest.mark.parametrize("racers", [30, 100])
def test_a_burst_of_online_bookings_on_postgres_books_one_and_refuses_the_rest(clinic, racers):
    """Each request holds a connection of its own, and the server takes 100 at most (shared
    with other test runs on the machine): a hundred racers go at most 40 at a time."""
    assert connection.vendor == "postgresql"
    race_and_check(clinic, racers, in_flight=min(racers, PG_IN_FLIGHT))


# --- when the wait for the lock runs out ------------------------------------------------


@contextmanager
def write_lock_held_elsewhere():
    """Another process holds SQLite's write lock, and this one waits only 0.2 s for it.

    The same as a burst that outlasts the real timeout, without waiting 20 seconds.
    """
    assert connection.vendor == "sqlite"
    options = connection.settings_dict["OPTIONS"]
    waits = options["timeout"]
    connection.close()
    options["timeout"] = 0.2
    other = sqlite3.connect(connection.settings_dict["NAME"], isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        other.execute("ROLLBACK")
        other.close()
        connection.close()
        options["timeout"] = waits


@pytest.mark.sqlite_only
def test_an_online_booking_that_waits_too_long_for_the_lock_is_asked_to_try_again(clinic, client):
    start = at(clinic.day, "10:00")
    clients_before = Client.objects.count()

    with write_lock_held_elsewhere():
        response = client.post(details_url(start), details(start))

    body = response.content.decode()
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert BUSY_MESSAGE in body
    assert "Please correct the fields" not in body
    for kept in ("Daniel", "Whitaker", "Dan.Whitaker@Example.com", "Thinning at the crown"):
        assert kept in body
    assert not Appointment.objects.exists()
    assert Client.objects.count() == clients_before

    # Once the lock is free again, the same form books.
    assert client.post(details_url(start), details(start)).status_code == 302
    assert Appointment.objects.get().client.first_name == "Daniel"


@pytest.mark.sqlite_only
def test_an_api_booking_that_waits_too_long_for_the_lock_is_a_503_with_retry_after(clinic, client):
    body = {
        "type": "consultation",
        "start": iso(clinic.day, "10:00"),
        "client": {"first_name": "Dan", "last_name": "Whitaker", "email": "dan@example.com"},
    }
    clients_before = Client.objects.count()

    with write_lock_held_elsewhere():
        response = client.post(reverse("api:bookings"), body, content_type="application/json")

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert response.json() == {"error": "busy", "detail": BUSY_MESSAGE}
    assert not Appointment.objects.exists()
    assert Client.objects.count() == clients_before


@pytest.mark.parametrize("path", ["/diary/", "/api/v1/appointments/"])
def test_any_other_page_that_waits_too_long_for_the_lock_says_try_again(path):
    middleware = DatabaseBusyMiddleware(lambda request: None)
    request = RequestFactory().post(path)

    response = middleware.process_exception(request, OperationalError("database is locked"))

    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert BUSY_PAGE_MESSAGE in html.unescape(response.content.decode())
    # Any other database error is still a server error, seen and logged as one.
    assert middleware.process_exception(request, OperationalError("no such table: x")) is None
