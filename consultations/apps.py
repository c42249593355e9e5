from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    """Consultation record, health questionnaire, consent, patch test, hairline, estimate."""

    name = "consultations"
