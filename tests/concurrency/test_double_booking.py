"""No double booking under load: many people ask the live server for one time at once.

Requests run in real threads against the live test server, each with its own
database connection, released together by a barrier. PostgreSQL must hold the line
with its exclusion constraints, SQLite with the write lock the booking transaction
takes first (IMMEDIATE mode). Either way: one booking, everyone else a clear 409,
and no client record left behind by a refused booking.
"""

import http.client
import json
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from importlib import import_module
from urllib.parse import urlsplit

import pytest
from django.apps import apps

from clients.models import Client
from scheduling.models import ACTIVE_STATUSES, Appointment, Room
from scheduling.tests.api_fixtures import iso, make_clinic, use_throttle_rates
from tests.clock import at

pytestmark = pytest.mark.django_db(transaction=True)

RACERS = 30
CONFLICT_REASONS = {"overlap", "room_taken", "no_room"}


@pytest.fixture
def clinic(people, settings):
    """The clinic of the API tests, on the live server's database.

    A transactional test starts from what the one before left, and that may have
    emptied the tables the migrations filled (appointment types, opening hours,
    booking rules): put the defaults back the way the migration does.
    """
    defaults = import_module("scheduling.migrations.0002_no_double_booking_and_defaults")
    defaults.add_defaults(apps, None)
    use_throttle_rates(settings)
    return make_clinic(people)


def _connect(live_server) -> http.client.HTTPConnection:
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=120)
    connection.connect()
    return connection


def _post(connection: http.client.HTTPConnection, body: dict, barrier) -> tuple[int, object]:
    barrier.wait(timeout=30)
    connection.request(
        "POST",
        "/api/v1/bookings/",
        body=json.dumps(body),
        headers={"Content-Type": "application/json", "Accept": "application/json"},
    )
    response = connection.getresponse()
    status, raw = response.status, response.read()
    connection.close()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")[:500]


def race(live_server, bodies: list[dict]) -> list[tuple[int, object]]:
    """Send every body at once, each on its own connection and thread.

    The connections are opened one by one beforehand: thirty simultaneous
    connects overflow the test server's small listen queue, and what is under
    test is thirty bookings in flight together, not the TCP handshake.
    """
    connections = [_connect(live_server) for _ in bodies]
    barrier = threading.Barrier(len(bodies))
    pairs = zip(connections, bodies, strict=True)
    with ThreadPoolExecutor(max_workers=len(bodies)) as pool:
        return list(pool.map(lambda pair: _post(*pair, barrier), pairs))


def racer(n: int, start: str, **fields) -> dict:
    return {
        "type": "consultation",
        "start": start,
        "client": {"first_name": "Racer", "last_name": f"No {n}", "email": f"racer{n}@example.com"},
        **fields,
    }


def test_thirty_people_booking_one_artist_at_one_time_get_one_booking(live_server, clinic):
    clients_before = Client.objects.count()
    start = iso(clinic.day, "10:00")

    results = race(live_server, [racer(n, start, artist=clinic.artist.pk) for n in range(RACERS)])

    statuses = Counter(status for status, _ in results)
    assert statuses == {201: 1, 409: RACERS - 1}, results
    [winner] = [body for status, body in results if status == 201]
    for status, body in results:
        if status == 409:
            assert body["error"] == "slot_unavailable"
            assert body["reason"] in CONFLICT_REASONS
            assert body["detail"]
    [appointment] = Appointment.objects.filter(status__in=ACTIVE_STATUSES)
    assert appointment.pk == winner["id"]
    assert appointment.artist == clinic.artist
    assert appointment.starts_at == at(clinic.day, "10:00")
    # Only the winner's client record was kept; every refused booking rolled back.
    assert Client.objects.count() == clients_before + 1
    assert appointment.client.email.startswith("racer")
    assert Client.objects.filter(email__startswith="racer").get() == appointment.client


def test_racing_for_any_artist_never_shares_an_artist_or_a_room(live_server, clinic):
    clients_before = Client.objects.count()
    start = iso(clinic.day, "11:00")

    results = race(live_server, [racer(n, start) for n in range(RACERS)])

    statuses = Counter(status for status, _ in results)
    assert set(statuses) <= {201, 409}, results
    # Two artists and two rooms: at most two bookings, and at least the first.
    assert 1 <= statuses[201] <= 2, results
    booked = list(Appointment.objects.filter(status__in=ACTIVE_STATUSES))
    assert sorted(a.pk for a in booked) == sorted(b["id"] for s, b in results if s == 201)
    assert len({a.artist_id for a in booked}) == len(booked)
    assert len({a.room_id for a in booked}) == len(booked)
    assert {a.room_id for a in booked} <= set(Room.objects.values_list("pk", flat=True))
    assert Client.objects.count() == clients_before + len(booked)
