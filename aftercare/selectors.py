"""Reads of aftercare shaped for pages: each a fixed number of queries."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import CheckIn, CheckInStatus


def check_ins_to_review(*, artist) -> QuerySet[CheckIn]:
    """Submitted check-ins of sessions whose plan this artist leads, oldest first: the
    artist's own review queue (another artist's clients are not theirs to review)."""
    return (
        CheckIn.objects.filter(status=CheckInStatus.SUBMITTED, session__plan__lead_artist=artist)
        .select_related("client", "session")
        .order_by("submitted_at", "pk")
    )


# Days after the invitation went out before an unanswered check-in is worth a call.
CHECK_IN_CHASE_DAYS = 3


def check_ins_unanswered(*, now) -> QuerySet[CheckIn]:
    """Check-ins the client was invited to send (the invitation went out more than
    CHECK_IN_CHASE_DAYS ago) and has not sent, the oldest invitation first."""
    import datetime as dt

    from django.db.models import Min, Q

    from reminders.models import ReminderKind, ReminderStatus

    sent = Q(
        session__reminders__kind__in=[ReminderKind.FADE_CHECK_IN, ReminderKind.FINAL_CHECK_IN],
        session__reminders__status=ReminderStatus.SENT,
    )
    return (
        CheckIn.objects.filter(sent, status=CheckInStatus.INVITED)
        .annotate(invited_at=Min("session__reminders__sent_at", filter=sent))
        .filter(invited_at__lte=now - dt.timedelta(days=CHECK_IN_CHASE_DAYS))
        .select_related("client", "session")
        .order_by("invited_at", "pk")
    )
