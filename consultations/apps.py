from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """Consultation record, health questionnaire, consent, patch test, hairline, estimate."""

    name = "consultations"

    def ready(self):
        # Registers with scheduling.policy (treatment waits for the consultation's sign-offs)
        # and with the outbox (the consultation's message kinds).
        from . import booking_rules, messages  # noqa: F401

        messages.register()
        # The client record's consultations (clients.record).
        from clients.record import register_record_part

        from .selectors import client_record_consultations

        register_record_part(client_record_consultations)
