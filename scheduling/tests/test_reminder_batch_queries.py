"""Appointment reminders falling due together are composed with a fixed number of queries."""

import datetime as dt

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from clients.models import Client
from reminders import dispatch
from reminders.dispatch import MARK_SENT_STATEMENT
from reminders.models import Reminder, ReminderKind, ReminderSettings, ReminderStatus
from scheduling.models import Appointment, AppointmentType, Room

pytestmark = pytest.mark.django_db


def due_appointment_reminders(people, count: int, *, first: int) -> None:
    """`count` clients, each with an appointment (in a room or by video) and its reminder."""
    room = Room.objects.get_or_create(name="Treatment room 1")[0]
    kinds = [
        AppointmentType.objects.get(slug="video-consultation"),
        AppointmentType.objects.exclude(slug="video-consultation").filter(is_video=False).first(),
    ]
    starts = (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    for n in range(first, first + count):
        client = Client.objects.create(
            first_name=f"Client{n}",
            last_name="Batch",
            email=f"client{n}@clinic.test",
            contact_consent=True,
        )
        kind = kinds[n % 2]
        begins = starts + dt.timedelta(hours=n)
        appointment = Appointment.objects.create(
            client=client,
            type=kind,
            artist=people.artist,
            room=None if kind.is_video else room,
            starts_at=begins,
            ends_at=begins + dt.timedelta(minutes=45),
            blocked_until=begins + dt.timedelta(minutes=45),
            meeting_link="https://meet.example/clinic" if kind.is_video else "",
        )
        Reminder.objects.create(
            key=f"batch:{appointment.pk}",
            client=client,
            kind=ReminderKind.APPOINTMENT_REMINDER,
            appointment=appointment,
            due_at=timezone.now() - dt.timedelta(seconds=1),
            data={"hours_before": 48},
        )


def dispatched_queries(people, count: int, *, first: int) -> list[str]:
    due_appointment_reminders(people, count, first=first)
    mail.outbox = []
    with CaptureQueriesContext(connection) as queries:
        assert dispatch.dispatch_due(batch_size=100) == count
    assert len(mail.outbox) == count
    assert all(message.attachments for message in mail.outbox)  # each with its .ics
    return [query["sql"] for query in queries.captured_queries]


def test_a_batch_costs_the_same_queries_for_3_or_30_reminders_plus_one_sent_mark_each(people):
    ReminderSettings.current()  # written on first use: not part of either count
    few = dispatched_queries(people, 3, first=0)
    many = dispatched_queries(people, 30, first=3)

    def sent_marks(queries):
        # On PostgreSQL the mark is prepared for the dispatcher's run (reminders.dispatch).
        return [
            sql
            for sql in queries
            if sql.startswith(('UPDATE "reminders_reminder"', f"EXECUTE {MARK_SENT_STATEMENT}_"))
        ]

    # Composing reads what the whole batch needs in a fixed number of queries; the only
    # query per message is its own "sent" mark, committed as soon as it is sent.
    assert len(many) - len(few) == 27
    assert len(sent_marks(many)) - len(sent_marks(few)) == 27
    assert Reminder.objects.filter(status=ReminderStatus.SENT).count() == 33
