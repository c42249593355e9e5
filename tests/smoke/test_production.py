"""The production configuration, deployed and used over HTTP (`make smoke`).

Against gunicorn, its Celery worker and beat as tests/smoke/conftest.py starts them: the
health probes answer; production's settings are in force (HTTPS only, secure cookies, no
debug pages); the public books a consultation through the API and its confirmation goes
out by email, sent by the worker from the outbox through the provider's API; the manager
signs in and adds a client photo, which lands in the private S3 bucket and is shown through
a signed link; /metrics, for the monitoring token only, counts the requests and the outbox.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import time
from zoneinfo import ZoneInfo

import pytest
import requests
from PIL import Image

from photos.tests.fixtures import jpeg_bytes

from .conftest import (
    BUCKET,
    MANAGER_EMAIL,
    MONITORING_ADDRESS,
    PORT,
    SITE_URL,
    local_path,
    note,
    wait_for,
)

pytestmark = pytest.mark.smoke

CLINIC_ZONE = ZoneInfo("Europe/London")  # CLINIC_TIME_ZONE's default, which the run keeps
CLIENT_EMAIL = "robin.hartley@example.com"
SPANISH_CLIENT_EMAIL = "lucia.moreno@example.com"
# How long the confirmation may take to reach the provider once booked.
EMAIL_SECONDS = 45


# --- health probes and production settings --------------------------------------------------


def test_health_probes_answer_over_plain_http(deployment):
    # Monitors probe over plain HTTP, which the proxy passes through (deploy/nginx/
    # smpclinic.conf): answered, not redirected to HTTPS.
    probe = deployment.browser("http")
    live = probe.get("/livez")
    assert (live.status_code, live.json()) == (200, {"status": "alive"})
    ready = probe.get("/readyz")
    assert ready.status_code == 200, ready.text
    assert ready.json()["status"] == "ready"
    health = probe.get("/healthz")
    assert health.status_code == 200, health.text
    body = health.json()
    assert body["status"] == "ok", body
    assert body["database"]["ok"] and body["broker"]["ok"] and body["reminders"]["ok"], body
    note(f"/livez {live.status_code} {live.text}; /readyz {ready.status_code} {ready.text}")
    note(f"/healthz {health.status_code} {health.text}")


def test_production_settings_are_in_force(deployment):
    plain = deployment.browser("http").get("/book/")
    assert plain.status_code == 301 and plain.headers["Location"] == f"{SITE_URL}/book/", (
        "a page over plain HTTP is sent to HTTPS"
    )

    browser = deployment.browser()
    page = browser.get("/accounts/login/")
    assert page.status_code == 200, page.text[:500]
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in page.headers["Content-Security-Policy"]
    cookie = page.headers["Set-Cookie"]
    assert "__Host-csrftoken=" in cookie and "Secure" in cookie, cookie

    missing = browser.get("/no-such-page/")
    assert missing.status_code == 404
    assert "URLconf" not in missing.text, "DEBUG is off: no technical 404 page"

    wrong_host = requests.get(
        f"http://127.0.0.1:{PORT}/livez", headers={"Host": "elsewhere.example.net"}, timeout=10
    )
    assert wrong_host.status_code == 400, "only ALLOWED_HOSTS are answered"

    static = re.search(r'href="(/static/[^"]+\.css)"', page.text)
    assert static, "the page links its stylesheet"
    css = browser.get(static.group(1), headers={"Accept-Encoding": "gzip"})
    assert css.status_code == 200 and "immutable" in css.headers["Cache-Control"], (
        "whitenoise serves the collected, hashed static files"
    )
    note(
        f"production: http→https 301, HSTS, __Host- secure cookies, DEBUG off (404 plain), "
        f"Host checked, hashed static {static.group(1)}"
    )


# --- the public books; the confirmation goes out ------------------------------------------------


@pytest.fixture(scope="session")
def booking(deployment):
    """A consultation booked by the public through the API, at the first free time."""
    public = deployment.browser()
    today = dt.datetime.now(CLINIC_ZONE).date()
    free = public.get(f"/api/v1/availability/?type=consultation&start={today}&days=14")
    assert free.status_code == 200, free.text
    offered = free.json()
    assert offered["slots"], "the new clinic offers free times for a consultation"
    slot = offered["slots"][0]
    answer = public.post(
        "/api/v1/bookings/",
        json={
            "type": "consultation",
            "start": slot["start"],
            "client": {
                "first_name": "Robin",
                "last_name": "Hartley",
                "email": CLIENT_EMAIL,
                "phone": "07911 123456",
            },
            "note": "Booked by the smoke run.",
            "accepted_terms": [terms["key"] for terms in offered["terms"]],
        },
    )
    assert answer.status_code == 201, answer.text
    booked = answer.json()
    assert booked["start"] == slot["start"]
    assert booked["manage_url"].startswith(f"{SITE_URL}/"), booked
    note(f"booked: appointment {booked['id']} at {booked['start']} ({booked['status']})")
    return booked


def test_the_public_books_a_consultation_online(booking):
    assert booking["status"] in {"booked", "confirmed"}, booking


def confirmation_to(deployment, email: str) -> dict:
    """The booking confirmation to this address as the email provider received it."""

    def sent():
        # Postmark's Tag is the reminder's kind (reminders.channels).
        return [
            m
            for m in deployment.email.sent
            if email in m["To"] and m.get("Tag") == "booking_confirmation"
        ]

    deadline = time.monotonic() + EMAIL_SECONDS
    while not (messages := sent()):
        if time.monotonic() > deadline:
            received = [
                f"POST {r['path']}: {len(r['accepted'])} accepted, answers {r['answers']}"
                for r in deployment.email.requests
            ]
            pytest.fail(
                f"no confirmation to {email} reached the email stand-in within "
                f"{EMAIL_SECONDS} s; it received {received or 'nothing'}. The worker's log "
                f"ends:\n{deployment.services['worker'].tail(15)}"
            )
        time.sleep(0.2)
    assert len(messages) == 1, f"one confirmation, not {[m['Subject'] for m in messages]}"
    return messages[0]


@pytest.fixture(scope="session")
def confirmation(deployment, booking):
    """The API booking's confirmation as the email provider received it."""
    return confirmation_to(deployment, CLIENT_EMAIL)


