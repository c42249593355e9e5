"""Online booking of a free consultation, and the private link to change or cancel it.

Nobody signs in here. A visitor picks a consultation, a free time and leaves
their details; the booking is made by scheduling.booking like any other, with
source "online", so the same rules (notice, horizon, hours, no double booking)
apply. The pages answer the same whether or not the visitor is already a
client, so they never reveal who is.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import secrets
from collections import OrderedDict
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import OperationalError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import get_script_prefix, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_ratelimit.decorators import ratelimit

from accounts.models import User
from smpclinic.clinic import clinic_context, clinic_zone
from smpclinic.database import RETRY_AFTER_SECONDS, database_busy

from .availability import Slot, free_slots
from .availability_cache import cached_free_slots
from .booking import (
    BUSY_MESSAGE,
    BookingRefused,
    booking_cancel,
    booking_create_for_public,
    booking_move,
)
from .models import Appointment, AppointmentType, BookingPolicy, BookingSource
from .page_parts import client_notes
from .policy import (
    Actor,
    Channel,
    OfferLimit,
    booking_terms,
    cancel_notices,
    offer_limits,
)
from .public_forms import BookingDetailsForm, CancelForm, format_start, parse_start
from .rules import CLIENT_CHANGEABLE, client_may_move, notice_refusal
from .tokens import ManageLinkInvalid, appointment_from_manage_token

logger = logging.getLogger(__name__)

DAYS_PER_PAGE = 7
CONFIRMED_SALT = "scheduling.booking-confirmed"
# The thank-you page is for right after booking; the email carries the lasting link.
CONFIRMED_MAX_AGE = 60 * 60 * 24
# What the thank-you page shows a robot, whose booking was never saved (see `details`).
UNSAVED_THANKS_SESSION_KEY = "booking.unsaved_thanks"
DEFAULT_CANCEL_REASON = "Cancelled by the client online"
# Appointments a client may still change or cancel through their link.
CHANGEABLE = CLIENT_CHANGEABLE


def _booking_rate(group, request) -> str:
    # Read per request, so a changed setting (or a test's override) applies at once.
    return settings.BOOKING_RATE_LIMIT


def _online_types():
    return AppointmentType.objects.filter(online_bookable=True, is_active=True).prefetch_related(
        "translations"
    )


def _get_online_type(slug: str) -> AppointmentType:
    return get_object_or_404(_online_types(), slug=slug)


def _link_invalid(request):
    return render(request, "booking/link_invalid.html", clinic_context(), status=404)


def _manage_link(view):
    """Resolve the manage token to its appointment, or show "this link no longer works"."""

    @wraps(view)
    def wrapped(request, token: str, *args, **kwargs):
        try:
            appointment = appointment_from_manage_token(token)
        except ManageLinkInvalid:
            return _link_invalid(request)
        return view(request, appointment, token, *args, **kwargs)

    return wrapped


# --- free times ------------------------------------------------------------------------


def _group_by_day(slots: list[Slot], url_for=None) -> list[dict]:
    """Distinct start times per local day (several artists free at 10:00 make one 10:00).

    `url_for(key)` gives the address each time leads to.
    """
    zone = clinic_zone()
    days: dict[dt.date, dict] = {}
    for slot in slots:
        local = slot.start.astimezone(zone)
        day = days.setdefault(local.date(), {"date": local.date(), "times": []})
        if not day["times"] or day["times"][-1]["start"] != slot.start:
            key = format_start(slot.start)
            day["times"].append(
                {
                    "start": slot.start,
                    "local": local,
                    "key": key,
                    "url": url_for(key) if url_for else "",
                }
            )
    return list(days.values())


def _week(
    request,
    appointment_type: AppointmentType,
    *,
    url_for,
    exclude_appointment_id: int | None = None,
    limits: list[OfferLimit] = (),
) -> dict:
    """One page of free times: seven days from ?from= (today at the earliest), within
    the limits the booking policy sets for this client (scheduling.policy.offer_limits)."""
    slots, week = _week_slots(
        request, appointment_type, exclude_appointment_id=exclude_appointment_id, limits=limits
    )
    return {"days": _group_by_day(slots, url_for), **week}


def _week_slots(
    request,
    appointment_type: AppointmentType,
    *,
    exclude_appointment_id: int | None = None,
    limits: list[OfferLimit] = (),
) -> tuple[list[Slot], dict]:
    """The free slots of one page of times, and the page's days and neighbours."""
    policy = BookingPolicy.current()
    today = timezone.localdate()
    last_day = timezone.localdate(timezone.now() + dt.timedelta(days=policy.online_horizon_days))
    try:
        first = dt.date.fromisoformat(request.GET.get("from", ""))
    except ValueError:
        first = today
    first = min(max(first, today), last_day)
    if exclude_appointment_id is None:
        slots = cached_free_slots(
            appointment_type=appointment_type,
            start_date=first,
            days=DAYS_PER_PAGE,
            source=BookingSource.ONLINE,
            policy=policy,
        )
    else:  # moving an appointment: its own time counts as free
        slots = free_slots(
            appointment_type=appointment_type,
            start_date=first,
            days=DAYS_PER_PAGE,
            source=BookingSource.ONLINE,
            exclude_appointment_id=exclude_appointment_id,
        )
    if limits:
        slots = [slot for slot in slots if _allowed(slot, limits)]
    following = first + dt.timedelta(days=DAYS_PER_PAGE)
    return slots, {
        "first_day": first,
        "last_shown_day": min(following - dt.timedelta(days=1), last_day),
        "previous_from": max(first - dt.timedelta(days=DAYS_PER_PAGE), today)
        if first > today
        else None,
        "next_from": following if following <= last_day else None,
    }


