"""What one booking costs in queries: the same for a quiet diary and a full one.

Every rule is still read and checked (the artist, hours, closed days, time off,
the artist's and the rooms' other appointments, the booking policy, the deposit
rule) and everything a booking writes is still written (the appointment, its
history, the consultation record and its audit row, the confirmation and the
reminders): each in a fixed number of queries, whatever the number of
appointments, clients, days off or closed days around the booking.
"""

import datetime as dt
import json

import pytest
from django.urls import reverse

from audit.models import ChangeEntry
from clients.models import Client
from consultations.models import Consultation
from reminders.models import Reminder, ReminderKind
from scheduling.availability import Diary
from scheduling.booking import booking_create
from scheduling.models import (
    Appointment,
    AppointmentEvent,
    BookingSource,
    ClosedDay,
    TimeOff,
    TimeOffStatus,
)
from tests.clock import at

from .api_fixtures import iso, make_clinic, use_throttle_rates

pytestmark = pytest.mark.django_db

# The front desk's booking: the booking policy; the diary with its rooms (one query);
# the appointment and its history; the consultation record and its audit row; the
# deposit rule; the reminders' timing and the messages (one insert).
DESK_QUERIES = 9
# The same, plus the type, the artist and the client the request names.
API_QUERIES = 12
# The booking page's post: the session, the signed-in user, the client, type and artist
# chosen, and the booking.
PAGE_QUERIES = 14
# Each test runs in a transaction of its own, so the booking's transaction is a
# savepoint there (taken and released): two queries a clinic's server does not make.
SAVEPOINT = 2


@pytest.fixture
def clinic(people, settings):
    use_throttle_rates(settings)
    return make_clinic(people)