def test_the_confirmation_goes_out_by_email_from_the_worker(deployment, confirmation):
    [request] = [r for r in deployment.email.requests if confirmation in r["accepted"]]
    assert request["path"].rstrip("/") in {"/email", "/email/batch"}
    assert "hello@clinic.example.com" in confirmation["From"]
    text = confirmation.get("TextBody", "")
    assert f"{SITE_URL}/" in text, "links in the email start with SITE_URL"
    worker = deployment.services["worker"].output()
    sent_by = re.search(r"Task (reminders\.tasks\.\w+)\[[^\]]+\] succeeded", worker)
    assert sent_by, "the worker's log shows the task that sent it"
    note(
        f"email: {confirmation['Subject']!r} to {confirmation['To']} from "
        f"{confirmation['From']}, recorded by the stand-in (POST {request['path']}), "
        f"sent by {sent_by.group(1)}"
    )


def test_beat_hands_the_dispatcher_to_the_worker(deployment):
    beat, worker = deployment.services["beat"], deployment.services["worker"]
    wait_for(
        "dispatcher run sent by beat",
        lambda: "Sending due task dispatch-reminders" in beat.output(),
        beat,
        seconds=30,
    )
    wait_for(
        "dispatcher run by the worker",
        lambda: re.search(r"reminders\.tasks\.dispatch_due\[[^\]]+\] succeeded", worker.output()),
        worker,
        seconds=30,
    )
    note("beat: dispatch-reminders sent, and run by the worker")


# --- staff: a photo into the private bucket -----------------------------------------------------


@pytest.fixture(scope="session")
def manager(deployment):
    """The manager's browser, signed in with the password create_clinic was given."""
    browser = deployment.browser()
    form = browser.get("/accounts/login/")
    assert form.status_code == 200
    signed_in = browser.post(
        "/accounts/login/",
        data={
            "username": MANAGER_EMAIL,
            "password": deployment.manager_password,
            "csrfmiddlewaretoken": browser.form_token(form),
        },
    )
    assert signed_in.status_code == 302, signed_in.text[:1000]
    home = browser.get(local_path(signed_in.headers["Location"]))
    assert home.status_code == 200, home.text[:500]
    assert "__Host-sessionid" in browser.session.cookies
    return browser


