"""Text messages go out through Twilio's own library, to a stand-in of Twilio's API.

The outbox sends as it always does; with SMS_BACKEND=reminders.sms.TwilioBackend each
text is a POST to Twilio's Messages resource, the message id Twilio answers is kept on
the reminder, and Twilio's refusals are told apart from failures worth another try.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import quote

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from reminders import dispatch
from reminders.checks import twilio_configured
from reminders.models import (
    Channel,
    DeliveryStatus,
    Reminder,
    ReminderKind,
    ReminderSettings,
    ReminderStatus,
)
from reminders.sms import TwilioBackend
from reminders.tests.twilio_standin import ACCOUNT_SID, FROM_NUMBER, SITE_URL
from scheduling.booking import booking_create
from scheduling.tests.api_fixtures import make_clinic
from tests.clock import at

ANNA_MOBILE = "+447911123001"


@pytest.fixture
def clinic(people):
    """The open clinic; Anna prefers texts and agreed to reminders; no quiet hours."""
    ReminderSettings.objects.update_or_create(
        pk=1, defaults={"quiet_hours_start": dt.time(0, 0), "quiet_hours_end": dt.time(0, 0)}
    )
    people.record_a.preferred_channel = "sms"
    people.record_a.contact_consent = True
    people.record_a.save()
    return make_clinic(people)


def book_anna(clinic, hhmm: str = "10:00"):
    """A consultation for Anna, booked at the desk: its confirmation is due at once."""
    return booking_create(
        client=clinic.people.record_a,
        appointment_type=clinic.consultation,
        artist=clinic.artist,
        starts_at=at(clinic.day, hhmm),
        by=clinic.people.front_desk,
    )


def confirmation_of(appointment) -> Reminder:
    return Reminder.objects.get(appointment=appointment, kind=ReminderKind.BOOKING_CONFIRMATION)


def test_a_booking_confirmation_goes_through_twilio_and_its_id_is_kept(clinic, twilio_standin):
    appointment = book_anna(clinic)

    assert dispatch.dispatch_due() == 1

    reminder = confirmation_of(appointment)
    [request] = twilio_standin.requests
    assert request["path"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json"
    fields = request["fields"]
    assert fields["To"] == ANNA_MOBILE
    assert fields["From"] == FROM_NUMBER
    assert "MessagingServiceSid" not in fields
    assert fields["Body"].startswith("Hi Anna, your Free consultation at SMP Clinic is booked")
    assert fields["StatusCallback"] == (
        f"{SITE_URL}/sms/twilio/status/?reference={quote(f'reminder-{reminder.pk}')}"
    )
    [sid] = twilio_standin.messages
    assert (reminder.status, reminder.channel, reminder.sent_to) == (
        ReminderStatus.SENT,
        Channel.SMS,
        ANNA_MOBILE,
    )
    assert reminder.provider_message_id == sid
    # Twilio's "queued" is no report on delivery yet.
    assert reminder.delivery_status == DeliveryStatus.UNKNOWN
    assert mail.outbox == []


def test_through_a_messaging_service_twilio_picks_the_sender(clinic, twilio_standin, settings):
    settings.TWILIO_MESSAGING_SERVICE_SID = "MG" + "1" * 32
    appointment = book_anna(clinic)

    dispatch.dispatch_due()

    [request] = twilio_standin.requests
    assert request["fields"]["MessagingServiceSid"] == settings.TWILIO_MESSAGING_SERVICE_SID
    assert "From" not in request["fields"]
    reminder = confirmation_of(appointment)
    assert reminder.status == ReminderStatus.SENT
    assert reminder.provider_message_id in twilio_standin.messages


@pytest.mark.parametrize(
    ("code", "words"),
    [
        (21211, "Not a number that can take text messages (Twilio 21211)"),
        (21610, "The client has replied STOP to the clinic's texts (Twilio 21610)"),
        (21408, "Twilio error 21408: Refused"),
    ],
)
def test_a_number_twilio_refuses_fails_at_once_with_the_reason(clinic, twilio_standin, code, words):
    twilio_standin.refuse(ANNA_MOBILE, code)
    appointment = book_anna(clinic)

    assert dispatch.dispatch_due() == 0

    reminder = confirmation_of(appointment)
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == 1  # not tried again: the answer would be the same
    assert words in reminder.last_error
    assert reminder.last_error.startswith("SMS refused")
    assert reminder.provider_message_id == ""
    assert len(twilio_standin.requests) == 1


@pytest.mark.parametrize(
    ("status", "words"), [(500, "Internal Server Error"), (503, "20500"), (429, "Too Many")]
)
def test_a_server_error_or_too_many_requests_is_tried_again_later(
    clinic, twilio_standin, status, words
):
    twilio_standin.fail_next(status)
    appointment = book_anna(clinic)
    before = timezone.now()

    assert dispatch.dispatch_due() == 0

    reminder = confirmation_of(appointment)
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.due_at >= before + dt.timedelta(seconds=55)  # the first back-off
    assert words in reminder.last_error and reminder.last_error.startswith("SMS not sent")

    # A minute later Twilio answers again: the same message goes, once.
    Reminder.objects.filter(pk=reminder.pk).update(due_at=timezone.now())
    assert dispatch.dispatch_due() == 1
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.provider_message_id in twilio_standin.messages
    assert len(twilio_standin.messages) == 1
    assert len(twilio_standin.requests) == 2


def test_twilio_not_answering_in_time_is_tried_again(clinic, twilio_standin, settings):
    settings.TWILIO_TIMEOUT_SECONDS = 0.3
    twilio_standin.delay_next(1.5)
    appointment = book_anna(clinic)

    assert dispatch.dispatch_due() == 0

    reminder = confirmation_of(appointment)
    assert reminder.status == ReminderStatus.PENDING
    assert "Twilio could not be reached" in reminder.last_error


def test_nothing_listening_at_the_address_is_tried_again(clinic, twilio_standin, settings):
    twilio_standin.server.shutdown()
    twilio_standin.server.server_close()
    appointment = book_anna(clinic)

    dispatch.dispatch_due()

    reminder = confirmation_of(appointment)
    assert reminder.status == ReminderStatus.PENDING
    assert "Twilio could not be reached" in reminder.last_error


def test_credentials_twilio_refuses_keep_the_message_for_when_they_are_fixed(
    clinic, twilio_standin, settings
):
    settings.TWILIO_AUTH_TOKEN = "not-the-token"
    appointment = book_anna(clinic)

    dispatch.dispatch_due()

    reminder = confirmation_of(appointment)
    assert reminder.status == ReminderStatus.PENDING
    assert "20003" in reminder.last_error and "Authenticate" in reminder.last_error


def test_texts_stopped_by_the_client_go_by_email_instead(clinic, twilio_standin):
    anna = clinic.people.record_a
    anna.sms_opted_out = True
    anna.save()
    appointment = book_anna(clinic)

    assert dispatch.dispatch_due() == 1

    reminder = confirmation_of(appointment)
    assert (reminder.channel, reminder.sent_to) == (Channel.EMAIL, "anna@clinic.test")
    assert twilio_standin.requests == []
    assert [m.to for m in mail.outbox] == [["anna@clinic.test"]]


def test_texts_stopped_and_no_email_means_not_sent_with_the_reason(clinic, twilio_standin):
    anna = clinic.people.record_a
    anna.sms_opted_out = True
    anna.email = ""
    anna.save()
    appointment = book_anna(clinic)

    assert dispatch.dispatch_due() == 0

    reminder = confirmation_of(appointment)
    assert reminder.status == ReminderStatus.SKIPPED
    assert "stopped text messages" in reminder.last_error
    assert twilio_standin.requests == []
    assert mail.outbox == []


def test_without_an_account_the_backend_says_what_is_missing(settings):
    settings.SMS_BACKEND = "reminders.sms.TwilioBackend"
    settings.TWILIO_ACCOUNT_SID = ""
    settings.TWILIO_AUTH_TOKEN = ""
    settings.TWILIO_FROM_NUMBER = ""
    settings.TWILIO_MESSAGING_SERVICE_SID = ""

    with pytest.raises(ImproperlyConfigured, match="TWILIO_ACCOUNT_SID"):
        TwilioBackend()
    problems = [error.msg for error in twilio_configured()]
    assert problems == [
        "Text messages go through Twilio but TWILIO_ACCOUNT_SID is not set.",
        "Text messages go through Twilio but TWILIO_AUTH_TOKEN is not set.",
        "Text messages go through Twilio but TWILIO_FROM_NUMBER or "
        "TWILIO_MESSAGING_SERVICE_SID is not set.",
    ]

    settings.SMS_BACKEND = "reminders.sms.ConsoleBackend"
    assert twilio_configured() == []
