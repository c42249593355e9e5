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
