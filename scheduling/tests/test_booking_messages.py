"""Reminders are rows written with the booking that causes them, and follow it when it moves."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from reminders import outbox
from reminders.kinds import wall_clock_before
from reminders.models import MessageTemplate, Reminder, ReminderKind, ReminderStatus
from scheduling.booking import BookingRefused, booking_cancel, booking_create, booking_move
from scheduling.messages import appointment_booked
from scheduling.tests.api_fixtures import make_clinic
from tests.clock import CLOCKS_GO_BACK, CLOCKS_GO_FORWARD, LONDON, at


@pytest.fixture
def clinic(people):
    return make_clinic(people)


def book(clinic, start, client=None):
    return booking_create(
        client=client or clinic.people.record_a,
        appointment_type=clinic.treatment,
        artist=clinic.artist,
        starts_at=start,
        room=clinic.room1,
        by=clinic.people.front_desk,
    )


def reminders_of(appointment, **filters):
    return {
        r.key.split(":", 2)[2]: r
        for r in Reminder.objects.filter(appointment=appointment, **filters)
    }


def test_a_booking_writes_its_confirmation_and_two_reminders(clinic):
    start = at(clinic.day, "10:00")
    appointment = book(clinic, start)

    rows = Reminder.objects.filter(appointment=appointment).order_by("due_at")
    kinds = [(r.kind, r.status) for r in rows]
    assert kinds == [
        (ReminderKind.BOOKING_CONFIRMATION, ReminderStatus.PENDING),
        (ReminderKind.APPOINTMENT_REMINDER, ReminderStatus.PENDING),
        (ReminderKind.APPOINTMENT_REMINDER, ReminderStatus.PENDING),
    ]
    confirmation, before_48, before_24 = rows
    assert confirmation.due_at <= timezone.now()
    assert before_48.due_at == start - dt.timedelta(hours=48)
    assert before_24.due_at == start - dt.timedelta(hours=24)
    assert {r.client for r in rows} == {clinic.people.record_a}


def test_a_refused_booking_leaves_no_reminder(clinic):
    start = at(clinic.day, "10:00")
    book(clinic, start)
    before = Reminder.objects.count()
    with pytest.raises(BookingRefused):
        book(clinic, start, client=clinic.people.record_b)
    assert Reminder.objects.count() == before
    assert not Reminder.objects.filter(client=clinic.people.record_b).exists()


def test_a_booking_at_short_notice_skips_reminders_whose_time_has_passed(clinic):
    # In 30 hours: the 48-hour reminder's moment is gone, the 24-hour one is not.
    start = (timezone.now() + dt.timedelta(hours=30)).replace(minute=0, second=0, microsecond=0)
    appointment = booking_create(
        client=clinic.people.record_a,
        appointment_type=clinic.treatment,
        artist=clinic.artist,
        starts_at=start,
        room=clinic.room1,
        by=clinic.people.manager,
        outside_hours_note="Fitted in at short notice",
    )
    reminders = Reminder.objects.filter(
        appointment=appointment, kind=ReminderKind.APPOINTMENT_REMINDER
    )
    assert [r.data["hours_before"] for r in reminders] == [24]


def test_an_appointment_entered_after_the_fact_sends_nothing(clinic):
    from scheduling.models import Appointment

    appointment = book(clinic, at(clinic.day, "10:00"))
    Reminder.objects.all().delete()
    # Backdate, then run the hook again as a late entry would.
    past = timezone.now() - dt.timedelta(days=2)
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=past)
    appointment.refresh_from_db()
    appointment_booked(appointment)
    assert not Reminder.objects.exists()


def test_moving_an_appointment_moves_its_reminders(clinic):
    start = at(clinic.day, "10:00")
    appointment = book(clinic, start)
    # The same weekday a week later: a working day whatever today is.
    later = start + dt.timedelta(days=7, hours=3)

    booking_move(appointment=appointment, starts_at=later, by=clinic.people.front_desk)

    pending = Reminder.objects.filter(
        appointment=appointment,
        kind=ReminderKind.APPOINTMENT_REMINDER,
        status=ReminderStatus.PENDING,
    ).order_by("due_at")
    assert [r.due_at for r in pending] == [
        later - dt.timedelta(hours=48),
        later - dt.timedelta(hours=24),
    ]
    cancelled = Reminder.objects.filter(
        appointment=appointment,
        kind=ReminderKind.APPOINTMENT_REMINDER,
        status=ReminderStatus.CANCELLED,
    )
    assert sorted(r.due_at for r in cancelled) == [
        start - dt.timedelta(hours=48),
        start - dt.timedelta(hours=24),
    ]
    assert all(r.last_error == "The appointment moved." for r in cancelled)
    [notice] = Reminder.objects.filter(appointment=appointment, kind=ReminderKind.APPOINTMENT_MOVED)
    assert notice.data["moved_from"] == start.astimezone(dt.UTC).isoformat()


def test_moving_back_to_the_first_time_brings_its_reminders_back_not_copies(clinic):
    start = at(clinic.day, "10:00")
    appointment = book(clinic, start)
    booking_move(appointment=appointment, starts_at=start + dt.timedelta(days=1))
    booking_move(appointment=appointment, starts_at=start)

    pending = Reminder.objects.filter(
        appointment=appointment,
        kind=ReminderKind.APPOINTMENT_REMINDER,
        status=ReminderStatus.PENDING,
    )
    assert sorted(r.due_at for r in pending) == [
        start - dt.timedelta(hours=48),
        start - dt.timedelta(hours=24),
    ]
    # Two start times seen, two reminders each: nothing duplicated.
    assert (
        Reminder.objects.filter(
            appointment=appointment, kind=ReminderKind.APPOINTMENT_REMINDER
        ).count()
        == 4
    )


def test_cancelling_an_appointment_cancels_its_reminders(clinic):
    appointment = book(clinic, at(clinic.day, "10:00"))
    booking_cancel(appointment=appointment, reason="Client is unwell", by=clinic.people.front_desk)

    statuses = {(r.kind, r.status) for r in Reminder.objects.filter(appointment=appointment)}
    assert (ReminderKind.APPOINTMENT_REMINDER, ReminderStatus.PENDING) not in statuses
    assert (ReminderKind.APPOINTMENT_REMINDER, ReminderStatus.CANCELLED) in statuses
    [notice] = Reminder.objects.filter(
        appointment=appointment, kind=ReminderKind.APPOINTMENT_CANCELLED
    )
    assert notice.status == ReminderStatus.PENDING
    assert notice.data == {"reason": "Client is unwell"}


def test_a_reminder_already_sent_is_not_touched_by_a_move(clinic):
    start = at(clinic.day, "10:00")
    appointment = book(clinic, start)
    Reminder.objects.filter(appointment=appointment, key__endswith=":48h").update(
        status=ReminderStatus.SENT, sent_at=timezone.now()
    )
    booking_move(appointment=appointment, starts_at=start + dt.timedelta(days=1))
    [sent] = Reminder.objects.filter(appointment=appointment, status=ReminderStatus.SENT)
    assert sent.due_at == start - dt.timedelta(hours=48)


def test_the_same_reminder_cannot_exist_twice(clinic):
    appointment = book(clinic, at(clinic.day, "10:00"))
    first = outbox.schedule(
        key="custom:1",
        client=appointment.client,
        kind=ReminderKind.GAP_INVITE,
        due_at=timezone.now() + dt.timedelta(days=7),
    )
    again = outbox.schedule(
        key="custom:1",
        client=appointment.client,
        kind=ReminderKind.GAP_INVITE,
        due_at=timezone.now() + dt.timedelta(days=8),
    )
    assert again.pk == first.pk
    assert Reminder.objects.filter(key="custom:1").count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Reminder.objects.create(
            key="custom:1",
            client=appointment.client,
            kind=ReminderKind.GAP_INVITE,
            due_at=timezone.now(),
        )


def test_the_clinic_sets_when_appointment_reminders_go(clinic):
    MessageTemplate.objects.update_or_create(
        kind=ReminderKind.APPOINTMENT_REMINDER,
        defaults={
            "subject": "Reminder",
            "email_text": "See you soon, {first_name}.",
            "sms_text": "See you soon.",
            "offsets": [72],
            "enabled": True,
        },
    )
    start = at(clinic.day + dt.timedelta(days=7), "10:00")
    appointment = book(clinic, start)
    [reminder] = Reminder.objects.filter(
        appointment=appointment, kind=ReminderKind.APPOINTMENT_REMINDER
    )
    assert reminder.due_at == start - dt.timedelta(hours=72)

    MessageTemplate.objects.filter(kind=ReminderKind.APPOINTMENT_REMINDER).update(enabled=False)
    other = book(clinic, start + dt.timedelta(days=1), client=clinic.people.record_b)
    assert not Reminder.objects.filter(
        appointment=other, kind=ReminderKind.APPOINTMENT_REMINDER
    ).exists()


@pytest.mark.parametrize(
    "sunday",
    [
        CLOCKS_GO_BACK,  # the clocks go back at 02:00 that Sunday
        CLOCKS_GO_FORWARD,  # they go forward at 01:00 that Sunday
    ],
)
def test_reminders_keep_the_clinic_clock_across_a_clock_change(sunday):
    # An appointment at 10:00 on the Monday after: reminded 48 and 24 hours before on the
    # clinic's clock, 10:00 on the Saturday and the Sunday.
    one_day = dt.timedelta(days=1)
    start = at(sunday + one_day, "10:00")
    due = [wall_clock_before(start, hours) for hours in (48, 24)]
    local = [d.astimezone(LONDON) for d in due]
    assert [(d.date(), d.hour, d.minute) for d in local] == [
        (sunday - one_day, 10, 0),
        (sunday, 10, 0),
    ]


def test_an_appointment_cannot_be_moved_into_the_past_and_keeps_its_reminders(clinic):
    start = at(clinic.day, "10:00")
    appointment = book(clinic, start)
    before = sorted(
        (r.key, r.status, r.due_at) for r in Reminder.objects.filter(appointment=appointment)
    )
    yesterday = timezone.now() - dt.timedelta(days=1)

    with pytest.raises(BookingRefused):
        booking_move(
            appointment=appointment,
            starts_at=yesterday.replace(hour=10, minute=0),
            by=clinic.people.manager,
            outside_hours_note="Entered late",
        )

    after = sorted(
        (r.key, r.status, r.due_at) for r in Reminder.objects.filter(appointment=appointment)
    )
    assert after == before


def test_a_late_move_only_keeps_reminders_whose_moment_is_still_ahead(clinic):
    appointment = book(clinic, at(clinic.day, "10:00"))
    soon = (timezone.now() + dt.timedelta(hours=30)).replace(minute=0, second=0, microsecond=0)
    booking_move(
        appointment=appointment,
        starts_at=soon,
        by=clinic.people.manager,
        outside_hours_note="Squeezed in",
    )
    pending = Reminder.objects.filter(
        appointment=appointment,
        kind=ReminderKind.APPOINTMENT_REMINDER,
        status=ReminderStatus.PENDING,
    )
    assert [r.data["hours_before"] for r in pending] == [24]
    assert all(r.due_at > timezone.now() for r in pending)
