"""Money as a client meets it: booking online a visit that needs a deposit, accepting the
cancellation policy, paying through the card provider (a stand-in for Stripe on
127.0.0.1, which signs its webhook as Stripe does), and finding the receipt in the
portal; and a late cancellation that keeps the deposit under the policy accepted."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from billing import deposits, ledger
from billing.models import Deposit, DepositKind, DepositRule, DepositStatus, EntryKind, LedgerEntry
from billing.tests.fixtures import money_defaults
from reminders.dispatch import dispatch_due
from scheduling.models import Appointment, AppointmentType
from scheduling.tokens import manage_token_for
from tests.browser.conftest import bookable_weekday

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def paid_consultation(open_clinic):
    money_defaults()
    consultation = AppointmentType.objects.get(slug="consultation")
    consultation.price = Decimal("50.00")
    consultation.save(update_fields=["price"])
    DepositRule.objects.create(
        appointment_type=consultation, kind=DepositKind.FIXED, value=Decimal("50.00")
    )
    return open_clinic


def test_a_client_books_online_pays_the_deposit_and_finds_the_receipt(
    page, paid_consultation, stripe_standin, live_server, settings, screenshots
):
    settings.SITE_URL = live_server.url
    stripe_standin.webhook_url = f"{live_server.url}/pay/webhook/"
    page.set_viewport_size(PHONE)
    day = bookable_weekday()
    day_label = f"{day:%A} {day.day} {day:%B}"

    page.goto("/book/")
    expect(page.get_by_text("£50.00")).to_be_visible()
    page.get_by_role("link", name=re.compile("At the clinic")).click()
    page.get_by_role("link", name=f"10:00 on {day_label}").click()
    expect(page.get_by_test_id("terms")).to_contain_text("Cancellation policy")
    page.get_by_label("First name").fill("Lee")
    page.get_by_label("Last name").fill("Moss")
    page.get_by_label("Email").fill("lee.moss@example.com")
    page.get_by_label("Mobile phone").fill("07911 123456")
    page.get_by_role("button", name="Book this appointment").click()
    # Not accepted: refused in place, nothing lost.
    expect(
        page.get_by_text("Please tick the box to accept the cancellation policy.")
    ).to_be_visible()
    expect(page.get_by_label("First name")).to_have_value("Lee")
    assert not Appointment.objects.exists()
    page.get_by_label("I have read and accept the cancellation policy.").check()
    page.screenshot(path=screenshots / "deposit-booking-terms-phone.png", full_page=True)
    page.get_by_role("button", name="Book this appointment").click()

    expect(page.get_by_role("heading", name="Thank you, you are booked")).to_be_visible()
    expect(page.get_by_test_id("client-note")).to_contain_text("Please pay your deposit of £50.00")
    deposit = Deposit.objects.get()
    assert deposit.policy.version == 1 and deposit.status == DepositStatus.DUE
    page.get_by_role("link", name="Pay the deposit").click()

    expect(page.get_by_role("heading", name="Your deposit")).to_be_visible()
    page.screenshot(path=screenshots / "deposit-pay-phone.png", full_page=True)
    page.get_by_role("button", name="Pay £50.00 by card").click()
    # The provider's page (the stand-in), then back to the clinic once paid.
    expect(page.get_by_role("heading", name="Pay GBP 50.00")).to_be_visible()
    page.get_by_role("button", name="Pay").click()
    expect(page.get_by_test_id("paid")).to_contain_text("Your deposit of £50.00 is paid")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=screenshots / "deposit-paid-phone.png", full_page=True)

    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.PAID
    payment = LedgerEntry.objects.get(kind=EntryKind.PAYMENT)
    assert payment.method == "online_card" and payment.receipt_number == 1

    # The receipt reaches the client by email and waits in their portal.
    dispatch_due()
    assert any("Receipt 000001" in m.subject for m in mail.outbox)
    page.goto("/portal/")
    page.get_by_label("Your email address").fill("lee.moss@example.com")
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_test_id("signin-sent")).to_be_visible()
    link = next(
        re.search(r"http\S+/portal/sign-in/\S+/", m.body).group(0)
        for m in mail.outbox
        if "/portal/sign-in/" in m.body
    )
    page.goto(link)
    page.get_by_role("button", name="Sign me in").click()
    page.get_by_role("link", name="Payments").click()
    expect(page.get_by_test_id("receipt-row")).to_contain_text("£50.00")
    page.screenshot(path=screenshots / "portal-payments-phone.png", full_page=True)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("Download receipt 000001")).click()
    assert download.value.suggested_filename == "receipt-000001.pdf"


def test_a_late_cancellation_keeps_the_deposit_under_the_policy_shown_at_booking(
    page, paid_consultation, live_server, settings, screenshots
):
    settings.SITE_URL = live_server.url
    people = paid_consultation
    start = (timezone.now() + dt.timedelta(hours=20)).replace(second=0, microsecond=0)
    appointment = Appointment.objects.create(
        client=people.record_a,
        type=AppointmentType.objects.get(slug="consultation"),
        artist=people.artist,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=45),
        blocked_until=start + dt.timedelta(minutes=60),
    )
    from billing.models import CancellationPolicy

    deposit = Deposit.objects.create(
        appointment=appointment,
        client=people.record_a,
        amount=Decimal("50.00"),
        policy=CancellationPolicy.current(),
        policy_accepted_at=timezone.now() - dt.timedelta(days=3),
    )
    deposits.take_deposit(deposit, method="card_terminal", by=people.front_desk)
    page.set_viewport_size(PHONE)

    page.goto(f"/book/manage/{manage_token_for(appointment)}/")
    expect(page.get_by_test_id("cancel-notice")).to_contain_text(
        "Under the cancellation policy you accepted (version 1), your deposit of £50.00 is kept"
    )
    page.screenshot(path=screenshots / "deposit-late-cancel-phone.png", full_page=True)
    page.get_by_role("button", name="Cancel my appointment").click()

    expect(page.get_by_test_id("cancelled")).to_be_visible()
    expect(page.get_by_test_id("client-note")).to_contain_text(
        "Your deposit of £50.00 was kept under the cancellation policy you accepted (version 1)."
    )
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.FORFEITED
    assert ledger.client_balance(people.record_a).owed == Decimal("0.00")
