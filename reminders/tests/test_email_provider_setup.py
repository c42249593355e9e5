"""Choosing an email provider from the environment, and the one receiver of its reports.

The settings are read the way a server reads them: `manage.py` in a process of its own
with only the environment set. Providers other than Postmark are checked where their
reports differ: a soft bounce some of them call "bounced" must not block an address.
"""

import base64
import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from anymail.signals import AnymailTrackingEvent, tracking
from django.core import checks

from reminders.checks import email_reports_need_a_secret
from reminders.email_tracking import tracking_received
from reminders.models import DeliveryStatus, EmailSuppression, Reminder, ReminderKind

from .postmark_standin import SERVER_TOKEN, PostmarkStandIn

ROOT = Path(__file__).resolve().parents[2]
EMAIL_VARIABLES = {"EMAIL_URL", "EMAIL_BACKEND", "EMAIL_PROVIDER", "LOCAL_OUTBOX_DIR"}


def manage_shell(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in EMAIL_VARIABLES and not k.startswith("ANYMAIL_")
    }
    return subprocess.run(  # noqa: S603 - our own manage.py, fixed arguments
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


SHOW = (
    "import json; from django.conf import settings; "
    "print(json.dumps([settings.EMAIL_BACKEND, settings.EMAIL_PROVIDER, settings.ANYMAIL]))"
)


def test_without_a_provider_email_stays_on_the_console():
    done = manage_shell(SHOW)
    assert done.returncode == 0, done.stderr
    backend, provider, anymail = json.loads(done.stdout.strip().splitlines()[-1])
    assert backend == "django.core.mail.backends.console.EmailBackend"
    assert (provider, anymail) == ("", {})


def test_a_provider_and_its_settings_come_from_the_environment():
    done = manage_shell(
        SHOW,
        EMAIL_PROVIDER="Postmark",
        ANYMAIL_POSTMARK_SERVER_TOKEN="server-token",
        ANYMAIL_POSTMARK_API_URL="http://127.0.0.1:9/",
        ANYMAIL_WEBHOOK_SECRET="postmark:new-secret, postmark:old-secret",
        ANYMAIL_IGNORE_RECIPIENT_STATUS="false",
        ANYMAIL_SEND_DEFAULTS='{"track_opens": false}',
    )
    assert done.returncode == 0, done.stderr
    backend, provider, anymail = json.loads(done.stdout.strip().splitlines()[-1])
    assert backend == "anymail.backends.postmark.EmailBackend" and provider == "postmark"
    assert anymail == {
        "POSTMARK_SERVER_TOKEN": "server-token",
        "POSTMARK_API_URL": "http://127.0.0.1:9/",
        "WEBHOOK_SECRET": ["postmark:new-secret", "postmark:old-secret"],
        "IGNORE_RECIPIENT_STATUS": False,
        "SEND_DEFAULTS": {"track_opens": False},
    }


def test_a_server_set_up_by_the_environment_alone_sends_through_the_provider():
    with PostmarkStandIn() as postmark:
        done = manage_shell(
            "from django.core.mail import send_mail; "
            "send_mail('Your booking', 'See you Monday', None, ['anna@clinic.test'])",
            EMAIL_PROVIDER="postmark",
            ANYMAIL_POSTMARK_SERVER_TOKEN=SERVER_TOKEN,
            ANYMAIL_POSTMARK_API_URL=postmark.url,
            DEFAULT_FROM_EMAIL="SMP Clinic <clinic@smp.test>",
        )
        assert done.returncode == 0, done.stderr
        [message] = postmark.sent
    assert message["To"] == "anna@clinic.test" and message["Subject"] == "Your booking"
    assert message["From"] == "SMP Clinic <clinic@smp.test>"
    assert message["TextBody"] == "See you Monday"


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"EMAIL_PROVIDER": "pigeon"}, "EMAIL_PROVIDER 'pigeon' is not a provider"),
        ({"EMAIL_PROVIDER": "../smtp"}, "is not a provider"),
        (
            {"EMAIL_PROVIDER": "postmark", "EMAIL_BACKEND": "x.EmailBackend"},
            "Set EMAIL_PROVIDER or EMAIL_BACKEND, not both",
        ),
        ({"ANYMAIL_SEND_DEFAULTS": "{not json"}, "ANYMAIL_SEND_DEFAULTS is not valid JSON"),
    ],
)
def test_a_wrong_email_setting_stops_the_app_with_a_clear_message(env, words):
    done = manage_shell(SHOW, **env)
    assert done.returncode != 0
    assert words in done.stderr


