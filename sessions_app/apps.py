from django.apps import AppConfig


class SessionsAppConfig(AppConfig):
    """Treatment plans, treatment sessions, per-region assessments and progress."""

    name = "sessions_app"
    verbose_name = "Treatment sessions"

    def ready(self):
        # Registers with scheduling.policy: the gap between sessions and the plan's lead artist.
        from . import booking_rules  # noqa: F401
