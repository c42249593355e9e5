"""A real Celery worker, on the configured broker, does work against the real database.

This is the same wiring `make run` starts: in the PostgreSQL run the broker is
Redis, in the SQLite run it is the file broker under var/.
"""

import time
import uuid
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.utils import timezone

from smpclinic.tasks import clear_expired_sessions
from smpclinic.tests.workers import start_worker


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_runs_the_nightly_session_clean_up():
    now = timezone.now()
    Session.objects.create(session_key="e" * 32, session_data="x", expire_date=now - timedelta(1))
    Session.objects.create(session_key="f" * 32, session_data="x", expire_date=now + timedelta(1))

    # A queue of its own, so a development worker running alongside never takes it.
    queue = f"test-{uuid.uuid4().hex[:12]}"
    worker = start_worker(queue)
    try:
        clear_expired_sessions.apply_async(queue=queue)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and worker.poll() is None:
            if not Session.objects.filter(session_key="e" * 32).exists():
                break
            time.sleep(0.25)
    finally:
        worker.terminate()
        output, _ = worker.communicate(timeout=30)

    remaining = set(Session.objects.values_list("session_key", flat=True))
    assert remaining == {"f" * 32}, output
    assert "clear_expired_sessions" in output and "succeeded" in output, output
