from django.apps import AppConfig


class AuditConfig(AppConfig):
    """Who viewed and who changed each client's health record."""

    name = "audit"
    verbose_name = "Audit trail"

    def ready(self):
        from . import registry

        registry.register_health_records()
        registry.register_settings_records()
