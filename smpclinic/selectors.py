from datetime import timedelta

from django.db.models import Count, Q, Window
from django.utils import timezone

from accounts.models import STAFF_ROLES, User
from clients.models import Client


def clinic_overview() -> dict:
    """The manager's figures, each from one aggregate query."""
    now = timezone.now()
    clients = Client.objects.aggregate(
        total=Count("id"),
        this_week=Count("id", filter=Q(created_at__gte=now - timedelta(days=7))),
        consenting=Count("id", filter=Q(contact_consent=True)),
    )
    staff_rows = (
        User.objects.filter(is_active=True, role__in=STAFF_ROLES)
        .values("role")
        .annotate(n=Count("id"))
    )
    staff = {row["role"]: row["n"] for row in staff_rows}
    return {
        "clients_total": clients["total"],
        "clients_this_week": clients["this_week"],
        "clients_consenting": clients["consenting"],
        "artists": staff.get("artist", 0),
        "front_desk": staff.get("front_desk", 0),
        "managers": staff.get("manager", 0),
    }


def first_rows_and_count(queryset, limit: int) -> tuple[list, int]:
    """A list's first `limit` rows and how many it holds in all, in one query however long
    it is: the count is a window over the whole list, read from the first row (a to-do list
    on a home page: a second query for its count cost as much as its rows)."""
    return rows_and_count(list(first_rows_counted(queryset, limit)))


def first_rows_counted(queryset, limit: int):
    """first_rows_and_count's query, to evaluate (or prepare) and pass to rows_and_count."""
    return queryset.annotate(rows_in_all=Window(Count("pk")))[:limit]


def rows_and_count(rows: list) -> tuple[list, int]:
    return rows, (rows[0].rows_in_all if rows else 0)
