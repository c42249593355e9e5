"""What the clinic's staff may do to a reminder by hand."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import User

from . import outbox
from .kinds import reason
from .models import Reminder, ReminderStatus

# Kept in English on the reminder with the error before; shown in the reader's language.
RETRIED_AFTER = reason(gettext_noop("Retried by %(name)s: %(error)s"))
RETRIED = reason(gettext_noop("Retried by %(name)s:"))


@transaction.atomic
def retry(reminder: Reminder, by: User) -> Reminder:
    """Send a failed reminder again: back in the queue, due now, with a fresh set of attempts.

    The last error is kept (prefixed with who retried) so the history of the
    failure stays visible. Anything not failed is refused with a clear message:
    a sent message is not sent twice, and a pending one is already queued.
    """
    current = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if current.status != ReminderStatus.FAILED:
        if current.status == ReminderStatus.SENT:
            message = _("This message has already been sent; it is not sent twice.")
        elif current.status in (ReminderStatus.PENDING, ReminderStatus.SENDING):
            message = _("This message is already waiting to go out.")
        else:
            message = _("Only failed messages can be retried; this one is %(status)s.") % {
                "status": current.get_status_display().lower()
            }
        raise ValidationError(message, code="not_failed")
    name = by.get_full_name() or by.email
    current.status = ReminderStatus.PENDING
    current.due_at = timezone.now()
    current.attempts = 0
    current.claim_token = ""
    current.lease_expires_at = None
    retried = RETRIED_AFTER if current.last_error else RETRIED
    current.last_error = (retried % {"name": name, "error": current.last_error})[:1000]
    current.save(
        update_fields=[
            "status",
            "due_at",
            "attempts",
            "claim_token",
            "lease_expires_at",
            "last_error",
            "updated_at",
        ]
    )
    # Hand it to a worker once committed (when the outbox offers that); otherwise
    # the next dispatcher run, within a minute, sends it.
    kick = getattr(outbox, "_kick_after_commit", None)
    if kick is not None:
        kick(current.pk)
    reminder.refresh_from_db()
    return current
