"""The private link a client gets to send a check-in.

The token is signed (nobody can forge one for another client's check-in) and
carries only the check-in's id. It works for 60 days from when the message
was written; a check-in already sent still opens, to show the artist's reply.
"""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.urls import reverse

from .models import CheckIn

CHECK_IN_SALT = "aftercare.check-in"
MAX_AGE_DAYS = 60


class CheckInLinkInvalid(Exception):
    """The link was altered, has expired, or points at nothing."""


class CheckInLinkExpired(CheckInLinkInvalid):
    """The link is older than MAX_AGE_DAYS."""


def check_in_token_for(check_in: CheckIn) -> str:
    return signing.dumps(check_in.pk, salt=CHECK_IN_SALT)


def check_in_from_token(token: str) -> CheckIn:
    """The check-in this token was made for, or CheckInLinkInvalid (or its Expired kind)."""
    try:
        pk = signing.loads(token, salt=CHECK_IN_SALT, max_age=MAX_AGE_DAYS * 24 * 60 * 60)
    except signing.SignatureExpired as error:
        raise CheckInLinkExpired("The link has expired.") from error
    except signing.BadSignature as error:
        raise CheckInLinkInvalid("The link has been altered or is incomplete.") from error
    if not isinstance(pk, int):
        raise CheckInLinkInvalid("The link does not name a check-in.")
    check_in = (
        CheckIn.objects.select_related("client", "session__plan", "session__appointment")
        .filter(pk=pk)
        .first()
    )
    if check_in is None:
        raise CheckInLinkInvalid("The check-in no longer exists.")
    return check_in


def check_in_url(check_in: CheckIn) -> str:
    """The absolute address of the check-in page, for a message."""
    path = reverse("check_in:form", args=[check_in_token_for(check_in)])
    return f"{settings.SITE_URL}{path}"
