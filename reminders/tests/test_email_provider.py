"""Email through a real provider's API (Postmark, through django-anymail), and what its
delivery reports do: a hard bounce or a spam complaint stops email to the address, shown
on the client's record and the reminders list, until staff clear it or the address changes.

Postmark is a stand-in on 127.0.0.1 (postmark_standin.py) answering as Postmark documents;
its webhook reports are posted to the app as Postmark posts them, with basic auth.
"""

import base64
import datetime as dt
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date

from clients.services import client_create, client_update
from reminders import dispatch, outbox, sms
from reminders.models import (
    Channel,
    DeliveryStatus,
    EmailSuppression,
    Reminder,
    ReminderKind,
    ReminderSettings,
    ReminderStatus,
    SuppressionReason,
)
from sessions_app import plans
from sessions_app.models import TreatmentPlan

from .postmark_standin import WEBHOOK_SECRET, bounce, delivery, soft_bounce, spam_complaint

WEBHOOK = "/anymail/postmark/tracking/"
LIST = reverse("reminders:list")


def _basic(secret: str) -> str:
    return "Basic " + base64.b64encode(secret.encode()).decode()


def report(client, payload, *, secret: str | None = WEBHOOK_SECRET, url: str = WEBHOOK):
    """Post one of Postmark's webhook reports to the app, as Postmark does."""
    headers = {"HTTP_AUTHORIZATION": _basic(secret)} if secret is not None else {}
    body = payload if isinstance(payload, str) else json.dumps(payload)
    return client.post(url, data=body, content_type="application/json", **headers)


def on_record(day: dt.datetime) -> str:
    return format_date(timezone.localtime(day), "j F Y")


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


@pytest.fixture
def no_phone(people):
    """A client with an email address and no mobile number."""
    return client_create(
        first_name="Nia",
        last_name="Lowe",
        email="nia@clinic.test",
        contact_consent=True,
        created_by=people.front_desk,
    )


def recall(client, people, key: str) -> Reminder:
    """A touch-up recall due now, written through the outbox as a completed plan writes it."""
    plan = TreatmentPlan.objects.filter(client=client).first()
    if plan is None:
        plan = plans.plan_create(client=client, lead_artist=people.artist)
        TreatmentPlan.objects.filter(pk=plan.pk).update(status="completed")
    return outbox.schedule(
        key=f"test:{key}",
        client=client,
        kind=ReminderKind.TOUCH_UP_RECALL,
        due_at=timezone.now() - dt.timedelta(minutes=1),
        plan=plan,
    )


def sent_by_postmark(anna, people, postmark) -> tuple[Reminder, dict]:
    reminder = recall(anna, people, "first")
    assert dispatch.dispatch_due() == 1
    reminder.refresh_from_db()
    return reminder, postmark.sent[-1]


# --- sending ---------------------------------------------------------------------------


def test_a_reminder_goes_out_through_postmark_with_its_reference(anna, people, postmark):
    reminder, message = sent_by_postmark(anna, people, postmark)

    [request] = postmark.requests
    assert request["path"] == "/email"
    assert request["headers"]["X-Postmark-Server-Token"] == "postmark-standin-server-token"
    assert message["To"] == "anna@clinic.test"
    assert message["Subject"] == "Time for a touch-up?"
    assert "Hello Anna" in message["TextBody"] and "Hello Anna" in message["HtmlBody"]
    # The reference comes back in Postmark's reports; the kind files it in its statistics.
    assert message["Metadata"] == {"reminder": f"reminder-{reminder.pk}"}
    assert message["Tag"] == "touch_up_recall"
    assert {"Name": "X-Reminder-Reference", "Value": f"reminder-{reminder.pk}"} in message[
        "Headers"
    ]
    assert reminder.status == ReminderStatus.SENT
    assert reminder.channel == Channel.EMAIL and reminder.sent_to == "anna@clinic.test"
    [answer] = request["answers"]
    assert reminder.provider_message_id == answer["MessageID"] != ""
    assert reminder.delivery_status == DeliveryStatus.UNKNOWN


def test_postmark_down_puts_the_reminder_back_for_later(anna, people, postmark):
    postmark.fail_next = 1
    reminder = recall(anna, people, "outage")
    assert dispatch.dispatch_due() == 0
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert reminder.due_at > timezone.now()
    assert "Postmark API response 500" in reminder.last_error
    assert postmark.sent == []
    assert not EmailSuppression.objects.exists()


