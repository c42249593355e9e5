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
from django.utils import timezone

from audit.models import ChangeEntry
from clients.models import Client
from consultations.models import Consultation
from reminders.models import Reminder, ReminderKind
from scheduling.availability import Diary, free_slots, notice_window, offered_slots
from scheduling.booking import booking_create
from scheduling.models import (
    Appointment,
    AppointmentEvent,
    BookingPolicy,
    BookingSource,
    ClosedDay,
    TimeOff,
    TimeOffStatus,
)
from smpclinic.clinic import clinic_zone, local_datetime
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


def test_free_times_are_offered_from_the_diary_they_were_offered_from_before(clinic):
    """free_slots reads its diary in one query (load_for_type); the times it offers are
    those the diary of Diary.load offers, for each artist and all of them, each type,
    days with time off, closed days and full days, with and without an appointment
    being moved."""
    fill_the_diary(clinic, 40)
    clinic.treatment.rooms.set([clinic.room2])
    clinic.alex.appointment_types_not_offered.add(clinic.check_in)
    TimeOff.objects.create(
        artist=clinic.alex,
        starts_at=at(clinic.day, "12:00"),
        ends_at=at(clinic.day, "13:00"),
        status=TimeOffStatus.APPROVED,
    )
    moved = Appointment.objects.filter(artist=clinic.alex).order_by("starts_at").first()
    zone = clinic_zone()
    now = timezone.now()
    policy = BookingPolicy.current()
    offered = 0
    for start_date, days in (
        (clinic.day, 1),
        (clinic.day - dt.timedelta(days=1), 1),  # a closed day
        (clinic.day + dt.timedelta(days=1), 1),  # Sam's time off
        (clinic.day - dt.timedelta(days=3), 10),
    ):
        for artist_id in (clinic.sam.pk, clinic.alex.pk, None):
            for appointment_type in (
                clinic.consultation,
                clinic.video,
                clinic.treatment,
                clinic.check_in,
            ):
                for source in (BookingSource.FRONT_DESK, BookingSource.ONLINE):
                    for excluded in (None, moved.pk):
                        earliest, latest = notice_window(source=source, now=now, policy=policy)
                        start = local_datetime(start_date, dt.time(0), zone)
                        end = local_datetime(start_date + dt.timedelta(days=days), dt.time(0), zone)
                        loaded = Diary.load(
                            start=start,
                            end=end + dt.timedelta(hours=13),
                            artist_ids=None if artist_id is None else [artist_id],
                            with_rooms=appointment_type.needs_room,
                            exclude_appointment_id=excluded,
                            for_type=appointment_type,
                            appointment_type=appointment_type,
                        )
                        before = offered_slots(
                            loaded,
                            appointment_type=appointment_type,
                            start_date=start_date,
                            days=days,
                            minutes=None,
                            now=now,
                            earliest=earliest,
                            latest=latest,
                            policy=policy,
                        )
                        now_offered = free_slots(
                            appointment_type=appointment_type,
                            start_date=start_date,
                            days=days,
                            artist_id=artist_id,
                            source=source,
                            now=now,
                            exclude_appointment_id=excluded,
                        )
                        assert now_offered == before, (start_date, artist_id, appointment_type)
                        assert the_same_diary(
                            loaded,
                            Diary.load_for_type(
                                start=start,
                                end=end + dt.timedelta(hours=13),
                                appointment_type=appointment_type,
                                artist_id=artist_id,
                                exclude_appointment_id=excluded,
                            ),
                        )
                        offered += len(before)
    assert offered > 1000
    # Moving Alex's first appointment frees its time for Alex.
    assert any(
        slot.start == moved.starts_at and slot.artist_id == clinic.alex.pk
        for slot in free_slots(
            appointment_type=clinic.consultation,
            start_date=clinic.day,
            days=1,
            artist_id=clinic.alex.pk,
            source=BookingSource.FRONT_DESK,
            now=now,
            exclude_appointment_id=moved.pk,
        )
    )


@pytest.mark.parametrize("appointments", [1, 40])
def test_a_day_of_free_times_takes_two_queries_whatever_the_diary_holds(
    clinic, appointments, django_assert_num_queries
):
    """What a client's click on a day asks (one artist's free times that day), and a
    month for the whole team: the booking policy and the diary, one query each."""
    fill_the_diary(clinic, appointments)

    with django_assert_num_queries(2):
        sams_day = free_slots(
            appointment_type=clinic.treatment,
            start_date=clinic.day,
            days=1,
            artist_id=clinic.sam.pk,
            source=BookingSource.ONLINE,
        )
    with django_assert_num_queries(2):
        month = free_slots(
            appointment_type=clinic.consultation,
            start_date=clinic.day,
            days=30,
            source=BookingSource.ONLINE,
        )

    assert sams_day[0].start == at(clinic.day, "09:00")
    assert None not in {slot.room_id for slot in sams_day}
    assert {slot.artist_id for slot in month} == {clinic.sam.pk, clinic.alex.pk}
    assert at(clinic.day, "09:00") not in {
        slot.start for slot in month if slot.artist_id == clinic.alex.pk
    }
