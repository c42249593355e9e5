from django.apps import AppConfig


class ReportsConfig(AppConfig):
    """The clinic's figures for a period: bookings, new clients, conversion, no-shows."""

    name = "reports"
