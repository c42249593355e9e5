"""/metrics: request latency and SQL queries by view, and the outbox's own figures, for this
machine (or a token) only."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from reminders.models import Reminder, ReminderKind, ReminderStatus

pytestmark = pytest.mark.django_db

METRICS = "/metrics"


def value(text: str, name: str, **labels) -> float:
    """The value of one sample in Prometheus's text format."""
    for line in text.splitlines():
        if line.startswith("#") or not line.startswith(name):
            continue
        head, _, number = line.rpartition(" ")
        if all(f'{k}="{v}"' in head for k, v in labels.items()) and (labels or head == name):
            return float(number)
    raise AssertionError(f"{name} {labels} not in the metrics")


def test_requests_are_timed_and_their_queries_counted_by_view(client, people):
    client.force_login(people.front_desk)
    assert client.get(reverse("clients:list")).status_code == 200
    text = client.get(METRICS).content.decode()
    assert value(text, "smpclinic_request_seconds_count", view="clients:list", method="GET") >= 1
    assert value(text, "smpclinic_sql_queries_total", view="clients:list") >= 1


def test_the_outbox_figures_say_what_is_due_overdue_and_failed(client, people):
    now = timezone.now()
    for n, (status, due) in enumerate(
        [
            (ReminderStatus.PENDING, now - dt.timedelta(minutes=1)),  # due
            (ReminderStatus.PENDING, now - dt.timedelta(minutes=30)),  # due and overdue
            (ReminderStatus.PENDING, now + dt.timedelta(hours=5)),  # not yet
            (ReminderStatus.FAILED, now - dt.timedelta(hours=2)),
            (ReminderStatus.SENT, now - dt.timedelta(hours=3)),
        ]
    ):
        Reminder.objects.create(
            key=f"metrics-{n}",
            client=people.record_a,
            kind=ReminderKind.APPOINTMENT_REMINDER,
            due_at=due,
            status=status,
        )
    text = client.get(METRICS).content.decode()
    assert value(text, "smpclinic_outbox_due") == 2
    assert value(text, "smpclinic_outbox_overdue") == 1
    assert value(text, "smpclinic_outbox_failed") == 1
    assert 29 * 60 <= value(text, "smpclinic_outbox_oldest_due_seconds") <= 31 * 60


def test_only_this_machine_or_the_token_may_read_them(client, settings):
    settings.METRICS_TOKEN = "a-long-metrics-token"
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get(METRICS, **outside).status_code == 403
    wrong = client.get(METRICS, HTTP_AUTHORIZATION="Bearer nope", **outside)
    assert wrong.status_code == 403
    right = client.get(METRICS, HTTP_AUTHORIZATION="Bearer a-long-metrics-token", **outside)
    assert right.status_code == 200 and b"smpclinic_outbox_due" in right.content
    settings.METRICS_TOKEN = ""
    assert client.get(METRICS, HTTP_AUTHORIZATION="Bearer ", **outside).status_code == 403