def fill_the_diary(clinic, appointments: int) -> None:
    """Alex's appointments on the booking day and the days around it, each for a client
    of their own, and the rest of the diary's rows that a booking reads: time off,
    closed days."""
    for number in range(appointments):
        day = clinic.day + dt.timedelta(days=7 * (number // 8))
        client = Client.objects.create(
            first_name="Client", last_name=f"Number {number}", email=f"c{number}@example.com"
        )
        booking_create(
            client=client,
            appointment_type=clinic.consultation,
            artist=clinic.alex,
            starts_at=at(day, f"{9 + number % 8}:00"),
            by=clinic.people.front_desk,
        )
    for number in range(appointments // 4):
        day = clinic.day + dt.timedelta(days=1 + number)
        TimeOff.objects.create(
            artist=clinic.sam,
            starts_at=at(day, "15:00"),
            ends_at=at(day, "16:00"),
            status=TimeOffStatus.APPROVED,
        )
        ClosedDay.objects.get_or_create(date=clinic.day - dt.timedelta(days=1 + number))


def booked_with_everything(appointment: Appointment) -> None:
    """What a booking writes besides the appointment."""
    assert AppointmentEvent.objects.filter(appointment=appointment).count() == 1
    consultation = Consultation.objects.get(appointment=appointment)
    assert ChangeEntry.objects.filter(
        content_type__model="consultation", object_pk=str(consultation.pk)
    ).exists()
    kinds = sorted(Reminder.objects.filter(appointment=appointment).values_list("kind", flat=True))
    assert kinds == sorted(
        [ReminderKind.BOOKING_CONFIRMATION] + [ReminderKind.APPOINTMENT_REMINDER] * 2
    )


@pytest.mark.parametrize("appointments", [1, 40])
def test_the_front_desk_books_in_a_fixed_number_of_queries(
    clinic, appointments, django_assert_num_queries
):
    fill_the_diary(clinic, appointments)

    with django_assert_num_queries(DESK_QUERIES + SAVEPOINT):
        appointment = booking_create(
            client=clinic.anna,
            appointment_type=clinic.consultation,
            artist=clinic.sam,
            starts_at=at(clinic.day, "10:00"),
            source=BookingSource.FRONT_DESK,
            by=clinic.people.front_desk,
        )

    assert appointment.room == (clinic.room2 if appointments > 1 else clinic.room1)
    booked_with_everything(appointment)


@pytest.mark.parametrize("appointments", [1, 40])
def test_the_booking_page_books_in_a_fixed_number_of_queries(
    client, clinic, appointments, django_assert_num_queries
):
    fill_the_diary(clinic, appointments)
    client.force_login(clinic.people.front_desk)
    data = {
        "client": clinic.anna.pk,
        "type": "consultation",
        "artist": clinic.sam.pk,
        "starts_at_0": clinic.day.isoformat(),
        "starts_at_1": "10:00",
        "minutes": "",
        "room": "",
        "notes": "",
    }

    with django_assert_num_queries(PAGE_QUERIES + SAVEPOINT):
        response = client.post(reverse("scheduling:book"), data)

    assert response.status_code == 302
    booked_with_everything(Appointment.objects.get(client=clinic.anna))


@pytest.mark.parametrize("appointments", [1, 40])
def test_a_public_booking_through_the_api_takes_a_fixed_number_of_queries(
    client, clinic, appointments, django_assert_num_queries
):
    fill_the_diary(clinic, appointments)
    body = {
        "type": "consultation",
        "start": iso(clinic.day, "10:00"),
        "artist": clinic.sam.pk,
        "client": {
            "first_name": "Anna",
            "last_name": "Again",
            "email": clinic.anna.email,
            "phone": "",
        },
    }

    with django_assert_num_queries(API_QUERIES + SAVEPOINT):
        response = client.post(
            "/api/v1/bookings/", json.dumps(body), content_type="application/json"
        )

    assert response.status_code == 201, response.content
    appointment = Appointment.objects.get(pk=response.json()["id"])
    assert appointment.client == clinic.anna
    booked_with_everything(appointment)


def the_same_diary(one: Diary, other: Diary) -> bool:
    def busy(intervals):
        return {key: (b.starts, b.ends) for key, b in intervals.items()}

    return (
        [a.pk for a in one.artists] == [a.pk for a in other.artists]
        and one.opening == other.opening
        and one.closed_days == other.closed_days
        and one.artist_hours == other.artist_hours
        and busy(one.time_off) == busy(other.time_off)
        and busy(one.artist_busy) == busy(other.artist_busy)
        and [r.pk for r in one.rooms] == [r.pk for r in other.rooms]
        and busy(one.room_busy) == busy(other.room_busy)
    )


def test_a_booking_is_judged_on_the_diary_free_times_are_offered_from(clinic):
    """load_for_booking reads in one query what Diary.load reads in seven, whatever the
    artist offers, the rooms a type may use, time off, closed days or other bookings."""
    fill_the_diary(clinic, 40)
    clinic.treatment.rooms.set([clinic.room2])
    clinic.alex.appointment_types_not_offered.add(clinic.check_in)
    TimeOff.objects.create(
        artist=clinic.alex,
        starts_at=at(clinic.day, "12:00"),
        ends_at=at(clinic.day, "13:00"),
        status=TimeOffStatus.APPROVED,
    )
    start, end = at(clinic.day, "00:00"), at(clinic.day + dt.timedelta(days=2), "00:00")
    checked = 0
    for artist in (clinic.sam, clinic.alex):
        for appointment_type in (
            clinic.consultation,
            clinic.video,
            clinic.treatment,
            clinic.check_in,
        ):
            for choosing_artist in (True, False):
                loaded = Diary.load(
                    start=start,
                    end=end,
                    artist_ids=[artist.pk],
                    with_rooms=appointment_type.needs_room,
                    for_type=appointment_type,
                    appointment_type=appointment_type if choosing_artist else None,
                )
                for_booking = Diary.load_for_booking(
                    start=start,
                    end=end,
                    artist=artist,
                    appointment_type=appointment_type,
                    choosing_artist=choosing_artist,
                )
                assert the_same_diary(loaded, for_booking), (artist, appointment_type)
                checked += 1
    assert checked == 16
    alex_diary = Diary.load_for_booking(
        start=start, end=end, artist=clinic.alex, appointment_type=clinic.check_in
    )
    assert alex_diary.artists == []
    treatment_diary = Diary.load_for_booking(
        start=start, end=end, artist=clinic.sam, appointment_type=clinic.treatment
    )
    assert treatment_diary.rooms == [clinic.room2]
    assert clinic.alex.pk in treatment_diary.artist_busy
