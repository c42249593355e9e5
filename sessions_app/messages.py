"""The treatment plan's message: the touch-up recall once a plan is completed.

Registered with the outbox from SessionsAppConfig.ready(); written by
sessions_app.plans when a plan's status changes.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from reminders.kinds import (
    MONTHS_AFTER,
    NotWanted,
    Timing,
    due_times,
    reason,
    register_kind,
)
from reminders.models import Reminder, ReminderKind
from reminders.outbox import cancel_pending, schedule
from scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentKind

from .models import PlanStatus, TreatmentPlan

# Why a message is not sent: kept in English on the reminder, shown to staff in their
# language (reminders.kinds.reason_shown).
PLAN_GONE = reason(gettext_noop("The treatment plan no longer exists."))
NEWER_PLAN = reason(gettext_noop("The client has started a newer treatment plan."))
PLAN_CANCELLED = reason(gettext_noop("The treatment plan was cancelled."))
TOUCH_UP_BOOKED = reason(gettext_noop("The client already has a touch-up booked."))


def plan_of(reminder: Reminder) -> TreatmentPlan:
    plan = (
        TreatmentPlan.objects.select_related("lead_artist").filter(pk=reminder.plan_id).first()
        if reminder.plan_id
        else None
    )
    if plan is None:
        raise NotWanted(PLAN_GONE)
    return plan


def touch_up_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    plan = plan_of(reminder)
    if TreatmentPlan.objects.filter(
        client_id=plan.client_id, status=PlanStatus.ACTIVE, created_at__gt=plan.created_at
    ).exists():
        raise NotWanted(NEWER_PLAN)
    if Appointment.objects.filter(
        client_id=plan.client_id,
        type__kind=AppointmentKind.TOUCH_UP,
        status__in=ACTIVE_STATUSES,
        starts_at__gt=timezone.now(),
    ).exists():
        raise NotWanted(TOUCH_UP_BOOKED)
    return {"artist": plan.lead_artist.first_name}, ()


def register() -> None:
    register_kind(
        ReminderKind.TOUCH_UP_RECALL,
        label=gettext_lazy("Touch-up recall"),
        owner="sessions_app",
        placeholders={"artist": gettext_lazy("the artist's first name")},
        values=touch_up_values,
        timing=Timing(
            unit=MONTHS_AFTER,
            anchor=gettext_lazy("the plan is completed"),
            default=(12,),
            at=dt.time(10, 0),
            maximum=60,
        ),
    )


def plan_status_changed(plan: TreatmentPlan) -> None:
    """A completed plan gets its touch-up recall; a cancelled plan's pending invitations
    and follow-ups are withdrawn."""
    if plan.status == PlanStatus.COMPLETED:
        now = timezone.now()
        for _months, due_at in due_times(ReminderKind.TOUCH_UP_RECALL, now):
            schedule(
                key=f"plan:{plan.pk}:touch-up-recall",
                client=plan.client,
                kind=ReminderKind.TOUCH_UP_RECALL,
                due_at=max(due_at, now),
                plan=plan,
                revive=True,
            )
    elif plan.status == PlanStatus.CANCELLED:
        cancel_pending(PLAN_CANCELLED, plan=plan)
