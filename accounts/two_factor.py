"""Two-factor sign-in for staff: an authenticator app (TOTP) and single-use backup codes.

After the password, the session records which second step the person still owes
(`SESSION_STEP_KEY`); accounts.middleware.TwoFactorMiddleware opens nothing else
until it is done. The step is decided once per sign-in (see accounts.sessions), so a
request costs no device look-up beyond django-otp's own for a verified session.
"""

import re
from base64 import b32encode
from enum import StrEnum

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import security_log
from .models import SecurityPolicy, User

SESSION_STEP_KEY = "two_factor_step"
WRONG_CODES_KEY = "two_factor_wrong_codes"
# Backup codes wait here between the confirming POST and the page that shows them once.
NEW_BACKUP_CODES_KEY = "two_factor_new_backup_codes"

APP_DEVICE_NAME = "Authenticator app"
BACKUP_DEVICE_NAME = "Backup codes"

_APP_CODE = re.compile(r"^\d{6}$")
_BACKUP_CODE = re.compile(r"^[a-z2-7]{8}$")


class Step(StrEnum):
    NONE = "none"  # nothing more to give
    CODE = "code"  # has a device: must give a code (until django-otp marks it verified)
    ENROL = "enrol"  # the clinic requires two-factor and this person has no device yet


def step_for(user: User) -> Step:
    """What a person must still do after their password. Clients are never asked."""
    if not user.is_clinic_staff:
        return Step.NONE
    if user_has_device(user, confirmed=True):
        return Step.CODE
    if SecurityPolicy.objects.filter(require_staff_two_factor=True).exists():
        return Step.ENROL
    return Step.NONE


def enrolment_owed_now(request) -> bool:
    """After the clinic's sign-in rules are saved: when the person who saved them must
    now set up an authenticator app (required, and they have none), their session owes
    it from this moment rather than from their next sign-in. Returns whether it does."""
    if step_for(request.user) != Step.ENROL:
        return False
    request.session[SESSION_STEP_KEY] = Step.ENROL.value
    return True


def api_token_refusal(user: User) -> str | None:
    """Why an API token of this person must not be accepted now, or None when it may.

    A token skips the code, so while the clinic requires two-factor sign-in it only
    works for staff who have set up their authenticator app: the same people who can
    get past the code step in the browser. Clients are never asked for two-factor."""
    if step_for(user) == Step.ENROL:
        return (
            "The clinic requires two-factor sign-in for all staff, and this account has "
            "not set it up, so its API token is not accepted. Sign in on the website, set "
            "up two-factor sign-in, then use the token again."
        )
    return None


def normalise_code(raw: str) -> str:
    return re.sub(r"[\s-]", "", raw or "").lower()


def format_backup_code(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def has_app(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def backup_codes_left(user: User) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def backup_codes_unused(user: User) -> list[str]:
    """The person's backup codes not used yet, as shown on screen (abcd-2345)."""
    tokens = StaticToken.objects.filter(device__user=user, device__confirmed=True).order_by("pk")
    return [format_backup_code(token) for token in tokens.values_list("token", flat=True)]


def backup_codes_text(user: User) -> str:
    """The unused backup codes as a text file to keep (or print) away from the phone."""
    codes = backup_codes_unused(user)
    lines = [
        f"{settings.CLINIC_NAME}: backup codes for {user.email}",
        "",
        "If you lose your phone, sign in with one of these instead of a code from the app.",
        "Each works once. Keep them somewhere safe, away from your phone.",
        "",
        *codes,
    ]
    if not codes:
        lines.append("(none left: make new backup codes on the two-factor sign-in page)")
    return "\n".join(lines) + "\n"


# --- Enrolment ----------------------------------------------------------------------


def enrolment_device(user: User) -> TOTPDevice:
    """The not-yet-confirmed authenticator for this person: the same secret on every
    visit until they confirm it, so a QR code scanned earlier still works."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def qr_code_svg(device: TOTPDevice) -> str:
    """The device's otpauth:// link as an inline SVG (no script, no external image)."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathImage,
        box_size=10,
        border=2,
    )
    svg = image.to_string(encoding="unicode")
    # Sized by the page's stylesheet; the drawing's own millimetre size is dropped.
    return re.sub(r'^<svg width="[^"]*" height="[^"]*"', '<svg class="qr-code" role="img"', svg)


def secret_for_typing(device: TOTPDevice) -> str:
    """The secret in groups of four, for people who type it into their app."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def backup_codes_replace(*, user: User) -> list[str]:
    """Fresh backup codes; the old ones stop working. Returned once, to be shown once."""
    count = settings.TWO_FACTOR_BACKUP_CODES
    with transaction.atomic():
        device, _ = StaticDevice.objects.get_or_create(
            user=user, name=BACKUP_DEVICE_NAME, defaults={"confirmed": True}
        )
        device.token_set.all().delete()
        codes: list[str] = []
        while len(codes) < count:
            code = StaticToken.random_token()
            if code not in codes:
                codes.append(code)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return [format_backup_code(c) for c in codes]


def enrol_confirm(*, request, code: str) -> list[str] | None:
    """Switch two-factor on with the first code from the app. Returns the new backup
    codes, or None when the code is wrong (nothing changes)."""
    user = request.user
    code = normalise_code(code)
    if not _APP_CODE.match(code):
        return None
    with transaction.atomic():
        device = (
            TOTPDevice.objects.select_for_update()
            .filter(user=user, confirmed=False)
            .order_by("pk")
            .first()
        )
        if device is None or not device.verify_token(code):
            return None
        # One app per person: a new one replaces any earlier.
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = backup_codes_replace(user=user)
    _mark_verified(request, device)
    security_log.record("two_factor_enrolled", request=request, user=user)
    return codes


# --- The sign-in step ----------------------------------------------------------------


def verify_code(*, request, code: str):
    """Check a code from the app or a backup code (used up by this). Returns the
    device that accepted it, or None."""
    user = request.user
    code = normalise_code(code)
    if _APP_CODE.match(code):
        model = TOTPDevice
    elif _BACKUP_CODE.match(code):
        model = StaticDevice
    else:
        return None
    with transaction.atomic():
        for device in model.objects.select_for_update().filter(user=user, confirmed=True):
            if device.verify_token(code):
                break
        else:
            return None
    _mark_verified(request, device)
    if model is StaticDevice:
        security_log.record(
            "backup_code_used", request=request, user=user, left=backup_codes_left(user)
        )
    security_log.record("two_factor_passed", request=request, user=user)
    return device


def _mark_verified(request, device) -> None:
    from django_otp import login as otp_login

    from .lockout import lockout_clear

    # A new session id for the now fully signed-in session.
    request.session.cycle_key()
    otp_login(request, device)
    request.session[SESSION_STEP_KEY] = Step.CODE
    request.session.pop(WRONG_CODES_KEY, None)
    lockout_clear(request, request.user.email)


def is_verified(request) -> bool:
    return bool(getattr(request.user, "is_verified", lambda: False)())


# --- The manager's reset ----------------------------------------------------------------


def two_factor_reset(*, user: User, by: User, request=None) -> None:
    """Remove someone's authenticator and backup codes (a lost phone) and sign them
    out everywhere: they set it up again at their next sign-in if it is required."""
    from .services import user_sessions_end

    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
    user_sessions_end(user=user)
    security_log.record(
        "two_factor_reset", request=request, user=user, by_user_id=by.pk, by_email=by.email
    )
