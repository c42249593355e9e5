"""The dispatcher claims due reminders, sends each once, and records what happened."""

import datetime as dt
import smtplib

import pytest
from django.core import mail
from django.utils import timezone

from reminders import dispatch, outbox, sms
from reminders.health import overdue_alert
from reminders.models import Channel, Reminder, ReminderKind, ReminderSettings, ReminderStatus
from tests.clock import CLOCKS_GO_BACK, CLOCKS_GO_FORWARD, LONDON, at, day

ONE_DAY = dt.timedelta(days=1)


def wall(on: dt.date, hhmm: str) -> dt.datetime:
    """That time as read off the clinic's clock, without its offset."""
    return at(on, hhmm).replace(tzinfo=None)


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    sms.outbox.clear()
    yield
    sms.outbox.clear()


@pytest.fixture
def anna(people):
    record = people.record_a
    record.contact_consent = True
    record.save()
    return record


def reminder_for(client, *, kind=ReminderKind.TOUCH_UP_RECALL, due_in=-1, key=None, **extra):
    """A reminder due `due_in` minutes from now (negative: already due)."""
    from sessions_app.models import TreatmentPlan

    plan = extra.pop("plan", None)
    if plan is None and kind == ReminderKind.TOUCH_UP_RECALL:
        plan = TreatmentPlan.objects.filter(client=client).first()
    return Reminder.objects.create(
        key=key or f"test:{client.pk}:{kind}:{Reminder.objects.count()}",
        client=client,
        kind=kind,
        due_at=timezone.now() + dt.timedelta(minutes=due_in),
        plan=plan,
        **extra,
    )


@pytest.fixture
def completed_plan(anna, people):
    from sessions_app import plans
    from sessions_app.models import TreatmentPlan

    plan = plans.plan_create(client=anna, lead_artist=people.artist)
    TreatmentPlan.objects.filter(pk=plan.pk).update(status="completed")
    plan.refresh_from_db()
    return plan


def test_a_due_reminder_is_sent_once_by_email(anna, completed_plan):
    reminder = reminder_for(anna, plan=completed_plan)

    assert dispatch.dispatch_due() == 1
    assert dispatch.dispatch_due() == 0

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.channel == Channel.EMAIL
    assert reminder.sent_to == "anna@clinic.test"
    assert reminder.sent_at is not None
    assert reminder.attempts == 1
    assert reminder.claim_token == ""
    [email] = mail.outbox
    assert email.to == ["anna@clinic.test"]
    assert email.extra_headers["X-Reminder-Reference"] == f"reminder-{reminder.pk}"
    assert "Anna" in email.body


def test_a_reminder_not_yet_due_waits(anna, completed_plan):
    reminder = reminder_for(anna, plan=completed_plan, due_in=5)
    assert dispatch.dispatch_due() == 0
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert mail.outbox == []


def test_two_dispatchers_never_claim_the_same_row(anna, completed_plan):
    for _ in range(10):
        reminder_for(anna, plan=completed_plan)
    first_token, first = dispatch.claim_due(6)
    second_token, second = dispatch.claim_due(6)
    assert len(first) == 6 and len(second) == 4
    assert not set(first) & set(second)
    assert first_token != second_token
    assert dispatch.claim_due(6)[1] == []


def test_a_claim_whose_worker_died_is_taken_over_when_its_lease_runs_out(
    anna, completed_plan, settings
):
    reminder = reminder_for(anna, plan=completed_plan)
    dead_token, [claimed] = dispatch.claim_due()
    assert claimed == reminder.pk
    # Within the lease nobody else takes it.
    assert dispatch.claim_due()[1] == []

    later = timezone.now() + dt.timedelta(seconds=settings.REMINDER_LEASE_SECONDS + 1)
    new_token, [again] = dispatch.claim_due(now=later)
    assert again == reminder.pk
    assert dispatch.send_claimed(reminder.pk, new_token) == ReminderStatus.SENT
    # The first worker wakes up: its claim no longer holds, it sends nothing.
    assert dispatch.send_claimed(reminder.pk, dead_token) == "lost"
    assert len(mail.outbox) == 1
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.attempts == 2


