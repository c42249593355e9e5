"""A stand-in for Stripe's API on 127.0.0.1, answering as Stripe documents.

- POST /v1/checkout/sessions (form-encoded, as the Stripe library sends it): a
  "checkout.session" object, `open` and `unpaid`, with a `url` on this server; the same
  Idempotency-Key gives the same session; a request without `mode`, `line_items` or
  `success_url` gets Stripe's 400 `invalid_request_error`.
- GET /checkout/<id>: a small card page (for the browser test); POST /checkout/<id>/pay
  "pays": the server signs a `checkout.session.completed` event exactly as Stripe signs
  webhooks (`t=<time>,v1=<HMAC-SHA256 of "<time>.<payload>">`), posts it to the app's
  webhook, and sends the browser back to the session's success_url.

`signed_event(...)` builds and signs an event for the tests to post themselves.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl

import pytest

SECRET_KEY = "sk_test_standin"
WEBHOOK_SECRET = "whsec_standin_secret"


def sign(payload: str, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None) -> str:
    """The Stripe-Signature header for this payload (Stripe's documented scheme)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256)
    return f"t={timestamp},v1={digest.hexdigest()}"


_event_ids = itertools.count(1)


def signed_event(kind: str, session: dict, *, secret: str = WEBHOOK_SECRET, event_id=None):
    """(payload, signature header) of an event about this checkout session."""
    event = {
        "id": event_id or f"evt_test_{next(_event_ids)}",
        "object": "event",
        "type": kind,
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": session},
    }
    payload = json.dumps(event)
    return payload, sign(payload, secret=secret)


def _nested(pairs: list[tuple[str, str]]) -> dict:
    """Stripe's form encoding (a[b][0][c]=x) back into a dict, for assertions."""
    out: dict = {}
    for key, value in pairs:
        parts = key.replace("]", "").split("[")
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
        target[parts[-1]] = value
    return out


class StripeStandIn:
    def __init__(self):
        self.requests: list[dict] = []
        self.sessions: dict[str, dict] = {}
        self.by_idempotency: dict[str, dict] = {}
        self.webhook_url = ""
        self.fail_next = 0
        self._ids = itertools.count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def completed(self, session_id: str, **changes) -> dict:
        """The session as Stripe sends it once paid."""
        return {**self.sessions[session_id], "status": "complete", "payment_status": "paid"} | (
            changes
        )

    def _handler(self):
        standin = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, status: int, body: dict):
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> str:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()

            def do_POST(self):
                if self.path == "/v1/checkout/sessions":
                    return self._create(self._body())
                if self.path.startswith("/checkout/") and self.path.endswith("/pay"):
                    return self._pay(self.path.split("/")[2])
                self._json(404, {"error": {"type": "invalid_request_error", "message": "404"}})

            def do_GET(self):
                if self.path.startswith("/checkout/"):
                    session = standin.sessions.get(self.path.split("/")[2])
                    if session is None:
                        return self._json(404, {"error": {"message": "No such session"}})
                    amount = session["amount_total"] / 100
                    page = (
                        "<!doctype html><html lang='en'><head><title>Pay</title></head><body>"
                        f"<h1>Pay {session['currency'].upper()} {amount:.2f}</h1>"
                        f"<form method='post' action='/checkout/{session['id']}/pay'>"
                        "<label>Card number <input name='card' value='4242424242424242'></label>"
                        "<button type='submit'>Pay</button></form></body></html>"
                    ).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "text/html")
                    self.send_header("Content-Length", str(len(page)))
                    self.end_headers()
                    self.wfile.write(page)
                    return None
                return self._json(404, {"error": {"message": "404"}})

            def _create(self, body: str):
                if standin.fail_next:
                    standin.fail_next -= 1
                    return self._json(
                        500, {"error": {"type": "api_error", "message": "An error occurred."}}
                    )
                params = _nested(parse_qsl(body, keep_blank_values=True))
                standin.requests.append(
                    {
                        "params": params,
                        "authorization": self.headers.get("Authorization", ""),
                        "idempotency_key": self.headers.get("Idempotency-Key", ""),
                    }
                )
                if self.headers.get("Authorization") != f"Bearer {SECRET_KEY}":
                    return self._json(
                        401,
                        {"error": {"type": "invalid_request_error", "message": "Invalid API Key"}},
                    )
                missing = [k for k in ("mode", "line_items", "success_url") if k not in params]
                if missing:
                    return self._json(
                        400,
                        {
                            "error": {
                                "type": "invalid_request_error",
                                "message": f"Missing required param: {missing[0]}.",
                                "param": missing[0],
                            }
                        },
                    )
                key = self.headers.get("Idempotency-Key", "")
                if key and key in standin.by_idempotency:
                    return self._json(200, standin.by_idempotency[key])
                item = params["line_items"]["0"]
                session_id = f"cs_test_{next(standin._ids):04d}"
                session = {
                    "id": session_id,
                    "object": "checkout.session",
                    "mode": params["mode"],
                    "status": "open",
                    "payment_status": "unpaid",
                    "amount_total": int(item["price_data"]["unit_amount"]) * int(item["quantity"]),
                    "currency": item["price_data"]["currency"],
                    "client_reference_id": params.get("client_reference_id"),
                    "metadata": params.get("metadata", {}),
                    "customer_email": params.get("customer_email"),
                    "success_url": params["success_url"],
                    "cancel_url": params.get("cancel_url"),
                    "url": f"{standin.url}/checkout/{session_id}",
                    "livemode": False,
                }
                standin.sessions[session_id] = session
                if key:
                    standin.by_idempotency[key] = session
                return self._json(200, session)

            def _pay(self, session_id: str):
                payload, signature = signed_event(
                    "checkout.session.completed", standin.completed(session_id)
                )
                request = urllib.request.Request(  # noqa: S310 - the app under test, on 127.0.0.1
                    standin.webhook_url,
                    data=payload.encode(),
                    headers={"Stripe-Signature": signature, "Content-Type": "application/json"},
                )
                urllib.request.urlopen(request, timeout=10).read()  # noqa: S310
                self.send_response(303)
                self.send_header("Location", standin.sessions[session_id]["success_url"])
                self.end_headers()

        return Handler


@pytest.fixture
def stripe_standin(settings):
    """Online payments on, through the stand-in; `.requests` holds what was sent."""
    with StripeStandIn() as standin:
        settings.STRIPE_SECRET_KEY = SECRET_KEY
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_API_BASE = standin.url
        settings.STRIPE_CHECKOUT_ORIGIN = standin.url
        yield standin
