"""Session clocks: when someone signed in and when they were last active.

Both are kept in the session itself (seconds since the epoch). Last activity is
rewritten at most once a SESSION_ACTIVITY_RESOLUTION_SECONDS, so a busy page adds no
database write per request; the idle limit is exact to within that resolution.
"""

import time
from dataclasses import dataclass

from django.conf import settings

SIGNED_IN_AT_KEY = "signed_in_at"
LAST_SEEN_KEY = "last_seen_at"


@dataclass(frozen=True)
class Limits:
    idle_seconds: int
    max_seconds: int


def limits_for(user) -> Limits:
    if user.is_clinic_staff:
        return Limits(settings.STAFF_SESSION_IDLE_SECONDS, settings.STAFF_SESSION_MAX_SECONDS)
    return Limits(settings.CLIENT_SESSION_IDLE_SECONDS, settings.CLIENT_SESSION_MAX_SECONDS)


def on_signed_in(sender, request, user, **kwargs) -> None:
    """Start the clocks and decide the second step, once per sign-in."""
    from .lockout import lockout_clear
    from .trusted_browsers import skip_code_if_trusted
    from .two_factor import SESSION_STEP_KEY, WRONG_CODES_KEY, Step, step_for

    now = int(time.time())
    step = step_for(user)
    request.session[SIGNED_IN_AT_KEY] = now
    request.session[LAST_SEEN_KEY] = now
    request.session[SESSION_STEP_KEY] = step.value
    request.session.pop(WRONG_CODES_KEY, None)
    # A browser the person trusted (and the clinic allows trusting) owes no code.
    if step == Step.NONE or (step == Step.CODE and skip_code_if_trusted(request, user)):
        # Fully signed in: earlier failures from here no longer count. (With a
        # second step still owed they do, until the code is given.)
        lockout_clear(request, user.email)


def expiry_reason(request, now: int) -> str | None:
    """Why this signed-in session has ended, or None while it is still good."""
    limits = limits_for(request.user)
    session = request.session
    signed_in_at = session.get(SIGNED_IN_AT_KEY)
    last_seen = session.get(LAST_SEEN_KEY)
    if signed_in_at is None or last_seen is None:
        # A session from before the clocks existed: start them now.
        session[SIGNED_IN_AT_KEY] = signed_in_at or now
        session[LAST_SEEN_KEY] = now
        return None
    if now - signed_in_at >= limits.max_seconds:
        return "max_age"
    if now - last_seen >= limits.idle_seconds:
        return "idle"
    if now - last_seen >= settings.SESSION_ACTIVITY_RESOLUTION_SECONDS:
        session[LAST_SEEN_KEY] = now
    return None


def describe(seconds: int) -> str:
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return f"{hours} hour{'s' if hours != 1 else ''}"
    minutes = max(1, seconds // 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
