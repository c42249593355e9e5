import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpclinic.settings")

app = Celery("smpclinic")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The periodic schedule lives here and only here; times are in the clinic's
# time zone (CELERY_TIMEZONE), so they do not move when the clocks change.
app.conf.beat_schedule = {
    # Signed-out and idle sessions pile up in the database; clear them at night
    # when nobody is booking.
    "clear-expired-sessions": {
        "task": "smpclinic.tasks.clear_expired_sessions",
        "schedule": crontab(hour=3, minute=17),
    },
}
