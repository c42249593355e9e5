"""Whether email and texts reach a client: the providers' delivery reports, addresses not to use.

The email provider reports what became of each message through its tracking webhook
(django-anymail turns every provider's report into one `tracking` signal, and
reminders.email_tracking hands each one here). The rules, in one place:

- **Delivered** or **delayed** (a soft bounce, a deferral) updates the reminder's
  delivery status and nothing else: a mailbox that is full today may work tomorrow.
  So does **not delivered** for a reason that is not the address (a virus or spam
  filter turned that one message away).
- **A permanent bounce or a spam complaint** blocks the address: an `EmailSuppression`
  row keyed by the lower-cased address, with the reason, when, and the provider's own
  words. The outbox sends no more email there (reminders.channels: a client with a
  mobile number gets text messages instead, one without is skipped, saying why), the
  client's record says "Email bouncing", and the reminder shows "Bounced" or "Marked
  as spam". The provider refusing an address outright when we send (it already knows
  the address bounces) blocks it the same way.
- A report never makes a reminder's status less final (delayed < delivered < bounced
  < spam complaint), and a blocked address keeps the reason and date it was first
  blocked: a report that comes twice (providers retry, or replay on request) changes
  nothing the second time. Once staff clear a block, only a report newer than the
  clearing blocks the address again.
- A report for a message the outbox does not know (an erased client's, a sign-in link,
  another system on the same provider account) still blocks a bouncing address, since
  that is about the address, not the message; a delivery report for it changes nothing.

The reminder is found by the reference the outbox sent with it (`Reminder.reference`, in
the provider's metadata), else by the provider's message id stored when it was sent.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from enum import StrEnum

from django.db import transaction
from django.utils import timezone

from .models import DeliveryStatus, EmailSuppression, Reminder, SuppressionReason

logger = logging.getLogger(__name__)

DESCRIPTION_MAX_LENGTH = 1000
_REFERENCE = re.compile(r"^reminder-(\d{1,18})$")


class EmailEvent(StrEnum):
    """What a provider's report says happened, in the outbox's terms."""

    DELIVERED = "delivered"
    # Not delivered yet, may still be: a deferral or a soft bounce.
    DELAYED = "delayed"
    # Will never be delivered to this address: a hard bounce, an invalid mailbox.
    BOUNCED = "bounced"
    # This message will not arrive, though the address works (a virus or spam filter).
    NOT_DELIVERED = "not_delivered"
    COMPLAINED = "complained"
    # The provider would not take the message at all: it knows the address is dead.
    REFUSED = "refused"


_STATUS_OF_EVENT = {
    EmailEvent.DELIVERED: DeliveryStatus.DELIVERED,
    EmailEvent.DELAYED: DeliveryStatus.DELAYED,
    EmailEvent.BOUNCED: DeliveryStatus.BOUNCED,
    EmailEvent.NOT_DELIVERED: DeliveryStatus.NOT_DELIVERED,
    EmailEvent.COMPLAINED: DeliveryStatus.COMPLAINED,
}
# How final each status is: a report never replaces a more final one.
_FINALITY = {
    DeliveryStatus.UNKNOWN: 0,
    DeliveryStatus.DELAYED: 1,
    DeliveryStatus.DELIVERED: 2,
    DeliveryStatus.NOT_DELIVERED: 3,
    DeliveryStatus.BOUNCED: 3,
    DeliveryStatus.COMPLAINED: 4,
}
_SUPPRESSION_OF_EVENT = {
    EmailEvent.BOUNCED: SuppressionReason.BOUNCED,
    EmailEvent.COMPLAINED: SuppressionReason.COMPLAINED,
    EmailEvent.REFUSED: SuppressionReason.REFUSED,
}


def normalise_address(address: str | None) -> str:
    """The form addresses are blocked under: trimmed and lower-cased ('' if not an address)."""
    address = (address or "").strip().lower()
    return address if "@" in address and len(address) <= 254 else ""


def _find_reminder(reference: str, message_id: str) -> Reminder | None:
    match = _REFERENCE.match(reference or "")
    if match:
        found = (
            Reminder.objects.select_for_update()
            .select_related("client")
            .filter(pk=int(match.group(1)))
            .first()
        )
        if found is not None:
            return found
    if message_id:
        return (
            Reminder.objects.select_for_update()
            .select_related("client")
            .filter(provider_message_id=message_id)
            .order_by("-pk")
            .first()
        )
    return None


def _report_on_reminder(reminder: Reminder, status, at: dt.datetime, detail: str):
    """Record a delivery status on the reminder unless it already has a final-er one."""
    if status is None or _FINALITY[status] <= _FINALITY[DeliveryStatus(reminder.delivery_status)]:
        return False
    reminder.delivery_status = status
    reminder.delivery_detail = detail
    reminder.delivery_reported_at = at
    reminder.save(
        update_fields=["delivery_status", "delivery_detail", "delivery_reported_at", "updated_at"]
    )
    return True


def _block(
    *,
    address: str,
    reason: SuppressionReason,
    at: dt.datetime,
    description: str,
    provider: str,
    message_id: str,
    client,
) -> tuple[EmailSuppression, bool]:
    """Block `address` (or leave an existing block as it is); (the row, whether it changed)."""
    values = {
        "reason": reason,
        "since": at,
        "description": description,
        "provider": provider[:50],
        "message_id": message_id[:200],
    }
    suppression, created = EmailSuppression.objects.get_or_create(
        address=address, defaults={**values, "client": client}
    )
    if created:
        return suppression, True
    suppression = EmailSuppression.objects.select_for_update().get(pk=suppression.pk)
    if suppression.cleared_at is None or at <= suppression.cleared_at:
        # Already blocked (the first report's reason and date stand), or a report from
        # before staff cleared it, sent again.
        return suppression, False
    for name, value in values.items():
        setattr(suppression, name, value)
    if client is not None:
        suppression.client = client
    suppression.cleared_at = None
    suppression.cleared_by = None
    suppression.save()
    return suppression, True


@transaction.atomic
def email_event_record(
    *,
    event: EmailEvent,
    recipient: str | None,
    message_id: str | None = "",
    reference: str | None = "",
    at: dt.datetime | None = None,
    description: str | None = "",
    provider: str = "",
) -> str:
    """Record one report from the email provider (see the module's rules); says what it did.

    `recipient` is the address the report is about, `message_id` the provider's id of
    the message, `reference` what the outbox sent with it (`Reminder.reference`), `at`
    when it happened (now if the provider does not say), `description` the provider's
    words. Safe to call twice with the same report.
    """
    event = EmailEvent(event)
    message_id = str(message_id or "")[:200]
    detail = str(description or "").strip()[:DESCRIPTION_MAX_LENGTH]
    now = timezone.now()
    if at is None or not isinstance(at, dt.datetime):
        at = now
    elif timezone.is_naive(at):
        at = timezone.make_aware(at, dt.UTC)
    address = normalise_address(recipient)

    reminder = _find_reminder(str(reference or ""), message_id)
    sent_to = normalise_address(reminder.sent_to) if reminder is not None else ""
    if reminder is not None and address and sent_to and sent_to != address:
        # About another address than the reminder went to: not a report on that reminder.
        reminder = None
    if reminder is not None and not address:
        address = sent_to

    done = []
    if reminder is not None and _report_on_reminder(
        reminder, _STATUS_OF_EVENT.get(event), at, detail
    ):
        done.append(f"reminder {reminder.pk} {reminder.get_delivery_status_display().lower()}")
    reason = _SUPPRESSION_OF_EVENT.get(event)
    if reason is not None and address:
        suppression, changed = _block(
            address=address,
            reason=reason,
            at=at,
            description=detail,
            provider=provider,
            message_id=message_id,
            client=reminder.client if reminder is not None else None,
        )
        if changed:
            done.append(f"address blocked ({suppression.get_reason_display()})")
    if reminder is None and reason is None:
        done.append("no message of the outbox has this id")
    return "; ".join(done) or "nothing new"


@transaction.atomic
def email_suppression_clear(*, suppression: EmailSuppression, by) -> EmailSuppression:
    """Let email go to a blocked address again (the client says their mailbox works now).

    Clearing an address that is not blocked changes nothing. The row stays, with who
    cleared it and when, so an old report sent again cannot block the address anew.
    """
    locked = EmailSuppression.objects.select_for_update().get(pk=suppression.pk)
    if locked.cleared_at is None:
        locked.cleared_at = timezone.now()
        locked.cleared_by = by
        locked.save(update_fields=["cleared_at", "cleared_by", "updated_at"])
        logger.info("Email block on suppression %s cleared by user %s", locked.pk, by.pk)
    return locked


# --- text messages ---------------------------------------------------------------------------
#
# The SMS provider (Twilio) reports each text's progress to its status callback: queued,
# sending, sent, then delivered (or read), undelivered, failed or canceled. The text's
# reminder keeps the same delivery status as an email's, by the same rules: the steps
# before an outcome are not reports on the reminder (it is already "sent"), "delivered"
# and "read" are Delivered, and a text that never reached the phone is Not delivered, with
# the provider's error code. A report never makes the status less final, so a late
# "delivered" after "undelivered", or the same report twice, changes nothing. A number is
# not blocked by a failed text: the desk sees the error and fixes the record.

SMS_IN_PROGRESS = frozenset({"accepted", "scheduled", "queued", "sending", "sent"})
_STATUS_OF_SMS = {
    "delivered": DeliveryStatus.DELIVERED,
    "read": DeliveryStatus.DELIVERED,
    "undelivered": DeliveryStatus.NOT_DELIVERED,
    "failed": DeliveryStatus.NOT_DELIVERED,
    "canceled": DeliveryStatus.NOT_DELIVERED,
}
SMS_STATUSES = SMS_IN_PROGRESS | _STATUS_OF_SMS.keys()
# Twilio's words for the errors a clinic meets most (its error dictionary has them all).
_SMS_ERRORS = {
    "30003": "the phone is switched off or out of reach",
    "30004": "the number blocks messages",
    "30005": "the number is unknown or no longer in use",
    "30006": "a landline, or a network that takes no texts",
    "30007": "filtered by the network as spam",
    "30008": "an unknown network error",
}


def sms_error_words(error_code: str) -> str:
    words = _SMS_ERRORS.get(error_code)
    return f"Twilio error {error_code}: {words}" if words else f"Twilio error {error_code}"


def _find_sms_reminder(reference: str, message_id: str) -> Reminder | None:
    """The reminder a text's report is about: by the reference in the callback address
    (found even before the outbox has saved the provider's id), unless that reminder holds
    another text's id, else by the provider's id."""
    match = _REFERENCE.match(reference or "")
    if match:
        found = Reminder.objects.select_for_update().filter(pk=int(match.group(1))).first()
        if found is not None and found.provider_message_id in ("", message_id):
            return found
    return (
        Reminder.objects.select_for_update()
        .filter(provider_message_id=message_id)
        .order_by("-pk")
        .first()
    )


@transaction.atomic
def sms_status_record(
    *,
    message_id: str,
    status: str,
    error_code: str = "",
    reference: str = "",
    at: dt.datetime | None = None,
) -> str:
    """Record one of the SMS provider's status reports (see the rules above).

    `message_id` is the provider's id of the text (Twilio's MessageSid), `reference` the
    reminder's own, from the callback address. Says "recorded", "unchanged" (a step
    before the outcome, a repeat, or a less final report) or "unknown" (no reminder has
    this text). Raises ValueError for a status the provider does not send, or no id.
    Safe to call twice with the same report.
    """
    if status not in SMS_STATUSES:
        raise ValueError(f"Unknown delivery status {status!r}.")
    if not message_id:
        raise ValueError("A delivery report needs the provider's message id.")
    reminder = _find_sms_reminder(reference, message_id[:200])
    if reminder is None:
        return "unknown"
    delivery_status = _STATUS_OF_SMS.get(status)
    if delivery_status is None:
        return "unchanged"
    detail = sms_error_words(error_code[:10]) if error_code else ""
    if status == "canceled" and not detail:
        detail = "Cancelled by the SMS provider before it went"
    recorded = _report_on_reminder(reminder, delivery_status, at or timezone.now(), detail)
    return "recorded" if recorded else "unchanged"
