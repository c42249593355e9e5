from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """The clinic's diary: hours, rooms, appointment types, appointments and availability."""

    name = "scheduling"
    verbose_name = "Diary and bookings"

    def ready(self):
        # Registers with scheduling.policy: the diary's own rules and the booking's messages.
        from reminders.dispatch import register_batch_preparer

        from . import rules  # noqa: F401
        from .ics import number_calendar_files

        register_batch_preparer(number_calendar_files)
