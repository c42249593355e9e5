"""The client's portal pages. Every page is the signed-in client's own: objects are
fetched through their client record, and another client's id gives 404."""

from __future__ import annotations

import datetime as dt
import logging

import stripe
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from aftercare.models import AftercarePlan, CheckIn, CheckInStatus
from aftercare.services import aftercare_for_session, today_aftercare
from billing.models import DepositStatus, LedgerEntry
from billing.online import online_payments_enabled, pay_link_for, start_balance_payment
from billing.receipts import RECEIPT_KINDS, receipt_filename, receipt_pdf
from billing.selectors import account_rows, client_deposits
from consultations.access import get_hairline_design_for_user
from consultations.links import forms_status
from consultations.models import Consultation, HairlineDesign
from consultations.selectors import client_latest_consultation
from consultations.services import hairline_design_approve
from scheduling.access import get_appointment_for_user
from scheduling.booking import BookingRefused
from scheduling.ics import calendar_host, client_calendar
from scheduling.ics_views import ics_response
from scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentKind, BookingPolicy
from scheduling.page_parts import client_notes_for
from scheduling.policy import cancel_notices
from scheduling.public_forms import format_start, parse_start
from scheduling.rules import CLIENT_CHANGEABLE, notice_refusal
from sessions_app import plans
from sessions_app.models import PlanStatus
from sessions_app.progress import photo_image_url, plan_progress
from sessions_app.selectors import client_current_plan, plan_next_session_to_book
from smpclinic.clinic import clinic_context, clinic_zone
from waitlist import selectors as waitlist_selectors
from waitlist import services as waitlist_services
from waitlist.forms import EntryForm, add_error, entry_wishes
from waitlist.models import WaitlistEntry

from . import rules
from .access import client_portal_required
from .forms import CancelForm
from .healing import healing_stage
from .presenters import duration_words, plain_sessions, shared_photos

logger = logging.getLogger(__name__)
DAYS_PER_PAGE = 7


def _page(request, template: str, tab: str, context: dict, status: int = 200):
    return render(
        request,
        template,
        {"client": request.client, "tab": tab, **clinic_context(), **context},
        status=status,
    )


# --- my plan --------------------------------------------------------------------------


@require_safe
@client_portal_required
def home(request):
    client = request.client
    plan = client_current_plan(client=client)
    context: dict = {"plan": plan}
    if plan is None:
        now = timezone.now()
        context["consultation_appointment"] = (
            Appointment.objects.filter(
                client=client,
                type__kind__in=(
                    AppointmentKind.CONSULTATION,
                    AppointmentKind.VIDEO_CONSULTATION,
                ),
                status__in=ACTIVE_STATUSES,
                starts_at__gte=now,
            )
            .select_related("type", "artist")
            .order_by("starts_at")
            .first()
        )
        consultation = client_latest_consultation(client)
        context["forms"] = forms_status(consultation) if consultation else None
        return _page(request, "portal/home.html", "plan", context)
    progress = plan_progress(plan, for_client=True)
    latest_map = next(
        (e.scalp_map for e in progress.sessions if e.number == progress.start_map_number), None
    )
    context.update(
        progress=progress,
        sessions=plain_sessions(progress),
        latest_map=latest_map,
        logged_any=any(not e.minutes_are_planned for e in progress.sessions),
        stage=healing_stage(plan, timezone.localdate()),
        photos=shared_photos(client),
        next_session=plan_next_session_to_book(plan=plan),
        plan_done=plan.status == PlanStatus.COMPLETED,
    )
    return _page(request, "portal/home.html", "plan", context)


# --- appointments --------------------------------------------------------------------


