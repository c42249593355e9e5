"""Session limits and the second sign-in step, checked on every request."""

import time
from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect
from django.urls import reverse

from . import security_log
from .sessions import describe, expiry_reason, limits_for
from .two_factor import SESSION_STEP_KEY, Step, is_verified, step_for


class SessionLimitsMiddleware:
    """Signs out a session idle too long, or older than its limit (see accounts.sessions)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated:
            reason = expiry_reason(request, int(time.time()))
            if reason is not None:
                return self._sign_out(request, user, reason)
        return self.get_response(request)

    def _sign_out(self, request, user, reason):
        limits = limits_for(user)
        security_log.record("session_expired", request=request, user=user, reason=reason)
        logout(request)
        if reason == "idle":
            text = (
                f"You were signed out after {describe(limits.idle_seconds)} without "
                "activity. Sign in again to carry on."
            )
        else:
            text = (
                f"You were signed out because you signed in more than "
                f"{describe(limits.max_seconds)} ago. Sign in again to carry on."
            )
        messages.info(request, text)
        return redirect_to_login(request.get_full_path())


# Pages a member of staff may open before the second step is done.
_OPEN_DURING = {
    Step.CODE: {"accounts:two_factor_verify", "accounts:logout"},
    Step.ENROL: {
        "accounts:two_factor",
        "accounts:two_factor_backup_codes",
        "accounts:logout",
    },
}


class TwoFactorMiddleware:
    """Staff who owe a code (or, when the clinic requires it, an authenticator app)
    after their password can open only that step's pages and "Sign out"."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_clinic_staff):
            return None
        step = request.session.get(SESSION_STEP_KEY)
        if step is None:
            # Signed in before this rule existed: decide now, once.
            step = step_for(user).value
            request.session[SESSION_STEP_KEY] = step
        if step == Step.CODE and not is_verified(request):
            target = "accounts:two_factor_verify"
        elif step == Step.ENROL:
            target = "accounts:two_factor"
        else:
            return None
        if request.resolver_match.view_name in _OPEN_DURING[Step(step)]:
            return None
        return redirect(f"{reverse(target)}?next={quote(request.get_full_path(), safe='/')}")
