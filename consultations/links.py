"""The client's forms before a consultation, and the private link that opens them.

The token is signed (nobody can forge one for another consultation), salted for
this one purpose, and carries only the consultation's id; it works for
ConsultationSettings.forms_link_days. Whatever the link opens belongs to that
consultation's client only.

`forms_status(consultation)` tells the consultation page what is still to do;
`send_forms_link(consultation, by)` sends the link again through the reminder outbox.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core import signing
from django.db.models import BigIntegerField
from django.urls import reverse
from django.utils import timezone

from smpclinic.prepared import Param, PreparedQuery

from .consent import current_versions
from .models import ConsentSignature, ConsentVersion, Consultation, ConsultationSettings
from .questionnaire import latest_response

FORMS_SALT = "consultations.forms-link"


class FormsLinkInvalid(Exception):
    """The link was altered, has expired, or names a consultation that no longer exists."""


class FormsLinkExpired(FormsLinkInvalid):
    pass


class FormsLinkTampered(FormsLinkInvalid):
    pass


class FormsLinkUnknown(FormsLinkInvalid):
    pass


def forms_token_for(consultation: Consultation) -> str:
    return signing.dumps(consultation.pk, salt=FORMS_SALT)


def consultation_from_forms_token(token: str) -> Consultation:
    """The consultation this token was made for; FormsLinkExpired/Tampered/Unknown otherwise."""
    max_age = dt.timedelta(days=ConsultationSettings.current().forms_link_days)
    try:
        pk = signing.loads(token, salt=FORMS_SALT, max_age=max_age)
    except signing.SignatureExpired as error:
        raise FormsLinkExpired("The link has expired.") from error
    except signing.BadSignature as error:
        raise FormsLinkTampered("The link has been altered or is incomplete.") from error
    if not isinstance(pk, int) or isinstance(pk, bool):
        raise FormsLinkTampered("The link does not name a consultation.")
    consultation = (
        Consultation.objects.select_related("client", "appointment").filter(pk=pk).first()
    )
    if consultation is None:
        raise FormsLinkUnknown("The consultation no longer exists.")
    return consultation


def forms_url(consultation: Consultation) -> str:
    """The absolute private link to this consultation's forms, for messages to the client."""
    path = reverse("consultation_forms:overview", args=[forms_token_for(consultation)])
    return f"{settings.SITE_URL}{path}"


def send_forms_link(consultation: Consultation, by=None):
    """Send the client the private forms link (again), now, through the reminder outbox."""
    from reminders import outbox
    from reminders.models import ReminderKind

    now = timezone.now()
    return outbox.schedule(
        key=f"consultation:{consultation.pk}:forms:{now:%Y%m%d%H%M%S%f}",
        kind=ReminderKind.CONSULTATION_FORMS,
        consultation=consultation,
        client=consultation.client,
        due_at=now,
        data={"requested_by": by.pk if by is not None else None},
    )


@dataclass(frozen=True)
class FormsStatus:
    """What a client still has to fill in before (or at) a consultation."""

    consultation: Consultation
    questionnaire_done: bool
    questionnaire_submitted_at: dt.datetime | None
    flagged: bool
    review_required: bool
    consent_outstanding: list[ConsentVersion] = field(default_factory=list)
    consent_signed: list[ConsentSignature] = field(default_factory=list)
    total_steps: int = 0

    @property
    def done_steps(self) -> int:
        return self.total_steps - self.outstanding_steps

    @property
    def outstanding_steps(self) -> int:
        return (0 if self.questionnaire_done else 1) + len(self.consent_outstanding)

    @property
    def complete(self) -> bool:
        return self.outstanding_steps == 0


# The caller has not read the client's latest questionnaire response.
_UNREAD = object()


# The client's signatures of the active forms' published versions (those of the current
# versions are kept: a clinic publishes a handful), in one prepared query.
_SIGNED = PreparedQuery(
    lambda: (
        ConsentSignature.objects.filter(
            client_id=Param("client", BigIntegerField()),
            version__published_at__isnull=False,
            version__template__is_active=True,
        )
        .select_related("version__template")
        .order_by("version__template__position", "version__template__name")
    )
)


def forms_status(consultation: Consultation, *, client_latest=_UNREAD) -> FormsStatus:
    """Questionnaire done (for this consultation)? Flagged? Which consent forms are outstanding?

    `client_latest` is the client's latest questionnaire response of all (None: they have
    none), when the caller has read it already: the latest for this consultation is then
    that one, unless it answers another consultation, and is not read again."""
    client = consultation.client
    if client_latest is _UNREAD or (
        client_latest is not None and client_latest.consultation_id != consultation.pk
    ):
        response = latest_response(client=client, consultation=consultation)
    else:
        response = client_latest
    current = current_versions()
    # One read of the current forms and of the client's signatures of them: what is
    # outstanding is what is current and not signed (as consent_outstanding says).
    current_ids = {v.pk for v in current}
    signed = [s for s in _SIGNED.fetch(client=client.pk) if s.version_id in current_ids]
    signed_versions = {signature.version_id for signature in signed}
    outstanding = [version for version in current if version.pk not in signed_versions]
    return FormsStatus(
        consultation=consultation,
        questionnaire_done=response is not None,
        questionnaire_submitted_at=response.submitted_at if response else None,
        flagged=bool(response and response.flagged),
        review_required=consultation.review_required,
        consent_outstanding=outstanding,
        consent_signed=signed,
        total_steps=1 + len(current),
    )
