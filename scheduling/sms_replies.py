"""A client's "C" (or "YES") reply to a text reminder confirms their appointment.

Registered with reminders.inbound from SchedulingConfig.ready(). The confirmation goes
through the diary's one status change (`appointment_set_status`), by the client, through
the text-reply door, so every rule about a client confirming holds here as on the
confirm link. The answer is in the client's language, like the reminder it answers.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

from reminders.inbound import Handled, Intent, register_reply_handler
from reminders.models import InboundOutcome
from reminders.wording import client_language, when_text

from .booking import BookingRefused, appointment_set_status
from .models import AppointmentStatus
from .policy import Actor, Channel
from .selectors import next_appointment_reminded_by_text


def _call_us() -> str:
    phone = getattr(settings, "CLINIC_PHONE", "")
    if phone:
        return gettext("Please call us on %(phone)s.") % {"phone": phone}
    return gettext("Please call us.")


def _what(appointment) -> str:
    """e.g. "consultation on Tuesday 3 March at 10:15", in the active language."""
    return gettext("%(type)s on %(when)s") % {
        "type": appointment.type.name_in().lower(),
        "when": when_text(appointment.starts_at),
    }


def confirm_by_text(*, client, word: str, now: dt.datetime) -> Handled:
    """Confirm the client's next appointment a text was sent about. The answer goes in the
    client's language, as the reminder did; what is noted for staff stays in the clinic's."""
    appointment = next_appointment_reminded_by_text(client, now=now)
    answer = translation.override(client_language(client))
    if appointment is None:
        with answer:
            reply = gettext("Thank you. We could not find an appointment to confirm. %(call)s")
            reply %= {"call": _call_us()}
        return Handled(
            InboundOutcome.NOTHING_TO_CONFIRM,
            reply=reply,
            detail="No appointment to come that a text message was sent about.",
        )
    what = _what(appointment)
    if appointment.status == AppointmentStatus.CONFIRMED:
        with answer:
            reply = gettext("Thank you, your %(what)s is confirmed already.") % {
                "what": _what(appointment)
            }
        return Handled(
            InboundOutcome.CONFIRMED, reply=reply, detail=f"The {what} was confirmed already."
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
        with answer:
            reply = gettext("Sorry, we could not confirm your %(what)s. %(call)s") % {
                "what": _what(appointment),
                "call": _call_us(),
            }
        return Handled(
            InboundOutcome.NOTHING_TO_CONFIRM,
            reply=reply,
            detail=f"The {what} was not confirmed: {refusal.problem.message}",
        )
    with answer:
        reply = gettext("Thank you, %(first_name)s: your %(what)s is confirmed.") % {
            "first_name": client.first_name,
            "what": _what(appointment),
        }
    return Handled(InboundOutcome.CONFIRMED, reply=reply, detail=f"Confirmed the {what}.")


def register() -> None:
    register_reply_handler(Intent.CONFIRM, confirm_by_text)
