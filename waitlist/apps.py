from django.apps import AppConfig


class WaitlistConfig(AppConfig):
    """Clients waiting for a sooner time, and the offers made to them when a time frees up."""

    name = "waitlist"

    def ready(self):
        # Registers with scheduling.policy (a cancelled, moved or missed appointment frees
        # its time), with the outbox (the offer's message) and with the client record.
        from . import booking_rules, messages, record  # noqa: F401

        messages.register()
