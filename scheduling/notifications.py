"""Who and where the clinic is, for pages and messages that speak to clients.

Messages themselves (confirmations, reminders) go through the reminder outbox:
see reminders.outbox and reminders.wording.
"""

from __future__ import annotations

import logging
from email.utils import parseaddr

from django.conf import settings

logger = logging.getLogger(__name__)


def clinic_context() -> dict:
    """Who and where the clinic is, and how to reach it when a visitor cannot go on alone."""
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": getattr(settings, "CLINIC_PHONE", ""),
        # Replies to the clinic's emails go to the sender address, so it reaches the clinic.
        "clinic_email": getattr(settings, "CLINIC_EMAIL", "")
        or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        "clinic_address": getattr(settings, "CLINIC_ADDRESS", ""),
    }
