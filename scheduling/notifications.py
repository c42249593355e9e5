"""Messages to clients about their bookings.

For now the booking confirmation is sent right after the booking commits; a
reminder outbox with retries will take these over.
"""

from __future__ import annotations

import logging
import smtplib
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from .ics import client_calendar
from .ics_views import calendar_host
from .models import Appointment
from .tokens import manage_token_for

logger = logging.getLogger(__name__)


def clinic_context() -> dict:
    """Who and where the clinic is, and how to reach it when a visitor cannot go on alone."""
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": getattr(settings, "CLINIC_PHONE", ""),
        # Replies to the clinic's emails go to the sender address, so it reaches the clinic.
        "clinic_email": getattr(settings, "CLINIC_EMAIL", "")
        or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        "clinic_address": getattr(settings, "CLINIC_ADDRESS", ""),
    }


def send_booking_confirmation(
    *,
    appointment_id: int,
    to: str,
    first_name: str,
    manage_url: str,
    ics_url: str,
    host: str,
) -> None:
    """Email the booking with its .ics and the private link. Runs after the booking commits.

    A failing mail server must not undo or hide the booking: the error is logged
    and the client still has the confirmation page. (A reminder outbox will take
    this over and retry.)
    """
    appointment = Appointment.objects.select_related("type", "artist", "room").get(
        pk=appointment_id
    )
    context = {
        "appointment": appointment,
        "first_name": first_name,
        "manage_url": manage_url,
        "ics_url": ics_url,
        **clinic_context(),
    }
    subject = " ".join(render_to_string("email/booking_confirmation_subject.txt", context).split())
    message = EmailMultiAlternatives(
        subject=subject,
        body=render_to_string("email/booking_confirmation.txt", context),
        to=[to],
    )
    message.attach_alternative(
        render_to_string("email/booking_confirmation.html", context), "text/html"
    )
    calendar = client_calendar(appointment, host=host, manage_url=manage_url)
    message.attach(
        f"{appointment.type.slug}.ics",
        calendar.to_ical().decode(),
        "text/calendar; method=PUBLISH",
    )
    try:
        message.send()
    except (smtplib.SMTPException, OSError):
        logger.exception("Booking confirmation for appointment %s was not sent", appointment_id)


def confirm_booking_after_commit(request, appointment: Appointment, *, to: str, first_name: str):
    """Queue the confirmation email (with the private manage link) for after the commit."""
    token = manage_token_for(appointment)
    transaction.on_commit(
        partial(
            send_booking_confirmation,
            appointment_id=appointment.pk,
            to=to,
            first_name=first_name,
            manage_url=request.build_absolute_uri(reverse("booking:manage", args=[token])),
            ics_url=request.build_absolute_uri(reverse("ics:manage_appointment", args=[token])),
            host=calendar_host(request),
        )
    )
