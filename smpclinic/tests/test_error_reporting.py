"""Errors reported to Sentry carry nothing about a client.

A stand-in for Sentry's ingest endpoint on 127.0.0.1 receives what the real `sentry_sdk`
sends (its own envelope format and transport). A health page fails while it holds a
client's record — name, email, phone, a health note, the client's id in the address and the
query string — and the event that arrives holds none of them, but does say what failed
and where.
"""

import gzip
import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.test.utils import override_settings
from django.urls import reverse

from clients.services import client_create
from smpclinic.errors import start_error_reporting

pytestmark = pytest.mark.django_db


class _Ingest(BaseHTTPRequestHandler):
    received: list[bytes] = []

    def do_POST(self):  # noqa: N802 - the standard library's name
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.headers.get("Content-Encoding") == "gzip":
            body = gzip.decompress(body)
        self.received.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"id": "0"}')

    def log_message(self, *args):
        pass


@pytest.fixture
def sentry_standin():
    _Ingest.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Ingest)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    dsn = f"http://publickey@127.0.0.1:{server.server_address[1]}/1"
    assert start_error_reporting(dsn, environment="test", release="smpclinic@test")
    yield _Ingest.received
    sentry_sdk.get_client().close(timeout=2)
    sentry_sdk.init()  # no DSN: nothing more is sent
    server.shutdown()


def _events(received: list[bytes]) -> list[dict]:
    events = []
    for envelope in received:
        lines = envelope.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                events.append(json.loads(payload))
    return events


@override_settings(DEBUG=False, SENTRY_DSN="http://publickey@127.0.0.1/1")
def test_an_error_on_a_health_page_reaches_sentry_without_anything_about_the_client(
    sentry_standin, people, client, monkeypatch
):
    patient = client_create(
        first_name="Oluwaseun",
        last_name="Fairweather-Quist",
        email="o.fairweather@private-mail.test",
        phone="+447911555777",
        notes="Alopecia areata since 2019; takes finasteride",
    )

    def failing_record(record, *, now):
        logging.getLogger("clients").warning("loading %s %s", record.full_name, record.notes)
        raise RuntimeError(f"record of {record.full_name} ({record.email}, {record.notes})")

    monkeypatch.setattr("clients.views.record_context", failing_record)
    client.raise_request_exception = False
    client.force_login(people.front_desk)
    url = reverse("clients:detail", args=[patient.pk])
    client.cookies["note"] = "finasteride"
    response = client.get(url, {"email": patient.email})
    assert response.status_code == 500
    # The page tells the truth: a report went, with nothing about the client in it.
    assert "have been sent a report" in response.content.decode()

    sentry_sdk.get_client().flush(timeout=5)
    [event] = _events(sentry_standin)
    sent = json.dumps(event)
    for secret in (
        "Oluwaseun",
        "Fairweather",
        "private-mail",
        "447911555777",
        "7911 555777",
        "Alopecia",
        "finasteride",
        "desk@clinic.test",
    ):
        assert secret not in sent, secret
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert any(f.get("function") == "failing_record" for f in exception["stacktrace"]["frames"])
    # Where: the route, not the address (no client's id, no query string).
    assert event["transaction"] == "/clients/{pk}/"
    assert "request" not in event and "user" not in event and "breadcrumbs" not in event


@override_settings(DEBUG=False, SENTRY_DSN="")
def test_without_error_reporting_the_page_says_it_went_to_the_log(people, client, monkeypatch):
    def failing_record(record, *, now):
        raise RuntimeError("boom")

    monkeypatch.setattr("clients.views.record_context", failing_record)
    client.raise_request_exception = False
    client.force_login(people.front_desk)
    response = client.get(reverse("clients:detail", args=[people.record_a.pk]))
    assert response.status_code == 500
    page = response.content.decode()
    assert "written to the system's error log" in page and "have been sent" not in page


def test_the_scrubber_keeps_what_failed_and_where_and_drops_the_rest():
    from smpclinic.errors import scrub

    event = {
        "event_id": "e1",
        "level": "error",
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "bad date for Jane Doe, jane@doe.test",
                    "stacktrace": {
                        "frames": [
                            {
                                "filename": "clients/views.py",
                                "function": "client_detail",
                                "lineno": 56,
                                "vars": {"client": "<Client: Jane Doe>"},
                                "context_line": "raise ValueError(client.notes)",
                            }
                        ]
                    },
                }
            ]
        },
        "request": {
            "method": "POST",
            "url": "https://clinic.test/clients/4242/edit/?email=jane@doe.test",
            "data": {"notes": "scalp psoriasis"},
            "cookies": {"sessionid": "abc"},
            "headers": {"Referer": "https://clinic.test/clients/4242/"},
        },
        "user": {"id": 7, "email": "desk@clinic.test", "username": "desk"},
        "breadcrumbs": {"values": [{"message": "SELECT ... 'Jane'"}]},
        "extra": {"client": "Jane Doe"},
        "tags": {"client_email": "jane@doe.test"},
        "transaction": "/clients/{pk}/edit/",
    }
    kept = scrub(event)
    text = json.dumps(kept)
    for secret in ("Jane", "jane@doe.test", "psoriasis", "abc", "4242", "desk@clinic.test"):
        assert secret not in text, secret
    assert kept["request"] == {"method": "POST", "url": "https://clinic.test/clients/N/edit/"}
    assert kept["user"] == {"id": 7}
    [frame] = kept["exception"]["values"][0]["stacktrace"]["frames"]
    assert frame == {"filename": "clients/views.py", "function": "client_detail", "lineno": 56}