def test_the_deployment_check_warns_of_a_provider_without_a_webhook_secret(settings):
    settings.EMAIL_PROVIDER = "postmark"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "x"}
    [warning] = email_reports_need_a_secret()
    assert warning.level == checks.WARNING and warning.id == "reminders.W001"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "x", "WEBHOOK_SECRET": ["a:b"]}
    assert email_reports_need_a_secret() == []
    settings.EMAIL_PROVIDER = ""
    settings.ANYMAIL = {}
    assert email_reports_need_a_secret() == []


# --- the one receiver, and providers whose reports differ -------------------------------


def test_exactly_one_receiver_takes_the_providers_reports():
    receivers = [entry[1]() for entry in tracking.receivers]
    assert receivers == [tracking_received]


@pytest.fixture
def sent(people):
    """An email reminder sent to Anna, with the provider's id of it."""
    from django.utils import timezone

    return Reminder.objects.create(
        key="test:sent",
        client=people.record_a,
        kind=ReminderKind.APPOINTMENT_REMINDER,
        due_at=timezone.now(),
        status="sent",
        channel="email",
        sent_to="anna@clinic.test",
        sent_at=timezone.now(),
        provider_message_id="provider-id-1",
    )


def _event(event_type, reject_reason=None, raw=None, **fields):
    return AnymailTrackingEvent(
        event_type=event_type,
        reject_reason=reject_reason,
        esp_event=raw or {},
        recipient="anna@clinic.test",
        message_id="provider-id-1",
        timestamp=dt.datetime.now(dt.UTC),
        **fields,
    )


@pytest.mark.parametrize(
    ("esp", "event", "status", "blocked"),
    [
        ("Brevo", _event("bounced", "bounced", {"event": "soft_bounce"}), "delayed", False),
        ("Brevo", _event("bounced", "bounced", {"event": "hard_bounce"}), "bounced", True),
        ("Mandrill", _event("bounced", None, {"event": "soft_bounce"}), "delayed", False),
        (
            "MailerSend",
            _event("bounced", "bounced", {"data": {"type": "soft_bounced"}}),
            "delayed",
            False,
        ),
        (
            "SparkPost",
            _event("bounced", "bounced", {"msys": {"message_event": {"bounce_class": "22"}}}),
            "delayed",
            False,
        ),
        (
            "SparkPost",
            _event("bounced", "invalid", {"msys": {"message_event": {"bounce_class": "10"}}}),
            "bounced",
            True,
        ),
        # Mailgun and Amazon SES call a temporary failure "deferred" themselves.
        ("Mailgun", _event("deferred"), "delayed", False),
        ("Mailgun", _event("bounced", "bounced"), "bounced", True),
        ("Amazon SES", _event("complained", "spam"), "complained", True),
        # A virus filter turning one message away says nothing against the address.
        (
            "Postmark",
            _event("bounced", "other", {"Type": "VirusNotification"}),
            "not_delivered",
            False,
        ),
        # The provider would not try: it knows the address bounces.
        ("SendGrid", _event("rejected", "bounced"), "bounced", True),
        ("SendGrid", _event("rejected", "blocked"), "", False),
        ("SendGrid", _event("opened"), "", False),
        ("SendGrid", _event("delivered"), "delivered", False),
    ],
)
def test_each_providers_report_is_read_in_the_outbox_terms(sent, esp, event, status, blocked):
    tracking.send(sender=object, event=event, esp_name=esp)
    sent.refresh_from_db()
    assert sent.delivery_status == status
    assert EmailSuppression.objects.filter(address="anna@clinic.test").exists() == blocked


def test_a_second_provider_end_to_end_through_its_webhook(sent, client, settings):
    """Brevo's own payloads on its webhook address: the same rule as Postmark's."""
    settings.EMAIL_PROVIDER = "brevo"
    settings.ANYMAIL = {"WEBHOOK_SECRET": ["brevo:secret"]}
    auth = "Basic " + base64.b64encode(b"brevo:secret").decode()

    def post(kind):
        payload = {
            "event": kind,
            "email": "anna@clinic.test",
            "id": 1,
            "message-id": "<provider-id-2@smtp-relay.mailin.fr>",
            "ts_epoch": int(dt.datetime.now(dt.UTC).timestamp() * 1000),
            "reason": "mailbox full" if kind == "soft_bounce" else "user unknown",
            "X-Mailin-custom": json.dumps({"reminder": sent.reference}),
        }
        return client.post(
            "/anymail/brevo/tracking/",
            data=json.dumps(payload),
            content_type="application/json",
            HTTP_AUTHORIZATION=auth,
        )

    assert post("soft_bounce").status_code == 200
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.DELAYED
    assert not EmailSuppression.objects.exists()
    assert post("hard_bounce").status_code == 200
    sent.refresh_from_db()
    assert sent.delivery_status == DeliveryStatus.BOUNCED
    block = EmailSuppression.objects.get()
    assert (block.address, block.provider, block.description) == (
        "anna@clinic.test",
        "Brevo",
        "user unknown",
    )
