"""Sign-in by one-time emailed link, for clients.

`signin_request(email)` is what the form calls: it always does the same lookup and
returns nothing the page could show, so the answer never tells whether an address
is on file. A link is made only for an address that belongs to exactly one client
record whose sign-in (if it has one) is a client's: staff addresses never get one.

`signin_consume(token)` is what opening the link calls: in one transaction it locks
the link, checks it is unused and in date, creates the client's sign-in if they have
none yet, and marks the link used, so a link works once even when two tabs race.

Why the email is sent here and not through the reminder outbox: a sign-in link is
the answer to a request the person is waiting for, valid for 15 minutes, and must
never be retried or sent late by the dispatcher; the outbox's kinds are the clinic's
messages about appointments and treatment. It is sent with django.core.mail once
the link is saved (on commit), so a rolled-back request sends nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role, User
from accounts.services import user_create
from clients.models import Client

from .models import LoginLink

logger = logging.getLogger(__name__)

LINK_LIFETIME = dt.timedelta(minutes=15)


class LinkInvalid(Exception):
    """The link is unknown, already used or expired; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def _client_for_email(email: str) -> Client | None:
    """The one client record with this address whose sign-in may be a portal one."""
    email = normalise_email(email)
    if not email:
        return None
    matches = list(Client.objects.filter(email__iexact=email).select_related("user")[:2])
    if len(matches) != 1:
        return None
    client = matches[0]
    if client.user is not None:
        return client if client.user.role == Role.CLIENT and client.user.is_active else None
    # No sign-in yet: one will be made with this address, so it must not be anyone's.
    if User.objects.filter(email__iexact=email).exists():
        return None
    return client


def signin_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('portal:signin_link', args=[token])}"


def _send_link(client: Client, token: str, expires_at: dt.datetime) -> None:
    context = {
        "client": client,
        "url": signin_url(token),
        "minutes": int(LINK_LIFETIME.total_seconds() // 60),
        "expires_at": expires_at,
        "clinic_name": settings.CLINIC_NAME,
    }
    message = EmailMultiAlternatives(
        subject=f"Your sign-in link for {settings.CLINIC_NAME}",
        body=render_to_string("portal/email/signin.txt", context),
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[client.email],
    )
    message.attach_alternative(render_to_string("portal/email/signin.html", context), "text/html")
    try:
        message.send()
    except Exception:  # the page answers the same either way; the failure is logged
        logger.exception("Could not send a sign-in link to client %s", client.pk)


@transaction.atomic
def signin_request(email: str, *, now: dt.datetime | None = None) -> None:
    """Email a sign-in link if this address is a client's; otherwise do nothing.

    Returns nothing on purpose: callers answer the same whatever happened.
    """
    now = now or timezone.now()
    client = _client_for_email(email)
    if client is None:
        return
    token = secrets.token_urlsafe(32)
    link = LoginLink.objects.create(
        client=client,
        token_sha256=token_hash(token),
        created_at=now,
        expires_at=now + LINK_LIFETIME,
    )
    transaction.on_commit(lambda: _send_link(client, token, link.expires_at))


@dataclass(frozen=True)
class SignedIn:
    user: User
    client: Client


def peek(token: str, *, now: dt.datetime | None = None) -> LoginLink:
    """The link, if it could still be used (for the page that asks to confirm)."""
    link = LoginLink.objects.filter(token_sha256=token_hash(token or "")).first()
    _check(link, now or timezone.now())
    return link


def _check(link: LoginLink | None, now: dt.datetime) -> None:
    if link is None:
        raise LinkInvalid("unknown")
    if link.used_at is not None:
        raise LinkInvalid("used")
    if now >= link.expires_at:
        raise LinkInvalid("expired")


def _user_for(client: Client) -> User:
    """The client's sign-in, made now (no password: links only) if they have none."""
    if client.user is not None:
        if client.user.role != Role.CLIENT or not client.user.is_active:
            raise LinkInvalid("unknown")
        return client.user
    if User.objects.filter(email__iexact=client.email).exists():
        raise LinkInvalid("unknown")
    user = user_create(
        email=normalise_email(client.email),
        role=Role.CLIENT,
        first_name=client.first_name,
        last_name=client.last_name,
        password=None,
    )
    client.user = user
    client.save(update_fields=["user", "updated_at"])
    return user


def signin_consume(token: str, *, now: dt.datetime | None = None, on_valid=None) -> SignedIn:
    """Use the link: returns who signs in, or raises LinkInvalid.

    `on_valid(user)` (the view's `login`) runs inside the same transaction that marks
    the link used, so a link is never used without signing in, nor the reverse.
    """
    now = now or timezone.now()
    with transaction.atomic():
        link = (
            LoginLink.objects.select_for_update()
            .filter(token_sha256=token_hash(token or ""))
            .first()
        )
        _check(link, now)
        client = (
            Client.objects.select_for_update(of=("self",))
            .select_related("user")
            .get(pk=link.client_id)
        )
        user = _user_for(client)
        link.used_at = now
        link.user = user
        link.save(update_fields=["used_at", "user"])
        # Any other link still open for this client is spent too: one sign-in per request.
        LoginLink.objects.filter(client=client, used_at__isnull=True).exclude(pk=link.pk).update(
            used_at=now
        )
        if on_valid is not None:
            on_valid(user)
    return SignedIn(user=user, client=client)
