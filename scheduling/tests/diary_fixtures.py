"""A small clinic for the diary page tests: two artists working Mon–Sat, two rooms.

Everything happens in a fixed week well in the future (Monday 1 March), so
no test depends on today's date; dates go into the URLs explicitly.
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
    Room,
)
from tests.clock import CLOCKS_GO_FORWARD

# The clocks go forward at 01:00 on this Sunday in London.
CLOCKS_CHANGE = CLOCKS_GO_FORWARD


def _clinic_defaults() -> None:
    """The appointment types, opening hours and booking rules the migrations create.

    Live-server tests empty the database after themselves, and restoring it
    (serialized_rollback) does not work while the browser's event loop runs, so
    the clinic's starting data is put back here when it is missing.
    """
    migration = importlib.import_module("scheduling.migrations.0002_no_double_booking_and_defaults")
    migration.add_defaults(django_apps, None)


@pytest.fixture
def clinic(people, settings):
    settings.TIME_ZONE = "Europe/London"
    _clinic_defaults()
    second = user_create(
        email="alex@clinic.test", first_name="Alex", last_name="Brennan", role=Role.ARTIST
    )
    for artist in (people.artist, second):
        ArtistHours.objects.bulk_create(
            ArtistHours(artist=artist, weekday=day, starts=dt.time(9), ends=dt.time(18))
            for day in range(6)
        )
    return SimpleNamespace(
        people=people,
        sam=people.artist,
        alex=second,
        room1=Room.objects.create(name="Room 1"),
        room2=Room.objects.create(name="Room 2"),
        consultation=AppointmentType.objects.get(slug="consultation"),
        video=AppointmentType.objects.get(slug="video-consultation"),
        treatment=AppointmentType.objects.get(slug="treatment-session"),
        check_in=AppointmentType.objects.get(slug="fade-check-in"),
        anna=people.record_a,
        ben=people.record_b,
    )


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
