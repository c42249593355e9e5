from django.apps import AppConfig


class SchedulingConfig(AppConfig):
    """The clinic's diary: hours, rooms, appointment types, appointments and availability."""

    name = "scheduling"
    verbose_name = "Diary and bookings"
