from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from . import security_log, trusted_browsers, two_factor
from .access import staff_required
from .forms import TwoFactorCodeForm
from .lockout import locked_out_now, lockout_response


class ClinicPasswordResetView(auth_views.PasswordResetView):
    """Django's reset flow, with the clinic's name in the email."""

    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def form_valid(self, form):
        self.extra_email_context = {"site_name": settings.CLINIC_NAME}
        return super().form_valid(form)


def _next_url(request) -> str:
    """Where to go once the second step is done: a local `next`, else the home page."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse("home")


@never_cache
@staff_required
@require_http_methods(["GET", "POST"])
def two_factor_settings(request):
    """Set up an authenticator app (QR code, then a first code), or see that it is on."""
    user = request.user
    next_url = _next_url(request)
    if two_factor.has_app(user):
        if request.method == "POST" and request.POST.get("action") == "new_backup_codes":
            request.session[two_factor.NEW_BACKUP_CODES_KEY] = two_factor.backup_codes_replace(
                user=user
            )
            security_log.record("backup_codes_replaced", request=request, user=user)
            return redirect(reverse("accounts:two_factor_backup_codes"))
        return render(
            request,
            "accounts/two_factor_on.html",
            {"backup_codes_left": two_factor.backup_codes_left(user)},
        )

    device = two_factor.enrolment_device(user)
    form = TwoFactorCodeForm(request.POST or None, purpose="enrol")
    if request.method == "POST" and form.is_valid():
        codes = two_factor.enrol_confirm(request=request, code=form.cleaned_data["code"])
        if codes is not None:
            request.session[two_factor.NEW_BACKUP_CODES_KEY] = codes
            return redirect(
                f"{reverse('accounts:two_factor_backup_codes')}?next={quote(next_url, safe='/')}"
            )
        form.add_error(
            "code",
            "That code did not match. Type the newest 6-digit code your app shows "
            "for the clinic (they change every 30 seconds).",
        )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_code_svg(device),
            "secret": two_factor.secret_for_typing(device),
            "required": request.session.get(two_factor.SESSION_STEP_KEY) == two_factor.Step.ENROL,
            "next": next_url,
        },
    )


@never_cache
@staff_required
@require_http_methods(["GET"])
def two_factor_backup_codes_download(request):
    """The signed-in person's own unused backup codes as a text file. Only for someone
    with two-factor on (and, the middleware sees to it, past the code step)."""
    user = request.user
    if not two_factor.has_app(user):
        return redirect(reverse("accounts:two_factor"))
    response = HttpResponse(
        two_factor.backup_codes_text(user), content_type="text/plain; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="backup-codes.txt"'
    security_log.record("backup_codes_downloaded", request=request, user=user)
    return response


@never_cache
@staff_required
def two_factor_backup_codes(request):
    """The new backup codes, shown in full this once (the download gives the unused ones)."""
    codes = request.session.pop(two_factor.NEW_BACKUP_CODES_KEY, None)
    if not codes:
        return redirect(reverse("accounts:two_factor"))
    return render(
        request,
        "accounts/two_factor_backup_codes.html",
        {"codes": codes, "next": _next_url(request)},
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    """The second sign-in step: a code from the app, or one backup code."""
    user = request.user
    next_url = _next_url(request)
    step = request.session.get(two_factor.SESSION_STEP_KEY)
    if step != two_factor.Step.CODE or two_factor.is_verified(request):
        return redirect(next_url)
    if not user.is_clinic_staff or not two_factor.has_app(user):
        # The device went away since the password step (a reset): decide afresh.
        request.session[two_factor.SESSION_STEP_KEY] = two_factor.step_for(user).value
        return redirect(next_url)

    form = TwoFactorCodeForm(
        request.POST or None, purpose="sign_in", offer_trust=trusted_browsers.offered()
    )
    if request.method == "POST":
        if locked_out_now(request, user.email):
            logout(request)
            return lockout_response(request)
        if form.is_valid():
            if two_factor.verify_code(request=request, code=form.cleaned_data["code"]):
                response = redirect(next_url)
                if form.cleaned_data.get("trust_browser"):
                    trusted_browsers.trust(response, user)
                return response
            return _wrong_code(request, form, next_url)
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": next_url})


def _wrong_code(request, form, next_url) -> HttpResponse:
    user = request.user
    wrong = request.session.get(two_factor.WRONG_CODES_KEY, 0) + 1
    request.session[two_factor.WRONG_CODES_KEY] = wrong
    security_log.record("two_factor_failed", request=request, user=user, wrong_codes=wrong)
    if wrong >= settings.TWO_FACTOR_MAX_WRONG_CODES:
        # Back to the password, and counted like a wrong password: the same lockout
        # covers both steps. (django-otp also slows down repeated wrong codes.)
        user_login_failed.send(
            sender=__name__,
            credentials={"username": user.email, "step": "two_factor"},
            request=request,
        )
        locked = getattr(request, "axes_locked_out", False)
        logout(request)
        if locked:
            return lockout_response(request)
        messages.error(
            request,
            _(
                "That was %(wrong)s wrong codes, so you have been signed out. "
                "Sign in again to get another try."
            )
            % {"wrong": wrong},
        )
        return redirect(reverse("accounts:login"))
    form.add_error(
        "code",
        _(
            "That code is not right. Type the newest code from your app, "
            "or one of your backup codes."
        ),
    )
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": next_url, "tries_left": settings.TWO_FACTOR_MAX_WRONG_CODES - wrong},
    )


@require_http_methods(["POST"])
@staff_required
def my_language(request):
    """A member of staff chooses the language of their own screens."""
    code = request.POST.get("language", "")
    valid = {value for value, _name in settings.LANGUAGES}
    if code and code not in valid:
        messages.error(request, _("That language is not offered; nothing was changed."))
    else:
        request.user.language = code
        request.user.save(update_fields=["language"])
        translation.activate(code or settings.LANGUAGE_CODE)
        messages.success(request, _("Your screens are now in this language."))
    return redirect("staff_hours:my_hours")