@require_safe
@client_portal_required
def appointments(request):
    now = timezone.now()
    settings_row = BookingPolicy.current()
    rows = (
        Appointment.objects.filter(client=request.client)
        .select_related("type", "artist")
        .order_by("starts_at")
    )
    ahead = list(rows.filter(starts_at__gte=now, status__in=ACTIVE_STATUSES))
    past = list(
        rows.exclude(starts_at__gte=now, status__in=ACTIVE_STATUSES).order_by("-starts_at")[:30]
    )
    # What other apps tell the client of each (their deposit): a query each, not a row.
    notes = client_notes_for([*ahead, *past])
    upcoming = [
        {
            "appointment": a,
            "may_change": rules.may_change(a, now=now, policy=settings_row),
            "notes": notes[a.pk],
        }
        for a in ahead
    ]
    for appointment in past:
        appointment.client_notes = notes[appointment.pk]
    return _page(
        request,
        "portal/appointments.html",
        "appointments",
        {
            "upcoming": upcoming,
            "past": past,
            "notice_hours": settings_row.change_notice_hours,
        },
    )


@require_safe
@client_portal_required
def appointment_ics(request, pk: int):
    appointment = get_appointment_for_user(request.user, pk, for_calendar=True)
    calendar = client_calendar(
        appointment,
        host=calendar_host(),
        manage_url=request.build_absolute_uri(reverse("portal:appointments")),
    )
    return ics_response(calendar, f"{appointment.type.slug}-{appointment.pk}.ics")


def _week_bounds(request, earliest_day: dt.date) -> tuple[dt.date, dt.date, dt.date]:
    """(first day shown, today's floor, last bookable day) for ?from=."""
    policy = BookingPolicy.current()
    floor = max(timezone.localdate(), earliest_day)
    last_day = timezone.localdate(timezone.now() + dt.timedelta(days=policy.online_horizon_days))
    try:
        first = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first = floor
    return min(max(first, floor), max(last_day, floor)), floor, last_day


def _week(
    request,
    *,
    url_for,
    earliest: dt.datetime | None = None,
    current: dt.datetime | None = None,
    **slot_kwargs,
) -> dict:
    """One week of offered times, grouped by day, like the public booking pages; the
    appointment's `current` time is shown as such, not offered as a new one."""
    earliest_day = timezone.localdate(earliest, clinic_zone()) if earliest else dt.date.min
    first, floor, last_day = _week_bounds(request, earliest_day)
    slots = rules.offered_slots(start_date=first, days=DAYS_PER_PAGE, **slot_kwargs)
    zone = clinic_zone()
    days: dict[dt.date, dict] = {}
    for slot in slots:
        local = slot.start.astimezone(zone)
        day = days.setdefault(local.date(), {"date": local.date(), "times": []})
        if not day["times"] or day["times"][-1]["start"] != slot.start:
            key = format_start(slot.start)
            is_current = slot.start == current
            day["times"].append(
                {
                    "start": slot.start,
                    "local": local,
                    "url": "" if is_current else url_for(key),
                    "current": is_current,
                }
            )
    following = first + dt.timedelta(days=DAYS_PER_PAGE)
    return {
        "days": list(days.values()),
        "first_day": first,
        "last_shown_day": min(following - dt.timedelta(days=1), last_day),
        "previous_from": max(first - dt.timedelta(days=DAYS_PER_PAGE), floor)
        if first > floor
        else None,
        "next_from": following if following <= last_day else None,
    }


def _call_us(request, appointment: Appointment):
    policy = BookingPolicy.current()
    return _page(
        request,
        "portal/call_us.html",
        "appointments",
        {
            "appointment": appointment,
            "notice_hours": policy.change_notice_hours,
            "notice_message": notice_refusal(policy).message,
        },
        status=409,
    )


def _reschedule_kwargs(appointment: Appointment) -> dict:
    session = plans.session_of(appointment)
    return {
        "appointment_type": appointment.type,
        "artist_id": appointment.artist_id,
        "minutes": appointment.minutes,
        "exclude_appointment_id": appointment.pk,
        "window": plans.gap_window(session) if session else (None, None),
    }


