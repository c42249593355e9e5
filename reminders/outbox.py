"""Writing reminders into the outbox, in the caller's transaction.

Every message to a client starts here: `schedule` writes one row with a unique
key (the same reminder cannot exist twice), and the functions below it are
what bookings, moves, cancellations and plan changes call. Nothing here sends;
reminders.dispatch does that. A reminder due now is also handed to a worker as
soon as the transaction commits, so a confirmation does not wait for the next
minute's dispatcher run; if the broker is down, the dispatcher sends it later.
"""

from __future__ import annotations

import datetime as dt
import logging

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from clients.models import Client
from smpclinic.clinic import clinic_zone

from .models import MessageTemplate, Reminder, ReminderKind, ReminderStatus

logger = logging.getLogger(__name__)

DEFAULT_APPOINTMENT_OFFSETS = (48, 24)
OPEN_STATUSES = (ReminderStatus.PENDING, ReminderStatus.SENDING)


def _kick_after_commit(reminder_id: int) -> None:
    """Queue the send of a reminder that is due now, once the row is committed."""
    if not getattr(settings, "REMINDERS_SEND_ON_COMMIT", True):
        return

    def kick():
        from .tasks import send_reminder

        try:
            # No retries against a broker that is down: the request must not hang.
            send_reminder.apply_async((reminder_id,), retry=False)
        except Exception:  # noqa: BLE001 - any broker failure; the row is safe
            logger.warning(
                "Broker unavailable; reminder %s will go with the next dispatcher run",
                reminder_id,
            )

    transaction.on_commit(kick)


def schedule(
    *,
    key: str,
    client: Client,
    kind: str,
    due_at: dt.datetime,
    appointment=None,
    plan=None,
    session=None,
    consultation=None,
    data: dict | None = None,
    revive: bool = False,
) -> Reminder:
    """Write a reminder (or return the one with this key). Call inside the causing transaction.

    A pending reminder with the same key takes the new due time; one already
    sent or failed is left as it is, and so is a cancelled one unless `revive`
    (an appointment moved back to a time it had before).
    """
    reminder, created = Reminder.objects.get_or_create(
        key=key,
        defaults={
            "client": client,
            "kind": kind,
            "due_at": due_at,
            "appointment": appointment,
            "plan": plan,
            "session": session,
            "consultation": consultation,
            "data": data or {},
        },
    )
    if not created and revive and reminder.status == ReminderStatus.CANCELLED:
        reminder.status, reminder.due_at, reminder.last_error = ReminderStatus.PENDING, due_at, ""
        reminder.save(update_fields=["status", "due_at", "last_error", "updated_at"])
    elif not created and reminder.status == ReminderStatus.PENDING and reminder.due_at != due_at:
        reminder.due_at = due_at
        reminder.save(update_fields=["due_at", "updated_at"])
    if reminder.status == ReminderStatus.PENDING and reminder.due_at <= timezone.now():
        _kick_after_commit(reminder.pk)
    return reminder


def cancel_pending(reason: str, **about) -> int:
    """Cancel the pending reminders about something (e.g. appointment=a, kind=...)."""
    return Reminder.objects.filter(status=ReminderStatus.PENDING, **about).update(
        status=ReminderStatus.CANCELLED, last_error=reason[:500], updated_at=timezone.now()
    )


def template_offsets(kind: str, default: tuple[int, ...]) -> list[int]:
    """The hours a kind of reminder is sent at (the clinic may change them); [] when off."""
    template = MessageTemplate.objects.filter(kind=kind).only("enabled", "offsets_hours").first()
    if template is None:
        return list(default)
    if not template.enabled:
        return []
    return [int(hours) for hours in template.offsets_hours or default]


# --- appointments ---------------------------------------------------------------------------


def wall_clock_before(moment: dt.datetime, hours: int) -> dt.datetime:
    """`hours` before `moment` on the clinic's clock: 24 hours before Sunday 10:00 is
    Saturday 10:00 even when the clocks change in between."""
    zone = clinic_zone()
    local = moment.astimezone(zone).replace(tzinfo=None) - dt.timedelta(hours=hours)
    return local.replace(tzinfo=zone).astimezone(dt.UTC)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%MZ")


def _appointment_reminders(appointment) -> None:
    """The reminders before an appointment (default 48 h and 24 h), keyed by its start time,
    so a moved appointment gets new ones and the old ones are cancelled."""
    now = timezone.now()
    for hours in template_offsets(ReminderKind.APPOINTMENT_REMINDER, DEFAULT_APPOINTMENT_OFFSETS):
        due_at = wall_clock_before(appointment.starts_at, hours)
        if due_at <= now:
            continue  # booked at short notice: that reminder's moment has passed
        schedule(
            key=f"appt:{appointment.pk}:{_stamp(appointment.starts_at)}:{hours}h",
            client=appointment.client,
            kind=ReminderKind.APPOINTMENT_REMINDER,
            due_at=due_at,
            appointment=appointment,
            data={"hours_before": hours},
            revive=True,
        )


def appointment_booked(appointment) -> None:
    """A new booking: its confirmation now, and its reminders before it.

    A booking entered after the fact (its time already past) sends nothing.
    """
    if appointment.starts_at <= timezone.now():
        return
    schedule(
        key=f"appt:{appointment.pk}:confirmation",
        client=appointment.client,
        kind=ReminderKind.BOOKING_CONFIRMATION,
        due_at=timezone.now(),
        appointment=appointment,
    )
    _appointment_reminders(appointment)


def appointment_moved(appointment, *, moved_from: dt.datetime) -> None:
    """A moved booking: the old reminders are cancelled, new ones follow the new time."""
    if appointment.starts_at == moved_from:
        return
    cancel_pending(
        "The appointment moved.",
        appointment=appointment,
        kind=ReminderKind.APPOINTMENT_REMINDER,
    )
    schedule(
        key=f"appt:{appointment.pk}:moved:{_stamp(appointment.starts_at)}",
        client=appointment.client,
        kind=ReminderKind.APPOINTMENT_MOVED,
        due_at=timezone.now(),
        appointment=appointment,
        data={"moved_from": moved_from.isoformat()},
    )
    _appointment_reminders(appointment)


def appointment_cancelled(appointment) -> None:
    """A cancelled booking: nothing more is sent about it except the cancellation notice."""
    cancel_pending("The appointment was cancelled.", appointment=appointment)
    schedule(
        key=f"appt:{appointment.pk}:cancelled",
        client=appointment.client,
        kind=ReminderKind.APPOINTMENT_CANCELLED,
        due_at=timezone.now(),
        appointment=appointment,
        data={"reason": appointment.cancellation_reason},
    )


# --- plans ------------------------------------------------------------------------------------


def plan_status_changed(plan) -> None:
    """A completed plan gets its touch-up recall (12 months by default); a cancelled plan's
    pending invitations and follow-ups are withdrawn."""
    from .models import ReminderSettings

    if plan.status == "completed":
        months = ReminderSettings.current().touch_up_recall_months
        schedule(
            key=f"plan:{plan.pk}:touch-up-recall",
            client=plan.client,
            kind=ReminderKind.TOUCH_UP_RECALL,
            due_at=timezone.now() + relativedelta(months=months),
            plan=plan,
            revive=True,
        )
    elif plan.status == "cancelled":
        cancel_pending("The treatment plan was cancelled.", plan=plan)
