from django.apps import AppConfig


class BillingConfig(AppConfig):
    """Prices, deposits and the cancellation policy, the ledger, receipts and takings."""

    name = "billing"

    def ready(self):
        # Registers with scheduling.policy (a deposit follows a booking; the policy reacts
        # to late cancellations and no-shows), the outbox (billing's message kinds) and
        # the client record (the client's balance).
        from . import booking_rules, checks, messages, parts, record  # noqa: F401

        messages.register()
