"""What the waitlist pages and the front desk's home read, each in a fixed number of queries."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q

from smpclinic.clinic import local_days

from .models import EntryStatus, FreedTime, OfferStatus, WaitlistEntry


def waiting_entries():
    """Everyone on the waitlist, first come first (one query)."""
    return (
        WaitlistEntry.objects.filter(status=EntryStatus.WAITING)
        .select_related("client", "appointment_type", "artist", "plan_session")
        .annotate(offered=Count("offers"))
        .order_by("created_at", "id")
    )


def freed_times(*, now: dt.datetime):
    """Times freed that are still ahead, soonest first, with their offers counted (one
    query)."""
    return (
        FreedTime.objects.filter(ends_at__gt=now)
        .select_related("artist", "booked__client")
        .annotate(
            offered=Count("offers"),
            waiting_answer=Count("offers", filter=Q(offers__status=OfferStatus.OFFERED)),
        )
        .order_by("starts_at", "id")
    )


def open_times_on(first: dt.date, last: dt.date):
    """Freed times still open between these days (the front desk's to-do): soonest first."""
    return open_times_between(*local_days(first, last))


def open_times_between(start: dt.datetime, end: dt.datetime):
    """Freed times still open that start in [start, end): soonest first."""
    return (
        FreedTime.objects.filter(
            status=FreedTime.Status.OPEN, starts_at__gte=start, starts_at__lt=end
        )
        .select_related("artist")
        .annotate(
            offered=Count("offers"),
            waiting_answer=Count("offers", filter=Q(offers__status=OfferStatus.OFFERED)),
        )
        .order_by("starts_at", "id")
    )


def entries_of(client):
    """A client's own entries on the waitlist (one query); `client` a record or its id."""
    return (
        WaitlistEntry.objects.filter(client=client, status=EntryStatus.WAITING)
        .select_related("appointment_type", "artist", "plan_session")
        .order_by("created_at", "id")
    )