def test_staff_add_a_photo_kept_in_the_private_bucket(deployment, manager, booking):
    day = booking["start"][:10]
    diary = manager.get(f"/api/v1/appointments/?start={day}")
    assert diary.status_code == 200, diary.text
    [row] = [a for a in diary.json()["appointments"] if a["id"] == booking["id"]]
    client_id = row["client"]["id"]

    upload_page = manager.get(f"/photos/upload/{client_id}/")
    assert upload_page.status_code == 200, upload_page.text[:500]
    added = manager.post(
        f"/photos/upload/{client_id}/",
        data={
            "csrfmiddlewaretoken": manager.form_token(upload_page),
            "angle": "front",
            "stage": "consultation",
            "note": "Hairline before the consultation",
            "shared_with_client": "on",
        },
        files={"uploads": ("front.jpg", jpeg_bytes(), "image/jpeg")},
    )
    assert added.status_code == 302, added.text[:2000]

    record = manager.get(local_path(added.headers["Location"]))
    assert record.status_code == 200
    found = re.search(r"/photos/(\d+)/thumb/", record.text)
    assert found, "the client's record shows the photo"
    origin = deployment.s3.endpoint
    assert origin in record.headers["Content-Security-Policy"], (
        "the page lets the bucket's images in"
    )

    keys = [
        item["Key"]
        for item in deployment.s3.client().list_objects_v2(Bucket=BUCKET).get("Contents", [])
    ]
    assert len(keys) == 2, f"the photo and its thumbnail are in the bucket: {keys}"

    shown = manager.get(f"/photos/{found.group(1)}/web/")
    assert shown.status_code == 302, shown.text[:500]
    link = shown.headers["Location"]
    assert link.startswith(f"{origin}/{BUCKET}/") and "X-Amz-Signature=" in link, link
    assert shown.headers["Cache-Control"] == "private, no-store"
    # The browser follows the signed link to the bucket itself.
    image = requests.get(link, timeout=10)
    assert image.status_code == 200, image.text[:500]
    picture = Image.open(io.BytesIO(image.content))
    assert picture.format == "JPEG" and picture.size[0] > 0
    # Without a signature the bucket refuses it: nothing is public.
    unsigned = requests.get(link.split("?", 1)[0], timeout=10)
    assert unsigned.status_code == 403, unsigned.status_code
    note(
        f"photo {found.group(1)} of client {client_id}: in S3 as {', '.join(keys)}; "
        f"shown through a signed link ({picture.format} {picture.size[0]}x{picture.size[1]}), "
        f"unsigned {unsigned.status_code}"
    )


# --- a client who prefers texts: the confirmation through Twilio ------------------------------


def _edit_form_fields(page: str) -> dict[str, str]:
    """What the browser would send back from the page's form unchanged: inputs (checkboxes
    only when ticked), each select's chosen option and each textarea's text."""
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", page):
        name = re.search(r'\bname="([^"]+)"', tag)
        if not name or re.search(r'type="(?:submit|button)"', tag):
            continue
        ticked = re.search(r'type="(?:checkbox|radio)"', tag)
        if ticked and not re.search(r"\bchecked\b", tag):
            continue
        value = re.search(r'\bvalue="([^"]*)"', tag)
        fields[name.group(1)] = html.unescape(value.group(1)) if value else ("on" if ticked else "")
    for name, options in re.findall(
        r'<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', page, re.S
    ):
        chosen = re.search(r'<option\b[^>]*\bvalue="([^"]*)"[^>]*\bselected\b', options)
        fields[name] = html.unescape(chosen.group(1)) if chosen else ""
    for name, text in re.findall(
        r'<textarea\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S
    ):
        fields[name] = html.unescape(text).removeprefix("\n")
    return fields