# The public times page's list of times, rendered, by everything it shows: the language,
# the clinic's zone and details, the type, the week and its neighbours, and each free
# start. A key is the content itself, so an answer is never stale and nothing needs to
# forget one: a booking that takes a time changes the starts, hence the key. Kept per
# process (new code, new process), the most recent few only.
_rendered_weeks: OrderedDict[tuple, str] = OrderedDict()
RENDERED_WEEKS_KEPT = 128


def _public_week_html(request, appointment_type: AppointmentType, clinic: dict) -> tuple:
    """The rendered times of the public page (booking/_week.html) and the week's dates."""
    slots, week = _week_slots(request, appointment_type)
    key = (
        translation.get_language(),
        settings.LANGUAGE_CODE,
        timezone.get_current_timezone_name(),
        get_script_prefix(),
        appointment_type.slug,
        tuple(clinic.items()),
        tuple(week.values()),
        tuple(dict.fromkeys(slot.start for slot in slots)),
    )
    html = _rendered_weeks.get(key)
    if html is None:
        days = _group_by_day(
            slots,
            lambda start: reverse("booking:details", args=[appointment_type.slug, start]),
        )
        html = render_to_string(
            "booking/_week.html", {"days": days, **week, **clinic}, request=request
        )
        _rendered_weeks[key] = html
        while len(_rendered_weeks) > RENDERED_WEEKS_KEPT:
            _rendered_weeks.popitem(last=False)
    else:
        with contextlib.suppress(KeyError):  # dropped meanwhile by another thread
            _rendered_weeks.move_to_end(key)
    return html, week


def _allowed(slot: Slot, limits) -> bool:
    return all(limit.allows(start=slot.start, artist_id=slot.artist_id) for limit in limits)


def _slot_at(
    appointment_type: AppointmentType,
    start: dt.datetime,
    *,
    exclude_appointment_id: int | None = None,
    prefer_artist_id: int | None = None,
) -> Slot | None:
    """The free slot starting at `start` (preferring one artist), or None if nobody is free."""
    slots = [
        slot
        for slot in free_slots(
            appointment_type=appointment_type,
            start_date=timezone.localdate(start, clinic_zone()),
            days=1,
            source=BookingSource.ONLINE,
            exclude_appointment_id=exclude_appointment_id,
        )
        if slot.start == start
    ]
    preferred = [slot for slot in slots if slot.artist_id == prefer_artist_id]
    return (preferred or slots or [None])[0]


# --- booking -----------------------------------------------------------------------------


