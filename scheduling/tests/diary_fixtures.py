"""The open clinic every app's tests start from, and helpers for the diary's pages.

`open_the_clinic(people)` opens a small clinic: the appointment types, opening hours
and booking rules the migrations create, Sam and Alex working Monday to Saturday
09:00–18:00, and two rooms. The fixtures here (`clinic`, `freeze_now`) are registered
for every app's tests by the root conftest, never imported into a test module; the
plain helpers (`book`, `appointment_blocks`, …) are imported by name.

Dates come from the tests' calendar (tests/clock.py), so no test depends on today.
"""

import datetime as dt
import importlib
from html.parser import HTMLParser
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_create
from scheduling.booking import booking_create
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    ArtistHours,
    BookingSource,
    OpeningHours,
    Room,
)
from tests.clock import CLOCKS_GO_FORWARD

# The clocks go forward at 01:00 on this Sunday in London.
CLOCKS_CHANGE = CLOCKS_GO_FORWARD


def clinic_defaults() -> None:
    """The appointment types, opening hours and booking rules the migrations create.

    Live-server tests empty the database after themselves, and restoring it
    (serialized_rollback) does not work while the browser's event loop runs, so
    the clinic's starting data is put back here when it is missing.
    """
    migration = importlib.import_module("scheduling.migrations.0002_no_double_booking_and_defaults")
    migration.add_defaults(django_apps, None)


def open_the_clinic(
    people,
    *,
    rooms: tuple[str, ...] = ("Room 1", "Room 2"),
    saturday_closes: dt.time | None = None,
) -> SimpleNamespace:
    """The clinic open for bookings: its defaults, two artists, rooms.

    Sam (people.artist) and Alex work Monday to Saturday 09:00–18:00; the clinic keeps
    its default opening hours (Saturdays until 14:00) unless `saturday_closes` says
    otherwise. Attributes: people; artist and sam (Sam), artist2 and alex (Alex);
    room1, room2 (as many as `rooms` names); the appointment types consultation, video,
    treatment, check_in; client and anna (Anna's record), other_client and ben (Ben's).
    """
    clinic_defaults()
    alex = user_create(
        email="alex@clinic.test", first_name="Alex", last_name="Brennan", role=Role.ARTIST
    )
    for artist in (people.artist, alex):
        ArtistHours.objects.bulk_create(
            ArtistHours(artist=artist, weekday=day, starts=dt.time(9), ends=dt.time(18))
            for day in range(6)
        )
    if saturday_closes is not None:
        OpeningHours.objects.filter(weekday=5).update(closes=saturday_closes)
    made_rooms = {
        f"room{number}": Room.objects.create(name=name) for number, name in enumerate(rooms, 1)
    }
    return SimpleNamespace(
        people=people,
        artist=people.artist,
        sam=people.artist,
        artist2=alex,
        alex=alex,
        **made_rooms,
        consultation=AppointmentType.objects.get(slug="consultation"),
        video=AppointmentType.objects.get(slug="video-consultation"),
        treatment=AppointmentType.objects.get(slug="treatment-session"),
        check_in=AppointmentType.objects.get(slug="fade-check-in"),
        client=people.record_a,
        anna=people.record_a,
        other_client=people.record_b,
        ben=people.record_b,
    )


@pytest.fixture
def clinic(people, settings):
    """The open clinic, Saturdays closing at 14:00 as the clinic's defaults say."""
    settings.TIME_ZONE = "Europe/London"
    return open_the_clinic(people)


@pytest.fixture
def diary(people, settings):
    """The open clinic with Saturdays open all day (until 18:00), for simpler tests."""
    settings.TIME_ZONE = "Europe/London"
    return open_the_clinic(people, saturday_closes=dt.time(18))


def book(clinic, start, *, artist=None, type=None, client=None, **kwargs) -> Appointment:
    """Book through the rules, as the front desk would."""
    return booking_create(
        client=client or clinic.anna,
        appointment_type=type or clinic.consultation,
        artist=artist or clinic.sam,
        starts_at=start,
        by=kwargs.pop("by", clinic.people.front_desk),
        source=BookingSource.FRONT_DESK,
        **kwargs,
    )


def past_no_show(clinic, *, client, days_ago: int) -> Appointment:
    """A no-show from the past (the rules refuse booking in the past, so written directly)."""
    start = timezone.now().replace(second=0, microsecond=0) - dt.timedelta(days=days_ago)
    return Appointment.objects.create(
        client=client,
        type=clinic.consultation,
        artist=clinic.sam,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
        blocked_until=start + dt.timedelta(minutes=60),
        status=AppointmentStatus.NO_SHOW,
    )


class _Blocks(HTMLParser):
    """Collects the elements marked data-testid="appointment" with their text."""

    def __init__(self):
        super().__init__()
        self.found: list[dict] = []
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._depth:
            self._depth += 1
        elif attrs.get("data-testid") == "appointment":
            self._depth = 1
            self.found.append({**attrs, "text": ""})

    def handle_endtag(self, tag):
        if self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._depth:
            self.found[-1]["text"] += data


def appointment_blocks(response) -> list[dict]:
    """The appointments a diary page shows: their data-* attributes and visible text."""
    parser = _Blocks()
    parser.feed(response.content.decode())
    for block in parser.found:
        block["text"] = " ".join(block["text"].split())
    return parser.found


@pytest.fixture
def freeze_now(monkeypatch):
    """Make "now" a fixed moment for the code under test: `freeze_now(at(MONDAY, "08:00"))`."""

    def freeze(moment: dt.datetime) -> None:
        monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))

    return freeze
