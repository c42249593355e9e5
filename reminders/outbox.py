"""Writing reminders into the outbox, in the caller's transaction.

Every message to a client starts here: `schedule` writes one row with a unique
key (the same reminder cannot exist twice). Each app's `messages.py` calls it for
the kinds it declares (reminders.kinds), with due times from `kinds.due_times`,
and `cancel_pending` when what a message is about goes away. Nothing here sends;
reminders.dispatch does that. A reminder due now is also handed to a worker as
soon as the transaction commits, so a confirmation does not wait for the next
minute's dispatcher run; if the broker is down, the dispatcher sends it later.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Reminder, ReminderStatus

logger = logging.getLogger(__name__)

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
    client,
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


def schedule_new(reminders: list[Reminder]) -> list[Reminder]:
    """Write the reminders about something this transaction has just created, in one query.

    Their keys name the new row, so none of them can exist yet: schedule() is for what
    may have been scheduled before. Those already due go after commit, as schedule()'s.
    """
    written = Reminder.objects.bulk_create(reminders)
    now = timezone.now()
    for reminder in written:
        if reminder.status == ReminderStatus.PENDING and reminder.due_at <= now:
            _kick_after_commit(reminder.pk)
    return written


def cancel_pending(reason: str, **about) -> int:
    """Cancel the pending reminders about something (e.g. appointment=a, kind=...)."""
    return Reminder.objects.filter(status=ReminderStatus.PENDING, **about).update(
        status=ReminderStatus.CANCELLED, last_error=reason[:500], updated_at=timezone.now()
    )
