"""Sign-in by emailed link: ask for a link, open it, confirm.

The answer to "send me a link" is the same page whatever the address: the same
template, status and words (only the typed address differs), and the same work
is done (the lookup) either way. Opening a link shows a button that signs in:
mail scanners that open links do not use them up.
"""

from django.conf import settings
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from smpclinic.clinic import clinic_context

from . import signin
from .access import CLIENT_IDLE_SECONDS
from .forms import SignInForm

BACKEND = "django.contrib.auth.backends.ModelBackend"


def _ip_rate(group, request) -> str:
    # Read per request, so a changed setting applies at once.
    return getattr(settings, "PORTAL_SIGNIN_RATE_PER_IP", "5/15m")


def _email_rate(group, request) -> str:
    return getattr(settings, "PORTAL_SIGNIN_RATE_PER_EMAIL", "3/15m")


def _email_key(group, request) -> str:
    return signin.normalise_email(request.POST.get("email", ""))


def _rate_limited(request) -> bool:
    by_ip = is_ratelimited(
        request, group="portal-signin-ip", key="ip", rate=_ip_rate, method="POST", increment=True
    )
    by_email = is_ratelimited(
        request,
        group="portal-signin-email",
        key=_email_key,
        rate=_email_rate,
        method="POST",
        increment=True,
    )
    return by_ip or by_email


@never_cache
@require_http_methods(["GET", "POST"])
def signin_start(request):
    if request.user.is_authenticated and request.method == "GET":
        return redirect("portal:home")
    form = SignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _rate_limited(request):
            form.add_error(
                None,
                "Too many sign-in links were asked for. Please wait 15 minutes and try again, "
                "or call us.",
            )
            return render(
                request, "portal/signin.html", {"form": form, **clinic_context()}, status=429
            )
        email = form.cleaned_data["email"]
        signin.signin_request(email)
        return render(request, "portal/signin_sent.html", {"email": email, **clinic_context()})
    return render(request, "portal/signin.html", {"form": form, **clinic_context()})


def _invalid(request, reason: str):
    return render(
        request,
        "portal/link_invalid.html",
        {"reason": reason, **clinic_context()},
        status=410,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def signin_link(request, token: str):
    if request.method == "GET":
        try:
            signin.peek(token)
        except signin.LinkInvalid as error:
            return _invalid(request, error.reason)
        return render(request, "portal/signin_confirm.html", clinic_context())

    def sign_in(user):
        login(request, user, backend=BACKEND)
        request.session.set_expiry(CLIENT_IDLE_SECONDS)

    try:
        signin.signin_consume(token, on_valid=sign_in)
    except signin.LinkInvalid as error:
        return _invalid(request, error.reason)
    return redirect("portal:home")