def test_a_dispatcher_behind_its_lease_gives_the_rest_of_its_batch_back(
    anna, completed_plan, settings
):
    # A lease so short that it is over after the first send of every batch.
    settings.REMINDER_LEASE_SECONDS = 0
    reminders = [reminder_for(anna, plan=completed_plan) for _ in range(3)]

    assert dispatch.dispatch_due() == 3

    assert len(mail.outbox) == 3
    for reminder in reminders:
        reminder.refresh_from_db()
        # Given back unsent is not an attempt: each was tried once, when it was sent.
        assert (reminder.status, reminder.attempts) == (ReminderStatus.SENT, 1)


def test_a_failure_is_retried_later_and_ends_as_failed(anna, completed_plan, monkeypatch):
    ReminderSettings.objects.update_or_create(pk=1, defaults={"max_attempts": 3})

    def refuse(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refuse)
    reminder = reminder_for(anna, plan=completed_plan)

    assert dispatch.dispatch_due() == 0
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.attempts == 1
    assert "Connection unexpectedly closed" in reminder.last_error
    waited = reminder.due_at - timezone.now()
    assert dt.timedelta(seconds=50) < waited <= dt.timedelta(seconds=60)

    # Each retry waits longer; the third failure is final.
    Reminder.objects.filter(pk=reminder.pk).update(due_at=timezone.now())
    dispatch.dispatch_due()
    reminder.refresh_from_db()
    assert reminder.attempts == 2
    assert reminder.due_at - timezone.now() > dt.timedelta(minutes=4)

    Reminder.objects.filter(pk=reminder.pk).update(due_at=timezone.now())
    dispatch.dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == 3
    assert "Connection unexpectedly closed" in reminder.last_error


def test_a_client_who_has_not_agreed_gets_service_messages_only(anna, completed_plan):
    anna.contact_consent = False
    anna.save()
    recall = reminder_for(anna, plan=completed_plan)

    dispatch.dispatch_due()

    recall.refresh_from_db()
    assert recall.status == ReminderStatus.SKIPPED
    assert recall.last_error == "The client has not agreed to reminders."
    assert mail.outbox == []


def test_a_client_with_only_a_phone_gets_a_text_even_when_email_is_preferred(anna, completed_plan):
    anna.email = ""
    anna.save()
    ReminderSettings.objects.update_or_create(
        pk=1, defaults={"quiet_hours_start": dt.time(0, 0), "quiet_hours_end": dt.time(0, 0)}
    )
    reminder = reminder_for(anna, plan=completed_plan)
    dispatch.dispatch_due()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.channel) == (ReminderStatus.SENT, Channel.SMS)
    assert [m.to for m in sms.outbox] == ["+447911123001"]


def test_nobody_to_send_to_is_said_plainly(anna):
    from clients.models import Client
    from reminders.channels import NoRecipient, choose

    # The client record requires an email or a phone; a record imported without
    # either (or whose details were erased) still must not break sending.
    nobody = Client(first_name="No", last_name="Contact", contact_consent=True)
    reminder = Reminder(client=nobody, kind=ReminderKind.GAP_INVITE)
    with pytest.raises(NoRecipient, match="No email address or mobile number"):
        choose(reminder)


def test_a_client_who_prefers_text_messages_gets_an_sms(anna, completed_plan):
    anna.preferred_channel = "sms"
    anna.save()
    reminder = reminder_for(anna, plan=completed_plan)
    ReminderSettings.objects.update_or_create(
        pk=1, defaults={"quiet_hours_start": dt.time(0, 0), "quiet_hours_end": dt.time(0, 0)}
    )
    dispatch.dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert reminder.channel == Channel.SMS
    assert reminder.sent_to == "+447911123001"
    [message] = sms.outbox
    assert message.to == "+447911123001"
    assert message.reference == f"reminder-{reminder.pk}"
    assert mail.outbox == []


