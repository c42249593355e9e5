"""Real Celery workers and a real Redis broker: nothing lost, nothing sent twice.

Each test starts its own worker processes (and a beat, and for the outage test
a Redis server of its own that it can stop and start) against the test database,
with Django's file email backend, so every message a worker sends is a file we
can count by its `X-Reminder-Reference` header.
"""

import collections
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.utils import timezone

from reminders.models import Reminder, ReminderKind, ReminderStatus
from reminders.tasks import dispatch_due
from sessions_app import plans
from sessions_app.models import TreatmentPlan
from smpclinic.tests.workers import database_url_of_test_database

pytestmark = [
    pytest.mark.needs_redis,
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = re.compile(r"^X-Reminder-Reference: (reminder-\d+)$", re.MULTILINE)


class Fleet:
    """Worker and beat processes sharing one environment; stopped at the end of the test."""

    def __init__(self, tmp_path: Path, broker_url: str, **env):
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.tmp_path = tmp_path
        self.queue = f"test-{uuid.uuid4().hex[:10]}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url_of_test_database(),
            "CELERY_BROKER_URL": broker_url,
            "EMAIL_URL": f"filemail:///{self.mail_dir}",  # four slashes: an absolute path
            "SMS_BACKEND": "reminders.sms.FileBackend",
            "REMINDERS_SEND_ON_COMMIT": "false",
            **env,
        }
        self.processes: list[subprocess.Popen] = []

    def _start(self, *args: str, name: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "w")  # noqa: SIM115 - closed with the process
        process = subprocess.Popen(  # noqa: S603 - our own worker, fixed arguments
            [sys.executable, "-m", "celery", "-A", "smpclinic", *args],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        self.processes.append(process)
        return process

    def worker(self, name: str) -> subprocess.Popen:
        return self._start(
            "worker",
            "--queues",
            self.queue,
            "--pool",
            "solo",
            "--hostname",
            f"{name}@%h",
            "--loglevel",
            "INFO",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            name=name,
        )

    def beat(self) -> subprocess.Popen:
        return self._start(
            "beat",
            "--schedule",
            str(self.tmp_path / "beat-schedule"),
            "--loglevel",
            "INFO",
            name="beat",
        )

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text()[-3000:]}"
            for path in sorted(self.tmp_path.glob("*.log"))
        )

    def sent_references(self) -> collections.Counter:
        counts = collections.Counter()
        for path in self.mail_dir.iterdir():
            counts.update(REFERENCE.findall(path.read_text()))
        return counts

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def fleet_factory(tmp_path):
    fleets = []

    def make(broker_url: str, **env) -> Fleet:
        folder = tmp_path / f"fleet{len(fleets)}"
        folder.mkdir()
        fleet = Fleet(folder, broker_url, **env)
        fleets.append(fleet)
        return fleet

    yield make
    for fleet in fleets:
        fleet.stop()


@pytest.fixture
def plan(people):
    """A completed plan whose client agreed to reminders: touch-up recalls can go to her."""
    record = people.record_a
    record.contact_consent = True
    record.save()
    plan = plans.plan_create(client=record, lead_artist=people.artist)
    TreatmentPlan.objects.filter(pk=plan.pk).update(status="completed")
    return plan


def due_reminders(plan, count: int, *, due_at=None) -> set[int]:
    due_at = due_at or timezone.now() - dt.timedelta(seconds=1)
    Reminder.objects.bulk_create(
        Reminder(
            key=f"fault-test:{uuid.uuid4().hex}",
            client_id=plan.client_id,
            plan=plan,
            kind=ReminderKind.TOUCH_UP_RECALL,
            due_at=due_at,
        )
        for _ in range(count)
    )
    return set(Reminder.objects.values_list("pk", flat=True))


