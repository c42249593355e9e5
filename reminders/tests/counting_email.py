"""An email backend that keeps its connection open between messages, as the SMTP one does,
and counts how often it connects; it refuses the messages whose reminder reference is in
`refused`, and a refusal drops the connection, as a mail server's answer may."""

import smtplib

from django.core.mail.backends.locmem import EmailBackend


class ConnectionCountingBackend(EmailBackend):
    connections = 0
    refused: set[str] = set()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.connected = False

    def open(self):
        if self.connected:
            return False
        self.connected = True
        type(self).connections += 1
        return True

    def close(self):
        self.connected = False

    def send_messages(self, messages):
        opened_here = self.open()
        try:
            for message in messages:
                if message.extra_headers.get("X-Reminder-Reference") in self.refused:
                    self.connected = False
                    raise smtplib.SMTPRecipientsRefused({message.to[0]: (550, b"No such user")})
            return super().send_messages(messages)
        finally:
            if opened_here:
                self.close()
