"""The earliest and latest dates a browser can send never break the diary or the API.

A date box sends anything from 0001-01-01 to 275760-09-13 (typed, or by holding an
arrow key); at year 1 or 9999 adding a day, a length or a time zone overflows. Every
form, link and filter that takes a date answers such a value with a message the
person can act on — a form error, a 400 naming the field, or today's page and why —
never a server error, and nothing already saved changes.
"""

import datetime as dt

import pytest

from clients.models import Client
from scheduling.availability import free_slots
from scheduling.booking import BookingRefused, booking_create, booking_move
from scheduling.models import Appointment, AppointmentEvent
from tests.clock import MONDAY, at

from .diary_fixtures import book

pytestmark = pytest.mark.django_db

OUTSIDE_DIARY = "Choose a date between 1 January 1900 and 31 December 2999."
NOT_A_DATE = "Enter a date like 2027-03-01."
# (date, time) as a browser's date and time boxes send them, and what the form says.
EXTREME_STARTS = [
    ("0001-01-01", "00:00", OUTSIDE_DIARY),
    ("0001-01-01", "23:59", OUTSIDE_DIARY),
    ("9999-12-31", "00:00", OUTSIDE_DIARY),
    ("9999-12-31", "23:59", OUTSIDE_DIARY),
    ("275760-09-13", "00:00", NOT_A_DATE),
]
EXTREME_DATES = ["0001-01-01", "9999-12-31", "275760-09-13"]
EXTREME_DATETIMES = ["0001-01-01T00:00", "9999-12-31T23:59", "275760-09-13T00:00"]
OFFSETS = ["", "Z", "+14:00", "-12:00"]


@pytest.fixture
def saved(clinic):
    """What is in the diary before the request; `unchanged()` says it still is."""
    booked = book(clinic, at(MONDAY, "10:00"), notes="Already booked")

    def snapshot():
        return (
            list(Appointment.objects.order_by("pk").values()),
            list(AppointmentEvent.objects.order_by("pk").values()),
            list(Client.objects.order_by("pk").values_list("pk", "first_name", "email")),
        )

    before = snapshot()

    class Saved:
        appointment = booked

        @staticmethod
        def unchanged() -> bool:
            return snapshot() == before

    return Saved()


# --- the booking services behind every door ---------------------------------------------------

EXTREME_MOMENTS = [
    dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.UTC),
    dt.datetime(1, 1, 1, 0, 0, tzinfo=dt.timezone(dt.timedelta(hours=14))),
    dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.UTC),
    dt.datetime(9999, 12, 31, 23, 59, tzinfo=dt.timezone(dt.timedelta(hours=-12))),
]


@pytest.mark.parametrize("starts_at", EXTREME_MOMENTS)
def test_the_booking_rules_refuse_a_time_outside_the_diary(clinic, saved, starts_at):
    with pytest.raises(BookingRefused) as refused:
        booking_create(
            client=clinic.ben,
            appointment_type=clinic.consultation,
            artist=clinic.sam,
            starts_at=starts_at,
            by=clinic.people.manager,
            outside_hours_note="Testing the edges",
        )
    assert (refused.value.problem.code, refused.value.problem.message) == (
        "outside_diary",
        OUTSIDE_DIARY,
    )

    with pytest.raises(BookingRefused) as refused:
        booking_move(appointment=saved.appointment, starts_at=starts_at, by=clinic.people.manager)
    assert refused.value.problem.field == "starts_at"
    assert refused.value.problem.code == "outside_diary"
    assert saved.unchanged()


@pytest.mark.parametrize(
    "start_date, days",
    [(dt.date.min, 7), (dt.date(1899, 12, 31), 1), (dt.date(2999, 12, 30), 3), (dt.date.max, 1)],
)
def test_no_free_times_are_offered_outside_the_diary(clinic, start_date, days):
    assert free_slots(appointment_type=clinic.consultation, start_date=start_date, days=days) == []
