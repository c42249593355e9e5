"""The clinic's messages as the manager sets them in Settings → Messages.

Reads for the list (every kind with its wording, timing in words and whether the wording
is still as shipped) and the actions of the editor: put the shipped wording back, and send
the manager a test built from the sample client. Every change is a plain model save, so
the audit trail records who changed what.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from accounts.models import User

from .channels import deliver_to
from .kinds import MessageKind, all_kinds, describe_timing, get_kind
from .models import Channel, MessageTemplate
from .wording import compose_sample, shipped_template

# The test message's subject starts with this, in the language of the manager who sends it.
TEST_PREFIX = gettext_lazy("Test: ")


@dataclass(frozen=True)
class MessageRow:
    """One kind of message as the list shows it."""

    kind: MessageKind
    template: MessageTemplate  # the clinic's, or the shipped wording when it has none
    timing: str  # in words, from reminders.kinds.describe_timing
    shipped: bool  # the wording is the one the product ships

    @property
    def channels(self) -> tuple[str, ...]:
        # Every kind has an email and a text version; each client gets the one they prefer.
        return (str(Channel.EMAIL.label), str(Channel.SMS.label))


def template_for(kind: str) -> MessageTemplate:
    """The clinic's template for a kind, or (unsaved) the shipped wording when it has none."""
    return MessageTemplate.objects.filter(kind=kind).first() or _unsaved_template(kind)


def _unsaved_template(kind: str) -> MessageTemplate:
    return shipped_template(kind) or MessageTemplate(kind=kind, enabled=True)


def _same_text(a: str, b: str) -> bool:
    # A browser sends a textarea's lines ending in CRLF: the wording is the same.
    return (a or "").replace("\r\n", "\n").strip() == (b or "").replace("\r\n", "\n").strip()


def is_shipped_wording(template: MessageTemplate) -> bool:
    """Whether the template still says what the product ships for its kind."""
    shipped = shipped_template(template.kind)
    return shipped is not None and all(
        _same_text(getattr(template, field), getattr(shipped, field))
        for field in ("subject", "email_text", "sms_text")
    )


def message_rows() -> list[MessageRow]:
    """Every kind of message, in the order of its name, with the clinic's template (one query)."""
    templates = {template.kind: template for template in MessageTemplate.objects.all()}
    rows = []
    for kind in sorted(all_kinds(), key=lambda kind: kind.label):
        template = templates.get(kind.slug) or _unsaved_template(kind.slug)
        rows.append(
            MessageRow(
                kind=kind,
                template=template,
                timing=describe_timing(kind.slug, template.offsets, template.send_at),
                shipped=is_shipped_wording(template),
            )
        )
    return rows


@transaction.atomic
def restore_shipped_wording(*, kind: str) -> MessageTemplate:
    """Put back the subject, email and SMS the product ships for a kind; its timing and its
    on/off switch stay as the clinic set them."""
    shipped = shipped_template(kind)
    if get_kind(kind) is None or shipped is None:
        raise ValidationError(gettext("The product ships no wording for this kind of message."))
    template = MessageTemplate.objects.select_for_update().filter(kind=kind).first() or shipped
    template.subject = shipped.subject
    template.email_text = shipped.email_text
    template.sms_text = shipped.sms_text
    template.save()
    return template


def send_test(*, template: MessageTemplate, to: User, now: dt.datetime | None = None) -> list[str]:
    """Send the template, filled in for the sample client, to a member of staff's own email
    through the email backend real messages use; no client and no reminder is involved.

    Returns where it went. Staff have no mobile number on record, so the text version is
    shown in the preview rather than sent. Raises channels.DeliveryFailed.
    """
    if not to.email:
        raise ValidationError(gettext("You have no email address to send a test to."))
    composed = compose_sample(template, now=now)
    composed = dataclasses.replace(composed, subject=str(TEST_PREFIX) + composed.subject)
    deliver_to(Channel.EMAIL, to.email, composed, reference=f"test-{template.kind}")
    return [to.email]
