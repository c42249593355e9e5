"""A stand-in for Twilio's Messages API on 127.0.0.1, answering as Twilio documents.

- POST /2010-04-01/Accounts/<AccountSid>/Messages.json, form-encoded with HTTP basic
  auth (account SID and auth token), as the twilio library sends it: 201 and a Message
  resource (`sid` "SM" + 32 hex digits, `status` "queued", or "accepted" through a
  Messaging Service). Wrong credentials: 401, code 20003. A `To` that is not an E.164
  number: 400, code 21211. A number given to `refuse(number, code)`: 400 with that code
  (21610: the recipient replied STOP). `fail_next(status, times)` answers 500 (code
  20500) or 429 (code 20429) the next times; `delay_next(seconds)` answers late.
- Every request is kept in `.requests` (its path, fields and credentials).

Twilio's own requests to the app are signed the way Twilio signs them, with the
library's RequestValidator: `signed(url, params)`, and `status_report(...)` builds the
delivery report Twilio would post to the StatusCallback a message was sent with.
"""

from __future__ import annotations

import base64
import json
import re
import threading
import time
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 31 + "1"
AUTH_TOKEN = "standin-auth-token-0123456789abcdef"
FROM_NUMBER = "+447700900000"
SITE_URL = "https://clinic.example.test"
E164 = re.compile(r"^\+[1-9]\d{6,14}$")


def signed(url: str, params: dict, *, token: str = AUTH_TOKEN) -> str:
    """The X-Twilio-Signature Twilio sends with a request to `url` posting `params`."""
    return RequestValidator(token).compute_signature(url, params)


def _error(status: int, code: int, message: str) -> dict:
    return {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


class TwilioStandIn:
    def __init__(self, port: int = 0):
        self.requests: list[dict] = []
        self.messages: dict[str, dict] = {}
        self.refused: dict[str, int] = {}
        self._failures: list[int] = []
        self._delay = 0.0
        self._lock = threading.Lock()
        self._sent = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # --- what the tests set up ---------------------------------------------------------

    def refuse(self, number: str, code: int) -> None:
        self.refused[number] = code

    def fail_next(self, status: int = 500, times: int = 1) -> None:
        self._failures.extend([status] * times)

    def delay_next(self, seconds: float) -> None:
        self._delay = seconds

    @staticmethod
    def sid(number: int) -> str:
        """The id of the `number`th message this stand-in takes (Twilio's shape: SM + 32 hex)."""
        return f"SM{number:032x}"

    def next_sid(self) -> str:
        return self.sid(self._sent + 1)

    def status_report(self, sid: str, status: str, *, error_code: str = "") -> dict:
        """Twilio's delivery report for message `sid`, as it would post it: the address
        (the StatusCallback the message was sent with), the fields and the signature."""
        message = self.messages[sid]
        params = {
            "AccountSid": ACCOUNT_SID,
            "ApiVersion": "2010-04-01",
            "From": message["from"] or FROM_NUMBER,
            "MessageSid": sid,
            "MessageStatus": status,
            "SmsSid": sid,
            "SmsStatus": status,
            "To": message["to"],
        }
        if error_code:
            params["ErrorCode"] = error_code
        callback = message["status_callback"]
        parts = urlsplit(callback)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        signature = signed(callback, params)
        return {"url": callback, "path": path, "params": params, "signature": signature}

    # --- the server ----------------------------------------------------------------------

    def _answer(self, path: str, fields: dict, authorization: str) -> tuple[int, dict]:
        match = re.fullmatch(r"/2010-04-01/Accounts/([^/]+)/Messages\.json", path)
        if match is None:
            return 404, _error(404, 20404, "The requested resource was not found")
        expected = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if match.group(1) != ACCOUNT_SID or authorization != f"Basic {expected}":
            return 401, _error(401, 20003, "Authenticate")
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
        if failure == 429:
            return 429, _error(429, 20429, "Too Many Requests")
        if failure:
            return failure, _error(failure, 20500, "Internal Server Error")
        to = fields.get("To", "")
        if not E164.match(to):
            return 400, _error(400, 21211, f"Invalid 'To' Phone Number: {to}")
        if to in self.refused:
            code = self.refused[to]
            words = {21610: "Attempt to send to unsubscribed recipient"}.get(code, "Refused")
            return 400, _error(400, code, words)
        if not fields.get("From") and not fields.get("MessagingServiceSid"):
            return 400, _error(400, 21603, "A 'From' or 'MessagingServiceSid' is required")
        with self._lock:
            self._sent += 1
            sid = self.sid(self._sent)
        now = formatdate(usegmt=True)
        message = {
            "account_sid": ACCOUNT_SID,
            "api_version": "2010-04-01",
            "body": fields.get("Body", ""),
            "date_created": now,
            "date_sent": None,
            "date_updated": now,
            "direction": "outbound-api",
            "error_code": None,
            "error_message": None,
            "from": fields.get("From"),
            "messaging_service_sid": fields.get("MessagingServiceSid"),
            "num_media": "0",
            "num_segments": "1",
            "price": None,
            "price_unit": "GBP",
            "sid": sid,
            "status": "accepted" if fields.get("MessagingServiceSid") else "queued",
            "subresource_uris": {
                "media": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}/Media.json"
            },
            "to": to,
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{sid}.json",
        }
        self.messages[sid] = {**message, "status_callback": fields.get("StatusCallback", "")}
        return 201, message

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                fields = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
                authorization = self.headers.get("Authorization", "")
                standin.requests.append(
                    {"path": self.path, "fields": fields, "authorization": authorization}
                )
                if standin._delay:
                    delay, standin._delay = standin._delay, 0.0
                    time.sleep(delay)
                status, body = standin._answer(self.path, fields, authorization)
                data = json.dumps(body).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting (a timeout test)

        return Handler


@pytest.fixture
def twilio_standin(settings):
    """Text messages through Twilio's library to the stand-in; `.requests` holds what was
    sent. The app's public address is SITE_URL (what Twilio's signatures cover)."""
    with TwilioStandIn() as standin:
        settings.SMS_BACKEND = "reminders.sms.TwilioBackend"
        settings.TWILIO_ACCOUNT_SID = ACCOUNT_SID
        settings.TWILIO_AUTH_TOKEN = AUTH_TOKEN
        settings.TWILIO_FROM_NUMBER = FROM_NUMBER
        settings.TWILIO_MESSAGING_SERVICE_SID = ""
        settings.TWILIO_API_BASE_URL = standin.url
        settings.TWILIO_TIMEOUT_SECONDS = 2.0
        settings.SITE_URL = SITE_URL
        yield standin
