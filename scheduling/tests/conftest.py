"""A small clinic diary: two artists working Mon–Sat 09:00–18:00, two rooms."""

import datetime as dt
from types import SimpleNamespace

import pytest

from accounts.models import Role
from accounts.services import user_create
from scheduling.models import AppointmentType, ArtistHours, OpeningHours, Room


@pytest.fixture
def diary(people, settings):
    settings.TIME_ZONE = "Europe/London"
    second = user_create(
        email="alex@clinic.test", first_name="Alex", last_name="Brennan", role=Role.ARTIST
    )
    for artist in (people.artist, second):
        ArtistHours.objects.bulk_create(
            ArtistHours(artist=artist, weekday=day, starts=dt.time(9), ends=dt.time(18))
            for day in range(6)
        )
    # Saturdays close at 14:00 by default; open all day for simpler tests.
    OpeningHours.objects.filter(weekday=5).update(closes=dt.time(18))
    return SimpleNamespace(
        people=people,
        artist=people.artist,
        artist2=second,
        room1=Room.objects.create(name="Room 1"),
        room2=Room.objects.create(name="Room 2"),
        consultation=AppointmentType.objects.get(slug="consultation"),
        video=AppointmentType.objects.get(slug="video-consultation"),
        treatment=AppointmentType.objects.get(slug="treatment-session"),
        client=people.record_a,
        other_client=people.record_b,
    )
