"""Text messages clients send the clinic, and what a reply such as "C" or "STOP" does.

`inbound_receive` records each message once (by the provider's id), finds the client by
the sender's number and acts on a keyword:

- "C" or "YES" confirms the client's next appointment that a text reminded them of;
- Twilio's opt-out words (STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT) stop every text
  message to the client, and its opt-in words (START, UNSTOP) allow them again; "YES"
  from a client whose texts are stopped allows them again too, as Twilio itself does;
- anything else, and every message from a number on no client's record, waits in the
  staff inbox until someone marks it read.

Keywords are read without regard to case, spaces or a closing full stop ("yes.", " c ").

The reminders app knows no client or appointment: the apps that do register what finds
the client (`register_sender_lookup`) and what each keyword does
(`register_reply_handler`) from their `AppConfig.ready()`.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from .models import FOR_STAFF_OUTCOMES, InboundMessage, InboundOutcome

logger = logging.getLogger(__name__)

CONFIRM_WORDS = frozenset({"C", "YES"})
# Twilio's standard opt-out and opt-in keywords (its Advanced Opt-Out defaults).
OPT_OUT_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
OPT_IN_WORDS = frozenset({"START", "UNSTOP"})


class Intent(StrEnum):
    CONFIRM = "confirm"
    OPT_OUT = "opt_out"
    OPT_IN = "opt_in"
    OTHER = "other"


@dataclass(frozen=True)
class Handled:
    """What a reply handler did: the outcome, the answer to text back, and words for staff."""

    outcome: str
    reply: str = ""
    detail: str = ""


# fn(number) -> the client with this phone number, or None
SenderLookup = Callable[[str], object | None]
# fn(*, client, word, now) -> Handled
ReplyHandler = Callable[..., Handled]

_sender_lookups: list[SenderLookup] = []
_handlers: dict[Intent, ReplyHandler] = {}


def register_sender_lookup(fn: SenderLookup) -> SenderLookup:
    if fn not in _sender_lookups:
        _sender_lookups.append(fn)
    return fn


def register_reply_handler(intent: Intent, fn: ReplyHandler) -> ReplyHandler:
    _handlers[Intent(intent)] = fn
    return fn


def missing_handlers() -> list[str]:
    """Keywords nobody acts on, and whether anything finds the sender (a start-up check)."""
    keywords = (Intent.CONFIRM, Intent.OPT_OUT, Intent.OPT_IN)
    missing = [str(intent) for intent in keywords if intent not in _handlers]
    if not _sender_lookups:
        missing.append("sender lookup")
    return missing


def keyword_of(body: str) -> str:
    """The message as a keyword: upper case, without spaces or a closing full stop."""
    return re.sub(r"\s+", "", body or "").upper().rstrip(".!")


def intent_of(body: str, *, opt_out_type: str = "") -> Intent:
    """What a message asks for. `opt_out_type` is Twilio's own reading of it (its
    OptOutType parameter, sent when the account manages opt-outs), which wins."""
    told = (opt_out_type or "").upper()
    if told == "STOP":
        return Intent.OPT_OUT
    if told == "START":
        return Intent.OPT_IN
    word = keyword_of(body)
    if word in OPT_OUT_WORDS:
        return Intent.OPT_OUT
    if word in OPT_IN_WORDS:
        return Intent.OPT_IN
    if word in CONFIRM_WORDS:
        return Intent.CONFIRM
    return Intent.OTHER


def _find_sender(number: str):
    for lookup in _sender_lookups:
        client = lookup(number)
        if client is not None:
            return client
    return None


def _act(message: InboundMessage, intent: Intent, now: dt.datetime) -> Handled:
    client = message.client
    if client is None:
        if intent in (Intent.OPT_OUT, Intent.OPT_IN):
            # The provider keeps the number's opt-out itself; nothing here to change.
            return Handled(
                InboundOutcome.OPTED_OUT if intent == Intent.OPT_OUT else InboundOutcome.OPTED_IN,
                detail="No client has this number.",
            )
        return Handled(InboundOutcome.FOR_STAFF, detail="No client has this number.")
    word = keyword_of(message.body)
    if intent == Intent.OTHER or intent not in _handlers:
        return Handled(InboundOutcome.FOR_STAFF)
    restarted = None
    if intent == Intent.CONFIRM and word == "YES" and client.sms_opted_out:
        # Twilio reads YES from an opted-out number as "start again": so does the record.
        restarted = _handlers[Intent.OPT_IN](client=client, word=word, now=now)
    handled = _handlers[intent](client=client, word=word, now=now)
    if restarted is not None:
        detail = " ".join(part for part in (restarted.detail, handled.detail) if part)
        handled = Handled(handled.outcome, handled.reply, detail)
    return handled


def inbound_receive(
    *,
    provider_message_id: str,
    from_number: str,
    to_number: str = "",
    body: str = "",
    opt_out_type: str = "",
    now: dt.datetime | None = None,
) -> InboundMessage:
    """Record a text message from a client and act on it, once per provider id.

    The same message delivered again (the provider retries, or a report is replayed)
    returns the row recorded the first time and does nothing more. If acting on a
    keyword fails, the message is kept for staff with the reason, never lost.
    """
    if not provider_message_id or not from_number:
        raise ValueError("A text message needs the provider's id and the sender's number.")
    now = now or timezone.now()
    earlier = InboundMessage.objects.filter(provider_message_id=provider_message_id).first()
    if earlier is not None:
        return earlier
    intent = intent_of(body, opt_out_type=opt_out_type)
    try:
        with transaction.atomic():
            message = InboundMessage.objects.create(
                provider_message_id=provider_message_id[:64],
                client=_find_sender(from_number),
                from_number=from_number[:32],
                to_number=(to_number or "")[:32],
                body=body or "",
                received_at=now,
                outcome=InboundOutcome.FOR_STAFF,
            )
            try:
                with transaction.atomic():
                    handled = _act(message, intent, now)
            except Exception as error:  # noqa: BLE001 - the message is kept for staff
                logger.exception("Acting on text message %s failed", message.pk)
                handled = Handled(
                    InboundOutcome.FOR_STAFF,
                    detail=f"Could not act on this reply ({error.__class__.__name__}).",
                )
            message.outcome = handled.outcome
            message.reply = handled.reply
            message.outcome_detail = handled.detail[:300]
            message.save(update_fields=["outcome", "reply", "outcome_detail"])
    except IntegrityError:
        # The same message, recorded meanwhile by a request running alongside this one.
        return InboundMessage.objects.get(provider_message_id=provider_message_id)
    return message


def inbound_mark_read(*, message: InboundMessage, by, now: dt.datetime | None = None) -> bool:
    """Mark a message read by a member of staff; False if someone already had."""
    now = now or timezone.now()
    marked = InboundMessage.objects.filter(
        pk=message.pk, read_at__isnull=True, outcome__in=FOR_STAFF_OUTCOMES
    ).update(read_at=now, read_by=by)
    message.refresh_from_db(fields=["read_at", "read_by"])
    return bool(marked)
