"""Why a message was not sent, the kinds' names and the preview's sample, in the reader's
language: the reasons are kept in English on the reminder and worded when shown, so rows
written before a reader chose Spanish read in Spanish too."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reminders import dispatch
from reminders.kinds import reason_shown
from reminders.models import Reminder, ReminderKind, ReminderStatus
from reminders.wording import sample_values
from scheduling.booking import booking_create
from scheduling.models import Appointment, AppointmentStatus
from scheduling.tests.api_fixtures import make_clinic
from tests.clock import at

pytestmark = pytest.mark.django_db

LIST = reverse("reminders:list")


def skipped(client, last_error, kind=ReminderKind.TOUCH_UP_RECALL):
    return Reminder.objects.create(
        key=f"test:{Reminder.objects.count()}",
        client=client,
        kind=kind,
        status=ReminderStatus.SKIPPED,
        due_at=timezone.now() - dt.timedelta(days=1),
        last_error=last_error,
    )


def spanish(user):
    user.language = "es"
    user.save(update_fields=["language"])
    return user


def test_stored_reasons_read_in_spanish_and_stay_english_for_english_readers():
    stored = (
        "The client has not agreed to reminders.",
        "The appointment is no-show.",
        "Session 3 is already booked.",
        "Retried by Morgan Hale: The appointment's time has passed.",
        "Email not sent: connection refused",  # a provider's error: shown as it came
    )
    with translation.override("es"):
        assert [reason_shown(text) for text in stored] == [
            "El cliente no ha aceptado recibir recordatorios.",
            "La cita tiene el estado «no se presentó».",
            "La sesión 3 ya está reservada.",
            "Reintentado por Morgan Hale: La hora de la cita ya ha pasado.",
            "Email not sent: connection refused",
        ]
    with translation.override("en-gb"):
        assert [reason_shown(text) for text in stored] == list(stored)


def test_a_spanish_manager_reads_why_messages_were_not_sent(people, as_user):
    record = people.record_a
    skipped(record, "The client has not agreed to reminders.")
    skipped(record, "The treatment plan no longer exists.", kind=ReminderKind.GAP_INVITE)
    browser = as_user(spanish(people.manager))
    page = browser.get(LIST + "?tab=not_sent").content.decode()
    assert "El cliente no ha aceptado recibir recordatorios." in page
    assert "El plan de tratamiento ya no existe." in page
    assert "Aviso de retoque" in page  # the kind's name
    assert "Touch-up recall" not in page and "no longer exists" not in page
    card = browser.get(reverse("clients:detail", args=[record.pk])).content.decode()
    assert "El cliente no ha aceptado recibir recordatorios." in card
    assert "has not agreed" not in card


def test_a_message_the_diary_no_longer_wants_says_why_in_the_readers_language(people, as_user):
    """A reminder of an appointment cancelled since: skipped by the dispatcher with the
    English words, read in Spanish by a Spanish reader and in English by the others."""
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


def test_the_kinds_names_are_in_the_readers_language():
    with translation.override("es"):
        assert str(ReminderKind.APPOINTMENT_REMINDER.label) == "Recordatorio de la cita"
        assert dict(ReminderKind.choices)["touch_up_recall"] == "Aviso de retoque"
    with translation.override("en-gb"):
        assert str(ReminderKind.APPOINTMENT_REMINDER.label) == "Appointment reminder"


def test_the_preview_sample_is_in_the_readers_language():
    with translation.override("es"):
        values = sample_values(ReminderKind.AFTERCARE)
        assert values["aftercare_title"] == "Manténgalo seco"
        assert sample_values(ReminderKind.RECEIPT)["receipt_number"] == "Recibo 000042"
    with translation.override("en-gb"):
        assert sample_values(ReminderKind.AFTERCARE)["aftercare_title"] == "Keep it dry"


def test_a_spanish_manager_previews_a_message_with_spanish_sample_values(people, as_user):
    browser = as_user(spanish(people.manager))
    response = browser.post(
        reverse("message_settings:preview", kwargs={"kind": ReminderKind.APPOINTMENT_REMINDER}),
        {"subject": "{appointment_type}", "email_text": "{appointment_type}", "sms_text": "x"},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Sesión de tratamiento" in page
    assert "Treatment session" not in page


def test_a_moved_appointments_cancelled_reminder_reads_in_spanish_with_its_status(people, as_user):
    """Moving a booking cancels its reminders with the English reason; a Spanish reader sees
    the reason and the reminder's status in Spanish, an English reader as before."""
    from scheduling.booking import booking_move

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
