"""Celery tasks of the outbox. They take ids, are idempotent, and are acked late."""

import logging

from celery import shared_task

from . import dispatch

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def send_reminder(reminder_id: int) -> None:
    """Send one reminder now if it is still pending and due (a no-op otherwise)."""
    logger.info("Sending reminder %s", reminder_id)
    dispatch.send_now(reminder_id)


@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def dispatch_due() -> int:
    """Claim and send every due reminder (run by beat every minute)."""
    return dispatch.dispatch_due()
