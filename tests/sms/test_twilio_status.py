"""Twilio's delivery reports: signed, recorded on the reminder, harmless when repeated.

Each report is built as Twilio posts it (form fields to the StatusCallback the message
was sent with) and signed with the library's RequestValidator, then posted through
Django's test client.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from reminders import dispatch
from reminders.models import DeliveryStatus, Reminder, ReminderKind, ReminderSettings
from reminders.tests.twilio_standin import AUTH_TOKEN, SITE_URL, signed
from scheduling.booking import booking_create
from scheduling.tests.api_fixtures import make_clinic
from tests.clock import at

STATUS_URL = "/sms/twilio/status/"


@pytest.fixture
def clinic(people):
    ReminderSettings.objects.update_or_create(
        pk=1, defaults={"quiet_hours_start": dt.time(0, 0), "quiet_hours_end": dt.time(0, 0)}
    )
    for record in (people.record_a, people.record_b):
        record.preferred_channel = "sms"
        record.save()
    return make_clinic(people)


def book(clinic, client, hhmm: str):
    return booking_create(
        client=client,
        appointment_type=clinic.consultation,
        artist=clinic.artist,
        starts_at=at(clinic.day, hhmm),
        by=clinic.people.front_desk,
    )


@pytest.fixture
def sent(clinic, twilio_standin):
    """Anna's booking confirmation, sent by text through the stand-in: (reminder, its id)."""
    appointment = book(clinic, clinic.people.record_a, "10:00")
    assert dispatch.dispatch_due() == 1
    reminder = Reminder.objects.get(appointment=appointment, kind=ReminderKind.BOOKING_CONFIRMATION)
    return reminder, reminder.provider_message_id


