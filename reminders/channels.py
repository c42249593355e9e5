"""Who gets a reminder, how, and when it may go: email or SMS, opt-out, quiet hours.

`choose` picks the channel and address from the client's record as it is at
sending time (so a changed preference or a withdrawn agreement counts), and
`deliver` hands the composed message to the email or SMS backend.
"""

from __future__ import annotations

import datetime as dt
import smtplib

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from smpclinic.clinic import clinic_zone, local_datetime

from . import sms
from .kinds import is_service
from .models import Channel, Reminder, ReminderSettings


class NoRecipient(Exception):
    """Nobody to send to (no address, or the client has not agreed); str() says why."""


class DeliveryFailed(Exception):
    """The channel did not take the message; `retry` says whether trying again may help."""

    def __init__(self, message: str, *, retry: bool = True):
        super().__init__(message)
        self.retry = retry


def choose(reminder: Reminder) -> tuple[str, str]:
    """(channel, address) for this reminder, honouring the client's preference and agreement.

    Service messages (confirmations, the forms link, replies) go to every client with an
    address; reminders and follow-ups only to clients who agreed to be contacted.
    """
    client = reminder.client
    if not is_service(reminder.kind) and not client.contact_consent:
        raise NoRecipient("The client has not agreed to reminders.")
    phone = client.phone.as_e164 if client.phone else ""
    # The client's preferred channel uses the same names as ours ("email", "sms").
    if client.preferred_channel == Channel.SMS and phone:
        return Channel.SMS, phone
    if client.email:
        return Channel.EMAIL, client.email
    if phone:
        return Channel.SMS, phone
    raise NoRecipient("No email address or mobile number on the client's record.")


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


def deliver(channel: str, address: str, composed, reminder: Reminder) -> None:
    """Send one composed message. Raises DeliveryFailed."""
    deliver_to(channel, address, composed, reference=f"reminder-{reminder.pk}")


def deliver_to(channel: str, address: str, composed, *, reference: str) -> None:
    """Hand a composed message to the email or SMS backend, with a reference the provider
    can use to drop repeats. Raises DeliveryFailed."""
    if channel == Channel.SMS:
        try:
            sms.get_backend().send(to=address, body=composed.sms, reference=reference)
        except sms.SmsRejected as error:
            raise DeliveryFailed(f"SMS refused: {error}", retry=False) from error
        except (sms.SmsDeliveryError, OSError) as error:
            raise DeliveryFailed(f"SMS not sent: {error}") from error
        return
    message = EmailMultiAlternatives(
        subject=composed.subject,
        body=composed.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers={"X-Reminder-Reference": reference},
    )
    if composed.html:
        message.attach_alternative(composed.html, "text/html")
    for filename, content, mimetype in composed.attachments:
        message.attach(filename, content, mimetype)
    try:
        message.send()
    except smtplib.SMTPRecipientsRefused as error:
        raise DeliveryFailed(f"Email address refused: {error}", retry=False) from error
    except (smtplib.SMTPException, OSError) as error:
        raise DeliveryFailed(f"Email not sent: {error}") from error
