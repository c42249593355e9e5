from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    """Treatment plans, treatment sessions, per-region assessments and progress."""

    name = "sessions_app"
    verbose_name = "Treatment sessions"

    def ready(self):
        # Registers with scheduling.policy (the gap between sessions and the plan's lead
        # artist) and with the outbox (the touch-up recall).
        from . import booking_rules, messages  # noqa: F401

        messages.register()
        # The client record's treatment plans (clients.record).
        from clients.record import register_record_part

        from .selectors import client_record_plans

        register_record_part(client_record_plans)
