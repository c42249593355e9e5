"""The diary's rules, as front desk, managers and online clients meet them."""

import datetime as dt

import pytest
from django.utils import timezone

from scheduling.booking import (
    BookingRefused,
    appointment_set_status,
    booking_cancel,
    booking_create,
    booking_move,
)
from scheduling.models import (
    Appointment,
    AppointmentEventKind,
    AppointmentStatus,
    BookingSource,
    ClosedDay,
    TimeOff,
)
from tests.clock import MONDAY, at, day, utc

pytestmark = pytest.mark.django_db
UTC = dt.UTC


def book(diary, start, *, artist=None, type=None, client=None, **kwargs):
    return booking_create(
        client=client or diary.client,
        appointment_type=type or diary.consultation,
        artist=artist or diary.artist,
        starts_at=start,
        by=kwargs.pop("by", diary.people.front_desk),
        **kwargs,
    )


def refused(callable_, *args, **kwargs) -> BookingRefused:
    with pytest.raises(BookingRefused) as info:
        callable_(*args, **kwargs)
    return info.value


def test_a_booking_is_stored_in_utc_with_its_buffer_room_and_history(diary):
    appointment = book(diary, at(MONDAY, "10:00"), notes="First visit")
    appointment.refresh_from_db()
    assert appointment.starts_at == utc(3, 1, 10, 0)
    assert appointment.ends_at == utc(3, 1, 10, 45)
    assert appointment.blocked_until == utc(3, 1, 11, 0)
    assert appointment.room == diary.room1
    assert appointment.status == AppointmentStatus.BOOKED
    assert appointment.source == BookingSource.FRONT_DESK
    assert appointment.booked_by == diary.people.front_desk
    [event] = appointment.events.all()
    assert event.kind == AppointmentEventKind.CREATED
    assert event.by == diary.people.front_desk


def test_summer_times_are_stored_an_hour_earlier_in_utc(diary):
    appointment = book(diary, at(day(7, 5), "09:00"))
    assert appointment.starts_at == utc(7, 5, 8, 0)
    assert timezone.localtime(appointment.starts_at).strftime("%H:%M") == "09:00"


def test_the_artist_cannot_be_double_booked_buffer_included(diary):
    book(diary, at(MONDAY, "10:00"))  # 10:00–10:45, clean-up until 11:00
    error = refused(book, diary, at(MONDAY, "10:45"), client=diary.other_client)
    assert error.problem.code == "overlap"
    assert "already has an appointment" in error.problem.message
    assert error.problem.field == "starts_at"
    assert book(diary, at(MONDAY, "11:00"), client=diary.other_client).pk
    # An appointment that starts earlier and runs into this one also counts.
    error = refused(book, diary, at(MONDAY, "09:30"), client=diary.other_client)
    assert error.problem.code == "overlap"
    assert Appointment.objects.count() == 2


def test_another_artist_takes_the_other_room(diary):
    first = book(diary, at(MONDAY, "10:00"))
    second = book(diary, at(MONDAY, "10:00"), artist=diary.artist2, client=diary.other_client)
    assert {first.room, second.room} == {diary.room1, diary.room2}


def test_no_room_free_is_refused_but_video_needs_no_room(diary, people):
    from accounts.models import Role
    from accounts.services import user_create
    from scheduling.models import ArtistHours

    third = user_create(email="third@clinic.test", role=Role.ARTIST)
    ArtistHours.objects.create(artist=third, weekday=0, starts=dt.time(9), ends=dt.time(18))
    book(diary, at(MONDAY, "10:00"))
    book(diary, at(MONDAY, "10:00"), artist=diary.artist2, client=diary.other_client)
    error = refused(book, diary, at(MONDAY, "10:00"), artist=third)
    assert error.problem.code == "no_room"
    assert error.problem.field == "room"
    video = book(diary, at(MONDAY, "10:00"), artist=third, type=diary.video)
    assert video.room is None


