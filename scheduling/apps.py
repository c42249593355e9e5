from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """The clinic's diary: hours, rooms, appointment types, appointments and availability."""

    name = "scheduling"
    verbose_name = "Diary and bookings"

    def ready(self):
        # Registers the diary's own rules (scheduling.policy) and its message kinds (reminders).
        from reminders.dispatch import register_batch_preparer

        from . import messages, rules  # noqa: F401
        from .ics import number_calendar_files

        messages.register()
        register_batch_preparer(number_calendar_files)
        # The client record's appointments and no-shows (clients.record).
        from clients.record import register_record_part

        from .selectors import client_record_appointments

        register_record_part(client_record_appointments)
        # A "C" reply to a text reminder confirms the appointment (reminders.inbound).
        from . import sms_replies

        sms_replies.register()
        # Working hours, time off and offered types on the team pages (accounts.team).
        from . import team_parts  # noqa: F401
