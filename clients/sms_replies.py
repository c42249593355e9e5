"""Who a text message is from, and what STOP and START replies do to a client's record.

Registered with reminders.inbound from ClientsConfig.ready(). Twilio answers STOP and
START itself (its standard opt-out handling), so no reply is sent from here.
"""

from __future__ import annotations

import datetime as dt

from reminders.inbound import Handled, Intent, register_reply_handler, register_sender_lookup
from reminders.models import InboundOutcome

from .selectors import client_for_phone
from .services import client_sms_consent_set


def stop_texts(*, client, word: str, now: dt.datetime) -> Handled:
    changed = client_sms_consent_set(
        client=client, allowed=False, how=f'Replied "{word}" by text', now=now
    )
    return Handled(
        InboundOutcome.OPTED_OUT,
        detail="Text messages stopped." if changed else "Text messages were stopped already.",
    )


def allow_texts(*, client, word: str, now: dt.datetime) -> Handled:
    changed = client_sms_consent_set(
        client=client, allowed=True, how=f'Replied "{word}" by text', now=now
    )
    return Handled(
        InboundOutcome.OPTED_IN,
        detail="Text messages allowed again." if changed else "Text messages were allowed already.",
    )


def register() -> None:
    register_sender_lookup(client_for_phone)
    register_reply_handler(Intent.OPT_OUT, stop_texts)
    register_reply_handler(Intent.OPT_IN, allow_texts)
