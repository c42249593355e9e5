"""`make run` on another port, and where the demo clinic's emails and texts go."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _settings(env: dict, code: str) -> str:
    full_env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"SITE_URL", "EMAIL_URL", "SMS_BACKEND", "WEB_PORT", "LOCAL_OUTBOX_DIR"}
    }
    full_env.update(env)
    done = subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def test_make_run_takes_a_port_and_the_links_follow_it():
    planned = subprocess.run(
        ["make", "-n", "run", "PORT=8123"],  # noqa: S607 - make from the PATH
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "WEB_PORT=8123" in planned and "http://127.0.0.1:8123" in planned
    assert "${WEB_PORT:-8000}" in (ROOT / "Procfile.dev").read_text()
    code = "from django.conf import settings; print(settings.SITE_URL)"
    assert _settings({"WEB_PORT": "8123"}, code) == "http://127.0.0.1:8123"
    # An explicit SITE_URL (a tunnel, a LAN address) still wins.
    assert _settings({"WEB_PORT": "8123", "SITE_URL": "http://10.0.0.5:8123/"}, code) == (
        "http://10.0.0.5:8123"
    )


def test_the_demo_clinics_emails_and_texts_are_written_to_one_folder(tmp_path):
    outbox = tmp_path / "outbox"
    code = (
        "from django.core.mail import send_mail; from reminders import sms; "
        "send_mail('Your booking', 'See you Monday', None, ['anna@clinic.test']); "
        "sms.get_backend().send(to='+447700900123', body='See you Monday', reference='r-1')"
    )
    _settings({"LOCAL_OUTBOX_DIR": str(outbox)}, code)
    emails = list((outbox / "email").iterdir())
    assert len(emails) == 1 and "Subject: Your booking" in emails[0].read_text()
    texts = list((outbox / "sms").iterdir())
    assert len(texts) == 1 and "+447700900123" in texts[0].read_text()