def test_a_chosen_room_that_is_taken_is_refused(diary):
    book(diary, at(MONDAY, "10:00"), room=diary.room2)
    error = refused(
        book,
        diary,
        at(MONDAY, "10:30"),
        artist=diary.artist2,
        room=diary.room2,
        client=diary.other_client,
    )
    assert error.problem.code == "room_taken"
    assert "Room 2 is already booked" in error.problem.message


@pytest.mark.parametrize(
    ("start", "code"),
    [
        ("08:45", "outside_hours"),
        ("17:30", "outside_hours"),  # would end at 18:15
        ("18:00", "outside_hours"),
    ],
)
def test_times_outside_opening_or_working_hours_are_refused(diary, start, code):
    error = refused(book, diary, at(MONDAY, start))
    assert error.problem.code == code
    assert not Appointment.objects.exists()


def test_sunday_and_closed_days_are_refused(diary):
    assert refused(book, diary, at(day(3, 7), "10:00")).problem.code == "outside_hours"
    ClosedDay.objects.create(date=MONDAY, reason="Bank holiday")
    assert refused(book, diary, at(MONDAY, "10:00")).problem.code == "closed"


def test_time_off_is_refused(diary):
    TimeOff.objects.create(
        artist=diary.artist,
        starts_at=at(MONDAY, "12:00"),
        ends_at=at(MONDAY, "13:00"),
        kind="break",
    )
    error = refused(book, diary, at(MONDAY, "11:30"))
    assert error.problem.code == "time_off"
    assert error.problem.field == "artist"
    assert book(diary, at(MONDAY, "13:00")).pk


def test_the_past_and_short_notice_are_refused(diary):
    yesterday = timezone.now() - dt.timedelta(days=1)
    assert refused(book, diary, yesterday).problem.code == "past"
    soon = timezone.now() + dt.timedelta(hours=2)
    error = refused(book, diary, soon, source=BookingSource.ONLINE, by=None)
    assert error.problem.code == "short_notice"
    assert "too short notice" in error.problem.message
    far = timezone.now() + dt.timedelta(days=120)
    assert refused(book, diary, far, source=BookingSource.ONLINE, by=None).problem.code in {
        "too_far_ahead"
    }


def test_a_manager_may_book_outside_hours_with_a_note_but_never_over_another(diary):
    manager = diary.people.manager
    error = refused(book, diary, at(MONDAY, "19:00"), by=manager)
    assert error.problem.code == "outside_hours"
    late = book(diary, at(MONDAY, "19:00"), by=manager, outside_hours_note="Only free evening")
    assert late.outside_hours_note == "Only free evening"
    error = refused(
        book,
        diary,
        at(MONDAY, "19:15"),
        by=manager,
        outside_hours_note="Squeeze in",
        client=diary.other_client,
    )
    assert error.problem.code == "overlap"


def test_front_desk_cannot_override_hours(diary):
    error = refused(book, diary, at(MONDAY, "19:00"), outside_hours_note="Please")
    assert error.problem.code == "override_not_allowed"
    assert error.problem.field == "outside_hours_note"


def test_lengths_outside_the_type_are_refused(diary):
    error = refused(book, diary, at(MONDAY, "09:00"), type=diary.treatment, minutes=300)
    assert error.problem.code == "length"
    assert "between 120 and 240 minutes" in error.problem.message
    assert book(diary, at(MONDAY, "09:00"), type=diary.treatment, minutes=210).minutes == 210


def test_only_artists_can_be_booked(diary):
    error = refused(book, diary, at(MONDAY, "10:00"), artist=diary.people.front_desk)
    assert error.problem.code == "not_an_artist"


def test_types_not_offered_online_are_refused_online(diary):
    far = timezone.now() + dt.timedelta(days=3)
    error = refused(book, diary, far, type=diary.treatment, source=BookingSource.ONLINE, by=None)
    assert error.problem.code == "type_not_online"


def test_a_move_records_from_and_to_and_may_overlap_its_own_old_time(diary):
    appointment = book(diary, at(MONDAY, "10:00"))
    moved = booking_move(
        appointment=appointment, starts_at=at(MONDAY, "10:15"), by=diary.people.front_desk
    )
    assert moved.starts_at == at(MONDAY, "10:15")
    event = moved.events.get(kind=AppointmentEventKind.MOVED)
    assert event.from_starts_at == at(MONDAY, "10:00")
    assert event.to_starts_at == at(MONDAY, "10:15")
    assert event.by == diary.people.front_desk


