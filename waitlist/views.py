"""The waitlist for staff: who waits, the times that freed up and what became of them; adding
a client, taking them off, and offering a freed time by hand."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import role_required
from accounts.models import Role
from clients.access import get_client_for_user

from . import selectors, services
from .forms import EntryForm, add_error, entry_wishes
from .models import EntryStatus, FreedTime, WaitlistEntry

STAFF = (Role.FRONT_DESK, Role.MANAGER, Role.ARTIST)
LIST_LIMIT = 100


@require_safe
@role_required(*STAFF)
def waitlist(request):
    now = timezone.now()
    entries = list(selectors.waiting_entries()[:LIST_LIMIT])
    freed = list(selectors.freed_times(now=now)[:LIST_LIMIT])
    return render(
        request,
        "waitlist/waitlist.html",
        {
            "entries": [(entry, services.entry_wants(entry)) for entry in entries],
            "freed_times": freed,
        },
    )


@require_http_methods(["GET", "POST"])
@role_required(*STAFF)
def add(request, client_pk: int):
    client = get_client_for_user(request.user, client_pk)
    form = EntryForm(request.POST or None, client=client)
    if request.method == "POST" and form.is_valid():
        try:
            services.entry_add(
                client=client,
                by=request.user,
                priority=form.cleaned_data.get("priority", False),
                note=form.cleaned_data.get("note", ""),
                **entry_wishes(form.cleaned_data),
            )
        except ValidationError as error:
            add_error(form, error)
        else:
            messages.success(request, f"{client.full_name} is on the waitlist.")
            return redirect(client)
    return render(request, "waitlist/entry_form.html", {"form": form, "client": client})


@require_POST
@role_required(*STAFF)
def remove(request, pk: int):
    entry = get_object_or_404(WaitlistEntry.objects.select_related("client"), pk=pk)
    try:
        services.entry_remove(entry)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{entry.client.full_name} is off the waitlist.")
    return redirect("waitlist:list")


@require_safe
@role_required(*STAFF)
def freed_time(request, pk: int):
    """One freed time: who was offered it and what they did, and who else it suits."""
    freed = get_object_or_404(FreedTime.objects.select_related("artist", "booked__client"), pk=pk)
    offers = list(
        freed.offers.select_related("entry__client", "entry__appointment_type", "offered_by")
    )
    offered = {offer.entry_id for offer in offers}
    can_offer = freed.status == FreedTime.Status.OPEN and freed.starts_at > timezone.now()
    suited = (
        [e for e in services.matching_entries(freed) if e.pk not in offered] if can_offer else []
    )
    return render(
        request,
        "waitlist/freed_time.html",
        {"freed": freed, "offers": offers, "suited": suited, "can_offer": can_offer},
    )


@require_POST
@role_required(*STAFF)
def offer(request, pk: int):
    freed = get_object_or_404(FreedTime, pk=pk)
    entry = (
        WaitlistEntry.objects.filter(
            pk=request.POST.get("entry") if str(request.POST.get("entry", "")).isdigit() else None,
            status=EntryStatus.WAITING,
        )
        .select_related("client", "appointment_type", "plan_session")
        .first()
    )
    if entry is None:
        messages.error(request, _("Choose a client who is on the waitlist."))
        return redirect("waitlist:freed", pk=freed.pk)
    try:
        services.offer_by_hand(freed, entry, by=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(
            request, _("The time was offered to %(name)s.") % {"name": entry.client.full_name}
        )
    return redirect("waitlist:freed", pk=freed.pk)
