"""A client's "C" (or "YES") reply to a text reminder confirms their appointment.

Registered with reminders.inbound from SchedulingConfig.ready(). The confirmation goes
through the diary's one status change (`appointment_set_status`), by the client, through
the text-reply door, so every rule about a client confirming holds here as on the
confirm link.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from reminders.inbound import Handled, Intent, register_reply_handler
from reminders.models import InboundOutcome
from reminders.wording import when_text

from .booking import BookingRefused, appointment_set_status
from .models import AppointmentStatus
from .policy import Actor, Channel
from .selectors import next_appointment_reminded_by_text


def _call_us() -> str:
    phone = getattr(settings, "CLINIC_PHONE", "")
    return f"Please call us on {phone}." if phone else "Please call us."


def confirm_by_text(*, client, word: str, now: dt.datetime) -> Handled:
    appointment = next_appointment_reminded_by_text(client, now=now)
    if appointment is None:
        return Handled(
            InboundOutcome.NOTHING_TO_CONFIRM,
            reply=f"Thank you. We could not find an appointment to confirm. {_call_us()}",
            detail="No appointment to come that a text message was sent about.",
        )
    what = f"{appointment.type.name.lower()} on {when_text(appointment.starts_at)}"
    if appointment.status == AppointmentStatus.CONFIRMED:
        return Handled(
            InboundOutcome.CONFIRMED,
            reply=f"Thank you, your {what} is confirmed already.",
            detail=f"The {what} was confirmed already.",
        )
    try:
        appointment_set_status(
            appointment=appointment,
            status=AppointmentStatus.CONFIRMED,
            actor=Actor.client(client.user),
            channel=Channel.TEXT_REPLY,
            now=now,
        )
    except BookingRefused as refusal:
        return Handled(
            InboundOutcome.NOTHING_TO_CONFIRM,
            reply=f"Sorry, we could not confirm your {what}. {_call_us()}",
            detail=f"The {what} was not confirmed: {refusal.problem.message}",
        )
    return Handled(
        InboundOutcome.CONFIRMED,
        reply=f"Thank you, {client.first_name}: your {what} is confirmed.",
        detail=f"Confirmed the {what}.",
    )


def register() -> None:
    register_reply_handler(Intent.CONFIRM, confirm_by_text)
