"""The diary pages cost the same number of queries for ten appointments or a thousand."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import Role, User
from clients.models import Client
from scheduling.models import Appointment, AppointmentType, ArtistHours, Room, TimeOff
from tests.clock import MONDAY, at

from .diary_fixtures import appointment_blocks

pytestmark = pytest.mark.django_db

ARTISTS = 28  # 28 artists × 36 quarter-hours a day holds 1,000 appointments
SLOT = dt.timedelta(minutes=15)
MOST_QUERIES = 12


@pytest.fixture
def busy_clinic(clinic):
    """Many artists, each with a room of their own, and a quick appointment type."""
    artists = User.objects.bulk_create(
        User(
            email=f"artist{i}@clinic.test",
            first_name="Artist",
            last_name=f"{i:02d}",
            role=Role.ARTIST,
        )
        for i in range(ARTISTS)
    )
    ArtistHours.objects.bulk_create(
        ArtistHours(artist=artist, weekday=day, starts=dt.time(9), ends=dt.time(18))
        for artist in artists
        for day in range(6)
    )
    rooms = Room.objects.bulk_create(Room(name=f"Chair {i:02d}") for i in range(ARTISTS))
    TimeOff.objects.bulk_create(
        TimeOff(artist=artist, starts_at=at(MONDAY, "17:00"), ends_at=at(MONDAY, "18:00"))
        for artist in artists[:5]
    )
    quick = AppointmentType.objects.create(
        slug="quick-look",
        name="Quick look",
        kind="check_in",
        default_minutes=15,
        min_minutes=15,
        max_minutes=15,
        buffer_after_minutes=0,
    )
    clinic.busy_artists, clinic.rooms, clinic.quick = artists, rooms, quick
    return clinic


def add_appointments(clinic, numbers: range, *, days: int) -> None:
    """Appointments number `numbers`, spread over `days` days from Monday, never overlapping."""
    clients = Client.objects.bulk_create(
        Client(first_name="Client", last_name=f"{n:04d}", email=f"client{n}@example.com")
        for n in numbers
    )
    appointments = []
    for n, client in zip(numbers, clients, strict=True):
        day, place = n % days, n // days
        artist_index, slot = place % ARTISTS, place // ARTISTS
        start = at(MONDAY + dt.timedelta(days=day), "09:00") + slot * SLOT
        appointments.append(
            Appointment(
                client=client,
                type=clinic.quick,
                artist=clinic.busy_artists[artist_index],
                room=clinic.rooms[artist_index],
                starts_at=start,
                ends_at=start + SLOT,
                blocked_until=start + SLOT,
                booked_by=clinic.people.front_desk,
            )
        )
    Appointment.objects.bulk_create(appointments)


def queries_for(browser, url: str) -> tuple[int, list]:
    with CaptureQueriesContext(connection) as queries:
        response = browser.get(url)
    assert response.status_code == 200
    return len(queries), appointment_blocks(response)


def test_the_day_view_costs_the_same_for_10_or_1000_appointments(busy_clinic, as_user):
    browser = as_user(busy_clinic.people.front_desk)
    url = reverse("scheduling:day", args=[MONDAY])
    browser.get(url)  # sessions and caches warm

    add_appointments(busy_clinic, range(10), days=1)
    few, blocks = queries_for(browser, url)
    assert len(blocks) == 10

    add_appointments(busy_clinic, range(10, 1000), days=1)
    many, blocks = queries_for(browser, url)
    assert len(blocks) == 1000
    assert blocks[-1]["text"].startswith("17:45–18:00")

    assert many == few
    # The session and its user; the diary's artists, hours, closed days, time off, the
    # services and the booking policy in one; the appointments with their clients,
    # artists and what other apps flag (a deposit due) in one.
    assert few == 4


def test_the_week_view_costs_the_same_for_10_or_1000_appointments(busy_clinic, as_user):
    browser = as_user(busy_clinic.people.front_desk)
    url = reverse("scheduling:week", args=[MONDAY])
    browser.get(url)

    add_appointments(busy_clinic, range(10), days=6)
    few, blocks = queries_for(browser, url)
    assert len(blocks) == 10

    add_appointments(busy_clinic, range(10, 1000), days=6)
    many, blocks = queries_for(browser, url)
    assert len(blocks) == 1000
    assert {block["data-day"] for block in blocks} == {
        (MONDAY + dt.timedelta(days=day)).isoformat() for day in range(6)
    }

    assert many == few
    assert few <= MOST_QUERIES

    # One artist's week costs no more.
    one, blocks = queries_for(browser, f"{url}?artist={busy_clinic.busy_artists[0].pk}")
    assert one == few
    assert {block["data-artist"] for block in blocks} == {str(busy_clinic.busy_artists[0].pk)}
