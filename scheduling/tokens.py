"""The private link a client gets to change or cancel an online booking.

The token is signed (so nobody can forge one for another appointment) and
carries only the appointment's id. It works until the appointment ends: after
that there is nothing left to change, and an old email forwarded or left in an
inbox opens nothing.
"""

from django.core import signing
from django.utils import timezone

from .models import Appointment

MANAGE_SALT = "scheduling.manage-appointment"


class ManageLinkInvalid(Exception):
    """The link was altered, points at nothing, or its appointment has ended."""


def manage_token_for(appointment: Appointment) -> str:
    return signing.dumps(appointment.pk, salt=MANAGE_SALT)


def appointment_from_manage_token(token: str) -> Appointment:
    """The appointment this token was made for, or ManageLinkInvalid."""
    try:
        pk = signing.loads(token, salt=MANAGE_SALT)
    except signing.BadSignature as error:
        raise ManageLinkInvalid("The link has been altered or is incomplete.") from error
    if not isinstance(pk, int):
        raise ManageLinkInvalid("The link does not name an appointment.")
    appointment = (
        Appointment.objects.select_related("type", "artist", "room", "client").filter(pk=pk).first()
    )
    if appointment is None:
        raise ManageLinkInvalid("The appointment no longer exists.")
    if timezone.now() >= appointment.ends_at:
        raise ManageLinkInvalid("The appointment has already ended.")
    return appointment