@require_safe
def start(request):
    return render(request, "booking/start.html", {"types": _online_types(), **clinic_context()})


@require_safe
def times(request, type_slug: str):
    appointment_type = _get_online_type(type_slug)
    clinic = clinic_context()
    week_html, week = _public_week_html(request, appointment_type, clinic)
    return render(
        request,
        "booking/times.html",
        {"appointment_type": appointment_type, "week_html": week_html, **week, **clinic},
    )


def _public_reason(refusal: BookingRefused) -> str:
    """The refusal in a visitor's words: the diary's inner workings are the clinic's."""
    code = refusal.problem.code
    if code == "past":
        return "That time has passed. Please choose another."
    if code in {"short_notice", "too_far_ahead"}:
        return refusal.problem.message
    return "Sorry, that time is not free. Please choose another."


def _details_page(
    request,
    appointment_type: AppointmentType,
    form: BookingDetailsForm,
    start: dt.datetime,
    *,
    problem: str = "",
):
    """The details form for a free time, or (if it is not free) that day's other times."""
    zone = clinic_zone()
    day = timezone.localdate(start, zone)
    [day_times] = _group_by_day(
        cached_free_slots(
            appointment_type=appointment_type,
            start_date=day,
            days=1,
            source=BookingSource.ONLINE,
        )
    ) or [{"date": day, "times": []}]
    is_free = any(t["start"] == start for t in day_times["times"])
    if not problem and "start" in form.errors:
        problem = form.errors["start"][0]
    if not problem and not is_free:
        problem = (
            "That time has passed. Please choose another."
            if start <= timezone.now()
            else "Sorry, that time is not free. Please choose another."
        )
    return render(
        request,
        "booking/details.html",
        {
            "appointment_type": appointment_type,
            "form": form,
            "start": start,
            "ends": start + dt.timedelta(minutes=appointment_type.default_minutes),
            "problem": problem,
            "day": day,
            "day_times": day_times["times"] if problem else [],
            "chosen": form["start"].value() if form.is_bound else None,
            **clinic_context(),
        },
    )


def _confirmed_url(appointment: Appointment) -> str:
    """The thank-you page's address: a signed appointment number and nothing else.

    Addresses end up in browser history and server logs, so nothing about the
    person (not even signed, which is readable) goes into one.
    """
    return reverse("booking:confirmed", args=[signing.dumps(appointment.pk, salt=CONFIRMED_SALT)])


def _unsaved_confirmed_url(
    request, *, appointment_type: AppointmentType, start: dt.datetime, email: str
) -> str:
    """A thank-you address of the same kind for a booking that was not saved.

    What the page shows stays in this browser's session, under a random key that
    the signed token carries.
    """
    key = secrets.token_urlsafe(9)
    request.session[UNSAVED_THANKS_SESSION_KEY] = {
        "key": key,
        "type": appointment_type.pk,
        "start": format_start(start),
        "email": email,
    }
    return reverse("booking:confirmed", args=[signing.dumps(key, salt=CONFIRMED_SALT)])


def _thanks_for_appointment(appointment_pk: int) -> dict | None:
    appointment = (
        Appointment.objects.select_related("type", "client").filter(pk=appointment_pk).first()
    )
    if appointment is None:
        return None
    return {
        "appointment_type": appointment.type,
        "start": appointment.starts_at,
        "ends": appointment.ends_at,
        "email": appointment.client.email,
        # A deposit to pay now, and its link (billing).
        "client_notes": client_notes(appointment),
    }


def _thanks_unsaved(request, key: str) -> dict | None:
    saved = request.session.get(UNSAVED_THANKS_SESSION_KEY) or {}
    if not key or saved.get("key") != key:
        return None
    appointment_type = AppointmentType.objects.filter(pk=saved.get("type")).first()
    start = parse_start(saved.get("start", ""))
    if appointment_type is None or start is None:
        return None
    return {
        "appointment_type": appointment_type,
        "start": start,
        "ends": start + dt.timedelta(minutes=appointment_type.default_minutes),
        "email": saved.get("email", ""),
    }


