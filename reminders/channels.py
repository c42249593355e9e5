"""Who gets a reminder, how, and when it may go: email or SMS, opt-out, quiet hours.

`choose` picks the channel and address from the client's record as it is at
sending time (so a changed preference, a withdrawn agreement or an address that
bounces counts), and `deliver` hands the composed message to the email or SMS
backend, returning the provider's id of the message where it gives one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import smtplib

from anymail.exceptions import AnymailError, AnymailRecipientsRefused
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.translation import gettext_noop

from smpclinic.clinic import clinic_zone, local_datetime

from . import deliverability, selectors, sms
from .kinds import is_service, reason, reason_value
from .models import Channel, EmailSuppression, Reminder, ReminderSettings, SuppressionReason


class NoRecipient(Exception):
    """Nobody to send to (no address, or the client has not agreed); str() says why, in
    English (a declared reason, shown to staff in their language as NotWanted's are)."""

    def __init__(self, reason: str, **values):
        super().__init__(reason % values if values else reason)


# Why a message is not sent: kept in English on the reminder, shown to staff in their
# language (reminders.kinds.reason_shown).
NO_AGREEMENT = reason(gettext_noop("The client has not agreed to reminders."))
EMAIL_BLOCKED = reason(
    gettext_noop(
        "Not sent: Email to %(address)s bounces (%(why)s since %(since)s). Once the client's "
        "mailbox works again, clear the block on their record, or give them a new address."
    )
)
TEXTS_STOPPED = reason(
    gettext_noop("The client has stopped text messages (replied STOP) and has no email address.")
)
# Why the address is blocked, in English whatever language is active when it is written.
BLOCK_WORDS = {
    SuppressionReason.BOUNCED: reason_value("hard bounce", SuppressionReason.BOUNCED.label),
    SuppressionReason.COMPLAINED: reason_value(
        "spam complaint", SuppressionReason.COMPLAINED.label
    ),
    SuppressionReason.REFUSED: reason_value(
        "refused by the email provider", SuppressionReason.REFUSED.label
    ),
}
NO_ADDRESS = reason(gettext_noop("No email address or mobile number on the client's record."))


class DeliveryFailed(Exception):
    """The channel did not take the message; `retry` says whether trying again may help."""

    def __init__(self, message: str, *, retry: bool = True):
        super().__init__(message)
        self.retry = retry


def choose(
    reminder: Reminder, blocked: dict[str, EmailSuppression] | None = None
) -> tuple[str, str]:
    """(channel, address) for this reminder, honouring the client's preference and agreement.

    Service messages (confirmations, the forms link, replies) go to every client with an
    address; reminders and follow-ups only to clients who agreed to be contacted. An email
    address that bounces for good or marked the clinic's mail as spam
    (reminders.deliverability) is not used: a client with a mobile number gets a text
    instead, one without gets nothing, and the reminder says why. `blocked` is the batch's
    standing blocks by address, read in one query (reminders.dispatch); without it the
    client's address is looked up. A client who replied STOP gets no text message of any
    kind until they reply START: what would have gone by text goes by email when there is
    a usable address.
    """
    client = reminder.client
    if not is_service(reminder.kind) and not client.contact_consent:
        raise NoRecipient(NO_AGREEMENT)
    texts_stopped = client.sms_opted_out
    phone = client.phone.as_e164 if client.phone and not texts_stopped else ""
    # The client's preferred channel uses the same names as ours ("email", "sms").
    if client.preferred_channel == Channel.SMS and phone:
        return Channel.SMS, phone
    block = None
    if client.email:
        if blocked is None:
            block = selectors.email_suppression_for(client.email)
        else:
            block = blocked.get(deliverability.normalise_address(client.email))
        if block is None:
            return Channel.EMAIL, client.email
    if phone:
        return Channel.SMS, phone
    if block is not None:
        raise NoRecipient(
            EMAIL_BLOCKED,
            address=block.address,
            why=BLOCK_WORDS.get(block.reason, block.reason),
            since=format_date(timezone.localtime(block.since, clinic_zone()), "j F Y"),
        )
    if texts_stopped and client.phone:
        raise NoRecipient(TEXTS_STOPPED)
    raise NoRecipient(NO_ADDRESS)


def quiet_until(
    channel: str, now: dt.datetime, rules: ReminderSettings | None = None
) -> dt.datetime | None:
    """When an SMS may go if `now` is in the clinic's quiet hours (None: it may go now).

    Quiet hours are wall-clock times in the clinic's zone (e.g. 21:00–08:00), so they
    stay put when the clocks change. Email is never held back.
    """
    if channel != Channel.SMS:
        return None
    rules = rules or ReminderSettings.current()
    start, end = rules.quiet_hours_start, rules.quiet_hours_end
    if start == end:
        return None
    zone = clinic_zone()
    local = now.astimezone(zone)
    at = local.time()
    if start < end:
        quiet = start <= at < end
        end_day = local.date()
    else:  # over midnight, e.g. 21:00–08:00
        quiet = at >= start or at < end
        end_day = local.date() + dt.timedelta(days=1) if at >= start else local.date()
    if not quiet:
        return None
    return local_datetime(end_day, end, zone)


@contextlib.contextmanager
def email_connection():
    """One connection to the email backend for a batch of messages, closed at its end.

    An SMTP server is then greeted once a batch instead of once a message (an API
    provider's session is kept the same way). It opens with the batch's first email, and
    after a failed send it is closed, so the next message starts on a fresh one.
    """
    connection = get_connection()
    try:
        yield connection
    finally:
        _close_quietly(connection)


def _close_quietly(connection) -> None:
    with contextlib.suppress(Exception):  # a connection already broken has nothing to close
        connection.close()


def _send_email(message: EmailMultiAlternatives, connection) -> None:
    if connection is None:
        message.send()
        return
    try:
        connection.open()  # a no-op while it is open
        message.connection = connection
        message.send()
    except BaseException:
        _close_quietly(connection)
        raise


def deliver(channel: str, address: str, composed, reminder: Reminder, *, connection=None) -> str:
    """Send one reminder's composed message; the provider's id of it, or "" if it gives
    none. Raises DeliveryFailed. `connection` is the batch's email connection (see
    email_connection); without it, the message opens its own."""
    return deliver_to(
        channel,
        address,
        composed,
        reference=reminder.reference,
        reminder=reminder,
        connection=connection,
    )


def deliver_to(
    channel: str,
    address: str,
    composed,
    *,
    reference: str,
    reminder: Reminder | None = None,
    connection=None,
) -> str:
    """Hand a composed message to the email or SMS backend, with a reference the provider
    can use to drop repeats (and that comes back in its reports); the provider's id of it,
    or "". Raises DeliveryFailed."""
    if channel == Channel.SMS:
        try:
            receipt = sms.get_backend().send(to=address, body=composed.sms, reference=reference)
        except sms.SmsRejected as error:
            raise DeliveryFailed(f"SMS refused: {error}", retry=False) from error
        except (sms.SmsDeliveryError, OSError) as error:
            raise DeliveryFailed(f"SMS not sent: {error}") from error
        return receipt.message_id if receipt is not None else ""
    message = EmailMultiAlternatives(
        subject=composed.subject,
        body=composed.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"X-Reminder-Reference": reference},
    )
    # For a provider reached through django-anymail (EMAIL_PROVIDER): the reference comes
    # back in its delivery reports (reminders.email_tracking), and the kind files the
    # message in the provider's statistics. Other backends ignore both.
    message.metadata = {"reminder": reference}
    message.tags = [reminder.kind if reminder is not None else "test"]
    if composed.html:
        message.attach_alternative(composed.html, "text/html")
    for filename, content, mimetype in composed.attachments:
        message.attach(filename, content, mimetype)
    try:
        _send_email(message, connection)
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryFailed(f"Email address refused: {error}", retry=False) from error
    except AnymailRecipientsRefused as error:
        if reminder is not None:
            _record_refusal(message, address, reminder, error)
        raise DeliveryFailed(
            f"The email provider refused the address: {_provider_words(error)}", retry=False
        ) from error
    except AnymailError as error:
        raise DeliveryFailed(f"Email not sent: {error}") from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryFailed(f"Email not sent: {error}") from error
    status = getattr(message, "anymail_status", None)
    message_id = getattr(status, "message_id", None)
    return message_id if isinstance(message_id, str) else ""


def _provider_words(error: AnymailError) -> str:
    """The provider's own message from its answer, else anymail's description."""
    try:
        words = error.response.json().get("Message")
    except (AttributeError, ValueError):
        words = None
    if words:
        return str(words)[:500]
    return (str(error.args[0]) if error.args else str(error))[:500]


def _record_refusal(message, address: str, reminder: Reminder, error: AnymailError) -> None:
    """The provider refuses an address it knows is dead ("inactive", "suppressed"): block
    it here too. One it finds malformed is not blocked: the record needs fixing first."""
    status = getattr(message, "anymail_status", None)
    recipients = getattr(status, "recipients", {}) or {}
    refused = {
        email.lower()
        for email, recipient in recipients.items()
        if getattr(recipient, "status", None) == "rejected"
    }
    if deliverability.normalise_address(address) not in refused:
        return
    deliverability.email_event_record(
        event=deliverability.EmailEvent.REFUSED,
        recipient=address,
        reference=reminder.reference,
        description=_provider_words(error),
        provider=getattr(error, "esp_name", "") or "",
    )
