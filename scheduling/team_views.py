"""Settings → Team: each member's working hours, time off and the appointment types an
artist offers (the manager's), and "My hours" for every member of staff. Thin views
over scheduling.staff_hours; the team list and member pages are accounts' own
(accounts/team_views.py), which show the parts registered in scheduling/team_parts.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import get_staff_member_for_user, manager_required, staff_required
from accounts.models import Role

from . import staff_hours
from .access import get_time_off_for_user
from .models import TimeOffStatus
from .team_forms import OfferedTypesForm, TimeOffForm, WeekHoursForm


def _back(request, default: str) -> str:
    """Where a one-click action returns to: the page it was clicked on, if it is ours."""
    candidate = request.POST.get("next", "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _add_refusal(form, refusal: ValidationError) -> None:
    if hasattr(refusal, "error_dict"):
        for field, errors in refusal.message_dict.items():
            for error in errors:
                form.add_error(field if field in form.fields else None, error)
    else:
        for error in refusal.messages:
            form.add_error(None, error)


def _time_off_saved(request, time_off) -> None:
    if time_off.status == TimeOffStatus.REQUESTED:
        messages.success(request, _("Your request is with the manager. It shows below until then."))
        return
    messages.success(request, _("Time off added for %(member)s.") % {"member": time_off.artist})
    _warn_of_appointments(request, time_off)


def _warn_of_appointments(request, time_off) -> None:
    clashes = staff_hours.appointments_during(time_off)
    if clashes:
        messages.warning(
            request,
            ngettext(
                "%(member)s has %(count)d appointment booked during this time off. They stay "
                "booked: move them in the diary.",
                "%(member)s has %(count)d appointments booked during this time off. They stay "
                "booked: move them in the diary.",
                clashes,
            )
            % {"member": time_off.artist, "count": clashes},
        )


@require_http_methods(["GET", "POST"])
@manager_required
def member_hours(request, pk: int):
    member = get_staff_member_for_user(request.user, pk)
    here = reverse("staff_hours:member_hours", args=[member.pk])
    week = staff_hours.week_hours(member)
    section = request.POST.get("section", "") if request.method == "POST" else ""
    hours_form = WeekHoursForm(request.POST if section == "hours" else None, week=week)
    time_off_form = TimeOffForm(request.POST if section == "time_off" else None)
    types_form = OfferedTypesForm(
        request.POST if section == "types" else None,
        initial={"types": staff_hours.offered_types(member)},
    )
    if section == "hours" and staff_hours.keeps_hours(member):
        if hours_form.is_valid():
            try:
                added, removed = staff_hours.week_hours_save(member=member, week=hours_form.week())
            except ValidationError as refusal:
                if hasattr(refusal, "error_dict"):
                    hours_form.add_problems({k: v[0] for k, v in refusal.message_dict.items()})
                else:
                    _add_refusal(hours_form, refusal)
            else:
                if added or removed:
                    done = _("Working hours of %(member)s saved.")
                else:
                    done = _("Working hours of %(member)s unchanged.")
                messages.success(request, done % {"member": member})
                return redirect(here)
    elif section == "time_off":
        if time_off_form.is_valid():
            data = time_off_form.cleaned_data
            try:
                time_off = staff_hours.time_off_add(
                    member=member,
                    starts_at=data["starts_at"],
                    ends_at=data["ends_at"],
                    kind=data["kind"],
                    note=data["note"],
                    by=request.user,
                )
            except ValidationError as refusal:
                _add_refusal(time_off_form, refusal)
            else:
                _time_off_saved(request, time_off)
                return redirect(here)
    elif section == "types" and member.role == Role.ARTIST:
        if types_form.is_valid():
            staff_hours.offered_types_set(artist=member, offered=types_form.cleaned_data["types"])
            messages.success(
                request, _("Appointment types %(member)s takes saved.") % {"member": member}
            )
            return redirect(here)
    elif section:
        messages.error(request, _("Nothing was saved: that part of the page is not known."))
        return redirect(here)
    has_errors = any(f.errors for f in (hours_form, time_off_form, types_form))
    return render(
        request,
        "scheduling/team/member_hours.html",
        {
            "member": member,
            "keeps_hours": staff_hours.keeps_hours(member),
            "takes_bookings": member.role == Role.ARTIST,
            "hours_form": hours_form,
            "hours_rows": hours_form.days(
                {
                    day: staff_hours.spans_in_words(spans)
                    for day, spans in staff_hours.opening_spans().items()
                }
            ),
            "time_off_form": time_off_form,
            "types_form": types_form,
            "time_off": staff_hours.time_off_ahead(member),
            "has_errors": has_errors,
        },
        status=400 if has_errors else 200,
    )


def _decide(request, pk: int, *, approve: bool):
    time_off = get_time_off_for_user(request.user, pk)
    try:
        decided = staff_hours.time_off_decide(time_off=time_off, approve=approve, by=request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        if approve:
            messages.success(
                request, _("Time off approved for %(member)s.") % {"member": decided.artist}
            )
            _warn_of_appointments(request, decided)
        else:
            messages.success(
                request,
                _("Time-off request of %(member)s declined.") % {"member": decided.artist},
            )
    return redirect(_back(request, reverse("team:list")))


@require_POST
@manager_required
def time_off_approve(request, pk: int):
    return _decide(request, pk, approve=True)


@require_POST
@manager_required
def time_off_decline(request, pk: int):
    return _decide(request, pk, approve=False)


@require_POST
@manager_required
def time_off_remove(request, pk: int):
    time_off = get_time_off_for_user(request.user, pk)
    staff_hours.time_off_remove(time_off=time_off, by=request.user)
    messages.success(request, _("Time off of %(member)s removed.") % {"member": time_off.artist})
    return redirect(_back(request, reverse("staff_hours:member_hours", args=[time_off.artist_id])))


@require_http_methods(["GET", "POST"])
@staff_required
def my_hours(request):
    """Every member of staff: their working hours, their time off, and asking for more."""
    me = request.user
    form = TimeOffForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            time_off = staff_hours.time_off_add(
                member=me,
                starts_at=data["starts_at"],
                ends_at=data["ends_at"],
                kind=data["kind"],
                note=data["note"],
                by=me,
            )
        except ValidationError as refusal:
            _add_refusal(form, refusal)
        else:
            _time_off_saved(request, time_off)
            return redirect("staff_hours:my_hours")
    return render(
        request,
        "scheduling/team/my_hours.html",
        {
            "keeps_hours": staff_hours.keeps_hours(me),
            "week": staff_hours.week_in_words(staff_hours.week_hours(me)),
            "time_off": staff_hours.time_off_ahead(me),
            "form": form,
            "languages": settings.LANGUAGES,
        },
        status=400 if form.errors else 200,
    )


@require_POST
@staff_required
def my_time_off_withdraw(request, pk: int):
    time_off = get_time_off_for_user(request.user, pk, own_only=True)
    try:
        staff_hours.time_off_remove(time_off=time_off, by=request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(request, _("Your request is withdrawn."))
    return redirect("staff_hours:my_hours")
