"""An email backend that takes its time, like a provider across the internet does."""

import time

from django.core.mail.backends.filebased import EmailBackend


class SlowFileBackend(EmailBackend):
    def send_messages(self, email_messages):
        time.sleep(0.02)
        return super().send_messages(email_messages)