def test_a_wrong_server_token_is_an_error_staff_see_not_a_lost_message(
    anna, people, postmark, settings
):
    settings.ANYMAIL = {**settings.ANYMAIL, "POSTMARK_SERVER_TOKEN": "not-the-token"}
    reminder = recall(anna, people, "token")
    dispatch.dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.PENDING
    assert "The Server Token you provided" in reminder.last_error
    assert reminder.provider_message_id == ""


def test_an_address_postmark_calls_inactive_fails_at_once_and_is_blocked(anna, people, postmark):
    postmark.inactive.add("anna@clinic.test")
    reminder = recall(anna, people, "inactive")
    assert dispatch.dispatch_due() == 0
    reminder.refresh_from_db()
    # Trying again cannot help: failed at the first attempt, with Postmark's words.
    assert reminder.status == ReminderStatus.FAILED
    assert reminder.attempts == 1
    assert "marked as inactive" in reminder.last_error
    block = EmailSuppression.objects.get()
    assert block.address == "anna@clinic.test"
    assert block.reason == SuppressionReason.REFUSED
    assert block.client == anna and block.provider == "Postmark"
    assert postmark.sent == []


def test_an_address_postmark_finds_invalid_fails_without_blocking_it(no_phone, people, postmark):
    postmark.invalid.add("nia@clinic.test")
    reminder = recall(no_phone, people, "invalid")
    dispatch.dispatch_due()
    reminder.refresh_from_db()
    assert reminder.status == ReminderStatus.FAILED
    assert "Invalid 'To' address" in reminder.last_error
    # A malformed address is fixed on the record; there is nothing to block.
    assert not EmailSuppression.objects.exists()


# --- the webhook: hard bounce, complaint, delivery, soft bounce ------------------------


def test_a_hard_bounce_blocks_the_address_and_shows_everywhere(
    anna, people, postmark, client, as_user
):
    reminder, message = sent_by_postmark(anna, people, postmark)
    bounced_at = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=3)

    response = report(
        client,
        bounce(
            email="Anna@Clinic.test",
            message_id=reminder.provider_message_id,
            metadata=message["Metadata"],
            at=bounced_at,
        ),
    )

    assert response.status_code == 200
    block = EmailSuppression.objects.get()
    assert block.address == "anna@clinic.test"
    assert block.reason == SuppressionReason.BOUNCED
    assert block.since == bounced_at
    assert "mailbox not found" in block.description and "550 5.1.1" in block.description
    assert block.client == anna and block.cleared_at is None
    assert block.message_id == reminder.provider_message_id
    reminder.refresh_from_db()
    assert reminder.delivery_status == DeliveryStatus.BOUNCED
    assert "mailbox not found" in reminder.delivery_detail
    assert reminder.delivery_reported_at == bounced_at

    desk = as_user(people.front_desk)
    record = desk.get(reverse("clients:detail", args=[anna.pk])).content.decode()
    assert f"Email bouncing:</strong> hard bounce since {on_record(bounced_at)}" in record
    assert "Their mailbox works again: clear" in record
    sent_tab = desk.get(LIST + "?tab=sent").content.decode()
    assert 'data-testid="delivery">Bounced</span>' in sent_tab
    assert "mailbox not found" in sent_tab


def test_after_a_bounce_the_next_reminder_goes_by_text_to_a_client_with_a_mobile(
    anna, people, postmark, client
):
    reminder, message = sent_by_postmark(anna, people, postmark)
    report(client, bounce(email="anna@clinic.test", message_id=reminder.provider_message_id))
    # No quiet hours: the text goes whatever the time of day the test runs.
    rules = ReminderSettings.current()
    rules.quiet_hours_start = rules.quiet_hours_end = dt.time(0, 0)
    rules.save()

    following = recall(anna, people, "second")
    assert dispatch.dispatch_due() == 1

    following.refresh_from_db()
    assert following.status == ReminderStatus.SENT
    assert following.channel == Channel.SMS and following.sent_to == "+447911123001"
    assert len(postmark.sent) == 1, "nothing more went to the bouncing address"
    assert [text.reference for text in sms.outbox] == [following.reference]


def test_after_a_bounce_a_client_with_only_email_gets_nothing_and_staff_see_why(
    no_phone, people, postmark, client, as_user
):
    reminder, _message = sent_by_postmark(no_phone, people, postmark)
    report(client, bounce(email="nia@clinic.test", message_id=reminder.provider_message_id))

    following = recall(no_phone, people, "second")
    assert dispatch.dispatch_due() == 0

    following.refresh_from_db()
    assert following.status == ReminderStatus.SKIPPED
    assert "Email to nia@clinic.test bounces (hard bounce since" in following.last_error
    assert "clear the block on their record" in following.last_error
    assert len(postmark.sent) == 1 and sms.outbox == []
    not_sent = as_user(people.front_desk).get(LIST + "?tab=not_sent").content.decode()
    assert f'data-testid="reminder-{following.pk}"' in not_sent
    assert "Email to nia@clinic.test bounces" in not_sent


