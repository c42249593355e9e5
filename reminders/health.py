"""Are reminders going out? An alert when the oldest pending one is well overdue."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Min, Q
from django.utils import timezone
from django.utils.translation import ngettext

from .models import Reminder, ReminderStatus

OVERDUE_AFTER = dt.timedelta(minutes=10)


def overdue_summary(now: dt.datetime | None = None) -> tuple[int, dt.datetime | None]:
    """(how many reminders are more than 10 minutes overdue, the oldest due time).

    Pending rows past their time, and rows stuck "sending" whose lease ran out
    (their worker died and nobody has claimed them again). One query.
    """
    now = now or timezone.now()
    limit = now - OVERDUE_AFTER
    stuck = Q(status=ReminderStatus.PENDING, due_at__lt=limit) | Q(
        status=ReminderStatus.SENDING, lease_expires_at__lt=limit
    )
    row = Reminder.objects.filter(stuck).aggregate(count=Count("pk"), oldest=Min("due_at"))
    return row["count"], row["oldest"]


def overdue_alert(now: dt.datetime | None = None) -> str | None:
    """A sentence for staff and /healthz when reminders are not going out, else None."""
    now = now or timezone.now()
    count, oldest = overdue_summary(now)
    if not count:
        return None
    minutes = int((now - oldest).total_seconds() // 60)
    return ngettext(
        "%(count)d reminder is overdue; the oldest was due %(minutes)d minutes ago. "
        "Check that the worker and the scheduler (beat) are running.",
        "%(count)d reminders are overdue; the oldest was due %(minutes)d minutes ago. "
        "Check that the worker and the scheduler (beat) are running.",
        count,
    ) % {"count": count, "minutes": minutes}


def outbox_figures(now: dt.datetime | None = None) -> dict:
    """The outbox at a glance, for /metrics (one query): reminders due now, overdue (more
    than 10 minutes), failed, and how long the oldest due one has waited, in seconds."""
    now = now or timezone.now()
    limit = now - OVERDUE_AFTER
    due = Q(status=ReminderStatus.PENDING, due_at__lte=now)
    row = Reminder.objects.aggregate(
        due=Count("pk", filter=due),
        overdue=Count(
            "pk",
            filter=Q(status=ReminderStatus.PENDING, due_at__lt=limit)
            | Q(status=ReminderStatus.SENDING, lease_expires_at__lt=limit),
        ),
        failed=Count("pk", filter=Q(status=ReminderStatus.FAILED)),
        oldest=Min("due_at", filter=due),
    )
    oldest = row["oldest"]
    return {
        "due": row["due"],
        "overdue": row["overdue"],
        "failed": row["failed"],
        "oldest_due_seconds": max((now - oldest).total_seconds(), 0.0) if oldest else 0.0,
    }