@require_safe
@client_portal_required
def reschedule(request, pk: int):
    appointment = get_appointment_for_user(request.user, pk)
    if not rules.may_change(appointment):
        return _call_us(request, appointment)
    slot_kwargs = _reschedule_kwargs(appointment)
    week = _week(
        request,
        url_for=lambda key: reverse("portal:reschedule_confirm", args=[pk, key]),
        earliest=slot_kwargs["window"][0],
        current=appointment.starts_at,
        **slot_kwargs,
    )
    return _page(
        request,
        "portal/reschedule.html",
        "appointments",
        {"appointment": appointment, "limits": rules.move_limits(appointment), **week},
    )


@require_http_methods(["GET", "POST"])
@client_portal_required
def reschedule_confirm(request, pk: int, start: str):
    appointment = get_appointment_for_user(request.user, pk)
    new_start = parse_start(start)
    if new_start is None:
        raise Http404("That is not a time.")
    if not rules.may_change(appointment):
        return _call_us(request, appointment)
    times_url = reverse("portal:reschedule", args=[pk])
    times_url += f"?from={timezone.localdate(new_start, clinic_zone()).isoformat()}"
    if request.method == "POST":
        try:
            rules.portal_move(appointment=appointment, starts_at=new_start, by=request.user)
        except BookingRefused as refusal:
            if refusal.problem.code == "notice":
                return _call_us(request, appointment)
            messages.error(request, refusal.problem.message)
            return redirect(times_url)
        messages.success(request, _("Your appointment has moved to the new time."))
        return redirect("portal:appointments")
    return _page(
        request,
        "portal/reschedule_confirm.html",
        "appointments",
        {
            "appointment": appointment,
            "new_start": new_start,
            "new_ends": new_start + (appointment.ends_at - appointment.starts_at),
            "times_url": times_url,
        },
    )


@require_http_methods(["GET", "POST"])
@client_portal_required
def cancel(request, pk: int):
    """A client can always tell us they cannot come: inside the notice period the
    cancellation is accepted and recorded as late (scheduling.rules)."""
    appointment = get_appointment_for_user(request.user, pk)
    if appointment.status not in CLIENT_CHANGEABLE:
        return _call_us(request, appointment)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            rules.portal_cancel(
                appointment=appointment, reason=form.cleaned_data["reason"], by=request.user
            )
        except BookingRefused as refusal:
            if refusal.problem.code == "notice":
                return _call_us(request, appointment)
            form.add_error(None, refusal.problem.message)
        else:
            messages.success(request, _("Your appointment is cancelled."))
            return redirect("portal:appointments")
    return _page(
        request,
        "portal/cancel.html",
        "appointments",
        {
            "appointment": appointment,
            "form": form,
            "late": not rules.may_change(appointment),
            "notice_hours": BookingPolicy.current().change_notice_hours,
            "cancel_notices": cancel_notices(appointment, timezone.now()),
        },
        status=400 if form.errors else 200,
    )


# --- book my next session -----------------------------------------------------------------


def _next_session_context(client):
    plan = client_current_plan(client=client)
    session = plan_next_session_to_book(plan=plan)
    return plan, session


def _book_slot_kwargs(session) -> dict:
    return {
        "appointment_type": rules.session_type(session),
        "artist_id": session.plan.lead_artist_id,
        "minutes": session.planned_minutes,
        "window": plans.gap_window(session),
    }


@require_safe
@client_portal_required
def book_next(request):
    plan, session = _next_session_context(request.client)
    context = {"plan": plan, "session": session}
    if session is not None:
        slot_kwargs = _book_slot_kwargs(session)
        earliest = slot_kwargs["window"][0]
        context.update(
            earliest=earliest if earliest and earliest > timezone.now() else None,
            duration=duration_words(session.planned_minutes),
            **_week(
                request,
                url_for=lambda key: reverse("portal:book_next_confirm", args=[key]),
                earliest=slot_kwargs["window"][0],
                **slot_kwargs,
            ),
        )
    return _page(request, "portal/book_next.html", "book", context)


