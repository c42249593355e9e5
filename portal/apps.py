from django.apps import AppConfig


class PortalConfig(AppConfig):
    """The client portal: sign-in by emailed link, plan and progress, appointments,
    booking the next session, aftercare, check-ins and forms."""

    name = "portal"
