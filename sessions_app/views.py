"""Staff pages for treatment plans: start a plan, book its sessions, log them, judge healing.

Every rule lives in sessions_app.plans; these views only fetch for the user, call it and
show what it says.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import (
    health_editor_required,
    health_practitioner_required,
    health_staff_required,
)
from accounts.models import Role
from audit.services import record_view
from clients.access import get_client_for_user
from consultations.selectors import client_current_questionnaire
from photos.models import PhotoStage
from scheduling.booking import BookingRefused
from smpclinic import formats

from . import plans, selectors
from .access import get_plan_for_user, get_session_for_user
from .forms import (
    BookRemainingForm,
    ExtraSessionForm,
    HealingForm,
    PlanForm,
    PlanStatusForm,
    SessionBookForm,
    SessionLogForm,
    TouchUpForm,
)
from .models import PlanStatus, RegionTreated, TreatmentSession

# --- plans ---------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@health_staff_required
def plan_create(request, client_pk: int):
    client = get_client_for_user(request.user, client_pk)
    form = PlanForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            plan = plans.plan_create(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("Treatment plan started with %(count)s sessions.")
                % {"count": plan.planned_sessions},
            )
            return redirect(plan)
    return render(request, "sessions_app/plan_form.html", {"form": form, "client": client})


@require_safe
@health_staff_required
def plan_detail(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    record_view(request, what="treatment plan", obj=plan, client=plan.client_id)
    return _render_plan(request, plan)


def plan_money(plan) -> dict:
    """Two queries: the consultation's agreed price, and the plan's rows of the ledger."""
    from billing.ledger import plan_balance
    from billing.prices import agreed_price

    return {"agreed_price": agreed_price(plan), "plan_balance": plan_balance(plan)}


def _render_plan(request, plan, *, extra_form=None, touch_up_form=None, status_form=None, code=200):
    sessions = list(
        plan.sessions.select_related("appointment__artist", "appointment__room", "log").order_by(
            "number"
        )
    )
    return render(
        request,
        "sessions_app/plan_detail.html",
        {
            "plan": plan,
            "sessions": sessions,
            "unbooked": [s for s in sessions if not s.is_booked],
            "extra_likely": plans.extra_session_likely(plan),
            "is_active": plan.status == PlanStatus.ACTIVE,
            "may_change_status": request.user.can_edit_clients,
            "may_log": request.user.role in (Role.MANAGER, Role.ARTIST),
            "extra_form": extra_form or ExtraSessionForm(),
            "touch_up_form": touch_up_form or TouchUpForm(),
            "status_form": status_form or PlanStatusForm(initial={"status": plan.status}),
            # The agreed price and what is charged and paid against the plan (billing).
            **plan_money(plan),
        },
        status=code,
    )


@require_POST
@health_editor_required
def plan_status(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = PlanStatusForm(request.POST)
    if not form.is_valid():
        return _render_plan(request, plan, status_form=form, code=400)
    # No service function for this yet: a plain field update, kept in one place.
    plans.plan_set_status(plan=plan, status=form.cleaned_data["status"], by=request.user)
    messages.success(request, _("Plan status: %(status)s.") % {"status": plan.get_status_display()})
    return redirect(plan)


@require_POST
@health_staff_required
def plan_add_extra(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = ExtraSessionForm(request.POST)
    if form.is_valid():
        try:
            session = plans.plan_add_extra_session(
                plan=plan,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
                by=request.user,
            )
        except ValidationError as error:
            _add_errors(form, error, {"extra_reason": "reason"})
        else:
            messages.success(
                request, _("Extra session %(number)s added.") % {"number": session.number}
            )
            return redirect(plan)
    return _render_plan(request, plan, extra_form=form, code=400)


@require_POST
@health_staff_required
def plan_add_touch_up(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    form = TouchUpForm(request.POST)
    if form.is_valid():
        try:
            session = plans.plan_add_touch_up(
                plan=plan, minutes=form.cleaned_data["minutes"], note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            _add_errors(form, error, {})
        else:
            messages.success(
                request, _("Touch-up added as session %(number)s.") % {"number": session.number}
            )
            return redirect(plan)
    return _render_plan(request, plan, touch_up_form=form, code=400)


def _add_errors(form, error: ValidationError, fields: dict[str, str]) -> None:
    """A rule's ValidationError on the form field it names (renamed via `fields`)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.message_dict.items():
            field = fields.get(name, name)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


