"""The reminders the clinic sends, for staff; and the confirm link in appointment reminders."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from accounts.access import role_required, staff_required
from accounts.models import Role

from . import selectors, staff
from .models import Reminder, ReminderKind

PAGE_SIZE = 50
RETRY_ROLES = (Role.MANAGER, Role.FRONT_DESK)


def _overdue_alert() -> str | None:
    """The dispatcher's health warning (reminders overdue), when there is one."""
    try:
        from . import health
    except ImportError:
        return None
    check = getattr(health, "overdue_alert", None)
    return check() if check is not None else None


@require_safe
@staff_required
def reminder_list(request):
    tab = request.GET.get("tab", "upcoming")
    if tab not in selectors.TABS:
        tab = "upcoming"
    kind = request.GET.get("kind", "")
    if kind not in ReminderKind.values:
        kind = ""
    page = Paginator(selectors.reminder_list(tab=tab, kind=kind), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    counts = selectors.tab_counts(kind=kind)
    return render(
        request,
        "reminders/reminder_list.html",
        {
            "page": page,
            "tab": tab,
            "tabs": [
                {"name": name, "label": label, "count": counts[name]}
                for name, (label, _statuses) in selectors.TABS.items()
            ],
            "kind": kind,
            "kinds": ReminderKind.choices,
            "can_retry": request.user.role in RETRY_ROLES,
            "alert": _overdue_alert(),
        },
    )


@require_POST
@role_required(*RETRY_ROLES)
def reminder_retry(request, pk: int):
    reminder = get_object_or_404(Reminder.objects.select_related("client"), pk=pk)
    try:
        staff.retry(reminder, request.user)
    except ValidationError as refusal:
        messages.error(request, " ".join(refusal.messages))
    else:
        messages.success(
            request,
            f"The {reminder.get_kind_display().lower()} for {reminder.client.full_name} "
            "will be sent again within a minute.",
        )
    asked = request.POST.get("next", "")
    if asked and url_has_allowed_host_and_scheme(
        asked, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(asked)  # e.g. the front desk's home, where the retry was asked
    back = reverse("reminders:list") + "?tab=failed"
    kind = request.POST.get("kind", "")
    if kind in ReminderKind.values:
        back += f"&kind={kind}"
    return redirect(back)
