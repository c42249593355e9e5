"""The client's check-in page: reached by the private link in the message, or signed in.

Phone first. A check-in is sent once; opening the link again shows "sent,
thank you" and, once the artist has answered, the reply.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from accounts.access import client_required
from smpclinic.clinic import clinic_context

from . import services
from .access import get_check_in_for_user
from .forms import CheckInForm
from .links import CheckInLinkExpired, CheckInLinkInvalid, check_in_from_token
from .models import CheckIn, CheckInStatus

PHOTO_FIELDS = {f"photo_{angle}" for angle in services.CHECK_IN_ANGLES}


def _clinic() -> dict:
    """How to reach the clinic (its email falls back to the address emails come from)."""
    return clinic_context()


def _by_token(view):
    """Resolve the token to its check-in, or show "this link no longer works" (404)."""

    @wraps(view)
    def wrapped(request, token: str):
        try:
            check_in = check_in_from_token(token)
        except CheckInLinkInvalid as error:
            context = {**_clinic(), "expired": isinstance(error, CheckInLinkExpired)}
            return render(request, "aftercare/link_invalid.html", context, status=404)
        urls = {
            "form": reverse("check_in:form", args=[token]),
            "thanks": reverse("check_in:thanks", args=[token]),
        }
        return view(request, check_in, urls)

    return wrapped


def _own(view):
    @wraps(view)
    @client_required
    def wrapped(request, pk: int):
        check_in = get_check_in_for_user(request.user, pk)
        urls = {
            "form": reverse("check_in:mine", args=[pk]),
            "thanks": reverse("check_in:mine_thanks", args=[pk]),
        }
        return view(request, check_in, urls)

    return wrapped


def _session_context(check_in: CheckIn) -> dict:
    session = check_in.session
    appointment = session.appointment
    return {
        "check_in": check_in,
        "session": session,
        "session_date": appointment.starts_at if appointment else None,
        "client": check_in.client,
        **_clinic(),
    }


def _reply_context(check_in: CheckIn) -> dict:
    return {
        "sent": check_in.status != CheckInStatus.INVITED,
        "replied": check_in.status == CheckInStatus.REVIEWED and bool(check_in.reply),
    }


def _check_in_page(request, check_in: CheckIn, urls: dict):
    regions = services.regions_treated(check_in.session)
    context = {**_session_context(check_in), **_reply_context(check_in), "urls": urls}
    if check_in.status != CheckInStatus.INVITED:
        if request.method == "POST":
            context["already_sent"] = True
        return render(request, "aftercare/check_in_sent.html", context)
    form = CheckInForm(request.POST or None, request.FILES or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.check_in_submit(
                check_in=check_in,
                photos=data["photos"],
                redness=data["redness"],
                itching=data["itching"],
                region_views=data["region_views"],
                questions=data["questions"],
                by=request.user if request.user.is_authenticated else None,
            )
        except services.CheckInAlreadySent:
            check_in.refresh_from_db()
            context.update(_reply_context(check_in), already_sent=True)
            return render(request, "aftercare/check_in_sent.html", context)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            return redirect(urls["thanks"])
    context.update(
        form=form,
        photos_lost=request.method == "POST" and bool(request.FILES),
        regions=regions,
    )
    return render(request, "aftercare/check_in_form.html", context, status=200)


def _add_errors(form: CheckInForm, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        if field in form.fields:
            form.add_error(field, messages)
        elif field == "photos":
            form.add_error(f"photo_{services.CHECK_IN_ANGLES[0]}", messages)
        else:
            form.add_error(None, messages)


def _thanks_page(request, check_in: CheckIn, urls: dict):
    if check_in.status == CheckInStatus.INVITED:
        return redirect(urls["form"])
    context = {
        **_session_context(check_in),
        **_reply_context(check_in),
        "urls": urls,
        "just_sent": True,
        **_clinic(),  # how to reach the clinic, at the foot of the page
    }
    return render(request, "aftercare/check_in_sent.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
@_by_token
def check_in_form(request, check_in, urls):
    return _check_in_page(request, check_in, urls)


@never_cache
@require_safe
@_by_token
def check_in_thanks(request, check_in, urls):
    return _thanks_page(request, check_in, urls)


@never_cache
@require_http_methods(["GET", "POST"])
@_own
def my_check_in(request, check_in, urls):
    return _check_in_page(request, check_in, urls)


@never_cache
@require_safe
@_own
def my_check_in_thanks(request, check_in, urls):
    return _thanks_page(request, check_in, urls)