def test_a_client_who_prefers_texts_gets_the_confirmation_by_text(deployment, manager, booking):
    day = booking["start"][:10]
    diary = manager.get(f"/api/v1/appointments/?start={day}")
    assert diary.status_code == 200, diary.text
    [row] = [a for a in diary.json()["appointments"] if a["id"] == booking["id"]]
    client_id = row["client"]["id"]

    # The manager switches the client to texts on their record.
    edit = manager.get(f"/clients/{client_id}/edit/")
    assert edit.status_code == 200, edit.text[:500]
    form = _edit_form_fields(edit.text)
    assert form.get("email") == CLIENT_EMAIL, sorted(form)
    form["preferred_channel"] = "sms"
    saved = manager.post(f"/clients/{client_id}/edit/", data=form)
    problems = re.findall(r'class="[^"]*invalid-feedback[^"]*"[^>]*>(.*?)</', saved.text, re.S)
    assert saved.status_code == 302, f"refused: {problems}; sent {form}"

    # The client books again through the API; their email finds their record.
    public = deployment.browser()
    today = dt.datetime.now(CLINIC_ZONE).date()
    free = public.get(f"/api/v1/availability/?type=consultation&start={today}&days=14")
    assert free.status_code == 200, free.text
    offered = free.json()
    slot = next(s for s in offered["slots"] if s["start"] != booking["start"])
    answer = public.post(
        "/api/v1/bookings/",
        json={
            "type": "consultation",
            "start": slot["start"],
            "client": {
                "first_name": "Robin",
                "last_name": "Hartley",
                "email": CLIENT_EMAIL,
                "phone": "07911 123456",
            },
            "accepted_terms": [terms["key"] for terms in offered["terms"]],
        },
    )
    assert answer.status_code == 201, answer.text

    def texts():
        return [
            r
            for r in deployment.sms.requests
            if r["path"].endswith("/Messages.json") and r["fields"].get("To") == "+447911123456"
        ]

    deadline = time.monotonic() + EMAIL_SECONDS
    while not (sent := texts()):
        if time.monotonic() > deadline:
            pytest.fail(
                f"no text reached the Twilio stand-in within {EMAIL_SECONDS} s; it received "
                f"{[r['path'] for r in deployment.sms.requests] or 'nothing'}. The worker's "
                f"log ends:\n{deployment.services['worker'].tail(15)}"
            )
        time.sleep(0.2)
    assert len(sent) == 1, [r["fields"].get("Body") for r in sent]
    [request] = sent
    fields = request["fields"]
    assert request["authorization"], "sent with the account's credentials"
    assert fields["From"] == "+447700900000"
    assert "Crown Line SMP" in fields["Body"], fields["Body"]
    assert fields["StatusCallback"].startswith(f"{SITE_URL}/sms/twilio/status/"), fields
    note(
        f"text: confirmation of appointment {answer.json()['id']} to {fields['To']} from "
        f"{fields['From']} through Twilio's library (POST {request['path']}), "
        f"{len(fields['Body'])} characters, delivery reports to {fields['StatusCallback']}"
    )


# --- a visitor books on the booking page, in Spanish ---------------------------------------------


def _form_fields(page: str) -> dict[str, str]:
    """The named inputs of the page's form with their values (hidden ones included)."""
    fields = {}
    for tag in re.findall(r"<input\b[^>]*>", page):
        name = re.search(r'\bname="([^"]+)"', tag)
        if not name:
            continue
        value = re.search(r'\bvalue="([^"]*)"', tag)
        fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields


