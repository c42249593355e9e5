from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """The reminder outbox: every message to a client is a row, sent by Celery beat."""

    name = "reminders"
