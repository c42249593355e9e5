"""The reminders the clinic sends, and the text messages clients send back, for staff."""

from __future__ import annotations

import logging

from anymail.utils import get_anymail_setting
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from accounts.access import (
    client_editor_required,
    health_editor_required,
    role_required,
    staff_required,
)
from accounts.models import Role

from . import deliverability, inbound, selectors, staff
from .access import get_inbound_message_for_user
from .models import EmailSuppression, Reminder, ReminderKind

logger = logging.getLogger(__name__)

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
            "can_read_texts": request.user.can_edit_clients,
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
            _("The %(kind)s for %(client)s will be sent again within a minute.")
            % {"kind": reminder.get_kind_display().lower(), "client": reminder.client.full_name},
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


def _back_to(request, default: str):
    asked = request.POST.get("next", "")
    if asked and url_has_allowed_host_and_scheme(
        asked, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(asked)
    return redirect(default)


@require_POST
@client_editor_required
def email_block_clear(request, pk: int):
    """Email goes to a blocked address again: the client says their mailbox works now.
    Those who may change a client's address may clear it."""
    block = get_object_or_404(EmailSuppression.objects.select_related("client"), pk=pk)
    was_standing = block.is_active
    deliverability.email_suppression_clear(suppression=block, by=request.user)
    if was_standing:
        messages.success(
            request, _("Email will be sent to %(address)s again.") % {"address": block.address}
        )
    else:
        messages.info(
            request,
            _("Email to %(address)s was not blocked any more.") % {"address": block.address},
        )
    default = block.client.get_absolute_url() if block.client else reverse("reminders:list")
    return _back_to(request, default)


@csrf_exempt
def email_tracking_webhook(request, provider: str):
    """The email provider's delivery reports: anymail's tracking webhook for EMAIL_PROVIDER.

    Open only while EMAIL_PROVIDER names this provider and ANYMAIL_WEBHOOK_SECRET is set
    (anymail would otherwise take reports from anyone): anything else is 404. anymail
    checks the basic auth (a request without it, or with another, is 400 and changes
    nothing), reads the provider's report and sends it through its `tracking` signal to
    reminders.email_tracking. A report it cannot read is 400 too.
    """
    if provider != getattr(settings, "EMAIL_PROVIDER", "") or not get_anymail_setting(
        "webhook_secret", default=None
    ):
        raise Http404("No delivery reports are taken from this provider.")
    try:
        webhook = resolve(f"/{provider}/tracking/", urlconf="anymail.urls")
    except Resolver404 as missing:
        raise Http404("This provider has no delivery reports.") from missing
    try:
        return webhook.func(request)
    except (ValueError, TypeError, KeyError, AttributeError) as error:
        # Raised while reading the report (not JSON, not the provider's shape).
        logger.warning("Unreadable %s delivery report: %s", provider, error.__class__.__name__)
        return HttpResponseBadRequest("The delivery report could not be read.")


# --- text messages received ----------------------------------------------------------------


@require_safe
@health_editor_required
def inbox(request):
    """Texts from numbers on no client's record, and the clients with texts to read."""
    page = Paginator(selectors.unknown_sender_messages(), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reminders/inbox.html",
        {"page": page, "clients_waiting": selectors.clients_with_unread_messages()},
    )


@require_POST
@health_editor_required
def inbox_read(request, pk: int):
    message = get_inbound_message_for_user(request.user, pk)
    if inbound.inbound_mark_read(message=message, by=request.user):
        messages.success(request, _("Marked read."))
    elif message.read_at:
        if message.read_by:
            reader = message.read_by.get_full_name()
            messages.info(request, _("%(reader)s had read it already.") % {"reader": reader})
        else:
            messages.info(request, _("someone had read it already."))
    else:
        messages.info(request, _("This message was answered automatically: nothing to read."))
    if message.client_id:
        return _back_to(request, message.client.get_absolute_url())
    return _back_to(request, reverse("reminders:inbox"))
