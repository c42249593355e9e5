"""Text-message backends. Writing one for a provider is one class with one method.

SMS_BACKEND names the class (a dotted path). The default prints each message;
FileBackend appends to a file per day under var/sms/; LocmemBackend keeps them
in `reminders.sms.outbox` for tests, like Django's locmem email backend.

A provider backend raises `SmsDeliveryError` for a failure worth retrying
(timeout, 5xx) and `SmsRejected` for one that is not (invalid number).
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.module_loading import import_string

outbox: list[SentSms] = []
_file_lock = threading.Lock()


class SmsDeliveryError(Exception):
    """The provider did not take the message this time; try again later."""


class SmsRejected(Exception):
    """The provider refused the message for good (e.g. not a mobile number)."""


@dataclass(frozen=True)
class SentSms:
    to: str
    body: str
    reference: str


class BaseSmsBackend:
    def send(self, *, to: str, body: str, reference: str) -> None:
        """Hand one message to the provider. `reference` is unique per reminder: pass it as
        the provider's idempotency key or client reference where the provider supports one."""
        raise NotImplementedError


class ConsoleBackend(BaseSmsBackend):
    def send(self, *, to: str, body: str, reference: str) -> None:
        sys.stdout.write(f"SMS to {to} [{reference}]\n{body}\n{'-' * 40}\n")
        sys.stdout.flush()


class FileBackend(BaseSmsBackend):
    def send(self, *, to: str, body: str, reference: str) -> None:
        folder = Path(getattr(settings, "SMS_FILE_PATH", settings.VAR_DIR / "sms"))
        folder.mkdir(parents=True, exist_ok=True)
        now = dt.datetime.now(dt.UTC)
        line = f"{now:%Y-%m-%dT%H:%M:%SZ}\t{to}\t{reference}\t{body!r}\n"
        with _file_lock, open(folder / f"{now:%Y-%m-%d}.log", "a", encoding="utf-8") as file:
            file.write(line)


class LocmemBackend(BaseSmsBackend):
    def send(self, *, to: str, body: str, reference: str) -> None:
        outbox.append(SentSms(to=to, body=body, reference=reference))


def get_backend() -> BaseSmsBackend:
    return import_string(getattr(settings, "SMS_BACKEND", "reminders.sms.ConsoleBackend"))()
