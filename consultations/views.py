"""Staff pages for the consultation record: the artist fills it in during the visit.

Every rule lives in consultations.services; these views fetch for the user, call it and
show what it says. Clients never see these pages (404); front desk may read them, while
the record, the review and the outcome belong to artists and managers (403 otherwise).
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import health_practitioner_required, health_staff_required
from audit.services import record_view
from sessions_app import plans
from sessions_app.forms import SessionBookForm
from sessions_app.models import PlanStatus, TreatmentSession
from sessions_app.selectors import plan_next_session_to_book
from sessions_app.views import book_from_form
from smpclinic import formats

from . import selectors, services
from .access import get_consultation_for_user
from .forms import (
    HairlineForm,
    OutcomeForm,
    PatchReadForm,
    PatchTestForm,
    RecordForm,
    ReferenceForm,
    ReviewForm,
)
from .links import forms_status, send_forms_link
from .models import (
    Consultation,
    FormChannel,
    HairlineDesign,
    Outcome,
    PatchReading,
    PatchTest,
)

# --- list ------------------------------------------------------------------------------------

LIST_FILTERS = {
    "": gettext_lazy("All"),
    "needs_review": gettext_lazy("Needs review"),
    "outcome_pending": gettext_lazy("Outcome pending"),
}
LIST_LIMIT = 100


@require_safe
@health_staff_required
@never_cache
def consultation_list(request):
    show = request.GET.get("show", "")
    if show not in LIST_FILTERS:
        show = ""
    rows = Consultation.objects.select_related("client", "artist", "appointment")
    if show == "needs_review":
        rows = rows.filter(review_required=True, reviewed_at__isnull=True)
    elif show == "outcome_pending":
        rows = selectors.consultation_awaiting_outcome(rows)
    now = timezone.now()
    upcoming = list(selectors.consultation_upcoming(rows, now)[:LIST_LIMIT])
    recent = list(selectors.consultation_recent(rows, now)[:LIST_LIMIT])
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "upcoming": upcoming,
            "recent": recent,
            "show": show,
            "filters": LIST_FILTERS,
        },
    )


# --- the record ------------------------------------------------------------------------------


def _render_detail(request, consultation: Consultation, status=200, **forms):
    """The consultation page; a form that failed comes in bound, with its errors."""
    user = request.user
    may_edit = user.role in services.PRACTITIONER_ROLES
    # The pictures are links by their number: the photo rows themselves are not read.
    patch_tests, designs, references = selectors.consultation_record_lists(consultation)
    latest_test = patch_tests[0] if patch_tests else None
    needs_review = consultation.review_required and consultation.reviewed_at is None
    first_session = None
    if consultation.plan is not None:
        first_session = (
            TreatmentSession.objects.filter(plan=consultation.plan)
            .select_related("appointment")
            .order_by("number")
            .first()
        )
    # The full questionnaire is for the practitioners; the desk sees the flagged answers.
    questionnaire = (
        selectors.client_current_questionnaire(consultation.client) if may_edit else None
    )
    if may_edit:
        # The client's latest response, read for the questionnaire, also tells the forms
        # status whether this consultation's questionnaire is done.
        client_forms = forms_status(
            consultation, client_latest=questionnaire.response if questionnaire else None
        )
    else:
        client_forms = forms_status(consultation)
    now = timezone.now()
    context = {
        "consultation": consultation,
        "client": consultation.client,
        "may_edit": may_edit,
        "forms_status": client_forms,
        "needs_review": needs_review,
        "flagged_answers": services.flagged_answers(consultation) if needs_review else [],
        "show_questionnaire": may_edit,
        "questionnaire": questionnaire,
        "review_form": forms.get("review_form") or ReviewForm(),
        "record_form": forms.get("record_form")
        or RecordForm(
            initial={
                **RecordForm.initial_from(consultation),
                # An estimate not started yet begins from the clinic's price list.
                **services.estimate_starting_point(consultation),
            }
        ),
        "patch_tests": patch_tests,
        "latest_test": latest_test,
        "patch_form": forms.get("patch_form")
        or PatchTestForm(
            initial={
                "pigment": services._pigment_text(consultation),
                "applied_at": timezone.localtime(now).replace(second=0, microsecond=0),
            }
        ),
        "read_form": forms.get("read_form")
        or PatchReadForm(
            initial={"read_at": timezone.localtime(now).replace(second=0, microsecond=0)}
        ),
        "read_test": latest_test
        if latest_test and latest_test.reading == PatchReading.PENDING
        else None,
        "designs": designs,
        "hairline_form": forms.get("hairline_form") or HairlineForm(),
        "references": references,
        "reference_form": forms.get("reference_form") or ReferenceForm(),
        "totals": services.estimate_totals(consultation),
        "outcome_form": forms.get("outcome_form")
        or OutcomeForm(
            initial={"outcome": consultation.outcome}
            if consultation.outcome != Outcome.PENDING
            else None
        ),
        "first_session": first_session,
        "first_session_booked": first_session is not None and first_session.is_booked,
        "open_form": next(iter(forms), ""),
    }
    return render(request, "consultations/consultation_detail.html", context, status=status)


@require_http_methods(["GET", "POST"])
@health_staff_required
@never_cache
def consultation_detail(request, pk: int):
    consultation = get_consultation_for_user(request.user, pk)
    record_view(request, what="consultation", obj=consultation, client=consultation.client_id)
    if request.method != "POST":
        return _render_detail(request, consultation)
    if request.user.role not in services.PRACTITIONER_ROLES:
        raise PermissionDenied("Only an artist or a manager can change the consultation record.")
    form = RecordForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_update(consultation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            section = request.POST.get("section", "")
            titles = {slug: title for slug, title, _names in RecordForm.SECTIONS}
            messages.success(
                request,
                _("%(section)s saved.") % {"section": titles[section]}
                if section in titles
                else _("Record saved."),
            )
            anchor = f"#{section}" if section in titles else ""
            return redirect(reverse("consultations:detail", args=[pk]) + anchor)
    return _render_detail(request, consultation, status=400, record_form=form)


@require_POST
@health_practitioner_required
@never_cache
def review_sign_off(request, pk: int):
    consultation = get_consultation_for_user(request.user, pk)
    form = ReviewForm(request.POST)
    if form.is_valid():
        try:
            services.consultation_review_sign_off(
                consultation, by=request.user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _("Review signed off: treatment may be booked."))
            return redirect(consultation)
    return _render_detail(request, consultation, status=400, review_form=form)


@require_POST
@health_practitioner_required
@never_cache
def patch_test_add(request, pk: int):
    consultation = get_consultation_for_user(request.user, pk)
    form = PatchTestForm(request.POST)
    if form.is_valid():
        try:
            test = services.patch_test_add(consultation, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            read_after = timezone.localtime(test.read_after)
            messages.success(
                request,
                _("Patch test recorded; read it from %(when)s.")
                % {"when": formats.show(read_after, "DAY_SHORT_CLOCK_FORMAT")},
            )
            return redirect(reverse("consultations:detail", args=[pk]) + "#patch-test")
    return _render_detail(request, consultation, status=400, patch_form=form)


@require_POST
@health_practitioner_required
@never_cache
def patch_test_read(request, pk: int, test_pk: int):
    consultation = get_consultation_for_user(request.user, pk)
    test = get_object_or_404(PatchTest, pk=test_pk, consultation=consultation)
    form = PatchReadForm(request.POST)
    if form.is_valid():
        try:
            test = services.patch_test_read(test, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request,
                _("Patch test read: %(reading)s.")
                % {"reading": test.get_reading_display().lower()},
            )
            return redirect(reverse("consultations:detail", args=[pk]) + "#patch-test")
    return _render_detail(request, consultation, status=400, read_form=form)


@require_POST
@health_practitioner_required
@never_cache
def hairline_add(request, pk: int):
    consultation = get_consultation_for_user(request.user, pk)
    form = HairlineForm(request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            design = services.hairline_design_add(
                consultation,
                by=request.user,
                style=data["style"],
                notes=data["notes"],
                photo_upload=data["photo"] or None,
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(
                request, _("Hairline version %(version)s saved.") % {"version": design.version}
            )
            return redirect(reverse("consultations:detail", args=[pk]) + "#hairline")
    return _render_detail(request, consultation, status=400, hairline_form=form)


@require_POST
@health_practitioner_required
@never_cache
def hairline_approve(request, pk: int, design_pk: int):
    consultation = get_consultation_for_user(request.user, pk)
    design = get_object_or_404(HairlineDesign, pk=design_pk, consultation=consultation)
    services.hairline_design_approve(design, channel=FormChannel.CLINIC)
    messages.success(
        request,
        _("Version %(version)s approved by the client in person.") % {"version": design.version},
    )
    return redirect(reverse("consultations:detail", args=[pk]) + "#hairline")


@require_POST
@health_practitioner_required
@never_cache
def references_add(request, pk: int):
    consultation = get_consultation_for_user(request.user, pk)
    form = ReferenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            added = services.reference_photos_add(
                consultation,
                by=request.user,
                uploads=form.cleaned_data["uploads"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            count = len(added)
            messages.success(
                request,
                ngettext(
                    "%(count)s reference picture added.",
                    "%(count)s reference pictures added.",
                    count,
                )
                % {"count": count},
            )
            return redirect(reverse("consultations:detail", args=[pk]) + "#references")
    return _render_detail(request, consultation, status=400, reference_form=form)


# --- estimate --------------------------------------------------------------------------------


@require_safe
@health_staff_required
@never_cache
def estimate(request, pk: int):
    consultation = get_consultation_for_user(request.user, pk)
    record_view(request, what="estimate", obj=consultation, client=consultation.client_id)
    return render(
        request,
        "consultations/estimate.html",
        {
            "consultation": consultation,
            "client": consultation.client,
            "totals": services.estimate_totals(consultation),
            "today": timezone.localdate(),
        },
    )


@require_POST
@health_staff_required
@never_cache
def estimate_send(request, pk: int):
    consultation = get_consultation_for_user(request.user, pk)
    try:
        services.estimate_send(consultation, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("The estimate is on its way to %(client)s.") % {"client": consultation.client},
        )
    return redirect(reverse("consultations:detail", args=[pk]) + "#estimate")


@require_POST
@health_staff_required
@never_cache
def forms_link_send(request, pk: int):
    """Send the client the private forms link again (the front desk's to-do, the record)."""
    consultation = get_consultation_for_user(request.user, pk)
    send_forms_link(consultation, by=request.user)
    messages.success(
        request, _("The forms link is on its way to %(client)s.") % {"client": consultation.client}
    )
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect(consultation)


# --- outcome and the first session ----------------------------------------------------------


@require_POST
@health_practitioner_required
@never_cache
def outcome(request, pk: int):
    consultation = get_consultation_for_user(request.user, pk)
    form = OutcomeForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["outcome"] == Outcome.PROCEED:
                services.consultation_proceed(
                    consultation, by=request.user, lead_artist=data["lead_artist"]
                )
            else:
                services.consultation_set_outcome(
                    consultation, by=request.user, outcome=data["outcome"], reason=data["reason"]
                )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            if data["outcome"] == Outcome.PROCEED:
                messages.success(request, _("Treatment plan made. Book the first session now."))
                return redirect("consultations:book_first_session", pk=pk)
            messages.success(request, _("Outcome saved."))
            return redirect(reverse("consultations:detail", args=[pk]) + "#outcome")
    return _render_detail(request, consultation, status=400, outcome_form=form)


@require_http_methods(["GET", "POST"])
@health_staff_required
@never_cache
def book_first_session(request, pk: int):
    consultation = get_consultation_for_user(request.user, pk)
    if consultation.plan is None:
        messages.error(
            request, _("Record the outcome “Proceed” first: it makes the treatment plan.")
        )
        return redirect(reverse("consultations:detail", args=[pk]) + "#outcome")
    plan = consultation.plan
    if plan.status != PlanStatus.ACTIVE:
        messages.error(
            request,
            _("The treatment plan is %(status)s.") % {"status": plan.get_status_display().lower()},
        )
        return redirect(plan)
    session = plan_next_session_to_book(plan=plan)
    if session is None or session.number != 1:
        messages.info(request, _("The first session is already booked."))
        return redirect(plan)
    earliest = services.first_session_earliest(consultation)
    # Pre-select the lead artist's first free time from the earliest allowed start.
    proposals = plans.plan_propose_remaining(plan, after=earliest)
    proposed = proposals[0].start if proposals and proposals[0].session == session else None
    initial = {
        "starts_at": timezone.localtime(proposed or _next_quarter(earliest)),
        "minutes": session.planned_minutes,
        "artist": plan.lead_artist_id,
    }
    form = SessionBookForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid() and book_from_form(request, session, form):
        return redirect(plan)
    return render(
        request,
        "consultations/book_first_session.html",
        {
            "consultation": consultation,
            "plan": plan,
            "session": session,
            "form": form,
            "earliest": timezone.localtime(earliest),
            "proposed": proposed,
            "patch_test": services.latest_patch_test(consultation),
        },
        status=400 if form.errors else 200,
    )


def _next_quarter(moment):
    """Round up to the next quarter hour, the diary's grid."""
    moment = moment.replace(second=0, microsecond=0)
    extra = (-moment.minute) % 15
    return moment + dt.timedelta(minutes=extra) if extra else moment