def test_a_move_into_a_conflict_changes_nothing(diary):
    appointment = book(diary, at(MONDAY, "10:00"))
    book(diary, at(MONDAY, "14:00"), client=diary.other_client)
    error = refused(booking_move, appointment=appointment, starts_at=at(MONDAY, "14:30"))
    assert error.problem.code == "overlap"
    appointment.refresh_from_db()
    assert appointment.starts_at == at(MONDAY, "10:00")
    assert not appointment.events.filter(kind=AppointmentEventKind.MOVED).exists()


def test_a_move_to_another_artist_is_recorded(diary):
    appointment = book(diary, at(MONDAY, "10:00"))
    moved = booking_move(
        appointment=appointment, starts_at=at(MONDAY, "11:00"), artist=diary.artist2
    )
    assert moved.artist == diary.artist2
    assert "artist Sam Okafor → Alex Brennan" in moved.events.get(kind="moved").detail


def test_cancelling_needs_a_reason_and_frees_the_time(diary):
    appointment = book(diary, at(MONDAY, "10:00"))
    error = refused(booking_cancel, appointment=appointment, reason="  ")
    assert error.problem.code == "reason_required"
    booking_cancel(appointment=appointment, reason="Client is unwell", by=diary.people.front_desk)
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert appointment.cancellation_reason == "Client is unwell"
    assert appointment.events.filter(kind="cancelled", from_status="booked").exists()
    assert book(diary, at(MONDAY, "10:00"), client=diary.other_client).pk


def test_a_cancelled_appointment_cannot_move_or_come_back(diary):
    appointment = book(diary, at(MONDAY, "10:00"))
    booking_cancel(appointment=appointment, reason="Changed mind")
    assert (
        refused(booking_move, appointment=appointment, starts_at=at(MONDAY, "11:00")).problem.code
        == "not_movable"
    )
    assert (
        refused(appointment_set_status, appointment=appointment, status="booked").problem.code
        == "transition"
    )


def test_status_changes_follow_the_allowed_transitions(diary):
    appointment = book(diary, at(MONDAY, "10:00"))
    error = refused(appointment_set_status, appointment=appointment, status="completed")
    assert error.problem.code == "transition"
    assert "booked appointment cannot become completed" in error.problem.message
    # Arrival is marked on the day, not weeks ahead.
    error = refused(appointment_set_status, appointment=appointment, status="arrived")
    assert error.problem.code == "too_early"
    appointment_set_status(appointment=appointment, status="confirmed")
    appointment.refresh_from_db()
    assert appointment.status == "confirmed"
    assert appointment.events.filter(kind="status", to_status="confirmed").exists()


def test_arrival_and_completion_once_the_appointment_has_begun(diary):
    # Written directly: booking rules refuse times in the past.
    start = timezone.now() - dt.timedelta(minutes=5)
    appointment = Appointment.objects.create(
        client=diary.client,
        type=diary.video,
        artist=diary.artist,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        blocked_until=start + dt.timedelta(minutes=30),
    )
    appointment_set_status(appointment=appointment, status="arrived")
    appointment_set_status(appointment=appointment, status="completed")
    appointment.refresh_from_db()
    assert appointment.status == "completed"
    assert [e.to_status for e in appointment.events.filter(kind="status")] == [
        "arrived",
        "completed",
    ]


def test_a_late_no_show_can_still_arrive(diary):
    start = timezone.now() - dt.timedelta(minutes=20)
    appointment = Appointment.objects.create(
        client=diary.client,
        type=diary.video,
        artist=diary.artist,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=30),
        blocked_until=start + dt.timedelta(minutes=30),
    )
    appointment_set_status(appointment=appointment, status="no_show")
    appointment_set_status(appointment=appointment, status="arrived")
    appointment.refresh_from_db()
    assert appointment.status == "arrived"
