"""Treatment plans and their sessions: lengths, gaps, booking, logs and healing.

Views, forms, the API, commands and tasks call these; every rule about sessions
lives here. Booking itself goes through scheduling.booking, so the diary's rules
(hours, overlaps, rooms) hold for sessions too.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from clients.models import Client
from scheduling.availability import Problem, free_slots
from scheduling.booking import (
    BookingRefused,
    appointment_set_status,
    booking_create,
    status_changes_now,
)
from scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingSource,
)
from scheduling.policy import Actor, Channel, Event, Happened, react
from smpclinic import formats
from smpclinic.clinic import clinic_zone

from .models import (
    DENSITY_SCALE,
    MINUTES_TAKEN,
    PLAN_SESSIONS,
    ExtraReason,
    PlanStatus,
    Region,
    RegionHealing,
    RegionTreated,
    SessionKind,
    SessionLog,
    TreatmentPlan,
    TreatmentSession,
    TreatmentSettings,
)

TREATMENT_TYPE = "treatment-session"
TOUCH_UP_TYPE = "touch-up"


def _refuse(code: str, message: str, field: str = "starts_at"):
    raise BookingRefused(Problem(code, message, field))


# --- lengths ----------------------------------------------------------------------------


def suggested_minutes(number: int, rules: TreatmentSettings | None = None) -> int:
    """The first session is the longest; each later one 30 minutes shorter, down to a floor."""
    rules = rules or TreatmentSettings.current()
    minutes = rules.first_session_minutes - rules.step_down_minutes * (max(number, 1) - 1)
    return max(minutes, rules.minimum_session_minutes)


# --- plans ------------------------------------------------------------------------------


@transaction.atomic
def plan_create(
    *,
    client: Client,
    lead_artist: User,
    planned_sessions: int = 3,
    pigment: str = "",
    hairline_design: str = "",
    target_look: str = "",
    target_density: int | None = None,
    notes: str = "",
    by: User | None = None,
) -> TreatmentPlan:
    """A new plan with its planned sessions numbered 1..N and their suggested lengths."""
    if lead_artist.role != Role.ARTIST or not lead_artist.is_active:
        raise ValidationError({"lead_artist": _("Choose one of the clinic's artists.")})
    if planned_sessions not in PLAN_SESSIONS:
        raise ValidationError({"planned_sessions": PLAN_SESSIONS.message})
    if target_density is not None and target_density not in DENSITY_SCALE:
        raise ValidationError({"target_density": DENSITY_SCALE.message})
    rules = TreatmentSettings.current()
    plan = TreatmentPlan.objects.create(
        client=client,
        lead_artist=lead_artist,
        planned_sessions=planned_sessions,
        pigment=pigment,
        hairline_design=hairline_design,
        target_look=target_look,
        target_density=target_density,
        notes=notes,
        created_by=by,
    )
    TreatmentSession.objects.bulk_create(
        TreatmentSession(
            plan=plan,
            number=n,
            kind=SessionKind.PLANNED,
            planned_minutes=suggested_minutes(n, rules),
        )
        for n in range(1, planned_sessions + 1)
    )
    return plan


def _next_number(plan: TreatmentPlan) -> int:
    return (plan.sessions.aggregate(last=Max("number"))["last"] or 0) + 1


@transaction.atomic
def plan_add_extra_session(
    *, plan: TreatmentPlan, reason: str, note: str = "", by: User | None = None
) -> TreatmentSession:
    """An extra session beyond the plan (scar tissue, patchy healing, client request)."""
    if reason not in ExtraReason.values:
        raise ValidationError({"extra_reason": _("Say why the extra session is needed.")})
    if plan.status in (PlanStatus.CANCELLED, PlanStatus.COMPLETED):
        raise ValidationError(_("Sessions cannot be added to a finished plan."))
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    number = _next_number(plan)
    return TreatmentSession.objects.create(
        plan=plan,
        number=number,
        kind=SessionKind.EXTRA,
        extra_reason=reason,
        extra_note=note.strip()[:300],
        planned_minutes=suggested_minutes(number),
    )


@transaction.atomic
def plan_add_touch_up(
    *, plan: TreatmentPlan, minutes: int | None = None, note: str = ""
) -> TreatmentSession:
    """A touch-up months or years later attaches to the same plan."""
    plan = TreatmentPlan.objects.select_for_update().get(pk=plan.pk)
    touch_up = AppointmentType.objects.get(slug=TOUCH_UP_TYPE)
    return TreatmentSession.objects.create(
        plan=plan,
        number=_next_number(plan),
        kind=SessionKind.TOUCH_UP,
        extra_note=note.strip()[:300],
        planned_minutes=minutes or touch_up.default_minutes,
    )


@transaction.atomic
def plan_set_status(*, plan: TreatmentPlan, status: str, by: User | None = None) -> TreatmentPlan:
    """Pause, resume, complete or cancel a plan."""
    if status not in PlanStatus.values:
        raise ValidationError({"status": _("Choose a plan status.")})
    if status == PlanStatus.COMPLETED and plan.status != PlanStatus.COMPLETED:
        plan.completed_at = timezone.now()
    elif status != PlanStatus.COMPLETED:
        plan.completed_at = None
    plan.status = status
    plan.save(update_fields=["status", "completed_at", "updated_at"])
    # The touch-up recall when a plan completes; nothing more about a cancelled one.
    from .messages import plan_status_changed

    plan_status_changed(plan)
    return plan


# --- gaps and booking -------------------------------------------------------------------


def _held_sessions(plan: TreatmentPlan):
    """Sessions of the plan whose appointment holds its time (booked or done)."""
    return (
        plan.sessions.filter(appointment__status__in=ACTIVE_STATUSES)
        .select_related("appointment")
        .order_by("number")
    )


def session_neighbours(
    session: TreatmentSession,
) -> tuple[Appointment | None, Appointment | None]:
    """The appointments of the sessions just before and just after this one.

    Only sessions whose appointment holds its time (booked or done) count.
    """
    before = after = None
    for other in _held_sessions(session.plan):
        if other.pk == session.pk:
            continue
        if other.number < session.number:
            before = other.appointment
        elif after is None:
            after = other.appointment
    return before, after


def days_on_the_clock(moment: dt.datetime, days: int) -> dt.datetime:
    """The same wall-clock time `days` days later (or earlier) in the clinic's zone.

    A week after 10:00 on the Monday before the clocks go forward is 10:00 the next
    Monday, which is 167 hours later, not 168: the gap between sessions is counted in
    the clinic's days, as the client and the artist count it.
    """
    zone = clinic_zone()
    local = moment.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=days)
    return local.replace(tzinfo=zone).astimezone(dt.UTC)


def gap_window(session: TreatmentSession) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The earliest and latest start that keep the minimum gap to this session's neighbours.

    The one definition of the gap: the diary, the portal, the emailed link and the
    booking checks all use it. None means no limit on that side.
    """
    days = TreatmentSettings.current().minimum_gap_days
    before, after = session_neighbours(session)
    return (
        days_on_the_clock(before.starts_at, days) if before is not None else None,
        days_on_the_clock(after.starts_at, -days) if after is not None else None,
    )


