"""Values derived from a client's treatment plan, read by every screen that shows them.

The portal, the consultation page, the plan page, aftercare and the reminders all ask
"which plan is current?" and "which session is next to book?"; the answers live here
so that every screen gives the same one.
"""

from __future__ import annotations

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    IntegerField,
    Min,
    Q,
    QuerySet,
    Value,
    When,
)
from django.utils.translation import gettext

from clients.models import Client
from reminders.models import ReminderKind, ReminderStatus
from scheduling.models import ACTIVE_STATUSES
from smpclinic.prepared import Param, PreparedQuery

from .models import PlanStatus, SessionKind, SessionLog, TreatmentPlan, TreatmentSession


def client_current_plan(*, client: Client) -> TreatmentPlan | None:
    """The plan a client's treatment is about: the active one, else the latest not cancelled."""
    return _CURRENT_PLAN.first(client=client.pk)


# The active plan first, then the latest not cancelled: one query, compiled once.
_CURRENT_PLAN = PreparedQuery(
    lambda: (
        TreatmentPlan.objects.filter(client_id=Param("client", BigIntegerField()))
        .exclude(status=PlanStatus.CANCELLED)
        .select_related("lead_artist")
        .annotate(
            not_active=Case(
                When(status=PlanStatus.ACTIVE, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("not_active", "-created_at", "-id")[:1]
    )
)


def plan_next_session_to_book(*, plan: TreatmentPlan | None) -> TreatmentSession | None:
    """The active plan's first session that is neither logged nor held by an appointment."""
    if plan is None or plan.status != PlanStatus.ACTIVE:
        return None
    for session in (
        TreatmentSession.objects.filter(plan=plan, log__isnull=True)
        .select_related("appointment", "plan__lead_artist", "plan__client")
        .order_by("number")
    ):
        if not session.is_booked:
            return session
    return None


def session_following(*, session: TreatmentSession) -> TreatmentSession | None:
    """The plan's session after this one; touch-ups, months later, are not "next"."""
    return (
        TreatmentSession.objects.filter(plan_id=session.plan_id, number__gt=session.number)
        .exclude(kind=SessionKind.TOUCH_UP)
        .select_related("appointment")
        .order_by("number")
        .first()
    )


def plan_latest_logged_session(*, plan: TreatmentPlan) -> TreatmentSession | None:
    """The plan's last session with an artist's log: where healing is counted from."""
    return (
        TreatmentSession.objects.filter(plan=plan, log__isnull=False)
        .select_related("appointment", "log")
        .order_by("-number")
        .first()
    )


def plan_has_sessions_to_log(*, plan: TreatmentPlan) -> bool:
    """Whether any session of the plan is still to be done (not logged yet)."""
    return TreatmentSession.objects.filter(plan=plan, log__isnull=True).exists()


def sessions_to_chase() -> QuerySet[TreatmentSession]:
    """Sessions the client was invited to book (an invitation was sent) and has not booked,
    oldest invitation first; only for active plans."""
    invited = Q(
        reminders__kind=ReminderKind.GAP_INVITE,
        reminders__status=ReminderStatus.SENT,
    )
    return (
        TreatmentSession.objects.filter(invited, plan__status=PlanStatus.ACTIVE)
        .exclude(appointment__status__in=ACTIVE_STATUSES)
        .select_related("plan__client", "plan__lead_artist")
        .annotate(
            invited_at=Min("reminders__sent_at", filter=invited),
            invitations=Count("reminders", filter=invited, distinct=True),
        )
        .order_by("invited_at", "id")
    )


CARRIED_FORWARD = ("pigment_brand", "pigment_shade", "pigment_dilution", "needle_configuration")


def session_log_starting_values(*, session: TreatmentSession) -> dict[str, str]:
    """What a new log starts with: the pigment and needles of the plan's last logged session,
    else the pigment chosen at the consultation, else the plan's pigment as written. The lot
    number is left for the artist to read off the bottle."""
    last = (
        SessionLog.objects.filter(session__plan_id=session.plan_id)
        .exclude(session_id=session.pk)
        .order_by("-session__number")
        .first()
    )
    if last is not None:
        return {name: getattr(last, name) for name in CARRIED_FORWARD}
    # The consultation the plan came from (its one-to-one "consultation"), if any.
    chosen = getattr(session.plan, "consultation", None)
    if chosen is not None and (chosen.pigment_brand or chosen.pigment_shade):
        return {
            "pigment_brand": chosen.pigment_brand,
            "pigment_shade": chosen.pigment_shade,
            "pigment_dilution": chosen.pigment_dilution,
        }
    return {"pigment_shade": session.plan.pigment} if session.plan.pigment else {}


def client_record_plans(client, *, now) -> dict:
    """The client record's part from treatment: plans with their session counts (1 query)."""
    return {"treatment_plans": _CLIENT_PLANS.fetch(client=client.pk)}


_CLIENT_PLANS = PreparedQuery(
    lambda: (
        TreatmentPlan.objects.filter(client_id=Param("client", BigIntegerField()))
        .select_related("lead_artist")
        .annotate(
            session_count=Count("sessions", distinct=True),
            booked_count=Count(
                "sessions",
                filter=Q(sessions__appointment__status__in=ACTIVE_STATUSES),
                distinct=True,
            ),
            logged_count=Count("sessions__log", distinct=True),
        )
    )
)


def session_labels_for_appointments(appointment_ids) -> dict[int, str]:
    """Where each appointment stands in its client's plan: "Session 2 of 4", "Extra session",
    "Touch-up" (one query, whatever the number of appointments)."""
    sessions = (
        TreatmentSession.objects.filter(appointment_id__in=list(appointment_ids))
        .select_related("plan")
        .only("appointment_id", "number", "kind", "plan__planned_sessions")
    )
    labels = {}
    for session in sessions:
        if session.kind == SessionKind.TOUCH_UP:
            labels[session.appointment_id] = gettext("Touch-up")
        elif session.kind == SessionKind.EXTRA:
            labels[session.appointment_id] = gettext("Extra session")
        else:
            labels[session.appointment_id] = gettext("Session %(number)s of %(planned)s") % {
                "number": session.number,
                "planned": session.plan.planned_sessions,
            }
    return labels


# A session can be logged once its appointment has started; cancelled and missed ones never.
LOGGABLE_STATUSES = tuple(ACTIVE_STATUSES)


def sessions_to_log(*, artist, now) -> QuerySet[TreatmentSession]:
    """This artist's treatment appointments that have started or passed and have no session
    log yet, oldest first."""
    return (
        TreatmentSession.objects.filter(
            appointment__artist=artist,
            appointment__starts_at__lte=now,
            appointment__status__in=LOGGABLE_STATUSES,
            log__isnull=True,
        )
        .select_related("appointment", "plan__client")
        .order_by("appointment__starts_at", "id")
    )
