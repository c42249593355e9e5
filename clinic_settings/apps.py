from django.apps import AppConfig


class ClinicSettingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "clinic_settings"
    verbose_name = "Clinic settings pages"
