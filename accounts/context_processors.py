from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .models import Role


def _nav_for(user) -> list[dict]:
    if not user.is_authenticated:
        return []
    items = [{"label": "Today", "url": reverse("home"), "name": "home"}]
    if user.is_clinic_staff:
        items.append(
            {
                "label": "Diary",
                "url": reverse("scheduling:day", args=[timezone.localdate()]),
                "name": "scheduling",
            }
        )
        items.append({"label": "Clients", "url": reverse("clients:list"), "name": "clients"})
        consultations = reverse("consultations:list")
        items.append({"label": "Consultations", "url": consultations, "name": "consultations"})
        items.append({"label": "Check-ins", "url": reverse("aftercare:queue"), "name": "aftercare"})
        items.append({"label": "Reminders", "url": reverse("reminders:list"), "name": "reminders"})
    if user.can_edit_clients:
        items.append(
            {"label": "New client", "url": reverse("clients:create"), "name": "client-new"}
        )
    if user.role in (Role.ARTIST, Role.MANAGER):
        items.append({"label": "Calendar feed", "url": reverse("ics:my_feed"), "name": "ics"})
    if user.is_manager:
        items.append({"label": "Settings", "url": reverse("admin:index"), "name": "admin"})
    return items


def navigation(request):
    """The menu shows only what the signed-in person's role may use."""
    user = getattr(request, "user", None)
    return {
        "clinic_name": settings.CLINIC_NAME,
        "nav_items": _nav_for(user) if user is not None else [],
    }
