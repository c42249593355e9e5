"""The invitation to join the clinic's team: a link to choose one's own password.

The link is Django's password-reset token with a salt of its own, so a reset link
cannot stand in for an invitation or the other way round. It is worth nothing once
the person has chosen a password, once a newer invitation has been sent (each sets a
new unusable password, which the token is built on), after PASSWORD_RESET_TIMEOUT,
or when the invitation is cancelled (the account is gone).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import ngettext

from smpclinic.i18n import language_or_default

from .models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    key_salt = "accounts.invitations.InvitationTokenGenerator"

    def make_token_at(self, user: User, moment: dt.datetime) -> str:
        """A token dated when the invitation was sent, so it expires counting from then."""
        utc = moment.astimezone(dt.UTC).replace(tzinfo=None)
        return self._make_token_with_timestamp(user, self._num_seconds(utc), self.secret)

    def _now(self):
        # Django's own clock here is the server's local wall time; UTC keeps the age of a
        # link right across a change of the clocks, and matches `make_token_at`.
        return dt.datetime.now(dt.UTC).replace(tzinfo=None)


invitation_tokens = InvitationTokenGenerator()


def invitation_path(user: User, *, sent_at: dt.datetime) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token_at(user, sent_at)
    return reverse("accounts:welcome", kwargs={"uidb64": uid, "token": token})


def link_lifetime_in_words() -> str:
    seconds = settings.PASSWORD_RESET_TIMEOUT
    if seconds % 86400 == 0:
        days = seconds // 86400
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if seconds % 3600 == 0:
        hours = seconds // 3600
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    minutes = max(1, seconds // 60)
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}


def invitation_email(*, user: User, by: User | None, sent_at: dt.datetime) -> EmailMessage:
    """The email that invites someone, with their link (built from SITE_URL), in the
    language chosen for them (the clinic's when none), whatever the language of the
    manager who sends it."""
    with translation.override(language_or_default(user.language)):
        return _invitation_email(user=user, by=by, sent_at=sent_at)


def _invitation_email(*, user: User, by: User | None, sent_at: dt.datetime) -> EmailMessage:
    context = {
        "user": user,
        "by": by,
        "clinic_name": settings.CLINIC_NAME,
        "role": user.get_role_display(),
        "link": f"{settings.SITE_URL}{invitation_path(user, sent_at=sent_at)}",
        "lifetime": link_lifetime_in_words(),
    }
    subject = render_to_string("accounts/team/invitation_subject.txt", context).strip()
    body = render_to_string("accounts/team/invitation_email.txt", context)
    reply_to = [by.email] if by is not None and by.email else None
    return EmailMessage(subject=subject, body=body, to=[user.email], reply_to=reply_to)


def new_invitation_asked_emails(*, user: User, managers: list[User]) -> list[EmailMessage]:
    """Tells the managers that someone whose link no longer works would like a new one:
    one email per language the managers read (their own, or the clinic's)."""
    by_language: dict[str, list[User]] = {}
    for manager in managers:
        by_language.setdefault(language_or_default(manager.language), []).append(manager)
    emails = []
    for language, readers in by_language.items():
        with translation.override(language):
            emails.append(_new_invitation_asked_email(user=user, managers=readers))
    return emails


def _new_invitation_asked_email(*, user: User, managers: list[User]) -> EmailMessage:
    context = {
        "user": user,
        "clinic_name": settings.CLINIC_NAME,
        "member_url": f"{settings.SITE_URL}{reverse('team:member', args=[user.pk])}",
    }
    subject = render_to_string("accounts/team/invitation_asked_subject.txt", context).strip()
    body = render_to_string("accounts/team/invitation_asked_email.txt", context)
    return EmailMessage(subject=subject, body=body, to=[m.email for m in managers])
