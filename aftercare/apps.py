from django.apps import AppConfig


class AftercareConfig(AppConfig):
    """Aftercare instruction templates and plans, and clients' fade check-ins."""

    name = "aftercare"

    def ready(self):
        # Registers with scheduling.policy (aftercare follows a logged session) and with the
        # outbox (aftercare's message kinds).
        from . import booking_rules, messages  # noqa: F401

        messages.register()
