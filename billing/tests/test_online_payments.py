"""Paying a deposit online through Stripe Checkout: the Stripe library talks to a stand-in
on 127.0.0.1 that answers as Stripe documents, and webhooks are signed as Stripe signs
them and checked by the library's own code."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import online
from billing.models import (
    Deposit,
    DepositStatus,
    EntryKind,
    LedgerEntry,
    OnlinePayment,
    OnlinePaymentStatus,
    ProviderEvent,
)
from billing.tests.stripe_standin import signed_event
from scheduling.booking import booking_cancel
from scheduling.tests.diary_fixtures import book
from tests.clock import MONDAY, at

pytestmark = pytest.mark.django_db
BEFORE = at(MONDAY, "10:00") - dt.timedelta(days=7)
WEBHOOK = reverse("billing_online:webhook")


@pytest.fixture
def due(deposit_clinic):
    appointment = book(deposit_clinic, at(MONDAY, "10:00"), now=BEFORE)
    return appointment.deposit


def post_event(client, payload, signature):
    return client.post(
        WEBHOOK, payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=signature
    )


def pay_url(deposit):
    return reverse("billing_online:pay_deposit", args=[online.pay_token(deposit)])


def test_paying_opens_a_checkout_session_for_the_deposit_in_pence(client, due, stripe_standin):
    page = client.get(pay_url(due)).content.decode()
    assert "Pay £50.00 by card" in page

    response = client.post(pay_url(due))

    [request] = stripe_standin.requests
    item = request["params"]["line_items"]["0"]
    assert item["price_data"]["unit_amount"] == "5000"
    assert item["price_data"]["currency"] == "gbp"
    assert request["params"]["metadata"]["deposit_id"] == str(due.pk)
    assert request["params"]["customer_email"] == "anna@clinic.test"
    assert request["idempotency_key"] == f"deposit-{due.pk}-1"
    payment = OnlinePayment.objects.get()
    assert response.status_code == 302
    assert response.url == payment.url == f"{stripe_standin.url}/checkout/{payment.provider_id}"
    assert (payment.amount, payment.status) == (Decimal("50.00"), OnlinePaymentStatus.OPEN)

    # Pressing pay again (back button) reuses the open session: no second one.
    client.post(pay_url(due))
    assert len(stripe_standin.requests) == 1
    assert OnlinePayment.objects.count() == 1


def test_the_signed_completed_event_marks_the_deposit_paid_once(client, due, stripe_standin):
    client.post(pay_url(due))
    payment = OnlinePayment.objects.get()
    payload, signature = signed_event(
        "checkout.session.completed", stripe_standin.completed(payment.provider_id)
    )

    assert post_event(client, payload, signature).status_code == 200

    due.refresh_from_db()
    assert due.status == DepositStatus.PAID
    [entry] = LedgerEntry.objects.all()
    assert (entry.kind, entry.method, entry.amount) == (
        EntryKind.PAYMENT,
        "online_card",
        Decimal("50.00"),
    )
    assert entry.receipt_number == 1
    assert entry.key == f"stripe:{payment.provider_id}"
    payment.refresh_from_db()
    assert payment.status == OnlinePaymentStatus.PAID

    # The same event again, and the same payment under another event id: nothing twice.
    assert post_event(client, payload, signature).status_code == 200
    payload2, signature2 = signed_event(
        "checkout.session.completed", stripe_standin.completed(payment.provider_id)
    )
    assert post_event(client, payload2, signature2).status_code == 200
    assert LedgerEntry.objects.count() == 1
    # An expiry arriving late leaves a paid payment paid.
    payload3, signature3 = signed_event(
        "checkout.session.expired", stripe_standin.sessions[payment.provider_id]
    )
    post_event(client, payload3, signature3)
    payment.refresh_from_db()
    assert payment.status == OnlinePaymentStatus.PAID

    page = client.get(reverse("billing_online:paid", args=[online.pay_token(due)]))
    assert "Your deposit of £50.00 is paid" in page.content.decode()


def test_a_wrong_or_missing_signature_is_refused_and_changes_nothing(client, due, stripe_standin):
    client.post(pay_url(due))
    payment = OnlinePayment.objects.get()
    payload, _ = signed_event(
        "checkout.session.completed", stripe_standin.completed(payment.provider_id)
    )
    _, forged = signed_event(
        "checkout.session.completed",
        stripe_standin.completed(payment.provider_id),
        secret="whsec_someone_else",
    )
    assert post_event(client, payload, forged).status_code == 400
    assert client.post(WEBHOOK, payload, content_type="application/json").status_code == 400
    assert post_event(client, "not json", "t=1,v1=00").status_code == 400
    due.refresh_from_db()
    assert due.status == DepositStatus.DUE
    assert not LedgerEntry.objects.exists()
    assert not ProviderEvent.objects.exists()


def test_an_unknown_session_or_a_wrong_amount_records_nothing(client, due, stripe_standin):
    client.post(pay_url(due))
    payment = OnlinePayment.objects.get()
    unknown = {**stripe_standin.completed(payment.provider_id), "id": "cs_test_elsewhere"}
    response = post_event(client, *signed_event("checkout.session.completed", unknown))
    assert response.status_code == 200
    assert "Unknown checkout session" in response.content.decode()

    cheaper = stripe_standin.completed(payment.provider_id, amount_total=100)
    response = post_event(client, *signed_event("checkout.session.completed", cheaper))
    assert "does not match" in response.content.decode()
    assert not LedgerEntry.objects.exists()
    due.refresh_from_db()
    assert due.status == DepositStatus.DUE
    assert ProviderEvent.objects.filter(outcome__contains="does not match").count() == 1


def test_money_paid_for_a_booking_released_meanwhile_is_kept_as_credit(
    client, due, stripe_standin, deposit_clinic
):
    client.post(pay_url(due))
    payment = OnlinePayment.objects.get()
    booking_cancel(
        appointment=due.appointment,
        reason="Client rang to cancel",
        by=deposit_clinic.people.front_desk,
    )
    due.refresh_from_db()
    assert due.status == DepositStatus.RELEASED

    response = post_event(
        client,
        *signed_event("checkout.session.completed", stripe_standin.completed(payment.provider_id)),
    )

    assert "recorded as credit" in response.content.decode()
    [entry] = LedgerEntry.objects.all()
    assert entry.kind == EntryKind.PAYMENT and entry.amount == Decimal("50.00")
    due.refresh_from_db()
    assert due.status == DepositStatus.RELEASED


def test_a_tampered_link_is_not_found_and_a_paid_deposit_offers_no_button(
    client, due, stripe_standin, deposit_clinic
):
    token = online.pay_token(due)
    assert (
        client.get(reverse("billing_online:pay_deposit", args=[token[:-2] + "xx"])).status_code
        == 404
    )
    assert client.get(reverse("billing_online:pay_deposit", args=["1"])).status_code == 404
    from billing import deposits

    deposits.take_deposit(due, method="cash", by=deposit_clinic.people.front_desk)
    page = client.get(pay_url(due)).content.decode()
    assert "Pay £50.00 by card" not in page
    assert "Paid. Thank you" in page
    assert client.post(pay_url(due)).status_code == 400
    assert stripe_standin.requests == []


def test_when_the_provider_fails_the_client_is_told_and_nothing_is_charged(
    client, due, stripe_standin
):
    stripe_standin.fail_next = 5  # every retry the library makes fails too
    response = client.post(pay_url(due))
    assert response.status_code == 503
    assert "Nothing was charged" in response.content.decode()
    assert not OnlinePayment.objects.exists()


def test_without_a_provider_the_page_asks_the_client_to_call(client, due, settings):
    settings.STRIPE_SECRET_KEY = ""
    page = client.get(pay_url(due)).content.decode()
    assert 'data-testid="call-to-pay"' in page
    assert "by card</button>" not in page
    assert client.post(pay_url(due)).status_code == 400


def test_the_event_is_json_the_library_parses(due, stripe_standin):
    payload, _ = signed_event("checkout.session.expired", {"id": "cs_x"})
    assert json.loads(payload)["type"] == "checkout.session.expired"
    assert Deposit.objects.get(pk=due.pk).status == DepositStatus.DUE


def test_the_pay_page_lets_its_form_lead_to_the_providers_checkout_only(
    client, due, stripe_standin, settings
):
    settings.STRIPE_CHECKOUT_ORIGIN = "https://checkout.stripe.com"
    policy = client.get(pay_url(due))["Content-Security-Policy"]
    assert "form-action 'self' https://checkout.stripe.com" in policy
    settings.STRIPE_SECRET_KEY = ""
    assert "checkout.stripe.com" not in client.get(pay_url(due))["Content-Security-Policy"]


def test_a_client_pays_what_they_owe_from_the_portal(
    client, deposit_clinic, stripe_standin, as_user
):
    from billing import ledger

    ledger.record_charge(client=deposit_clinic.anna, amount="120", description="Touch-up")
    portal = as_user(deposit_clinic.people.client_a)
    page = portal.get(reverse("portal:payments")).content.decode()
    assert "Pay £120.00 by card" in page

    response = portal.post(reverse("portal:pay_balance"))
    payment = OnlinePayment.objects.get()
    assert response.url == payment.url
    assert (
        stripe_standin.requests[0]["params"]["line_items"]["0"]["price_data"]["unit_amount"]
        == "12000"
    )

    post_event(
        client,
        *signed_event("checkout.session.completed", stripe_standin.completed(payment.provider_id)),
    )
    assert ledger.client_balance(deposit_clinic.anna).owed == Decimal("0.00")
    page = portal.get(reverse("portal:payments")).content.decode()
    assert "Nothing to pay." in page and "by card</button>" not in page
    # Nothing owed: nothing to pay online.
    portal.post(reverse("portal:pay_balance"))
    assert len(stripe_standin.requests) == 1
