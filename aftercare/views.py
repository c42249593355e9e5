"""Staff pages: the artists' check-in review queue and the front desk's proposals.

Every rule lives in aftercare.services; these views fetch for the user, call it
and show what it says. All staff may look; only the client's artist or a
manager reviews; the front desk and managers act on proposals.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.access import health_editor_required, health_staff_required
from audit.services import record_view
from photos.models import Photo, PhotoStage
from sessions_app.models import HealingStatus, Region

from . import services
from .access import PHOTO_FIELDS, get_check_in_for_user, staff_check_ins
from .forms import ReviewForm
from .models import CheckIn, CheckInStatus, Level, Proposal

QUEUE_LIMIT = 200


def _rows(check_ins) -> list[dict]:
    today = timezone.localdate()
    return [
        {"check_in": c, "days": services.days_since_session(c, today), "photos": c.photos.all()}
        for c in check_ins
    ]


@require_safe
@health_staff_required
def index(request):
    """/aftercare/ opens the check-in queue, the page staff come here for."""
    return redirect("aftercare:queue")


@never_cache
@require_safe
@health_staff_required
def check_in_queue(request):
    waiting = list(
        staff_check_ins()
        .filter(status=CheckInStatus.SUBMITTED)
        .order_by("submitted_at", "pk")[:QUEUE_LIMIT]
    )
    return render(
        request,
        "aftercare/queue.html",
        {"rows": _rows(waiting), "limit": QUEUE_LIMIT},
    )


def _labelled_views(check_in: CheckIn) -> list[dict]:
    labels = dict(Region.choices)
    return [
        {
            "region": region,
            "label": labels.get(region, region),
            "look": services.RegionLook.labels.get(view.get("look", ""), ""),
            "note": view.get("note", ""),
        }
        for region, view in check_in.region_views.items()
    ]


def _labelled_healing(check_in: CheckIn) -> list[dict]:
    labels, statuses = dict(Region.choices), dict(HealingStatus.choices)
    return [
        {
            "label": labels.get(region, region),
            "status": statuses.get(value.get("status"), ""),
            "note": value.get("note", ""),
        }
        for region, value in check_in.healing.items()
    ]


@never_cache
@require_http_methods(["GET", "POST"])
@health_staff_required
def check_in_review(request, pk: int):
    check_in = get_check_in_for_user(request.user, pk)
    record_view(request, what="check-in", obj=check_in, client=check_in.client_id)
    may_review = services.may_review(request.user, check_in)
    if request.method == "POST" and not may_review:
        raise PermissionDenied("Only the client's artist or a manager can review this check-in.")
    regions = services.regions_treated(check_in.session)
    form = None
    if may_review and check_in.status == CheckInStatus.SUBMITTED:
        form = ReviewForm(request.POST or None, regions=regions)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.check_in_review(
                    check_in=check_in,
                    by=request.user,
                    reply=data["reply"],
                    healing=data["healing"],
                    proposal=data["proposal"] or "",
                    proposal_note=data["proposal_note"],
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Reply sent to %(name)s; check-in reviewed.")
                    % {"name": check_in.client.first_name},
                )
                return redirect("aftercare:queue")
    elif request.method == "POST":
        messages.info(request, _("This check-in has already been reviewed."))
        return redirect("aftercare:review", pk=check_in.pk)
    after_photos = list(
        Photo.objects.filter(session=check_in.session, stage=PhotoStage.AFTER_SESSION)
        .only(*PHOTO_FIELDS)
        .order_by("pk")
    )
    following = services.next_session_for(check_in)
    return render(
        request,
        "aftercare/review.html",
        {
            "check_in": check_in,
            "session": check_in.session,
            "plan": check_in.session.plan,
            "days": services.days_since_session(check_in),
            "photos": check_in.photos.all(),
            "after_photos": after_photos,
            "views": _labelled_views(check_in),
            "healing": _labelled_healing(check_in),
            "levels": dict(Level.choices),
            "form": form,
            "may_review": may_review,
            "next_session": following,
        },
    )


def _add_errors(form: ReviewForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, field_messages)


def _open_proposals():
    return (
        staff_check_ins()
        .exclude(proposal="")
        .filter(status=CheckInStatus.REVIEWED, proposal_handled_at__isnull=True)
        .order_by("reviewed_at", "pk")
    )


@never_cache
@require_safe
@health_editor_required
def proposals(request):
    rows = list(_open_proposals()[:QUEUE_LIMIT])
    return render(
        request,
        "aftercare/proposals.html",
        {"rows": rows, "limit": QUEUE_LIMIT, "extra": Proposal.EXTRA_SESSION},
    )


@require_POST
@health_editor_required
def proposal_handled(request, pk: int):
    check_in = get_check_in_for_user(request.user, pk)
    add_session = request.POST.get("add_session") == "1"
    try:
        services.proposal_mark_handled(check_in=check_in, by=request.user, add_session=add_session)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        what = check_in.get_proposal_display().lower()
        if add_session:
            messages.success(
                request,
                _("%(what)s added to %(client)s's plan; book it from the plan page.")
                % {"what": f"{what[0].upper()}{what[1:]}", "client": check_in.client.full_name},
            )
        else:
            messages.success(
                request,
                _("Proposal for %(client)s marked handled.")
                % {"client": check_in.client.full_name},
            )
    return redirect("aftercare:proposals")
