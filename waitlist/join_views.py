"""Joining the waitlist from the public booking pages, without an account: the same client
lookup as an online booking (clients.services), which never reveals who is a client."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods
from django_ratelimit.decorators import ratelimit

from clients.services import client_for_online_booking
from scheduling.models import AppointmentType
from smpclinic.clinic import clinic_context

from . import services
from .forms import JoinForm, add_error
from .models import EntryStatus, WaitlistEntry


def _rate(group, request) -> str:
    return settings.BOOKING_RATE_LIMIT


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_rate, method="POST", block=False)
def join(request, type_slug: str):
    appointment_type = get_object_or_404(
        AppointmentType, slug=type_slug, online_bookable=True, is_active=True
    )
    if request.method == "POST" and request.limited:
        return render(request, "booking/rate_limited.html", clinic_context(), status=429)
    form = JoinForm(request.POST or None)
    context = {"appointment_type": appointment_type, "form": form, **clinic_context()}
    if request.method == "GET" or not form.is_valid():
        return render(
            request, "waitlist/join.html", context, status=200 if request.method == "GET" else 400
        )
    data = form.cleaned_data
    if data["website"]:
        return render(request, "waitlist/joined.html", context)  # a robot: nothing saved
    client = client_for_online_booking(
        first_name=data["first_name"],
        last_name=data["last_name"],
        email=data["email"],
        phone=data["phone"],
        contact_consent=data["contact_consent"],
    )
    already = WaitlistEntry.objects.filter(
        client=client, appointment_type=appointment_type, status=EntryStatus.WAITING
    ).exists()
    if not already:  # the same answer either way: the page never tells who is a client
        try:
            services.entry_add(
                client=client,
                appointment_type=appointment_type,
                weekdays=data["weekdays"],
                earliest_time=data["earliest_time"],
                latest_time=data["latest_time"],
            )
        except ValidationError as error:
            add_error(form, error)
            return render(request, "waitlist/join.html", context, status=400)
    return render(request, "waitlist/joined.html", context)
