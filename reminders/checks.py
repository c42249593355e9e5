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


@checks.register(checks.Tags.security, deploy=True)
def email_reports_need_a_secret(app_configs=None, **kwargs):
    """With a provider, its delivery reports (bounces, complaints) need the webhook secret."""
    from anymail.utils import get_anymail_setting
    from django.conf import settings

    if not getattr(settings, "EMAIL_PROVIDER", "") or get_anymail_setting(
        "webhook_secret", default=None
    ):
        return []
    return [
        checks.Warning(
            "EMAIL_PROVIDER is set without ANYMAIL_WEBHOOK_SECRET: the provider's bounce "
            "and complaint reports are not taken, so email keeps going to dead addresses.",
            hint="Set ANYMAIL_WEBHOOK_SECRET=user:password and give the provider "
            "https://user:password@<your site>/anymail/<provider>/tracking/.",
            id="reminders.W001",
        )
    ]
