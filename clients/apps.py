from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clients"
    verbose_name = "Clients"

    def ready(self):
        # Who a text message is from, and what STOP and START do (reminders.inbound).
        from . import sms_replies

        sms_replies.register()