@require_http_methods(["GET", "POST"])
@client_portal_required
def book_next_confirm(request, start: str):
    new_start = parse_start(start)
    if new_start is None:
        raise Http404("That is not a time.")
    plan, session = _next_session_context(request.client)
    times_url = reverse("portal:book_next")
    times_url += f"?from={timezone.localdate(new_start, clinic_zone()).isoformat()}"
    if request.method == "POST":
        booked_session = session
        if booked_session is None:
            # A second click after the first one booked: that booking is the answer.
            held = (
                Appointment.objects.filter(
                    client=request.client, starts_at=new_start, status__in=ACTIVE_STATUSES
                )
                .exclude(treatment_session=None)
                .first()
            )
            if held is not None:
                messages.success(request, _("Your session is booked."))
                return redirect("portal:appointments")
            messages.error(request, _("There is no session left to book on your plan."))
            return redirect("portal:book_next")
        try:
            rules.portal_book_session(session=booked_session, starts_at=new_start, by=request.user)
        except BookingRefused as refusal:
            messages.error(request, refusal.problem.message)
            return redirect(times_url)
        messages.success(
            request,
            _("Session %(number)s is booked. See you then!") % {"number": booked_session.number},
        )
        return redirect("portal:appointments")
    if session is None:
        return redirect("portal:book_next")
    return _page(
        request,
        "portal/book_next_confirm.html",
        "book",
        {
            "plan": plan,
            "session": session,
            "new_start": new_start,
            "new_ends": new_start + dt.timedelta(minutes=session.planned_minutes),
            "times_url": times_url,
        },
    )


# --- aftercare, check-ins, forms --------------------------------------------------------


@require_safe
@client_portal_required
def aftercare(request):
    client = request.client
    latest = (
        AftercarePlan.objects.filter(client=client, starts_on__lte=timezone.localdate())
        .select_related("session")
        .order_by("-starts_on", "-id")
        .first()
    )
    return _page(
        request,
        "portal/aftercare.html",
        "aftercare",
        {
            "today_steps": today_aftercare(client),
            "aftercare_plan": aftercare_for_session(latest.session) if latest else None,
        },
    )


@require_safe
@client_portal_required
def check_ins(request):
    rows = list(
        CheckIn.objects.filter(client=request.client)
        .select_related("session")
        .order_by("-created_at", "-id")
    )
    return _page(
        request,
        "portal/check_ins.html",
        "check_ins",
        {
            "invited": [c for c in rows if c.status == CheckInStatus.INVITED],
            "sent": [c for c in rows if c.status != CheckInStatus.INVITED],
        },
    )


def _hairline_for(consultation: Consultation | None) -> HairlineDesign | None:
    if consultation is None:
        return None
    return (
        HairlineDesign.objects.filter(consultation=consultation)
        .select_related("photo")
        .order_by("-version")
        .first()
    )


def _design_photo_url(design: HairlineDesign | None) -> str:
    photo = design.photo if design is not None else None
    if photo is None or not photo.shared_with_client:
        return ""
    return photo_image_url(photo.pk, "web")


@require_safe
@client_portal_required
def forms_page(request):
    consultation = client_latest_consultation(request.client)
    design = _hairline_for(consultation)
    return _page(
        request,
        "portal/forms.html",
        "forms",
        {
            "consultation": consultation,
            "status": forms_status(consultation) if consultation else None,
            "design": design,
            "design_photo_url": _design_photo_url(design),
        },
    )


@require_http_methods(["GET", "POST"])
@client_portal_required
def hairline(request, pk: int):
    design = get_hairline_design_for_user(request.user, pk)
    latest = _hairline_for(design.consultation)
    if request.method == "POST":
        if design.pk != latest.pk:
            messages.error(request, _("Your artist has drawn a newer version: please look at it."))
            return redirect("portal:hairline", latest.pk)
        if design.approved_at is None:
            hairline_design_approve(design, channel="portal")
            messages.success(request, _("Thank you: you approved this hairline."))
        return redirect("portal:forms")
    return _page(
        request,
        "portal/hairline.html",
        "forms",
        {
            "design": design,
            "is_latest": design.pk == latest.pk,
            "design_photo_url": _design_photo_url(design),
        },
    )


