"""The diary's own rules about who may change a booking, registered with scheduling.policy.

- **Client change-notice** (`BookingPolicy.change_notice_hours`), on every client door
  (portal, emailed manage link, API): a client moves an appointment only up to that
  many hours before it; closer than that the answer is "please call us".
  A client can always tell the clinic they cannot come: a cancellation inside the
  notice period is **accepted and recorded as late** (`Appointment.cancelled_late`
  and the cancellation's history event), so that the no-show count stays honest and
  the deposit rules can read it. Refusing it would only turn it into a no-show.
- **Who may set which status**: an artist records arrived and completed (they are in
  the room); a client confirms or cancels; the front desk, a manager and the system
  any status the transitions allow.
- **Attendance only on the day**: arrived and no-show are refused on an earlier day,
  and a no-show is refused before the appointment's start time (someone ten minutes
  early for the bus is not a no-show).
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smpclinic import formats

from .availability import Problem
from .models import Appointment, AppointmentStatus, BookingPolicy
from .policy import Action, ActorRole, Change, Event, Happened, register_check, register_reaction

# What a client may still move or cancel themselves.
CLIENT_CHANGEABLE = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED})
ATTENDANCE_STATUSES = frozenset({AppointmentStatus.ARRIVED, AppointmentStatus.NO_SHOW})
# The statuses each role may record; roles not named may record any allowed status.
STATUSES_BY_ROLE = {
    ActorRole.ARTIST: frozenset({AppointmentStatus.ARRIVED, AppointmentStatus.COMPLETED}),
    ActorRole.CLIENT: frozenset({AppointmentStatus.CONFIRMED, AppointmentStatus.CANCELLED}),
}


def change_deadline(appointment: Appointment, policy: BookingPolicy | None = None) -> dt.datetime:
    """The last moment a client may move this appointment themselves."""
    policy = policy or BookingPolicy.current()
    return appointment.starts_at - dt.timedelta(hours=policy.change_notice_hours)


def client_may_move(
    appointment: Appointment,
    *,
    now: dt.datetime | None = None,
    policy: BookingPolicy | None = None,
) -> bool:
    """Can the client still move this appointment themselves (any client door)?"""
    now = now or timezone.now()
    return appointment.status in CLIENT_CHANGEABLE and now < change_deadline(appointment, policy)


def cancel_is_late(
    appointment: Appointment, *, now: dt.datetime, policy: BookingPolicy | None = None
) -> bool:
    """A client's cancellation now falls inside the notice period."""
    return now >= change_deadline(appointment, policy)


def notice_refusal(policy: BookingPolicy | None = None) -> Problem:
    hours = (policy or BookingPolicy.current()).change_notice_hours
    return Problem(
        "notice",
        f"Changes online close {hours} hours before the appointment: please call us.",
        "appointment",
    )


def statuses_for_role(role: str, allowed: set[str]) -> set[str]:
    """Of the statuses the transitions allow, those this role may record."""
    return set(allowed) & STATUSES_BY_ROLE[role] if role in STATUSES_BY_ROLE else set(allowed)


@register_check("scheduling.client_change_notice", actions=[Action.MOVE, Action.CANCEL], order=5)
def check_client_change_notice(change: Change) -> Problem | None:
    if not change.by_client:
        return None
    appointment = change.appointment
    if appointment.status not in CLIENT_CHANGEABLE:
        return Problem(
            "not_changeable", _("This appointment can no longer be changed."), "appointment"
        )
    policy = BookingPolicy.current()
    if change.action == Action.CANCEL:
        change.marks["late"] = cancel_is_late(appointment, now=change.now, policy=policy)
        return None
    if not client_may_move(appointment, now=change.now, policy=policy):
        return notice_refusal(policy)
    return None


@register_check("scheduling.status_by_role", actions=[Action.STATUS, Action.CANCEL], order=10)
def check_status_by_role(change: Change) -> Problem | None:
    role = change.actor.role
    if role in STATUSES_BY_ROLE and change.status not in STATUSES_BY_ROLE[role]:
        if role == ActorRole.CLIENT:
            return Problem("role", _("Please call us to change this appointment."), "status")
        return Problem("role", _("Only the front desk and managers change this."), "status")
    return None


def attendance_problem(
    appointment: Appointment, status: str, *, now: dt.datetime
) -> Problem | None:
    """Why `status` cannot be recorded for this appointment at `now`, if it cannot."""
    if status not in ATTENDANCE_STATUSES:
        return None
    label = AppointmentStatus(status).label.lower()
    if timezone.localdate(appointment.starts_at) > timezone.localdate(now):
        return Problem(
            "too_early",
            f"That appointment is on a later day: it cannot be marked {label} yet.",
            "status",
        )
    if status == AppointmentStatus.NO_SHOW and now < appointment.starts_at:
        start = timezone.localtime(appointment.starts_at)
        return Problem(
            "too_early",
            f"The appointment starts at {formats.clock(start)}: "
            "it cannot be marked a no-show before then.",
            "status",
        )
    return None


@register_check("scheduling.attendance_on_the_day", actions=[Action.STATUS], order=15)
def check_attendance_on_the_day(change: Change) -> Problem | None:
    return attendance_problem(change.appointment, change.status, now=change.now)


# --- the booking's messages ------------------------------------------------------------------
# The confirmation, reminders and their withdrawal are written to the outbox in the
# same transaction as the change, after every other reaction.


@register_reaction("scheduling.messages_booked", events=[Event.BOOKED], order=90)
def messages_booked(happened: Happened) -> None:
    from .messages import appointment_booked

    appointment_booked(happened.appointment)


@register_reaction("scheduling.messages_moved", events=[Event.MOVED], order=90)
def messages_moved(happened: Happened) -> None:
    from .messages import appointment_moved

    appointment_moved(happened.appointment, moved_from=happened.moved_from)


@register_reaction("scheduling.messages_cancelled", events=[Event.CANCELLED], order=90)
def messages_cancelled(happened: Happened) -> None:
    from .messages import appointment_cancelled

    appointment_cancelled(happened.appointment)