def test_a_visitor_books_on_the_booking_page_in_spanish(deployment, booking):
    # After the API booking, so the two cannot be offered the same free time.
    visitor = deployment.browser()
    start = visitor.get("/book/?lang=es")
    assert start.status_code == 200, start.text[:500]
    assert start.headers["Content-Language"] == "es"
    assert "Reserve una consulta gratuita" in start.text, (
        "the Spanish catalogue is compiled in the release and used"
    )
    # The choice is kept for the next pages, in a cookie as strict as the others.
    kept = start.headers["Set-Cookie"]
    assert kept.startswith("clinic_language=es;"), kept
    assert all(flag in kept for flag in ("Secure", "HttpOnly", "SameSite=Lax")), kept
    assert "Accept-Language" in start.headers["Vary"] and "Cookie" in start.headers["Vary"]

    link = re.search(r'href="(/book/[a-z0-9-]+/)"', start.text)
    assert link, "the start page links the consultation's free times"
    times = visitor.get(link.group(1))  # no ?lang=: the cookie keeps Spanish
    assert times.status_code == 200, times.text[:500]
    assert times.headers["Content-Language"] == "es"
    assert "Elija una hora" in times.text
    first = re.search(rf'href="({re.escape(link.group(1))}[^"/]+/)"', times.text)
    assert first, "the clinic offers free times on the booking page"

    details = visitor.get(first.group(1))
    assert details.status_code == 200, details.text[:500]
    assert "Sus datos" in details.text
    form = _form_fields(details.text)
    assert "csrfmiddlewaretoken" in form and "start" in form, sorted(form)
    form.update(
        first_name="Lucía",
        last_name="Moreno",
        email=SPANISH_CLIENT_EMAIL,
        phone="07911 123457",
        note="",
        website="",  # the field left empty that only robots fill in
        contact_consent="on",
    )
    if "accept_terms" in form:
        form["accept_terms"] = "on"
    booked = visitor.post(first.group(1), data=form)
    problems = [
        re.sub(r"<[^>]+>|\s+", " ", found).strip()
        for found in re.findall(
            r'class="[^"]*(?:invalid-feedback|alert-danger)[^"]*"[^>]*>(.*?)</(?:div|span)>',
            booked.text,
            re.S,
        )
    ]
    assert booked.status_code == 302, f"refused: {problems}; sent {sorted(form)}"
    thanks = visitor.get(local_path(booked.headers["Location"]))
    assert thanks.status_code == 200, thanks.text[:500]
    assert "Gracias, su cita está reservada" in thanks.text

    # The client keeps the language they booked in: the confirmation is in Spanish.
    message = confirmation_to(deployment, SPANISH_CLIENT_EMAIL)
    assert message["Subject"].startswith("Su "), message["Subject"]
    assert "Hola, Lucía:" in message.get("TextBody", "")
    note(
        f"booking page in Spanish (?lang=es, then the cookie {kept.split(';')[0]}; Secure, "
        f"HttpOnly): {first.group(1)} booked, thanks page "
        f"'Gracias, su cita está reservada'; email {message['Subject']!r} to {message['To']}"
    )


# --- /metrics ----------------------------------------------------------------------------------


def test_metrics_count_the_requests_and_the_outbox(deployment, confirmation):
    scraper = deployment.browser()
    refused = scraper.get("/metrics")
    assert refused.status_code == 403, "not for a visitor's address without the token"
    claimed = scraper.get("/metrics", headers={"X-Forwarded-For": MONITORING_ADDRESS})
    assert claimed.status_code == 403, "an address the visitor claims is not believed"
    monitor = deployment.browser(address=MONITORING_ADDRESS).get("/metrics")
    assert monitor.status_code == 200 and "smpclinic_outbox_due" in monitor.text, (
        "the monitoring machine's address needs no token"
    )

    def scrape() -> str:
        answer = scraper.get(
            "/metrics", headers={"Authorization": f"Bearer {deployment.metrics_token}"}
        )
        assert answer.status_code == 200, answer.text[:500]
        return answer.text

    # The confirmation is sent; its row is marked sent straight after.
    deadline = time.monotonic() + 15
    while True:
        figures = scrape()
        if re.search(r"^smpclinic_outbox_due 0\.0$", figures, re.M):
            break
        assert time.monotonic() < deadline, figures
        time.sleep(0.5)

    def line(pattern: str) -> str:
        found = re.search(pattern, figures, re.M)
        assert found, f"/metrics has no line like {pattern}:\n{figures}"
        return found.group(0)

    booking_line = line(
        r'^smpclinic_request_seconds_count\{method="POST",view="api:bookings"\} [1-9].*$'
    )
    queries_line = line(r'^smpclinic_sql_queries_total\{view="api:bookings"\} [1-9].*$')
    outbox = [
        line(rf"^smpclinic_outbox_{name} .*$")
        for name in ("due", "overdue", "failed", "oldest_due_seconds")
    ]
    assert outbox[2] == "smpclinic_outbox_failed 0.0", outbox
    note(
        f"/metrics: 403 for a visitor without the token (also when claiming "
        f"{MONITORING_ADDRESS}), 200 from {MONITORING_ADDRESS} through the proxy; with "
        f"the token:"
    )
    for shown in (booking_line, queries_line, *outbox):
        note(f"  {shown}")
    uploads = re.search(
        r'^smpclinic_request_seconds_count\{method="POST",view="photos:upload"\} .*$', figures, re.M
    )
    if uploads:
        note(f"  {uploads.group(0)}")
