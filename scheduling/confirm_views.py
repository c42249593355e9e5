"""The page behind the confirm link in an appointment reminder: the client confirms they come."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from smpclinic.clinic import clinic_context
from smpclinic.i18n import use_client_language

from .booking import BookingRefused, appointment_set_status
from .confirm_tokens import ConfirmLinkInvalid, appointment_from_confirm_token, has_passed
from .models import AppointmentStatus
from .policy import Actor, Channel
from .tokens import manage_token_for

# --- the client's confirm link --------------------------------------------------------------


def _confirm_state(appointment) -> str:
    if appointment.status == AppointmentStatus.CANCELLED:
        return "cancelled"
    if has_passed(appointment) or appointment.status not in (
        AppointmentStatus.BOOKED,
        AppointmentStatus.CONFIRMED,
    ):
        return "passed"
    if appointment.status == AppointmentStatus.CONFIRMED:
        return "confirmed"
    return "open"


@never_cache
@require_http_methods(["GET", "POST"])
def confirm(request, token: str):
    try:
        appointment = appointment_from_confirm_token(token)
    except ConfirmLinkInvalid:
        return render(request, "scheduling/confirm_invalid.html", clinic_context(), status=404)
    # The client's page, in the client's language, as the reminder that linked to it.
    use_client_language(request, appointment.client)
    state = _confirm_state(appointment)
    if request.method == "POST":
        if state == "open":
            try:
                appointment_set_status(
                    appointment=appointment,
                    status=AppointmentStatus.CONFIRMED,
                    actor=Actor.client(),
                    channel=Channel.MANAGE_LINK,
                )
            except BookingRefused as refusal:
                messages.error(request, refusal.problem.message)
            else:
                messages.success(request, _("Thank you: your appointment is confirmed."))
        return redirect("confirm:appointment", token)
    manage_url = ""
    if state in ("open", "confirmed"):
        manage_url = reverse("booking:manage", args=[manage_token_for(appointment)])
    return render(
        request,
        "scheduling/confirm.html",
        {
            "appointment": appointment,
            "state": state,
            "token": token,
            "manage_url": manage_url,
            **clinic_context(),
        },
    )
