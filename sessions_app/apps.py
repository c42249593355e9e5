from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    """Treatment plans, treatment sessions, per-region assessments and progress."""

    name = "sessions_app"
    verbose_name = "Treatment sessions"
