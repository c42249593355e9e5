"""A stand-in for Postmark's email API on 127.0.0.1, answering as Postmark documents.

- POST /email (one message) and POST /email/batch (a list of them), JSON, with the server
  token in `X-Postmark-Server-Token`: each message gets `{"To", "SubmittedAt",
  "MessageID", "ErrorCode": 0, "Message": "OK"}`. Every request is recorded (path,
  headers, body, the answers given); `sent` lists the messages accepted.
- A wrong or missing token: 401 with ErrorCode 10.
- A `To` that is not an address, or one in `invalid` (a domain Postmark finds illegal):
  422 with ErrorCode 300 ("Invalid 'To' address: '…'.").
- A `To` in `inactive` (Postmark knows it bounced or complained): 422 with ErrorCode 406
  ("You tried to send to a recipient that has been marked as inactive. …").
- `fail_next = n`: the next n requests get 500, as when Postmark has an outage.
- It listens on a free port unless given one (`PostmarkStandIn(port=...)`).

`bounce(...)`, `spam_complaint(...)`, `delivery(...)` and `soft_bounce(...)` build the
webhook payloads Postmark documents for its Bounce, SpamComplaint and Delivery webhooks.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SERVER_TOKEN = "postmark-standin-server-token"
# The basic auth the clinic gives Postmark for its webhooks (ANYMAIL_WEBHOOK_SECRET).
WEBHOOK_SECRET = "postmark:webhook-secret-for-tests"

_bounce_ids = itertools.count(4323372036854775001)


def _postmark_time(moment: dt.datetime) -> str:
    """Postmark's timestamps: ISO 8601 in UTC with seven digits of fractions and a Z."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "0Z"


class PostmarkStandIn:
    def __init__(self, port: int = 0):
        self.requests: list[dict] = []
        self.inactive: set[str] = set()
        self.invalid: set[str] = set()
        self.fail_next = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", port), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._lock = threading.Lock()

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    @property
    def sent(self) -> list[dict]:
        """Every message Postmark accepted, as it was posted."""
        return [message for request in self.requests for message in request["accepted"]]

    def _answer(self, message) -> tuple[int, dict]:
        if not isinstance(message, dict) or not message.get("From"):
            return 422, {"ErrorCode": 300, "Message": "Invalid 'From' address: ''."}
        to = str(message.get("To") or "")
        address = to.rsplit("<", 1)[-1].rstrip(">").strip().lower()
        if "@" not in address or address in self.invalid:
            return 422, {"ErrorCode": 300, "Message": f"Invalid 'To' address: '{to}'."}
        if address in self.inactive:
            return 422, {
                "ErrorCode": 406,
                "Message": (
                    "You tried to send to a recipient that has been marked as inactive.\n"
                    f"Found inactive addresses: {address}.\n"
                    "Inactive recipients are ones that have generated a hard bounce or a spam "
                    "complaint. "
                ),
            }
        return 200, {
            "To": to,
            "SubmittedAt": dt.datetime.now(dt.UTC).isoformat(),
            "MessageID": str(uuid.uuid4()),
            "ErrorCode": 0,
            "Message": "OK",
        }

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status: int, body):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                record = {
                    "path": self.path,
                    "headers": dict(self.headers.items()),
                    "body": None,
                    "accepted": [],
                    "answers": [],
                }
                with standin._lock:
                    standin.requests.append(record)
                    failing = standin.fail_next > 0
                    standin.fail_next -= 1 if failing else 0
                if failing:
                    return self._json(500, {"ErrorCode": 500, "Message": "Internal Server Error"})
                if self.headers.get("X-Postmark-Server-Token") != SERVER_TOKEN:
                    return self._json(
                        401,
                        {
                            "ErrorCode": 10,
                            "Message": "The Server Token you provided in the "
                            "X-Postmark-Server-Token request header was invalid.",
                        },
                    )
                try:
                    record["body"] = json.loads(raw)
                except ValueError:
                    return self._json(400, {"ErrorCode": 402, "Message": "Invalid JSON"})
                if self.path.rstrip("/") == "/email":
                    status, answer = standin._answer(record["body"])
                    record["answers"].append(answer)
                    if status == 200:
                        record["accepted"].append(record["body"])
                    return self._json(status, answer)
                if self.path.rstrip("/") == "/email/batch" and isinstance(record["body"], list):
                    answers = []
                    for message in record["body"]:
                        status, answer = standin._answer(message)
                        record["answers"].append(answer)
                        if status == 200:
                            record["accepted"].append(message)
                        answers.append(answer)
                    return self._json(200, answers)
                return self._json(404, {"ErrorCode": 404, "Message": "Not found"})

        return Handler


# --- the webhook payloads Postmark documents -----------------------------------------


def bounce(
    *,
    email: str,
    message_id: str,
    metadata: dict | None = None,
    at: dt.datetime | None = None,
    type_: str = "HardBounce",
    type_code: int = 1,
    name: str = "Hard bounce",
    description: str = "The server was unable to deliver your message "
    "(ex: unknown user, mailbox not found).",
    details: str = "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
    record_type: str = "Bounce",
    bounce_id: int | None = None,
) -> dict:
    """Postmark's Bounce webhook (RecordType "Bounce"), a hard bounce unless told."""
    return {
        "RecordType": record_type,
        "MessageStream": "outbound",
        "ID": bounce_id if bounce_id is not None else next(_bounce_ids),
        "Type": type_,
        "TypeCode": type_code,
        "Name": name,
        "Tag": "appointment_reminder",
        "MessageID": message_id,
        "Metadata": metadata or {},
        "ServerID": 23,
        "Description": description,
        "Details": details,
        "Email": email,
        "From": "clinic@smp.test",
        "BouncedAt": _postmark_time(at or dt.datetime.now(dt.UTC)),
        "DumpAvailable": True,
        "Inactive": type_ in ("HardBounce", "SpamComplaint"),
        "CanActivate": True,
        "Subject": "Your appointment",
        "Content": "Return-Path: <>\n...",
    }


def soft_bounce(**kwargs) -> dict:
    return bounce(
        type_="SoftBounce",
        type_code=4096,
        name="Soft bounce",
        description="Unable to temporarily deliver this email.",
        details="smtp;452 4.2.2 The email account that you tried to reach is over quota.",
        **kwargs,
    )


def spam_complaint(**kwargs) -> dict:
    """Postmark's SpamComplaint webhook: a bounce record of type SpamComplaint."""
    return bounce(
        record_type="SpamComplaint",
        type_="SpamComplaint",
        type_code=512,
        name="Spam complaint",
        description="The subscriber explicitly marked this message as spam.",
        details="Test spam complaint details",
        **kwargs,
    )


def delivery(
    *, email: str, message_id: str, metadata: dict | None = None, at: dt.datetime | None = None
) -> dict:
    """Postmark's Delivery webhook."""
    return {
        "RecordType": "Delivery",
        "ServerID": 23,
        "MessageStream": "outbound",
        "MessageID": message_id,
        "Recipient": email,
        "Tag": "appointment_reminder",
        "DeliveredAt": _postmark_time(at or dt.datetime.now(dt.UTC)),
        "Details": "smtp;250 2.0.0 OK",
        "Metadata": metadata or {},
    }
