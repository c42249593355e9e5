from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """The reminder outbox: every message to a client is a row, sent by Celery beat.

    It knows no domain: each kind of message is declared by the app it is about
    (reminders.kinds), and a start-up check makes sure none is missing.
    """

    name = "reminders"

    def ready(self):
        from . import checks  # noqa: F401