def wait_until_sent(expected: int, fleet: Fleet, seconds: float = 90) -> int:
    deadline = time.monotonic() + seconds
    sent = 0
    while time.monotonic() < deadline:
        sent = Reminder.objects.filter(status=ReminderStatus.SENT).count()
        if sent >= expected:
            return sent
        time.sleep(0.25)
    pytest.fail(f"only {sent} of {expected} reminders were sent\n{fleet.logs()}")


def assert_each_sent_once(ids: set[int], fleet: Fleet, *, allowed_repeats: int = 0):
    counts = fleet.sent_references()
    expected = {f"reminder-{pk}" for pk in ids}
    assert set(counts) == expected, fleet.logs()
    repeats = {ref: n for ref, n in counts.items() if n > 1}
    assert len(repeats) <= allowed_repeats, repeats
    statuses = collections.Counter(Reminder.objects.values_list("status", flat=True))
    assert statuses == {ReminderStatus.SENT: len(ids)}, statuses


def test_a_thousand_due_at_once_two_workers_each_sent_exactly_once(plan, fleet_factory):
    from django.conf import settings

    ids = due_reminders(plan, 1000)
    fleet = fleet_factory(settings.CELERY_BROKER_URL)
    fleet.worker("one")
    fleet.worker("two")
    # Both workers dispatch at the same moment, as two beat ticks or two machines would.
    for _ in range(4):
        dispatch_due.apply_async(queue=fleet.queue)

    wait_until_sent(1000, fleet)
    assert_each_sent_once(ids, fleet)
    logs = fleet.logs()
    # Both workers really took part.
    assert logs.count("reminders.tasks.dispatch_due") >= 2
    for name in ("one.log", "two.log"):
        assert "succeeded" in (fleet.tmp_path / name).read_text(), logs


def test_reminders_falling_due_while_redis_is_down_are_sent_once_it_is_back(
    plan, fleet_factory, private_redis
):
    fleet = fleet_factory(private_redis.url, REMINDER_DISPATCH_SECONDS="1")
    # Beat sends to the default queue; this Redis is the test's own, nobody else listens.
    fleet.queue = "celery"
    fleet.worker("worker")
    fleet.beat()
    first = due_reminders(plan, 20)
    wait_until_sent(20, fleet, seconds=60)

    private_redis.stop()
    # While the broker is down, more reminders fall due.
    later = due_reminders(plan, 30) - first
    time.sleep(4)
    assert Reminder.objects.filter(pk__in=later, status=ReminderStatus.PENDING).count() == 30

    private_redis.start()
    wait_until_sent(50, fleet, seconds=90)
    assert_each_sent_once(first | later, fleet)


def test_a_worker_killed_in_the_middle_of_a_batch_its_reminders_still_go_once(plan, fleet_factory):
    from django.conf import settings

    ids = due_reminders(plan, 300)
    fleet = fleet_factory(
        settings.CELERY_BROKER_URL,
        REMINDER_LEASE_SECONDS="3",
        EMAIL_BACKEND="reminders.tests.slow_email.SlowFileBackend",
    )
    doomed = fleet.worker("doomed")
    dispatch_due.apply_async(queue=fleet.queue)
    deadline = time.monotonic() + 60
    while Reminder.objects.filter(status=ReminderStatus.SENT).count() < 40:
        assert time.monotonic() < deadline, fleet.logs()
        time.sleep(0.05)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait(timeout=10)
    stranded = Reminder.objects.filter(status=ReminderStatus.SENDING).count()
    assert stranded > 0, "the worker was killed with a batch in hand"

    fleet.worker("restarted")
    # The next dispatcher runs (beat's next ticks) take over once the leases run out.
    deadline = time.monotonic() + 90
    while Reminder.objects.exclude(status=ReminderStatus.SENT).exists():
        assert time.monotonic() < deadline, fleet.logs()
        dispatch_due.apply_async(queue=fleet.queue)
        time.sleep(1)
    # At most the one message the worker was handing over when it died may repeat:
    # the provider had it, the "sent" mark had not committed (see reminders.dispatch).
    assert_each_sent_once(ids, fleet, allowed_repeats=1)