def test_no_sms_in_quiet_hours_it_waits_until_morning(anna, completed_plan, monkeypatch):
    anna.preferred_channel = "sms"
    anna.save()
    late_evening = at(day(11, 20), "22:30")
    reminder = reminder_for(anna, plan=completed_plan)
    Reminder.objects.filter(pk=reminder.pk).update(due_at=late_evening - dt.timedelta(minutes=1))
    monkeypatch.setattr(dispatch.timezone, "now", lambda: late_evening)
    token = dispatch.claim_one(reminder.pk, now=late_evening)

    assert dispatch.send_claimed(reminder.pk, token) == ReminderStatus.PENDING

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.due_at == at(day(11, 21), "08:00")
    assert reminder.attempts == 0  # waiting for morning is not a failed attempt
    assert sms.outbox == []


@pytest.mark.parametrize(
    ("now_local", "expected_local"),
    [
        # Early morning before the end of quiet hours: the same morning.
        (wall(day(11, 21), "06:15"), wall(day(11, 21), "08:00")),
        # The night the clocks go back: still 08:00 on the clock.
        (wall(CLOCKS_GO_BACK - ONE_DAY, "23:00"), wall(CLOCKS_GO_BACK, "08:00")),
        # The night they go forward.
        (wall(CLOCKS_GO_FORWARD - ONE_DAY, "21:30"), wall(CLOCKS_GO_FORWARD, "08:00")),
        # Daytime: not held.
        (wall(day(11, 21), "12:00"), None),
    ],
)
def test_quiet_hours_follow_the_clinic_clock(db, now_local, expected_local):
    from reminders.channels import quiet_until

    held = quiet_until(Channel.SMS, now_local.replace(tzinfo=LONDON))
    if expected_local is None:
        assert held is None
    else:
        assert held.astimezone(LONDON).replace(tzinfo=None) == expected_local
    assert quiet_until(Channel.EMAIL, now_local.replace(tzinfo=LONDON)) is None


def test_email_is_not_held_by_quiet_hours(anna, completed_plan, monkeypatch):
    late_evening = at(day(11, 20), "22:30")
    reminder = reminder_for(anna, plan=completed_plan)
    Reminder.objects.filter(pk=reminder.pk).update(due_at=late_evening - dt.timedelta(minutes=1))
    token = dispatch.claim_one(reminder.pk, now=late_evening)
    assert dispatch.send_claimed(reminder.pk, token) == ReminderStatus.SENT


def test_send_now_sends_a_due_reminder_once_and_ignores_a_claimed_one(anna, completed_plan):
    reminder = reminder_for(anna, plan=completed_plan)
    assert dispatch.send_now(reminder.pk) is True
    assert dispatch.send_now(reminder.pk) is False
    assert dispatch.send_now(999_999) is False
    assert len(mail.outbox) == 1


def test_the_hand_off_after_commit_sends_a_confirmation_without_waiting(
    anna, completed_plan, settings, django_capture_on_commit_callbacks
):
    from smpclinic.celery import app

    settings.REMINDERS_SEND_ON_COMMIT = True
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            reminder = outbox.schedule(
                key="test:now",
                client=anna,
                kind=ReminderKind.TOUCH_UP_RECALL,
                due_at=timezone.now(),
                plan=completed_plan,
            )
    finally:
        app.conf.task_always_eager = False
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    assert len(mail.outbox) == 1


def test_a_broker_that_is_down_does_not_lose_the_reminder(
    anna, completed_plan, settings, django_capture_on_commit_callbacks, caplog, monkeypatch
):
    """The hand-off fails as kombu fails when Redis is down (the real outage, with a
    stopped Redis server, is in test_delivery_faults)."""
    from kombu.exceptions import OperationalError

    from reminders.tasks import send_reminder

    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_reminder, "apply_async", broker_down)
    settings.REMINDERS_SEND_ON_COMMIT = True
    with django_capture_on_commit_callbacks(execute=True):
        reminder = outbox.schedule(
            key="test:broker-down",
            client=anna,
            kind=ReminderKind.TOUCH_UP_RECALL,
            due_at=timezone.now(),
            plan=completed_plan,
        )
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert "next dispatcher run" in caplog.text
    # The dispatcher sends it when it next runs.
    assert dispatch.dispatch_due() == 1