def test_a_spam_complaint_blocks_the_address(anna, people, postmark, client, as_user):
    reminder, message = sent_by_postmark(anna, people, postmark)
    complained_at = timezone.now().replace(microsecond=0) - dt.timedelta(hours=2)
    report(
        client,
        spam_complaint(
            email="anna@clinic.test",
            message_id=reminder.provider_message_id,
            metadata=message["Metadata"],
            at=complained_at,
        ),
    )
    block = EmailSuppression.objects.get()
    assert block.reason == SuppressionReason.COMPLAINED and block.since == complained_at
    reminder.refresh_from_db()
    assert reminder.delivery_status == DeliveryStatus.COMPLAINED
    page = as_user(people.front_desk)
    record = page.get(reverse("clients:detail", args=[anna.pk])).content.decode()
    assert f"spam complaint since {on_record(complained_at)}" in record
    assert 'data-testid="delivery">Marked as spam</span>' in record


def test_a_delivery_report_marks_the_reminder_delivered_and_blocks_nothing(
    anna, people, postmark, client, as_user
):
    reminder, message = sent_by_postmark(anna, people, postmark)
    response = report(
        client,
        delivery(
            email="anna@clinic.test",
            message_id=reminder.provider_message_id,
            metadata=message["Metadata"],
        ),
    )
    assert response.status_code == 200
    reminder.refresh_from_db()
    assert reminder.delivery_status == DeliveryStatus.DELIVERED
    assert not EmailSuppression.objects.exists()
    sent_tab = as_user(people.front_desk).get(LIST + "?tab=sent").content.decode()
    assert 'data-testid="delivery">Delivered</span>' in sent_tab


def test_a_soft_bounce_delays_but_does_not_block(anna, people, postmark, client):
    reminder, message = sent_by_postmark(anna, people, postmark)
    report(
        client,
        soft_bounce(
            email="anna@clinic.test",
            message_id=reminder.provider_message_id,
            metadata=message["Metadata"],
        ),
    )
    reminder.refresh_from_db()
    assert reminder.delivery_status == DeliveryStatus.DELAYED
    assert "over quota" in reminder.delivery_detail
    assert not EmailSuppression.objects.exists()

    # Email still goes to the address.
    recall(anna, people, "second")
    assert dispatch.dispatch_due() == 1
    assert len(postmark.sent) == 2 and sms.outbox == []

    # Then it arrives after all: delivered outranks delayed.
    report(client, delivery(email="anna@clinic.test", message_id=reminder.provider_message_id))
    reminder.refresh_from_db()
    assert reminder.delivery_status == DeliveryStatus.DELIVERED


def test_a_late_report_never_makes_a_reminder_less_final(anna, people, postmark, client):
    reminder, message = sent_by_postmark(anna, people, postmark)
    report(client, bounce(email="anna@clinic.test", message_id=reminder.provider_message_id))
    report(client, delivery(email="anna@clinic.test", message_id=reminder.provider_message_id))
    report(client, soft_bounce(email="anna@clinic.test", message_id=reminder.provider_message_id))
    reminder.refresh_from_db()
    assert reminder.delivery_status == DeliveryStatus.BOUNCED


def test_the_reminder_is_found_by_its_message_id_when_the_report_has_no_metadata(
    anna, people, postmark, client
):
    reminder, _message = sent_by_postmark(anna, people, postmark)
    report(client, delivery(email="anna@clinic.test", message_id=reminder.provider_message_id))
    reminder.refresh_from_db()
    assert reminder.delivery_status == DeliveryStatus.DELIVERED


# --- forged, replayed and unknown reports -------------------------------------------------


@pytest.mark.parametrize(
    "secret", [None, "postmark:wrong-password", "someone:webhook-secret-for-tests"]
)
def test_a_report_without_the_right_basic_auth_is_refused_and_changes_nothing(
    anna, people, postmark, client, secret
):
    reminder, message = sent_by_postmark(anna, people, postmark)
    payload = bounce(
        email="anna@clinic.test",
        message_id=reminder.provider_message_id,
        metadata=message["Metadata"],
    )
    response = report(client, payload, secret=secret)
    assert response.status_code == 400
    assert not EmailSuppression.objects.exists()
    reminder.refresh_from_db()
    assert reminder.delivery_status == DeliveryStatus.UNKNOWN
    # The same report with the right auth is taken.
    assert report(client, payload).status_code == 200
    assert EmailSuppression.objects.count() == 1


