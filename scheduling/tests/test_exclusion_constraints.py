"""PostgreSQL itself refuses double bookings, whatever code writes the row.

These go around scheduling.booking on purpose (Appointment.objects.create): the
exclusion constraints of migration 0002 are the last line when two requests
race past the checks.
"""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from scheduling.models import Appointment, AppointmentStatus
from tests.clock import MONDAY, at

from .api_fixtures import make_clinic

pytestmark = [pytest.mark.django_db, pytest.mark.needs_postgres]
CLEAN_UP = dt.timedelta(minutes=15)


@pytest.fixture
def clinic(people):
    return make_clinic(people)


def insert(clinic, start, end, *, artist=None, room="room1", status=AppointmentStatus.BOOKED):
    """An appointment row written directly, clean-up time included in blocked_until."""
    ends_at = at(MONDAY, end)
    return Appointment.objects.create(
        client=clinic.people.record_a,
        type=clinic.consultation,
        artist=artist or clinic.artist,
        room=getattr(clinic, room) if room else None,
        starts_at=at(MONDAY, start),
        ends_at=ends_at,
        blocked_until=ends_at + CLEAN_UP,
        status=status,
    )


def refused_by(constraint: str, create) -> None:
    before = Appointment.objects.count()
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        create()
    assert info.value.__cause__.diag.constraint_name == constraint
    assert Appointment.objects.count() == before


def test_an_artist_cannot_hold_two_overlapping_appointments(clinic):
    insert(clinic, "10:00", "10:45")

    refused_by(
        "appointment_artist_no_overlap",
        lambda: insert(clinic, "10:30", "11:15", room="room2"),
    )
    # Overlapping on the artist alone is enough: a video call needs no room.
    refused_by("appointment_artist_no_overlap", lambda: insert(clinic, "09:30", "10:15", room=None))


def test_the_clean_up_time_belongs_to_the_appointment(clinic):
    insert(clinic, "10:00", "10:45")  # blocked until 11:00

    refused_by(
        "appointment_artist_no_overlap",
        lambda: insert(clinic, "10:45", "11:30", room="room2"),
    )
    assert insert(clinic, "11:00", "11:45", room="room2").pk


def test_a_room_cannot_hold_two_overlapping_appointments(clinic):
    insert(clinic, "10:00", "10:45")

    refused_by(
        "appointment_room_no_overlap",
        lambda: insert(clinic, "10:15", "11:00", artist=clinic.artist2),
    )
    assert insert(clinic, "10:15", "11:00", artist=clinic.artist2, room="room2").pk


def test_different_artists_in_different_rooms_share_a_time(clinic):
    insert(clinic, "10:00", "10:45")
    insert(clinic, "10:00", "10:45", artist=clinic.artist2, room="room2")

    assert Appointment.objects.count() == 2


@pytest.mark.parametrize("status", [AppointmentStatus.CANCELLED, AppointmentStatus.NO_SHOW])
def test_a_cancelled_or_missed_appointment_does_not_block(clinic, status):
    gone = insert(clinic, "10:00", "10:45", status=status)

    replacement = insert(clinic, "10:00", "10:45")

    assert replacement.pk != gone.pk
    assert Appointment.objects.filter(status=AppointmentStatus.BOOKED).count() == 1
    # Bringing the old one back would double-book: refused.
    gone.status = AppointmentStatus.BOOKED
    refused_by("appointment_artist_no_overlap", gone.save)
