from datetime import timedelta

from django.db.models import Count, Q
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
