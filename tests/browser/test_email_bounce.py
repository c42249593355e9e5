"""A bouncing email address as the front desk meets it: on the client's record and the
reminders list, readable (WCAG AA, no CSP refusals) wide and on a phone, and cleared
with one button."""

import datetime as dt

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from playwright.sync_api import expect

from reminders.deliverability import EmailEvent, email_event_record
from reminders.models import EmailSuppression, Reminder, ReminderKind
from tests.browser.conftest import take_session

pytestmark = pytest.mark.django_db(transaction=True)

WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def serious_problems(page) -> list[str]:
    results = Axe().run(
        page, options={"runOnly": {"type": "tag", "values": WCAG_AA}, "resultTypes": []}
    )
    return [
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes'][:3]]}"
        for v in results.response["violations"]
        if v["impact"] in {"serious", "critical"}
    ]


def test_the_desk_sees_the_bounce_and_clears_it(page, live_server, people, screenshots):
    anna = people.record_a
    sent = Reminder.objects.create(
        key="browser:sent",
        client=anna,
        kind=ReminderKind.APPOINTMENT_REMINDER,
        due_at=timezone.now() - dt.timedelta(hours=1),
        status="sent",
        channel="email",
        sent_to=anna.email,
        sent_at=timezone.now() - dt.timedelta(hours=1),
        provider_message_id="provider-id",
    )
    bounced_at = timezone.now() - dt.timedelta(minutes=30)
    email_event_record(
        event=EmailEvent.BOUNCED,
        recipient=anna.email,
        reference=sent.reference,
        at=bounced_at,
        description="The server was unable to deliver your message (mailbox not found).",
        provider="Postmark",
    )
    refused = []
    page.on(
        "console",
        lambda message: refused.append(message.text) if "Refused" in message.text else None,
    )
    take_session(page, live_server, people.front_desk)
    record = reverse("clients:detail", args=[anna.pk])

    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 860})
        page.goto(record)
        block = page.get_by_test_id("email-block")
        expect(block).to_contain_text(
            "Email bouncing: hard bounce since "
            + format_date(timezone.localtime(bounced_at), "j F Y")
        )
        expect(block).to_contain_text("mailbox not found")
        expect(page.get_by_test_id("client-reminders").get_by_test_id("delivery")).to_have_text(
            "Bounced"
        )
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert serious_problems(page) == []
        page.screenshot(path=screenshots / f"email-bounce-record-{width}.png", full_page=True)
        page.goto(reverse("reminders:list") + "?tab=sent")
        expect(page.get_by_test_id(f"reminder-{sent.pk}").get_by_test_id("delivery")).to_have_text(
            "Bounced"
        )
        assert serious_problems(page) == []

    page.goto(record)
    page.get_by_role("button", name="Their mailbox works again: clear").click()
    expect(page.get_by_text(f"Email will be sent to {anna.email} again.")).to_be_visible()
    expect(page.get_by_test_id("email-block")).to_have_count(0)
    assert page.url.endswith(record)
    assert EmailSuppression.objects.get().cleared_by == people.front_desk
    assert refused == []
