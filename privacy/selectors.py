"""Reads of the privacy requests shaped for pages: each a fixed number of queries."""

from __future__ import annotations

from django.db.models import QuerySet

from .models import ErasureRequest, ErasureStatus


def erasure_requests_waiting() -> QuerySet[ErasureRequest]:
    """Erasure requests waiting for a manager to confirm or decline, oldest first."""
    return (
        ErasureRequest.objects.filter(status=ErasureStatus.REQUESTED)
        .select_related("client")
        .order_by("requested_at", "id")
    )