def test_a_report_sent_twice_changes_nothing_the_second_time(anna, people, postmark, client):
    reminder, message = sent_by_postmark(anna, people, postmark)
    payload = bounce(
        email="anna@clinic.test",
        message_id=reminder.provider_message_id,
        metadata=message["Metadata"],
        at=timezone.now() - dt.timedelta(minutes=5),
    )
    assert report(client, payload).status_code == 200
    block = EmailSuppression.objects.get()
    reminder.refresh_from_db()
    first = (block.since, block.updated_at, reminder.delivery_reported_at, reminder.updated_at)

    assert report(client, payload).status_code == 200
    # A later complaint about the same message does not rewrite when the block started.
    later = spam_complaint(email="anna@clinic.test", message_id=reminder.provider_message_id)
    assert report(client, later).status_code == 200

    block.refresh_from_db()
    assert EmailSuppression.objects.count() == 1
    assert (block.since, block.updated_at, block.reason) == (
        first[0],
        first[1],
        SuppressionReason.BOUNCED,
    )
    reminder.refresh_from_db()
    assert reminder.delivery_status == DeliveryStatus.COMPLAINED


def test_a_report_replayed_after_staff_cleared_the_block_does_not_block_again(
    anna, people, postmark, client, as_user
):
    reminder, message = sent_by_postmark(anna, people, postmark)
    old = bounce(
        email="anna@clinic.test",
        message_id=reminder.provider_message_id,
        at=timezone.now() - dt.timedelta(hours=1),
    )
    report(client, old)
    block = EmailSuppression.objects.get()
    desk = as_user(people.front_desk)
    desk.post(reverse("reminders:email_block_clear", args=[block.pk]))
    block.refresh_from_db()
    assert block.cleared_at is not None

    report(desk, old)
    block.refresh_from_db()
    assert block.cleared_at is not None, "a report from before the clearing is old news"

    # A new bounce after the clearing blocks the address again.
    new_bounce_at = timezone.now().replace(microsecond=0) + dt.timedelta(seconds=1)
    report(desk, bounce(email="anna@clinic.test", message_id="another", at=new_bounce_at))
    block.refresh_from_db()
    assert block.cleared_at is None and block.cleared_by is None
    assert block.since == new_bounce_at


def test_reports_on_messages_the_outbox_does_not_know(people, postmark, client, as_user):
    unknown = "00000000-0000-4000-8000-000000000000"
    # A delivery of someone else's message: nothing to record.
    assert report(client, delivery(email="ben@clinic.test", message_id=unknown)).status_code == 200
    assert not EmailSuppression.objects.exists()
    assert not Reminder.objects.exclude(delivery_status="").exists()
    # A reference to a reminder that does not exist (erased) and an unknown id.
    ghost = delivery(
        email="ben@clinic.test", message_id=unknown, metadata={"reminder": "reminder-999999"}
    )
    assert report(client, ghost).status_code == 200

    # A bounce is about the address, whichever message it was: Ben's address is blocked,
    # and his record (found by the address) says so.
    assert report(client, bounce(email="ben@clinic.test", message_id=unknown)).status_code == 200
    block = EmailSuppression.objects.get()
    assert block.address == "ben@clinic.test" and block.client is None
    record = as_user(people.front_desk).get(reverse("clients:detail", args=[people.record_b.pk]))
    assert b"Email bouncing:</strong> hard bounce since" in record.content


def test_a_report_naming_another_address_than_the_reminder_went_to(anna, people, postmark, client):
    reminder, message = sent_by_postmark(anna, people, postmark)
    report(
        client,
        bounce(
            email="someone-else@clinic.test",
            message_id=reminder.provider_message_id,
            metadata=message["Metadata"],
        ),
    )
    reminder.refresh_from_db()
    assert reminder.delivery_status == DeliveryStatus.UNKNOWN
    assert EmailSuppression.objects.get().address == "someone-else@clinic.test"


@pytest.mark.parametrize("body", ["this is not json", json.dumps(["a", "list"])])
def test_an_unreadable_report_is_a_clear_error_and_changes_nothing(postmark, client, db, body):
    response = report(client, body)
    assert response.status_code == 400
    assert b"could not be read" in response.content
    assert not EmailSuppression.objects.exists()


def test_a_report_without_an_address_or_a_message_records_nothing(postmark, client, db):
    response = report(client, {"RecordType": "Bounce", "Type": "HardBounce"})
    assert response.status_code == 200
    assert not EmailSuppression.objects.exists()


