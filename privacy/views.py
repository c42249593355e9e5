"""The client's "My data" page (export, erasure request) and the manager's side of both."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from accounts.access import health_manager_required, manager_required
from accounts.models import Role
from clients.access import get_client_for_user, get_own_client_for_user
from clients.models import Client

from .access import get_erasure_request_for_user
from .erasure import (
    already_handled,
    erasure_confirm,
    erasure_decline,
    erasure_plan,
    erasure_request,
    summary_for_display,
)
from .export import export_client_file
from .forms import DeclineForm, ErasureRequestForm
from .models import ErasureRequest, ErasureStatus

logger = logging.getLogger(__name__)


def _zip_response(client: Client, filename: str) -> FileResponse:
    archive = export_client_file(client)
    return FileResponse(
        archive, as_attachment=True, filename=filename, content_type="application/zip"
    )


def _my_data_page(request, client: Client, erase_form: ErasureRequestForm, status=200):
    requests = list(client.erasure_requests.all())
    context = {
        "client": client,
        "erase_form": erase_form,
        "open_request": next((r for r in requests if r.is_open), None),
        "declined": next((r for r in requests if r.status == ErasureStatus.DECLINED), None),
        "preview": summary_for_display(erasure_plan(client).as_summary()),
    }
    return render(request, "privacy/my_data.html", context, status=status)


@require_safe
@login_required
@never_cache
def my_data(request):
    if request.user.role == Role.MANAGER:
        return redirect("privacy:requests")
    client = get_own_client_for_user(request.user)
    return _my_data_page(request, client, ErasureRequestForm())


@require_POST
@login_required
@never_cache
def my_data_download(request):
    client = get_own_client_for_user(request.user)
    logger.info("Client %s downloaded their data export", client.pk)
    return _zip_response(client, f"my-data-{timezone.localdate():%Y-%m-%d}.zip")


@require_POST
@login_required
@never_cache
def my_data_erase(request):
    client = get_own_client_for_user(request.user)
    form = ErasureRequestForm(request.POST)
    if form.is_valid():
        try:
            erasure_request(client=client, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Your request is with the clinic. A manager will confirm it and we will "
                    "email you what was erased."
                ),
            )
            return redirect("privacy:mine")
    return _my_data_page(request, client, form, status=400)


@require_POST
@health_manager_required
@never_cache
def client_download(request, client_pk: int):
    client = get_client_for_user(request.user, client_pk)
    logger.info("Manager %s downloaded the data export of client %s", request.user.pk, client.pk)
    return _zip_response(client, f"client-{client.pk}-data-{timezone.localdate():%Y-%m-%d}.zip")


@require_safe
@manager_required
@never_cache
def request_list(request):
    requests = ErasureRequest.objects.select_related("client", "confirmed_by")
    waiting = [r for r in requests if r.is_open]
    handled = [r for r in requests if not r.is_open][:100]
    return render(request, "privacy/request_list.html", {"waiting": waiting, "handled": handled})


def _request_page(request, erasure: ErasureRequest, decline_form: DeclineForm, status=200):
    context = {"erasure": erasure, "decline_form": decline_form}
    if erasure.is_open:
        context["preview"] = summary_for_display(erasure_plan(erasure.client).as_summary())
    elif erasure.summary:
        context["summary"] = summary_for_display(erasure.summary)
    return render(request, "privacy/request_detail.html", context, status=status)


@require_safe
@manager_required
@never_cache
def request_detail(request, pk: int):
    erasure = get_erasure_request_for_user(request.user, pk)
    return _request_page(request, erasure, DeclineForm())


@require_POST
@manager_required
@never_cache
def request_confirm(request, pk: int):
    erasure = get_erasure_request_for_user(request.user, pk)
    was_open = erasure.is_open
    erasure = erasure_confirm(request=erasure, by=request.user)
    if was_open and erasure.status == ErasureStatus.DONE:
        messages.success(request, _("The client's data has been erased; they have been emailed."))
    else:
        messages.info(request, already_handled(erasure))
    return redirect(erasure)


@require_POST
@manager_required
@never_cache
def request_decline(request, pk: int):
    erasure = get_erasure_request_for_user(request.user, pk)
    form = DeclineForm(request.POST)
    if form.is_valid():
        try:
            erasure_decline(
                request=erasure, by=request.user, reason=form.cleaned_data["decline_reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The request has been declined."))
            return redirect(erasure)
    return _request_page(request, erasure, form, status=400)
