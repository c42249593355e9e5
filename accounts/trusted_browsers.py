"""Trusted browsers: "Trust this browser for 30 days" skips the code at the next sign-in.

The browser keeps a signed cookie naming the person, when it was given, and a
fingerprint of their password hash and authenticator key. Changing the password or
resetting (or setting up again) two-factor sign-in changes the fingerprint, so every
browser trusted before stops being trusted. The manager can switch trust off for the
whole clinic (SecurityPolicy.allow_trusted_browsers): the cookie is then ignored and
the choice not offered. Nothing is stored on the server.
"""

import datetime as dt
import hashlib

from django.conf import settings
from django.core import signing
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import security_log
from .models import SecurityPolicy, User

COOKIE_NAME = "smp_trusted_browser"
TRUST_DAYS = 30
_SALT = "accounts.trusted_browsers"


def offered() -> bool:
    """Whether the clinic lets staff trust a browser (the setting, on by default)."""
    return SecurityPolicy.current().allow_trusted_browsers


def _fingerprint(user: User) -> str:
    """Changes whenever the password or the authenticator app changes."""
    keys = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk")
    material = "|".join(
        [
            user.password or "",
            *(f"{device.pk}:{device.key}" for device in keys),
        ]
    )
    # Keyed with SECRET_KEY: the cookie does not even reveal a plain hash of the hash.
    return salted_hmac(_SALT, hashlib.sha256(material.encode()).hexdigest()).hexdigest()


def cookie_value(user: User, *, now: dt.datetime | None = None) -> str:
    now = now or timezone.now()
    return signing.dumps(
        {"u": user.pk, "t": int(now.timestamp()), "f": _fingerprint(user)},
        salt=_SALT,
        compress=True,
    )


def trust(response, user: User, *, now: dt.datetime | None = None) -> None:
    """Give the browser the cookie (30 days, HttpOnly, SameSite=Lax, Secure in production)."""
    response.set_cookie(
        COOKIE_NAME,
        cookie_value(user, now=now),
        max_age=TRUST_DAYS * 24 * 60 * 60,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )


def is_trusted(request, user: User, *, now: dt.datetime | None = None) -> bool:
    """Whether this browser may skip the code for this person now."""
    raw = request.COOKIES.get(COOKIE_NAME)
    if not raw or not user.is_clinic_staff or not offered():
        return False
    try:
        data = signing.loads(raw, salt=_SALT)
    except signing.BadSignature:
        return False
    if not isinstance(data, dict) or data.get("u") != user.pk:
        return False
    now = now or timezone.now()
    issued = data.get("t")
    if not isinstance(issued, int):
        return False
    age = now.timestamp() - issued
    if age < 0 or age >= TRUST_DAYS * 24 * 60 * 60:
        return False
    return constant_time_compare(str(data.get("f", "")), _fingerprint(user))


def skip_code_if_trusted(request, user: User, *, now: dt.datetime | None = None) -> bool:
    """At sign-in: when the browser is trusted, count the session as verified with the
    person's authenticator app (no code asked). Returns whether it did."""
    from django_otp import login as otp_login

    if not is_trusted(request, user, now=now):
        return False
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()
    if device is None:
        return False
    otp_login(request, device)
    security_log.record("two_factor_trusted_browser", request=request, user=user)
    return True