def within_window(start: dt.datetime, window) -> bool:
    earliest, latest = window
    return (earliest is None or start >= earliest) and (latest is None or start <= latest)


def earliest_start(session: TreatmentSession) -> dt.datetime | None:
    """The earliest suggested start: the minimum gap after the previous session."""
    return gap_window(session)[0]


def session_of(appointment: Appointment) -> TreatmentSession | None:
    """The plan session this appointment holds, if any."""
    return (
        TreatmentSession.objects.filter(appointment=appointment)
        .select_related("plan__lead_artist")
        .first()
    )


@transaction.atomic
def session_book(
    *,
    session: TreatmentSession,
    starts_at: dt.datetime,
    minutes: int | None = None,
    artist: User | None = None,
    by: User | None = None,
    gap_override_reason: str = "",
    outside_hours_note: str = "",
    source: str = BookingSource.FRONT_DESK,
    actor: Actor | None = None,
    channel: str | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book one session of a plan, keeping the gap to its neighbours.

    The gap and the lead artist are checked by sessions_app.booking_rules, through
    the booking's checks, with this session and the override reason as context.
    """
    session = (
        TreatmentSession.objects.select_for_update(of=("self",))
        .select_related("plan__client", "plan__lead_artist", "appointment")
        .get(pk=session.pk)
    )
    if session.is_booked:
        _refuse("already_booked", _("This session is already booked; move it instead."))
    if session.plan.status != PlanStatus.ACTIVE:
        _refuse("plan_not_active", _("The plan is not active."), "plan")
    starts_at = starts_at.astimezone(dt.UTC).replace(second=0, microsecond=0)
    slug = TOUCH_UP_TYPE if session.kind == SessionKind.TOUCH_UP else TREATMENT_TYPE
    appointment = booking_create(
        client=session.plan.client,
        appointment_type=AppointmentType.objects.get(slug=slug),
        artist=artist or session.plan.lead_artist,
        starts_at=starts_at,
        minutes=minutes or session.planned_minutes,
        source=source,
        by=by,
        notes=f"Session {session.number} of the treatment plan",
        outside_hours_note=outside_hours_note,
        actor=actor,
        channel=channel,
        context={"treatment_session": session, "gap_override_reason": gap_override_reason},
        now=now,
    )
    session.appointment = appointment
    session.planned_minutes = appointment.minutes
    session.gap_override_reason = gap_override_reason.strip()[:300]
    session.save(update_fields=["appointment", "planned_minutes", "gap_override_reason"])
    return appointment


@dataclass(frozen=True)
class Proposal:
    session: TreatmentSession
    start: dt.datetime | None
    minutes: int
    artist_id: int


def plan_propose_remaining(
    plan: TreatmentPlan, *, after: dt.datetime | None = None
) -> list[Proposal]:
    """Free times for every unbooked session, a gap apart, with the plan's artist and lengths.

    Each proposal is the first free time on or after the earliest allowed date
    (looking up to 3 weeks further); None when nothing is free in that window.
    """
    rules = TreatmentSettings.current()
    sessions = list(plan.sessions.select_related("appointment").order_by("number"))
    treatment = AppointmentType.objects.get(slug=TREATMENT_TYPE)
    last = after or timezone.now()
    last_held: dt.datetime | None = None
    proposals: list[Proposal] = []
    for session in sessions:
        if session.is_booked:
            last_held = session.appointment.starts_at
            continue
        if session.kind == SessionKind.TOUCH_UP:
            continue
        earliest = (
            max(last, days_on_the_clock(last_held, rules.minimum_gap_days)) if last_held else last
        )
        day = timezone.localdate(earliest)
        slots = [
            slot
            for slot in free_slots(
                appointment_type=treatment,
                start_date=day,
                days=21,
                artist_id=plan.lead_artist_id,
                minutes=session.planned_minutes,
                source=BookingSource.FRONT_DESK,
            )
            if slot.start >= earliest
        ]
        start = slots[0].start if slots else None
        proposals.append(Proposal(session, start, session.planned_minutes, plan.lead_artist_id))
        if start is not None:
            last_held = start
    return proposals


@transaction.atomic
def plan_book_remaining(
    *,
    plan: TreatmentPlan,
    choices: list[tuple[TreatmentSession, dt.datetime, int]],
    by: User | None = None,
) -> list[Appointment]:
    """Book several sessions at once: all of them, or (on any refusal) none.

    `choices` are (session, start, minutes) as staff confirmed or adjusted them.
    A refusal names the session it is about.
    """
    booked = []
    for session, start, minutes in sorted(choices, key=lambda c: c[0].number):
        if session.plan_id != plan.pk:
            raise ValidationError(_("A session of another plan was given."))
        try:
            booked.append(session_book(session=session, starts_at=start, minutes=minutes, by=by))
        except BookingRefused as refusal:
            problem = refusal.problem
            raise BookingRefused(
                Problem(
                    problem.code,
                    _("Session %(number)s: %(problem)s")
                    % {"number": session.number, "problem": problem.message},
                    "sessions",
                )
            ) from refusal
    return booked


# --- the artist's log ---------------------------------------------------------------------


def may_log_session(user: User, session: TreatmentSession) -> bool:
    """The plan's artist, the session's artist, or a manager."""
    if user.role == Role.MANAGER:
        return True
    if user.role != Role.ARTIST:
        return False
    appointment_artist = session.appointment.artist_id if session.appointment else None
    return user.pk in (session.plan.lead_artist_id, appointment_artist)


def session_log_problem(session: TreatmentSession, *, now: dt.datetime | None = None) -> str:
    """Why this session cannot be logged now ("" when it can).

    A log records what was done, so it waits until the session's appointment has
    started (an artist may fill it in during the session); aftercare, check-ins and
    healing days then count from the real session. A session whose appointment was
    cancelled is booked again first. A session with no appointment is logged as
    happening now.
    """
    appointment = session.appointment
    if appointment is None:
        return ""
    if appointment.status == AppointmentStatus.CANCELLED:
        return _(
            "Session %(number)s's appointment was cancelled: book the session again "
            "before logging it."
        ) % {"number": session.number}
    now = now or timezone.now()
    if now < appointment.starts_at:
        start = timezone.localtime(appointment.starts_at)
        return _(
            "Session %(number)s starts at %(clock)s on %(day)s: "
            "it can be logged once it has started."
        ) % {
            "number": session.number,
            "clock": formats.clock(start),
            "day": formats.show(start, "DAY_LONG_YEAR_FORMAT"),
        }
    return ""


@transaction.atomic
def session_log_save(
    *,
    session: TreatmentSession,
    by: User,
    regions: dict[str, int],
    minutes_taken: int,
    now: dt.datetime | None = None,
    **fields,
) -> SessionLog:
    """Record what was done; the appointment becomes completed.

    `regions` maps Region values to the density reached (1–5). Only the plan's
    artist, the session's artist or a manager may log.
    """
    session = (
        TreatmentSession.objects.select_for_update(of=("self",))
        .select_related("plan", "appointment")
        .get(pk=session.pk)
    )
    if not may_log_session(by, session):
        raise ValidationError(_("Only the client's artist or a manager can log this session."))
    now = now or timezone.now()
    if problem := session_log_problem(session, now=now):
        raise ValidationError(problem, code="not_yet")
    errors = {}
    if not regions:
        errors["regions"] = _("Tick at least one region treated.")
    for region, density in regions.items():
        if region not in Region.values:
            errors["regions"] = _("Unknown region: %(region)s.") % {"region": region}
        elif density not in DENSITY_SCALE:
            errors["regions"] = DENSITY_SCALE.message
    if minutes_taken not in MINUTES_TAKEN:
        errors["minutes_taken"] = MINUTES_TAKEN.message
    if errors:
        raise ValidationError(errors)
    first_time = not SessionLog.objects.filter(session=session).exists()
    if first_time:
        # A session cannot start until the client has signed the current consent.
        from consultations.consent import session_start_problem

        if problem := session_start_problem(session.plan.client):
            raise ValidationError(problem.message)
    log, _created = SessionLog.objects.update_or_create(
        session=session,
        defaults={"artist": by, "minutes_taken": minutes_taken, **fields},
    )
    log.regions.all().delete()
    RegionTreated.objects.bulk_create(
        RegionTreated(log=log, region=region, density=density)
        for region, density in regions.items()
    )
    appointment = session.appointment
    if appointment is not None and appointment.status != AppointmentStatus.COMPLETED:
        # Saving the log is how a session is finished: arrived, then completed.
        for status in (AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED):
            if status in status_changes_now(appointment, now=now):
                appointment_set_status(
                    appointment=appointment, status=status, by=by, channel=Channel.DIARY, now=now
                )
                appointment.refresh_from_db()
    if first_time:
        # Registered reactions (aftercare, check-ins and their reminders), in this transaction.
        react(Happened(Event.SESSION_LOGGED, appointment=appointment, subject=log))
    return log


@transaction.atomic
def healing_record(
    *, session: TreatmentSession, by: User, assessments: dict[str, tuple[str, str]]
) -> list[RegionHealing]:
    """Per-region healing judged at the start of `session`: {region: (status, note)}."""
    from .models import HealingStatus

    session = TreatmentSession.objects.select_related("plan", "appointment").get(pk=session.pk)
    if not may_log_session(by, session):
        raise ValidationError(_("Only the client's artist or a manager can record healing."))
    for region, (status, _note) in assessments.items():
        if region not in Region.values or status not in HealingStatus.values:
            raise ValidationError({"healing": _("Choose a region and how it healed.")})
    RegionHealing.objects.filter(session=session, region__in=list(assessments)).delete()
    return RegionHealing.objects.bulk_create(
        RegionHealing(
            session=session, region=region, status=status, note=note.strip()[:300], assessed_by=by
        )
        for region, (status, note) in assessments.items()
    )


def extra_session_likely(plan: TreatmentPlan) -> bool:
    """Patchy or faded regions at the latest assessment suggest one more session."""
    from .models import HealingStatus

    latest = (
        RegionHealing.objects.filter(session__plan=plan)
        .order_by("-session__number")
        .values_list("session__number", flat=True)
        .first()
    )
    if latest is None:
        return False
    return RegionHealing.objects.filter(
        session__plan=plan,
        session__number=latest,
        status__in=(HealingStatus.PATCHY, HealingStatus.FADED),
    ).exists()