@require_http_methods(["GET", "POST"])
@ratelimit(key="ip", rate=_booking_rate, method="POST", block=False)
def details(request, type_slug: str, start: str):
    appointment_type = _get_online_type(type_slug)
    url_start = parse_start(start)
    if url_start is None:
        raise Http404("That is not a time.")
    if request.method == "POST" and request.limited:
        return render(request, "booking/rate_limited.html", clinic_context(), status=429)
    form = BookingDetailsForm(
        request.POST if request.method == "POST" else None,
        initial={"start": format_start(url_start)},
        terms=booking_terms(appointment_type),
    )
    if request.method == "GET":
        return _details_page(request, appointment_type, form, url_start)
    if not form.is_valid():
        chosen = form.cleaned_data.get("start", url_start)
        return _details_page(request, appointment_type, form, chosen)
    data = form.cleaned_data
    chosen = data["start"]
    if form.is_robot:
        # The same answer a person gets, so the robot learns nothing; nothing is saved.
        logger.info("Online booking form: hidden field filled in, nothing booked")
        return redirect(
            _unsaved_confirmed_url(
                request, appointment_type=appointment_type, start=chosen, email=data["email"]
            )
        )
    try:
        # One transaction of its own, which reads first and takes the write lock only
        # to decide and save: not wrapped in another here.
        appointment = booking_create_for_public(
            appointment_type=appointment_type,
            starts_at=chosen,
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
            contact_consent=data["contact_consent"],
            # The language the page was in: their messages and forms follow it.
            language=translation.get_language(),
            note=data["note"],
            source=BookingSource.ONLINE,
            channel=Channel.ONLINE_BOOKING,
            context={"accepted_terms": form.accepted_terms},
        )
    except BookingRefused as refusal:
        if refusal.problem.field == "accept_terms":
            # The terms changed since the page was shown: show the new ones to accept.
            terms = booking_terms(appointment_type)
            shown = " ".join(t.key for t in terms)
            form = BookingDetailsForm(
                {**request.POST.dict(), "accept_terms": "", "terms_shown": shown}, terms=terms
            )
            form.is_valid()
            form.errors.pop("accept_terms", None)
            form.add_error(
                None,
                "The clinic's terms changed while you were booking: please read them "
                "and tick the box again. Nothing you typed has been lost.",
            )
            return _details_page(request, appointment_type, form, chosen)
        return _details_page(
            request, appointment_type, form, chosen, problem=_public_reason(refusal)
        )
    except ValidationError:
        # A clash with another record's contact details, written at the same moment. Its
        # message names that record, so it is not shown to the public.
        logger.warning("Online booking: client details clashed while saving", exc_info=True)
        form.add_error(
            None, "We could not save your details just now. Please try again or call the clinic."
        )
        return _details_page(request, appointment_type, form, chosen)
    except OperationalError as error:
        # SQLite's write lock stayed taken past its timeout (a burst of bookings):
        # nothing was saved, so say so and keep what they typed, not a server error.
        if not database_busy(error):
            raise
        logger.warning("Online booking: the database stayed busy, nothing booked")
        form.add_error(None, _(BUSY_MESSAGE))
        page = _details_page(request, appointment_type, form, chosen)
        page.status_code = 503
        page["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return page
    return redirect(_confirmed_url(appointment))


@require_safe
def confirmed(request, token: str):
    try:
        reference = signing.loads(token, salt=CONFIRMED_SALT, max_age=CONFIRMED_MAX_AGE)
    except signing.BadSignature:
        reference = None
    if isinstance(reference, int) and not isinstance(reference, bool):
        thanks = _thanks_for_appointment(reference)
    elif isinstance(reference, str):
        thanks = _thanks_unsaved(request, reference)
    else:  # tampered, expired, or an older address that carried the details themselves
        thanks = None
    if thanks is None:
        return render(request, "booking/confirmed_invalid.html", clinic_context(), status=404)
    return render(request, "booking/confirmed.html", {**thanks, **clinic_context()})


# --- the private manage link -------------------------------------------------------------


def _manage_context(appointment: Appointment, token: str) -> dict:
    policy = BookingPolicy.current()
    return {
        "appointment": appointment,
        "appointment_type": appointment.type,
        "token": token,
        "can_change": appointment.status in CHANGEABLE,
        # The same notice period as the portal: closer than that, the client calls.
        "can_move": client_may_move(appointment, policy=policy),
        "notice_hours": policy.change_notice_hours,
        "notice_message": notice_refusal(policy).message,
        # What cancelling now would mean (a deposit kept): said before they confirm.
        "cancel_notices": cancel_notices(appointment, timezone.now()),
        # What other apps tell the client of this appointment (their deposit).
        "client_notes": client_notes(appointment),
        **clinic_context(),
    }


def _move_refused(request, appointment: Appointment, token: str):
    """The client may not move this one through the link: say why, back to the appointment."""
    if appointment.status not in CHANGEABLE:
        messages.error(request, _("This appointment can no longer be moved."))
    else:
        messages.error(request, notice_refusal().message)
    return redirect("booking:manage", token)


@require_safe
@_manage_link
def manage(request, appointment: Appointment, token: str):
    context = _manage_context(appointment, token)
    return render(request, "booking/manage.html", {**context, "cancel_form": CancelForm()})


@require_POST
@_manage_link
def manage_cancel(request, appointment: Appointment, token: str):
    form = CancelForm(request.POST)
    if not form.is_valid():
        context = _manage_context(appointment, token)
        return render(request, "booking/manage.html", {**context, "cancel_form": form})
    reason = form.cleaned_data["reason"]
    reason = f"{DEFAULT_CANCEL_REASON}: {reason}" if reason else DEFAULT_CANCEL_REASON
    try:
        booking_cancel(
            appointment=appointment,
            reason=reason,
            actor=Actor.client(),
            channel=Channel.MANAGE_LINK,
        )
    except BookingRefused as refusal:
        messages.error(request, refusal.problem.message)
    else:
        messages.success(
            request, _("Your appointment is cancelled. Thank you for letting us know.")
        )
    return redirect("booking:manage", token)


@require_safe
@_manage_link
def manage_reschedule(request, appointment: Appointment, token: str):
    if not client_may_move(appointment):
        return _move_refused(request, appointment, token)
    week = _week(
        request,
        appointment.type,
        url_for=lambda key: reverse("booking:manage_reschedule_confirm", args=[token, key]),
        exclude_appointment_id=appointment.pk,
        limits=offer_limits(appointment, Actor.client()),
    )
    return render(
        request, "booking/reschedule.html", {**_manage_context(appointment, token), **week}
    )


@require_http_methods(["GET", "POST"])
@_manage_link
def manage_reschedule_confirm(request, appointment: Appointment, token: str, start: str):
    new_start = parse_start(start)
    if new_start is None:
        raise Http404("That is not a time.")
    times_url = reverse("booking:manage_reschedule", args=[token])
    times_url += f"?from={timezone.localdate(new_start, clinic_zone()).isoformat()}"
    if not client_may_move(appointment):
        return _move_refused(request, appointment, token)
    slot = _slot_at(
        appointment.type,
        new_start,
        exclude_appointment_id=appointment.pk,
        prefer_artist_id=appointment.artist_id,
    )
    if slot is None:
        messages.error(request, _("Sorry, that time is not free. Please choose another."))
        return redirect(times_url)
    if request.method == "GET":
        return render(
            request,
            "booking/reschedule_confirm.html",
            {
                **_manage_context(appointment, token),
                "new_start": new_start,
                "new_ends": new_start + (appointment.ends_at - appointment.starts_at),
            },
        )
    try:
        booking_move(
            appointment=appointment,
            starts_at=new_start,
            artist=None
            if slot.artist_id == appointment.artist_id
            else User.objects.get(pk=slot.artist_id),
            source=BookingSource.ONLINE,
            actor=Actor.client(),
            channel=Channel.MANAGE_LINK,
        )
    except BookingRefused as refusal:
        messages.error(request, refusal.problem.message)
        if refusal.problem.code in ("notice", "not_changeable"):
            return redirect("booking:manage", token)
        return redirect(times_url)
    messages.success(request, _("Your appointment has moved to the new time."))
    return redirect("booking:manage", token)
