"""Text-message backends. Writing one for a provider is one class with one method.

SMS_BACKEND names the class (a dotted path). The default prints each message;
FileBackend appends to a file per day under var/sms/; LocmemBackend keeps them
in `reminders.sms.outbox` for tests, like Django's locmem email backend;
TwilioBackend sends them through Twilio with Twilio's own library.

A provider backend raises `SmsDeliveryError` for a failure worth retrying
(timeout, 5xx) and `SmsRejected` for one that is not (invalid number). When the
provider gives the message an id, `send` returns it in an `SmsReceipt`: the outbox
keeps it on the reminder, and the provider's delivery reports find the reminder by it.
"""

from __future__ import annotations

import datetime as dt
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
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


@dataclass(frozen=True)
class SmsReceipt:
    """What a provider said when it took a message: its id for it, and its first status."""

    message_id: str
    status: str = ""


class BaseSmsBackend:
    def send(self, *, to: str, body: str, reference: str) -> SmsReceipt | None:
        """Hand one message to the provider. `reference` is unique per reminder: pass it as
        the provider's idempotency key or client reference where the provider supports one.
        Return the provider's id for the message, if it gives one."""
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


class TwilioBackend(BaseSmsBackend):
    """Twilio's Programmable Messaging, through Twilio's own library (`twilio`).

    Sends from TWILIO_FROM_NUMBER, or through the Messaging Service
    TWILIO_MESSAGING_SERVICE_SID when that is set, and asks Twilio to report each
    message's delivery to <SITE_URL>/sms/twilio/status/ with the reminder's reference
    in the address (Twilio has no idempotency key for messages). TWILIO_API_BASE_URL
    points the library at another address (a stand-in server in the tests).

    Twilio's answers: a 4xx such as 21211 (not a valid number) or 21610 (the client
    replied STOP) is a refusal for good; a 5xx, 429 (too many requests), a timeout or a
    connection error is worth another try, and so are refused credentials (401, 403,
    404 for an unknown account): once the settings are fixed the messages still go.
    """

    RETRY_STATUSES = frozenset({401, 403, 404, 408, 409, 429})

    def __init__(self):
        from twilio.http.http_client import TwilioHttpClient
        from twilio.rest import Client

        account_sid = settings.TWILIO_ACCOUNT_SID
        auth_token = settings.TWILIO_AUTH_TOKEN
        if not account_sid or not auth_token:
            raise ImproperlyConfigured(
                "TwilioBackend needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN."
            )
        if not settings.TWILIO_FROM_NUMBER and not settings.TWILIO_MESSAGING_SERVICE_SID:
            raise ImproperlyConfigured(
                "TwilioBackend needs TWILIO_FROM_NUMBER or TWILIO_MESSAGING_SERVICE_SID."
            )
        self.client = Client(
            account_sid,
            auth_token,
            http_client=TwilioHttpClient(timeout=settings.TWILIO_TIMEOUT_SECONDS),
        )
        self.client.api.base_url = settings.TWILIO_API_BASE_URL.rstrip("/")

    def send(self, *, to: str, body: str, reference: str) -> SmsReceipt:
        import requests
        from twilio.base.exceptions import TwilioException, TwilioRestException

        sender = (
            {"messaging_service_sid": settings.TWILIO_MESSAGING_SERVICE_SID}
            if settings.TWILIO_MESSAGING_SERVICE_SID
            else {"from_": settings.TWILIO_FROM_NUMBER}
        )
        try:
            message = self.client.api.v2010.account.messages.create(
                to=to, body=body, status_callback=status_callback_url(reference), **sender
            )
        except TwilioRestException as error:
            raise self._failure(error) from error
        except (requests.RequestException, TwilioException) as error:
            raise SmsDeliveryError(f"Twilio could not be reached: {error}") from error
        if not message.sid:
            raise SmsDeliveryError("Twilio's answer had no message id.")
        return SmsReceipt(message_id=message.sid, status=message.status or "")

    def _failure(self, error) -> Exception:
        status = int(error.status or 0)
        detail = (error.msg or "").removeprefix("Unable to create record: ")
        words = f"Twilio error {error.code or status}: {detail}"
        if error.code == 21610:
            words = f"The client has replied STOP to the clinic's texts (Twilio {error.code})."
        elif error.code in (21211, 21614):
            words = f"Not a number that can take text messages (Twilio {error.code}): {detail}"
        if status >= 500 or status in self.RETRY_STATUSES:
            return SmsDeliveryError(words)
        return SmsRejected(words)


def status_callback_url(reference: str) -> str:
    """Where the provider reports a message's delivery: the public address, with the
    reminder's reference, so a report that arrives before the id is saved still finds it."""
    return f"{settings.SITE_URL}{reverse('sms_twilio:status')}?reference={quote(reference)}"


def get_backend() -> BaseSmsBackend:
    return import_string(getattr(settings, "SMS_BACKEND", "reminders.sms.ConsoleBackend"))()
