"""The manager's settings area: a thin layer of pages over the apps that own each setting
(their models, forms and services), so the admin and these pages keep the same rules.

Every page answers a refused save with status 400, the message next to the field and
everything typed still in the form; nothing is saved in part.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, npgettext
from django.views.decorators.http import require_http_methods, require_POST

from accounts.access import manager_required
from audit.selectors import settings_changes
from scheduling import setup as clinic_week
from scheduling.availability_cache import free_times_changed
from scheduling.models import AppointmentType, BookingPolicy, Room
from smpclinic.clinic import clinic_profile_save, clinic_zone
from smpclinic.models import ClinicProfile
from smpclinic.money import currency

from . import forms as setting_forms
from .sections import sections

RECENT_ON_INDEX = 8


@require_http_methods(["GET"])
@manager_required
def index(request):
    return render(
        request,
        "clinic_settings/index.html",
        {
            "sections": sections(),
            "recent": settings_changes(1, per_page=RECENT_ON_INDEX).object_list,
        },
    )


def _installation_defaults() -> dict[str, str]:
    return {
        "name": settings.CLINIC_NAME,
        "address": getattr(settings, "CLINIC_ADDRESS", ""),
        "phone": getattr(settings, "CLINIC_PHONE", ""),
        "email": getattr(settings, "CLINIC_EMAIL", ""),
    }


@require_http_methods(["GET", "POST"])
@manager_required
def clinic(request):
    # A row of its own: the form changes its instance while it checks, and the row every
    # page shows must not take a refused value.
    profile = ClinicProfile.current()
    defaults = _installation_defaults()
    status = 200
    if request.method == "POST":
        form = setting_forms.ClinicProfileForm(
            request.POST, request.FILES, instance=profile, defaults=defaults
        )
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
            try:
                clinic_profile_save(
                    logo=form.cleaned_data.get("logo") or None,
                    remove_logo=form.cleaned_data.get("remove_logo", False),
                    **fields,
                )
            except ValidationError as error:
                form.add_error("logo", error)
            else:
                messages.success(request, _("Clinic details saved."))
                return redirect("clinic_settings:clinic")
        status = 400
    else:
        form = setting_forms.ClinicProfileForm(instance=profile, defaults=defaults)
    return render(
        request,
        "clinic_settings/clinic.html",
        {
            "form": form,
            "time_zone": clinic_zone().key,
            "currency": currency(),
            "locale": settings.CLINIC_LOCALE,
            "phone_region": settings.PHONENUMBER_DEFAULT_REGION,
            "has_logo": bool(profile.logo_png),
        },
        status=status,
    )


def _hours_page(request, *, week_formset=None, closed_form=None, holidays_form=None, status=200):
    today = timezone.localdate(timezone=clinic_zone())
    regions = clinic_week.holiday_regions()
    return render(
        request,
        "clinic_settings/hours.html",
        {
            "week_formset": week_formset
            or setting_forms.OpeningFormSet(
                prefix="week",
                initial=setting_forms.week_initial(clinic_week.week_template()),
            ),
            "closed_form": closed_form or setting_forms.ClosedDaysForm(prefix="closed"),
            "holidays_form": holidays_form
            or setting_forms.HolidaysForm(
                prefix="holidays", regions=regions, initial={"year": today.year + 1}
            ),
            "closed_days": clinic_week.closed_days_ahead(today),
            "preview": clinic_week.preview(today),
            "has_errors": status != 200,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@manager_required
def hours(request):
    if request.method == "GET":
        return _hours_page(request)
    part = request.POST.get("part")
    if part == "week":
        formset = setting_forms.OpeningFormSet(request.POST, prefix="week")
        if formset.is_valid():
            rows = [
                (
                    form.cleaned_data["weekday"],
                    form.cleaned_data["opens"],
                    form.cleaned_data["closes"],
                )
                for form in formset.forms
                if form.cleaned_data and not form.cleaned_data.get("DELETE")
            ]
            try:
                clinic_week.week_template_replace(rows)
            except ValidationError as error:
                formset._non_form_errors = formset.error_class(error.messages)
            else:
                messages.success(request, _("Opening hours saved."))
                return redirect("clinic_settings:hours")
        return _hours_page(request, week_formset=formset, status=400)
    if part == "closed":
        form = setting_forms.ClosedDaysForm(request.POST, prefix="closed")
        if form.is_valid():
            try:
                added = clinic_week.closed_days_add(
                    form.cleaned_data["first"],
                    form.cleaned_data["last"],
                    form.cleaned_data["reason"],
                )
            except ValidationError as error:
                form.add_error("first", error)
            else:
                messages.success(request, _days_closed(added))
                return redirect("clinic_settings:hours")
        return _hours_page(request, closed_form=form, status=400)
    if part == "holidays":
        form = setting_forms.HolidaysForm(
            request.POST, prefix="holidays", regions=clinic_week.holiday_regions()
        )
        if form.is_valid():
            try:
                added = clinic_week.public_holidays_close(
                    form.cleaned_data["year"], form.cleaned_data.get("region", "")
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _days_closed(added, holidays=True))
                return redirect("clinic_settings:hours")
        return _hours_page(request, holidays_form=form, status=400)
    messages.error(request, _("Nothing was saved: that part of the page is not known."))
    return redirect("clinic_settings:hours")


def _days_closed(added: int, holidays: bool = False) -> str:
    if holidays:
        if added == 0:
            return _("No public holidays added: they were already closed.")
        return npgettext(
            "public holidays",
            "Closed on %(count)d day.",
            "Closed on %(count)d public holidays.",
            added,
        ) % {"count": added}
    if added == 0:
        return _("No days added: they were already closed.")
    return ngettext("Closed on %(count)d day.", "Closed on %(count)d days.", added) % {
        "count": added
    }


@require_POST
@manager_required
def closed_day_remove(request, pk: int):
    if clinic_week.closed_day_remove(pk):
        messages.success(request, _("The clinic is open that day again."))
    else:
        messages.error(request, _("That closed day was already removed."))
    return redirect("clinic_settings:hours")


@require_http_methods(["GET", "POST"])
@manager_required
def rooms(request):
    form = setting_forms.RoomForm(request.POST or None, prefix="new")
    status = 200
    if request.method == "POST":
        if form.is_valid():
            form.save()
            free_times_changed(everything=True)
            messages.success(request, _("Room “%(name)s” added.") % {"name": form.instance.name})
            return redirect("clinic_settings:rooms")
        status = 400
    return render(
        request,
        "clinic_settings/rooms.html",
        {
            "rooms": Room.objects.order_by("-is_active", "name"),
            "form": form,
            "room_types": AppointmentType.objects.filter(
                is_active=True, needs_room=True
            ).prefetch_related("rooms"),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@manager_required
def room_edit(request, pk: int):
    room = get_object_or_404(Room, pk=pk)
    form = setting_forms.RoomForm(request.POST or None, instance=room)
    if request.method == "POST" and form.is_valid():
        form.save()
        free_times_changed(everything=True)
        messages.success(request, _("Room “%(name)s” saved.") % {"name": room.name})
        return redirect("clinic_settings:rooms")
    return render(
        request,
        "clinic_settings/room.html",
        {"form": form, "room": room},
        status=400 if form.errors else 200,
    )


def _single_rows(section_list, request, posted_key=None):
    """The forms of a page's single-row sections; the posted one bound to the post."""
    out = []
    for key, heading, form_class, note in section_list:
        instance = setting_forms.SECTION_MODELS[key].current()
        data = request.POST if key == posted_key else None
        out.append(
            {
                "key": key,
                "heading": heading,
                "note": note,
                "form": form_class(data, instance=instance, prefix=key),
            }
        )
    return out