def test_the_webhook_is_closed_unless_a_provider_and_a_secret_are_set(
    postmark, client, settings, db
):
    payload = bounce(email="anna@clinic.test", message_id="x")
    # Another provider than the one the clinic uses.
    assert report(client, payload, url="/anymail/mailgun/tracking/").status_code == 404
    # Not a provider at all.
    assert report(client, payload, url="/anymail/nobody/tracking/").status_code == 404
    settings.ANYMAIL = {k: v for k, v in settings.ANYMAIL.items() if k != "WEBHOOK_SECRET"}
    assert report(client, payload).status_code == 404
    settings.EMAIL_PROVIDER = ""
    assert report(client, payload).status_code == 404
    assert not EmailSuppression.objects.exists()


def test_the_webhook_takes_only_posts(postmark, client, db):
    response = client.get(WEBHOOK, HTTP_AUTHORIZATION=_basic(WEBHOOK_SECRET))
    assert response.status_code == 405


# --- clearing a block ----------------------------------------------------------------


def test_the_front_desk_clears_a_block_from_the_record_and_email_goes_again(
    anna, people, postmark, client, as_user
):
    reminder, _message = sent_by_postmark(anna, people, postmark)
    report(client, bounce(email="anna@clinic.test", message_id=reminder.provider_message_id))
    block = EmailSuppression.objects.get()
    record_url = reverse("clients:detail", args=[anna.pk])

    desk = as_user(people.front_desk)
    response = desk.post(
        reverse("reminders:email_block_clear", args=[block.pk]), {"next": record_url}
    )
    assert response.status_code == 302 and response["Location"] == record_url
    block.refresh_from_db()
    assert block.cleared_at is not None and block.cleared_by == people.front_desk
    page = desk.get(record_url).content.decode()
    assert "Email bouncing" not in page
    assert "Email will be sent to anna@clinic.test again." in page

    recall(anna, people, "after-clearing")
    assert dispatch.dispatch_due() == 1
    assert len(postmark.sent) == 2 and postmark.sent[-1]["To"] == "anna@clinic.test"


def test_a_new_address_is_not_blocked_by_the_old_one(no_phone, people, postmark, client):
    reminder, _message = sent_by_postmark(no_phone, people, postmark)
    report(client, bounce(email="nia@clinic.test", message_id=reminder.provider_message_id))

    client_update(client=no_phone, email="nia.lowe@clinic.test")
    recall(no_phone, people, "new-address")
    assert dispatch.dispatch_due() == 1
    assert postmark.sent[-1]["To"] == "nia.lowe@clinic.test"
    # The old address stays blocked, with the client it was theirs.
    assert EmailSuppression.objects.get().address == "nia@clinic.test"


@pytest.mark.parametrize("who", ["artist", "client_a", "client_b"])
def test_only_those_who_change_client_details_may_clear_a_block(
    anna, people, postmark, client, as_user, who
):
    reminder, _message = sent_by_postmark(anna, people, postmark)
    report(client, bounce(email="anna@clinic.test", message_id=reminder.provider_message_id))
    block = EmailSuppression.objects.get()
    response = as_user(getattr(people, who)).post(
        reverse("reminders:email_block_clear", args=[block.pk])
    )
    assert response.status_code == 403
    block.refresh_from_db()
    assert block.cleared_at is None
    if who == "artist":
        # The artist sees the block on the record but no button to clear it.
        record = as_user(people.artist).get(reverse("clients:detail", args=[anna.pk]))
        assert b"Email bouncing" in record.content
        assert b"Their mailbox works again" not in record.content


def test_clearing_is_a_post_and_an_unknown_block_is_404(people, as_user):
    desk = as_user(people.front_desk)
    assert desk.get(reverse("reminders:email_block_clear", args=[1])).status_code == 405
    assert desk.post(reverse("reminders:email_block_clear", args=[999999])).status_code == 404


def test_clearing_twice_changes_nothing(anna, people, postmark, client, as_user):
    reminder, _message = sent_by_postmark(anna, people, postmark)
    report(client, bounce(email="anna@clinic.test", message_id=reminder.provider_message_id))
    block = EmailSuppression.objects.get()
    desk = as_user(people.front_desk)
    desk.post(reverse("reminders:email_block_clear", args=[block.pk]))
    block.refresh_from_db()
    cleared_at = block.cleared_at
    manager = as_user(people.manager)
    manager.post(reverse("reminders:email_block_clear", args=[block.pk]))
    block.refresh_from_db()
    assert (block.cleared_at, block.cleared_by) == (cleared_at, people.front_desk)
