"""The manager's audit pages. They only read: nothing here writes an audit row."""

from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from accounts.access import get_staff_member_for_user, health_manager_required

from . import selectors


@require_safe
@health_manager_required
@never_cache
def staff_list(request):
    return render(request, "audit/staff_list.html", {"staff": selectors.staff_members()})


@require_safe
@health_manager_required
@never_cache
def client_trail(request, pk: int):
    client = selectors.client_for_trail(pk)
    if client is None and not selectors.client_has_trail(pk):
        raise Http404
    page = selectors.client_trail(pk, request.GET.get("page"))
    return render(
        request,
        "audit/client_trail.html",
        {
            "client": client,
            "client_pk": pk,
            "page": page,
            "rows": page.object_list,
            "time_zone": settings.TIME_ZONE,
        },
    )


@require_safe
@health_manager_required
@never_cache
def staff_trail(request, user_pk: int):
    member = get_staff_member_for_user(request.user, user_pk)
    page = selectors.staff_trail(member.pk, request.GET.get("page"))
    return render(
        request,
        "audit/staff_trail.html",
        {"member": member, "page": page, "rows": page.object_list},
    )