def _save_single_row(request, section_list, page_name):
    key = request.POST.get("part", "")
    rows = _single_rows(section_list, request, posted_key=key)
    posted = next((row for row in rows if row["key"] == key), None)
    if posted is None:
        messages.error(request, _("Nothing was saved: that part of the page is not known."))
        return None, rows
    if posted["form"].is_valid():
        with transaction.atomic():
            posted["form"].save()
            if isinstance(posted["form"].instance, BookingPolicy):
                free_times_changed(everything=True)  # e.g. how often times are offered
        messages.success(request, _("%(section)s saved.") % {"section": posted["heading"]})
        return redirect(page_name), rows
    return None, rows


@require_http_methods(["GET", "POST"])
@manager_required
def services(request):
    rows = None
    if request.method == "POST":
        done, rows = _save_single_row(
            request, setting_forms.SERVICE_SECTIONS, "clinic_settings:services"
        )
        if done:
            return done
    return render(
        request,
        "clinic_settings/services.html",
        {
            "types": AppointmentType.objects.order_by("-is_active", "position", "name"),
            "sections": rows or _single_rows(setting_forms.SERVICE_SECTIONS, request),
            "currency": currency(),
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@manager_required
def service_edit(request, pk: int | None = None):
    service = get_object_or_404(AppointmentType, pk=pk) if pk else None
    form = setting_forms.ServiceForm(request.POST or None, instance=service)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        free_times_changed(everything=True)
        messages.success(request, _("“%(name)s” saved.") % {"name": saved.name})
        return redirect("clinic_settings:services")
    return render(
        request,
        "clinic_settings/service.html",
        {
            "form": form,
            "service": service,
            "prices_url": reverse("billing_settings:prices"),
            "currency": currency(),
        },
        status=400 if form.errors else 200,
    )


@require_http_methods(["GET", "POST"])
@manager_required
def rules(request):
    rows = None
    if request.method == "POST":
        done, rows = _save_single_row(request, setting_forms.RULE_SECTIONS, "clinic_settings:rules")
        if done:
            return done
    return render(
        request,
        "clinic_settings/rules.html",
        {
            "sections": rows or _single_rows(setting_forms.RULE_SECTIONS, request),
            "staff_idle_minutes": settings.STAFF_SESSION_IDLE_SECONDS // 60,
            "client_idle_minutes": settings.CLIENT_SESSION_IDLE_SECONDS // 60,
        },
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET"])
@manager_required
def changes(request):
    return render(
        request,
        "clinic_settings/changes.html",
        {"page": settings_changes(request.GET.get("page"))},
    )
