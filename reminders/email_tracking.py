"""The email provider's delivery reports, as django-anymail hands them over.

anymail receives the provider's tracking webhook (reminders.views.email_tracking_webhook
opens it at /anymail/<provider>/tracking/ for EMAIL_PROVIDER, behind the basic auth of
ANYMAIL_WEBHOOK_SECRET), turns each report into an `AnymailTrackingEvent` in the same
shape for every provider, and sends it through its `tracking` signal.

Exactly one receiver is connected to that signal: `tracking_received`, from
RemindersConfig.ready() with a fixed dispatch_uid, so each report is handled once. It
only translates — the event's type into an `EmailEvent`, its fields into keyword
arguments — and calls `reminders.deliverability.email_event_record`, the one plain
function that holds the rule (what a report changes, what blocks an address, why a
report that comes twice changes nothing). Anything about clients, reminders or blocks
belongs there, not here.

The one thing anymail does not tell apart for us is a soft bounce: some providers report
it as "bounced" like a hard one, and only their own word says which. `SOFT_BOUNCE` reads
that word for those providers, so a full mailbox delays a message without blocking the
address; the others already report temporary failures as "deferred".
"""

from __future__ import annotations

import logging

from anymail.signals import AnymailTrackingEvent, EventType, RejectReason

from . import deliverability
from .deliverability import EmailEvent

logger = logging.getLogger(__name__)

# Bounce classes SparkPost counts as temporary (soft, DNS, mailbox full, too large,
# timeout, transient).
_SPARKPOST_SOFT_CLASSES = {"20", "21", "22", "23", "24", "70"}


def _sparkpost_soft(raw: dict) -> bool:
    inner = next(iter((raw.get("msys") or {}).values()), None) or {}
    return str(inner.get("bounce_class", "")) in _SPARKPOST_SOFT_CLASSES


# Provider (anymail's esp_name) -> does its raw report say this "bounced" is a soft one?
SOFT_BOUNCE = {
    "Postmark": lambda raw: raw.get("Type") == "SoftBounce",
    "Brevo": lambda raw: raw.get("event") == "soft_bounce",
    "SendinBlue": lambda raw: raw.get("event") == "soft_bounce",
    "Mandrill": lambda raw: raw.get("event") == "soft_bounce",
    "MailerSend": lambda raw: (raw.get("data") or {}).get("type") == "soft_bounced",
    "SparkPost": _sparkpost_soft,
}
# Reasons that say the address itself is dead (None: the provider gives no reason).
_ADDRESS_REASONS = {RejectReason.BOUNCED, RejectReason.INVALID, None}


def event_of(event: AnymailTrackingEvent, esp_name: str) -> EmailEvent | None:
    """The outbox's name for what the report says happened (None: nothing it records,
    such as opens and clicks)."""
    kind, reason = event.event_type, event.reject_reason
    if kind == EventType.DELIVERED:
        return EmailEvent.DELIVERED
    if kind == EventType.DEFERRED:
        return EmailEvent.DELAYED
    if kind == EventType.COMPLAINED:
        return EmailEvent.COMPLAINED
    if kind == EventType.BOUNCED:
        raw = event.esp_event if isinstance(event.esp_event, dict) else {}
        if SOFT_BOUNCE.get(esp_name, lambda raw: False)(raw):
            return EmailEvent.DELAYED
        # A block of the message's content (a virus, a spam filter) is no dead address.
        return EmailEvent.BOUNCED if reason in _ADDRESS_REASONS else EmailEvent.NOT_DELIVERED
    if kind == EventType.REJECTED and reason in (RejectReason.BOUNCED, RejectReason.INVALID):
        # The provider would not even try: it knows the address bounces.
        return EmailEvent.BOUNCED
    return None


def tracking_received(sender, event: AnymailTrackingEvent, esp_name: str, **kwargs) -> None:
    """The receiver of anymail's `tracking` signal: translate, then record (see above)."""
    what = event_of(event, esp_name)
    if what is None:
        return
    metadata = event.metadata if isinstance(event.metadata, dict) else {}
    outcome = deliverability.email_event_record(
        event=what,
        recipient=event.recipient,
        message_id=event.message_id,
        reference=metadata.get("reminder"),
        at=event.timestamp,
        description=" — ".join(
            str(words) for words in (event.description, event.mta_response) if words
        ),
        provider=esp_name,
    )
    logger.info("%s report (%s) on message %s: %s", esp_name, what, event.message_id, outcome)
