from django.apps import AppConfig


class RemindersConfig(AppConfig):
    """The reminder outbox: every message to a client is a row, sent by Celery beat.

    It knows no domain: each kind of message is declared by the app it is about
    (reminders.kinds), and a start-up check makes sure none is missing.
    """

    name = "reminders"

    def ready(self):
        from anymail.signals import tracking

        # channels, staff and wording declare why a message may not go (reminders.kinds.reason):
        # loaded now so that every page can show a stored reason in the reader's language.
        from . import channels, checks, staff, wording  # noqa: F401
        from .email_tracking import tracking_received

        # The one receiver of the email provider's delivery reports (reminders.email_tracking).
        tracking.connect(tracking_received, dispatch_uid="reminders.email_tracking")