def post_report(client, report: dict, *, signature: str | None = None, params=None):
    """POST a report the way Twilio does: form-encoded, with X-Twilio-Signature."""
    headers = {}
    signature = report["signature"] if signature is None else signature
    if signature:
        headers["HTTP_X_TWILIO_SIGNATURE"] = signature
    return client.post(
        report["path"],
        data=urlencode(params if params is not None else report["params"]),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


def delivery(reminder) -> tuple[str, str]:
    reminder.refresh_from_db()
    return reminder.delivery_status, reminder.delivery_detail


def test_delivered_is_recorded_and_shown_to_staff(sent, twilio_standin, client, as_user, people):
    reminder, sid = sent

    # The steps before an outcome are not reports on the reminder: it is sent already.
    response = post_report(client, twilio_standin.status_report(sid, "sent"))
    assert (response.status_code, response.content) == (200, b"unchanged")
    assert delivery(reminder) == (DeliveryStatus.UNKNOWN, "")

    response = post_report(client, twilio_standin.status_report(sid, "delivered"))
    assert response.content == b"recorded"
    assert delivery(reminder) == (DeliveryStatus.DELIVERED, "")

    page = as_user(people.front_desk).get(reverse("reminders:list") + "?tab=sent")
    row = page.content.decode().split(f'href="/clients/{reminder.client_id}/"')[1].split("</tr>")[0]
    assert 'data-testid="delivery">Delivered<' in row
    record = as_user(people.front_desk).get(reverse("clients:detail", args=[reminder.client_id]))
    messages = record.content.decode().split('data-testid="client-messages"')[1]
    assert 'data-testid="delivery">Delivered<' in messages


def test_not_delivered_keeps_twilios_error_code(sent, twilio_standin, client, as_user, people):
    reminder, sid = sent

    post_report(client, twilio_standin.status_report(sid, "undelivered", error_code="30003"))

    words = "Twilio error 30003: the phone is switched off or out of reach"
    assert delivery(reminder) == (DeliveryStatus.NOT_DELIVERED, words)
    page = as_user(people.manager).get(reverse("reminders:list") + "?tab=sent")
    row = page.content.decode().split(f'href="/clients/{reminder.client_id}/"')[1].split("</tr>")[0]
    assert 'data-testid="delivery">Not delivered<' in row and words in row


def test_a_late_or_repeated_report_changes_nothing(sent, twilio_standin, client):
    reminder, sid = sent
    post_report(client, twilio_standin.status_report(sid, "delivered"))
    reminder.refresh_from_db()
    delivered_at = reminder.delivery_reported_at

    late = post_report(client, twilio_standin.status_report(sid, "sent"))
    again = post_report(client, twilio_standin.status_report(sid, "delivered"))
    # WhatsApp-style "read" says no more than "delivered" does.
    read = post_report(client, twilio_standin.status_report(sid, "read"))

    assert [r.content for r in (late, again, read)] == [b"unchanged"] * 3
    assert delivery(reminder) == (DeliveryStatus.DELIVERED, "")
    assert reminder.delivery_reported_at == delivered_at


def test_a_report_that_beats_the_saved_id_still_finds_its_reminder(clinic, twilio_standin, client):
    """Twilio can report "delivered" before the dispatcher has saved the message id: the
    reference in the report's address finds the reminder, and the dispatcher's own
    update afterwards keeps the report."""
    appointment = book(clinic, clinic.people.record_a, "10:00")
    reminder = Reminder.objects.get(appointment=appointment, kind=ReminderKind.BOOKING_CONFIRMATION)
    token, [claimed] = dispatch.claim_due()
    assert claimed == reminder.pk
    sid = twilio_standin.next_sid()
    callback = f"{SITE_URL}{STATUS_URL}?reference=reminder-{reminder.pk}"
    params = {"MessageSid": sid, "MessageStatus": "delivered", "To": "+447911123001"}
    report = {"path": callback.removeprefix(SITE_URL), "params": params}

    response = post_report(client, report, signature=signed(callback, params))

    assert response.content == b"recorded"
    assert dispatch.send_claimed(reminder.pk, token) == "sent"
    reminder.refresh_from_db()
    assert reminder.provider_message_id == sid
    assert reminder.delivery_status == DeliveryStatus.DELIVERED


@pytest.mark.parametrize(
    "forgery",
    ["missing", "wrong token", "other fields", "other address"],
)
def test_a_report_without_twilios_signature_is_refused_and_changes_nothing(
    sent, twilio_standin, client, forgery
):
    reminder, sid = sent
    report = twilio_standin.status_report(sid, "failed", error_code="30007")
    params = report["params"]
    signature = {
        "missing": "",
        "wrong token": signed(report["url"], params, token="someone-elses-token"),
        # Signed for "delivered", posted as "failed".
        "other fields": signed(report["url"], {**params, "MessageStatus": "delivered"}),
        # Signed for another reminder's address.
        "other address": signed(report["url"].replace("reminder-", "reminder-9"), params),
    }[forgery]

    response = post_report(client, report, signature=signature)

    assert response.status_code == 403
    assert delivery(reminder) == (DeliveryStatus.UNKNOWN, "")


def test_without_an_auth_token_every_report_is_refused(sent, twilio_standin, client, settings):
    reminder, sid = sent
    report = twilio_standin.status_report(sid, "delivered")
    settings.TWILIO_AUTH_TOKEN = ""

    assert post_report(client, report).status_code == 403
    assert delivery(reminder) == (DeliveryStatus.UNKNOWN, "")


def test_a_report_about_another_message_leaves_every_reminder_alone(
    clinic, sent, twilio_standin, client
):
    """A report for Ben's message posted with Anna's reminder in the address (signed, so
    only Twilio could have sent it) changes Ben's reminder by its id, not Anna's."""
    anna_reminder, anna_sid = sent
    ben_appointment = book(clinic, clinic.people.record_b, "11:00")
    dispatch.dispatch_due()
    ben_reminder = Reminder.objects.get(
        appointment=ben_appointment, kind=ReminderKind.BOOKING_CONFIRMATION
    )
    callback = f"{SITE_URL}{STATUS_URL}?reference=reminder-{anna_reminder.pk}"
    params = {"MessageSid": ben_reminder.provider_message_id, "MessageStatus": "delivered"}
    report = {"path": callback.removeprefix(SITE_URL), "params": params}

    post_report(client, report, signature=signed(callback, params))

    assert delivery(anna_reminder) == (DeliveryStatus.UNKNOWN, "")
    assert delivery(ben_reminder) == (DeliveryStatus.DELIVERED, "")


def test_a_report_about_a_message_nobody_sent_changes_nothing(sent, client):
    reminder, _ = sent
    callback = f"{SITE_URL}{STATUS_URL}"
    params = {"MessageSid": "SM" + "f" * 32, "MessageStatus": "delivered"}

    response = post_report(
        client, {"path": STATUS_URL, "params": params}, signature=signed(callback, params)
    )

    assert (response.status_code, response.content) == (200, b"unknown")
    assert delivery(reminder) == (DeliveryStatus.UNKNOWN, "")


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"MessageStatus": "delivered"}, b"needs the provider's message id"),
        ({"MessageSid": "SM1", "MessageStatus": "exploded"}, b"Unknown delivery status"),
        ({"MessageSid": "SM1"}, b"Unknown delivery status"),
    ],
)
def test_a_signed_report_missing_what_it_needs_is_a_clear_400(
    sent, client, params, words, settings
):
    reminder, _ = sent
    callback = f"{SITE_URL}{STATUS_URL}"

    response = post_report(
        client, {"path": STATUS_URL, "params": params}, signature=signed(callback, params)
    )

    assert response.status_code == 400 and words in response.content
    assert delivery(reminder) == (DeliveryStatus.UNKNOWN, "")


def test_the_report_address_takes_only_post(client, db, settings):
    settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
    assert client.get(STATUS_URL).status_code == 405
    assert reverse("sms_twilio:status") == STATUS_URL