# --- password -------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@client_portal_required
def set_password(request):
    """Clients who signed in by link may add a password to use the sign-in page too."""
    if request.user.has_usable_password():
        return redirect("accounts:password_change")
    form = SetPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        messages.success(request, _("Your password is set: you can also sign in with it."))
        return redirect("portal:home")
    return _page(request, "portal/set_password.html", "plan", {"form": form})


# --- payments -------------------------------------------------------------------------------


@require_safe
@client_portal_required
def payments(request):
    """What the client owes or has in credit, deposits to pay, and every receipt."""
    client = request.client
    rows, balance = account_rows(client)
    # The soonest appointment's deposit first.
    due = [d for d in reversed(client_deposits(client)) if d.status == DepositStatus.DUE]
    response = _page(
        request,
        "portal/payments.html",
        "payments",
        {
            "balance": balance,
            "online": online_payments_enabled(),
            "just_paid": request.GET.get("paid") == "1",
            "receipts": [row.entry for row in reversed(rows) if row.entry.receipt_number],
            "charges": [row.entry for row in reversed(rows) if not row.entry.receipt_number],
            "deposits_due": [(d, pay_link_for(d)) for d in due],
        },
    )
    if online_payments_enabled():
        # "Pay now" posts here and is sent on to the provider's checkout page.
        response._csp_update = {"form-action": [settings.STRIPE_CHECKOUT_ORIGIN]}
    return response


@require_POST
@client_portal_required
def pay_balance(request):
    """Pay what the client owes, on the provider's checkout page."""
    try:
        payment = start_balance_payment(request.client)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("portal:payments")
    except stripe.StripeError:
        logger.exception("Could not open a checkout session for client %s", request.client.pk)
        messages.error(
            request,
            _(
                "The card payment page is not answering just now. Nothing was charged: please "
                "try again in a few minutes, or call the clinic."
            ),
        )
        return redirect("portal:payments")
    return redirect(payment.url)


@require_safe
@client_portal_required
def receipt(request, pk: int):
    """The client's own receipt; anyone else's is not found."""
    entry = get_object_or_404(
        LedgerEntry.objects.select_related("client", "appointment__type"),
        pk=pk,
        client=request.client,
        kind__in=RECEIPT_KINDS,
    )
    response = HttpResponse(receipt_pdf(entry), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{receipt_filename(entry)}"'
    return response


# --- waitlist -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@client_portal_required
def waitlist(request):
    """The client's place on the waitlist: what they wait for, and a form to ask for a
    sooner time (a freed time that suits is offered by their usual message)."""
    client = request.client
    form = EntryForm(request.POST or None, client=client, for_client=True)
    if request.method == "POST" and form.is_valid():
        try:
            waitlist_services.entry_add(
                client=client,
                by=request.user,
                note=form.cleaned_data.get("note", ""),
                **entry_wishes(form.cleaned_data),
            )
        except ValidationError as error:
            add_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "You are on our waitlist. When a time that suits you comes free, we will "
                    "send you a link to take it."
                ),
            )
            return redirect("portal:waitlist")
    entries = [
        (entry, waitlist_services.entry_wants(entry))
        for entry in waitlist_selectors.entries_of(client)
    ]
    status = 400 if request.method == "POST" else 200
    return _page(
        request, "portal/waitlist.html", "waitlist", {"form": form, "entries": entries}, status
    )


@require_http_methods(["GET", "POST"])
@client_portal_required
def waitlist_leave(request, pk: int):
    """The client takes themselves off the waitlist (the button posts here; opened, it
    leads back to the waitlist page); anyone else's entry is not found."""
    entry = get_object_or_404(WaitlistEntry, pk=pk, client=request.client)
    if request.method == "GET":
        return redirect("portal:waitlist")
    try:
        waitlist_services.entry_remove(entry)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, _("You are off the waitlist."))
    return redirect("portal:waitlist")
