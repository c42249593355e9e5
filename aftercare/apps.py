from django.apps import AppConfig


class AftercareConfig(AppConfig):
    """Aftercare instruction templates and plans, and clients' fade check-ins."""

    name = "aftercare"