def test_staff_and_healthz_hear_when_reminders_are_more_than_ten_minutes_late(
    anna, completed_plan, client
):
    reminder_for(anna, plan=completed_plan, due_in=-5)
    assert overdue_alert() is None
    assert client.get("/healthz").json()["reminders"] == {"ok": True, "detail": "on time"}

    reminder_for(anna, plan=completed_plan, due_in=-25)
    alert = overdue_alert()
    assert alert.startswith("1 reminder is overdue; the oldest was due 2")
    body = client.get("/healthz").json()
    assert body["reminders"]["ok"] is False
    assert body["reminders"]["detail"] == alert
    assert body["status"] in ("degraded", "unavailable")

    dispatch.dispatch_due()
    assert overdue_alert() is None


def test_a_deleted_template_falls_back_to_the_shipped_wording(anna, completed_plan):
    from reminders.models import MessageTemplate

    MessageTemplate.objects.filter(kind=ReminderKind.TOUCH_UP_RECALL).delete()
    reminder = reminder_for(anna, plan=completed_plan)

    assert dispatch.dispatch_due() == 1

    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.SENT
    [email] = mail.outbox
    assert email.subject == "Time for a touch-up?"
    assert "Hello Anna" in email.body


@pytest.fixture
def counting_email(settings):
    from reminders.tests.counting_email import ConnectionCountingBackend

    settings.EMAIL_BACKEND = "reminders.tests.counting_email.ConnectionCountingBackend"
    ConnectionCountingBackend.connections = 0
    ConnectionCountingBackend.refused = set()
    return ConnectionCountingBackend


def test_a_batch_of_emails_goes_through_one_connection(anna, completed_plan, counting_email):
    reminders = [reminder_for(anna, plan=completed_plan) for _ in range(3)]

    assert dispatch.dispatch_due() == 3
    assert len(mail.outbox) == 3
    assert counting_email.connections == 1
    assert {m.extra_headers["X-Reminder-Reference"] for m in mail.outbox} == {
        r.reference for r in reminders
    }


def test_after_a_refused_email_the_batch_goes_on_through_a_new_connection(
    anna, completed_plan, counting_email
):
    refused, *others = [reminder_for(anna, plan=completed_plan) for _ in range(3)]
    counting_email.refused = {refused.reference}

    assert dispatch.dispatch_due() == 2
    refused.refresh_from_db()
    assert refused.status == ReminderStatus.FAILED
    assert "Email address refused" in refused.last_error
    for reminder in others:
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SENT
    assert len(mail.outbox) == 2
    assert counting_email.connections == 2


@pytest.mark.needs_postgres
def test_the_sent_mark_is_prepared_for_the_run_and_gone_after_it(anna, completed_plan):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    reminders = [reminder_for(anna, plan=completed_plan) for _ in range(3)]
    with CaptureQueriesContext(connection) as queries:
        assert dispatch.dispatch_due() == 3
    marks = [q["sql"] for q in queries.captured_queries if q["sql"].startswith("EXECUTE ")]
    assert len(marks) == 3
    for reminder in reminders:
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SENT
        assert reminder.sent_to == anna.email
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_prepared_statements WHERE name LIKE %s",
            [f"{dispatch.MARK_SENT_STATEMENT}%"],
        )
        assert cursor.fetchone()[0] == 0
    # A reminder sent on its own (the hand-off after a booking) writes the mark in full.
    single = reminder_for(anna, plan=completed_plan)
    assert dispatch.send_now(single.pk)
    single.refresh_from_db()
    assert single.status == ReminderStatus.SENT


@pytest.mark.needs_postgres
def test_without_prepared_statements_the_sent_mark_is_written_in_full(
    anna, completed_plan, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.DATABASE_PREPARED_STATEMENTS = False
    reminders = [reminder_for(anna, plan=completed_plan) for _ in range(2)]
    with CaptureQueriesContext(connection) as queries:
        assert dispatch.dispatch_due() == 2
    assert not [q for q in queries.captured_queries if q["sql"].startswith(("PREPARE", "EXECUTE"))]
    for reminder in reminders:
        reminder.refresh_from_db()
        assert reminder.status == ReminderStatus.SENT
