"""The private link in an appointment reminder that confirms the appointment.

Signed like the manage link (scheduling.tokens), with its own salt so neither
link can be passed off as the other, but kept short because it goes in text
messages: the appointment's id in base 36 and 96 bits of its HMAC-SHA256.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.http import base36_to_int, int_to_base36

from .models import Appointment

# The salt keeps its first name so links already sent still work.
CONFIRM_SALT = "reminders.confirm-appointment"


class ConfirmLinkInvalid(Exception):
    """The link was altered or incomplete, or its appointment no longer exists."""


def _signature(value: str) -> str:
    return salted_hmac(CONFIRM_SALT, value, algorithm="sha256").hexdigest()[:24]


def confirm_token_for(appointment: Appointment) -> str:
    value = int_to_base36(appointment.pk)
    return f"{value}-{_signature(value)}"


def appointment_from_confirm_token(token: str) -> Appointment:
    """The appointment this token was made for, or ConfirmLinkInvalid.

    An appointment whose time has passed is still returned: the page says so
    plainly instead of calling the link broken.
    """
    value, _, signature = token.partition("-")
    if not value or not constant_time_compare(signature, _signature(value)):
        raise ConfirmLinkInvalid("The link has been altered or is incomplete.")
    try:
        pk = base36_to_int(value)
    except ValueError as error:
        raise ConfirmLinkInvalid("The link does not name an appointment.") from error
    appointment = (
        Appointment.objects.select_related("type", "artist", "room", "client").filter(pk=pk).first()
    )
    if appointment is None:
        raise ConfirmLinkInvalid("The appointment no longer exists.")
    return appointment


def has_passed(appointment: Appointment) -> bool:
    return timezone.now() >= appointment.starts_at
