"""A request id on every log line: given back in the response, written by the JSON
formatter, and carried from the web request into the Celery task it starts (a real worker
writes it on the task's lines)."""

import io
import json
import logging
import time
import uuid

import pytest
from django.conf import settings
from django.http import HttpResponse
from django.urls import path
from django.utils import timezone
from django.utils.module_loading import import_string

from reminders.models import Reminder, ReminderKind, ReminderStatus
from reminders.tasks import send_reminder
from smpclinic.request_id import REQUEST_ID, RequestIdFilter
from smpclinic.tests.workers import start_worker


def _echo(request):
    return HttpResponse(REQUEST_ID.get())


urlpatterns = [path("echo/", _echo)]


@pytest.mark.django_db
def test_a_request_takes_the_proxys_id_or_a_new_one_and_gives_it_back(client, settings):
    settings.ROOT_URLCONF = __name__
    given = client.get("/echo/", HTTP_X_REQUEST_ID="lb-7f3a9c2e-0001")
    assert given.content == b"lb-7f3a9c2e-0001" and given["X-Request-ID"] == "lb-7f3a9c2e-0001"
    for bad in ("x", "a b c d e f g h", "<script>alert(1)</script>", "9" * 100):
        fresh = client.get("/echo/", HTTP_X_REQUEST_ID=bad)
        assert fresh["X-Request-ID"] != bad and len(fresh["X-Request-ID"]) == 32
        assert fresh.content.decode() == fresh["X-Request-ID"]
    assert REQUEST_ID.get() == "-"  # nothing left behind after the request


def test_the_json_formatter_writes_one_object_a_line_with_the_request_id():
    spec = settings.LOGGING["formatters"]["json"]
    json_formatter = import_string(spec["()"])(spec["format"], rename_fields=spec["rename_fields"])
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(json_formatter)
    handler.addFilter(RequestIdFilter())
    log = logging.getLogger("smpclinic.test-json")
    log.addHandler(handler)
    log.propagate = False
    token = REQUEST_ID.set("req-12345678")
    try:
        log.warning("Reminder %s overdue", 42)
    finally:
        REQUEST_ID.reset(token)
        log.removeHandler(handler)
    line = json.loads(out.getvalue())
    assert line["request_id"] == "req-12345678" and line["message"] == "Reminder 42 overdue"
    assert line["level"] == "WARNING" and line["logger"] == "smpclinic.test-json"


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_id_follows_a_booking_into_the_task_that_sends_its_confirmation(people):
    reminder = Reminder.objects.create(
        key=f"request-id-{uuid.uuid4().hex[:8]}",
        client=people.record_a,
        kind=ReminderKind.BOOKING_CONFIRMATION,
        due_at=timezone.now(),
        status=ReminderStatus.PENDING,
    )
    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker = start_worker(queue, LOG_FORMAT="plain")
    token = REQUEST_ID.set("booking-5e1f2a3b")  # as the booking's request would have
    try:
        send_reminder.apply_async((reminder.pk,), queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            reminder.refresh_from_db()
            if reminder.status != ReminderStatus.PENDING:
                break
            time.sleep(0.25)
    finally:
        REQUEST_ID.reset(token)
        worker.terminate()
        output, _ = worker.communicate(timeout=30)
    line = next((x for x in output.splitlines() if f"Sending reminder {reminder.pk}" in x), "")
    assert "[booking-5e1f2a3b]" in line, output
