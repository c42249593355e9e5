"""A booking cancelled or moved since its messages were written: the reason is kept in
English on the reminder and read by staff in their language, with the reminder's state."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reminders import dispatch
from reminders.models import Reminder, ReminderKind, ReminderStatus
from scheduling.booking import booking_create, booking_move
from scheduling.models import Appointment, AppointmentStatus
from scheduling.tests.api_fixtures import make_clinic
from tests.clock import at

pytestmark = pytest.mark.django_db


def spanish(user):
    user.language = "es"
    user.save(update_fields=["language"])
    return user


def _booked_at_ten(people):
    """A client who agreed to messages, booked for a treatment at 10:00 on the clinic's day."""
    clinic = make_clinic(people)
    people.record_a.contact_consent = True
    people.record_a.save()
    appointment = booking_create(
        client=people.record_a,
        appointment_type=clinic.treatment,
        artist=clinic.artist,
        starts_at=at(clinic.day, "10:00"),
        room=clinic.room1,
        by=people.front_desk,
    )
    return clinic, appointment


def test_a_message_the_diary_no_longer_wants_says_why_in_the_readers_language(people, as_user):
    """A reminder of an appointment cancelled since: skipped by the dispatcher with the
    English words, read in Spanish by a Spanish reader and in English by the others."""
    clinic, appointment = _booked_at_ten(people)
    # Cancelled since, its reminder still in the queue.
    Appointment.objects.filter(pk=appointment.pk).update(status=AppointmentStatus.CANCELLED)
    reminder = Reminder.objects.create(
        key="test:cancelled-since",
        client=people.record_a,
        kind=ReminderKind.APPOINTMENT_REMINDER,
        appointment=appointment,
        due_at=timezone.now() - dt.timedelta(minutes=1),
    )
    dispatch.dispatch_due()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.last_error) == (
        ReminderStatus.SKIPPED,
        "The appointment was cancelled.",
    )
    english = as_user(people.front_desk).get(reverse("clients:detail", args=[people.record_a.pk]))
    assert "The appointment was cancelled." in english.content.decode()
    page = as_user(spanish(people.manager)).get(
        reverse("clients:detail", args=[people.record_a.pk])
    )
    assert "La cita se ha cancelado." in page.content.decode()


def test_a_moved_appointments_cancelled_reminder_reads_in_spanish_with_its_status(people, as_user):
    """Moving a booking cancels its reminders with the English reason; a Spanish reader sees
    the reason and the reminder's status in Spanish, an English reader as before."""
    clinic, appointment = _booked_at_ten(people)
    booking_move(appointment=appointment, starts_at=at(clinic.day, "14:00"), by=people.front_desk)
    moved = Reminder.objects.filter(
        appointment=appointment,
        kind=ReminderKind.APPOINTMENT_REMINDER,
        status=ReminderStatus.CANCELLED,
    )
    assert moved.exists()
    assert set(moved.values_list("last_error", flat=True)) == {"The appointment moved."}
    record = reverse("clients:detail", args=[people.record_a.pk])
    english = as_user(people.front_desk).get(record).content.decode()
    assert "The appointment moved." in english and ">Cancelled</span>" in english
    page = as_user(spanish(people.manager)).get(record).content.decode()
    assert "La cita ha cambiado de hora." in page
    assert ">Cancelado</span>" in page and ">Pendiente</span>" in page
    assert "The appointment moved." not in page
