"""A start-up check: every kind of message has an app that says what it is."""

from django.core import checks


@checks.register()
def every_kind_declared(app_configs=None, **kwargs):
    from .kinds import get_kind
    from .models import ReminderKind

    return [
        checks.Error(
            f"No app declares the message kind {slug!r}.",
            hint="Register it with reminders.kinds.register_kind from its app's ready().",
            id="reminders.E001",
        )
        for slug in ReminderKind.values
        if get_kind(slug) is None
    ]
