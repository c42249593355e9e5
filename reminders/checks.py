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


@checks.register()
def every_reply_handled(app_configs=None, **kwargs):
    from .inbound import missing_handlers

    return [
        checks.Error(
            f"No app acts on text replies: {what}.",
            hint="Register it with reminders.inbound from its app's ready().",
            id="reminders.E002",
        )
        for what in missing_handlers()
    ]


@checks.register()
def twilio_configured(app_configs=None, **kwargs):
    from django.conf import settings

    if getattr(settings, "SMS_BACKEND", "") != "reminders.sms.TwilioBackend":
        return []
    missing = [
        name for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN") if not getattr(settings, name)
    ]
    if not settings.TWILIO_FROM_NUMBER and not settings.TWILIO_MESSAGING_SERVICE_SID:
        missing.append("TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID")
    return [
        checks.Error(
            f"Text messages go through Twilio but {name} is not set.",
            hint="Set it in the environment (see .env.example), or choose another SMS_BACKEND.",
            id="reminders.E003",
        )
        for name in missing
    ]
