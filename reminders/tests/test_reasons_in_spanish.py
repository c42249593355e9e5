"""Why a message was not sent, the kinds' names and the preview's sample, in the reader's
language: the reasons are kept in English on the reminder and worded when shown, so rows
written before a reader chose Spanish read in Spanish too."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from reminders.kinds import reason_shown
from reminders.models import Reminder, ReminderKind, ReminderStatus
from reminders.wording import sample_values

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
