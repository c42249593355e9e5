import os

from celery import Celery
from celery.schedules import crontab
from django.conf import settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpclinic.settings")

import smpclinic.request_id  # noqa: E402,F401 - carries the request id into tasks

app = Celery("smpclinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The periodic schedule lives here and only here; times are in the clinic's
# time zone (CELERY_TIMEZONE), so they do not move when the clocks change.
app.conf.beat_schedule = {
    # The reminder outbox: claim and send what is due. A run missed while the
    # broker was down is not needed later (the next run sends everything due),
    # so a stale one expires instead of piling up.
    "dispatch-reminders": {
        "task": "reminders.tasks.dispatch_due",
        "schedule": settings.REMINDER_DISPATCH_SECONDS,
        "options": {"expires": max(settings.REMINDER_DISPATCH_SECONDS - 5, 1)},
    },
    # Online bookings held for a deposit that was not paid in time are released, so
    # the time is free again; a run missed is caught up by the next.
    "release-unpaid-deposits": {
        "task": "billing.tasks.release_unpaid_deposits",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Waitlist offers nobody took in time expire, and the time goes to the next clients.
    "offer-freed-times": {
        "task": "waitlist.tasks.offer_freed_times",
        "schedule": 300.0,
        "options": {"expires": 290},
    },
    # Signed-out and idle sessions pile up in the database; clear them at night
    # when nobody is booking.
    "clear-expired-sessions": {
        "task": "smpclinic.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
}