# --- booking -------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@health_staff_required
def session_book(request, pk: int):
    session = get_session_for_user(request.user, pk)
    plan = session.plan
    earliest = plans.earliest_start(session)
    initial = {"minutes": session.planned_minutes, "artist": plan.lead_artist_id}
    if earliest is not None:
        initial["starts_at"] = timezone.localtime(earliest)
    form = SessionBookForm(request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid() and book_from_form(request, session, form):
        return redirect(plan)
    return render(
        request,
        "sessions_app/session_book.html",
        {"form": form, "session": session, "plan": plan, "earliest": earliest},
    )


@require_http_methods(["GET", "POST"])
@health_staff_required
def book_remaining(request, pk: int):
    plan = get_plan_for_user(request.user, pk)
    proposals = plans.plan_propose_remaining(plan)
    form = BookRemainingForm(request.POST or None, proposals=proposals)
    if request.method == "POST" and proposals and form.is_valid():
        try:
            booked = plans.plan_book_remaining(plan=plan, choices=form.choices(), by=request.user)
        except BookingRefused as refused:
            form.add_refusal(refused.problem.message)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                ngettext("%(count)s session booked.", "%(count)s sessions booked.", len(booked))
                % {"count": len(booked)},
            )
            return redirect(plan)
    return render(
        request,
        "sessions_app/book_remaining.html",
        {"form": form, "plan": plan, "is_active": plan.status == PlanStatus.ACTIVE},
    )


# --- the artist's log and healing ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@health_practitioner_required
def session_log(request, pk: int):
    session = get_session_for_user(request.user, pk, to_log=True)
    record_view(request, what="session log", obj=session, client=session.plan.client_id)
    existing = getattr(session, "log", None) if session.is_logged else None
    if existing is not None:
        initial = SessionLogForm.initial_from(existing)
    else:
        appointment = session.appointment
        initial = {
            "minutes_taken": appointment.minutes if appointment else session.planned_minutes,
            **selectors.session_log_starting_values(session=session),
        }
    not_yet = plans.session_log_problem(session)
    form = SessionLogForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plans.session_log_save(
                session=session,
                by=request.user,
                regions=data["regions"],
                minutes_taken=data["minutes_taken"],
                **form.log_fields(),
            )
        except ValidationError as error:
            _add_errors(form, error, {"regions": None})
        else:
            messages.success(request, _("Session %(number)s logged.") % {"number": session.number})
            return redirect(session.plan)
    return render(
        request,
        "sessions_app/session_log.html",
        {
            "form": form,
            "session": session,
            "plan": session.plan,
            "existing": existing,
            "not_yet": not_yet,
            "questionnaire": client_current_questionnaire(session.plan.client),
            "photos_url": reverse("photos:upload", args=[session.plan.client_id])
            + "?"
            + urlencode(
                {
                    "session": session.pk,
                    "stage": PhotoStage.AFTER_SESSION,
                    "next": request.get_full_path(),
                }
            ),
        },
    )


@require_http_methods(["GET", "POST"])
@health_practitioner_required
def session_healing(request, pk: int):
    session = get_session_for_user(request.user, pk, to_log=True)
    record_view(request, what="healing", obj=session, client=session.plan.client_id)
    previous = (
        session.plan.sessions.filter(number__lt=session.number, log__isnull=False)
        .select_related("log")
        .prefetch_related(Prefetch("log__regions", queryset=RegionTreated.objects.order_by("pk")))
        .order_by("-number")
        .first()
    )
    initial = HealingForm.initial_from(session.healing.all())
    form = HealingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plans.healing_record(
                session=session, by=request.user, assessments=form.cleaned_data["assessments"]
            )
        except ValidationError as error:
            _add_errors(form, error, {"healing": None})
        else:
            messages.success(
                request, _("Healing recorded for session %(number)s.") % {"number": session.number}
            )
            return redirect(session.plan)
    return render(
        request,
        "sessions_app/session_healing.html",
        {"form": form, "session": session, "plan": session.plan, "previous": previous},
    )


def book_from_form(request, session: TreatmentSession, form: SessionBookForm) -> bool:
    """Book `session` from a valid SessionBookForm and say so; a refusal goes onto the form
    next to the field it is about. True when booked."""
    data = form.cleaned_data
    try:
        appointment = plans.session_book(
            session=session,
            starts_at=data["starts_at"],
            minutes=data["minutes"],
            artist=data["artist"],
            by=request.user,
            gap_override_reason=data.get("gap_override_reason", ""),
        )
    except BookingRefused as refused:
        form.add_problem(refused.problem)
        return False
    start = timezone.localtime(appointment.starts_at)
    messages.success(
        request,
        _("Session %(number)s booked: %(when)s with %(artist)s.")
        % {
            "number": session.number,
            "when": formats.show(start, "DAY_SHORT_YEAR_CLOCK_FORMAT"),
            "artist": appointment.artist,
        },
    )
    return True


TO_CHASE_PAGE_SIZE = 50


@require_safe
@health_staff_required
def to_chase(request):
    """Clients invited to book their next session who have not booked it."""
    sessions = selectors.sessions_to_chase()
    page = Paginator(sessions, TO_CHASE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "sessions_app/to_chase.html", {"page": page})
