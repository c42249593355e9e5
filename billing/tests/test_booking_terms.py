"""Booking online a type that needs a deposit: the cancellation policy is shown, accepted,
and recorded with the booking, which is held until the deposit is paid."""

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from billing.models import CancellationPolicy, Deposit, DepositStatus
from scheduling.models import Appointment
from scheduling.tests.public_booking_fixtures import details, details_url
from tests.clock import MONDAY, at

pytestmark = pytest.mark.django_db
START = at(MONDAY, "10:00")
NOW = START - dt.timedelta(days=6)
POLICY_LINE = "the deposit is kept"


@pytest.fixture(autouse=True)
def _own_rate_limit_counters(settings):
    # Rate-limit counters live in the default cache and would outlive a test.
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "terms"}
    }
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def booking_now(deposit_clinic, freeze_now):
    freeze_now(NOW)
    return deposit_clinic


def test_the_policy_is_shown_and_must_be_accepted_or_nothing_is_booked(client, booking_now):
    page = client.get(details_url(START)).content.decode()
    assert "Cancellation policy" in page
    assert POLICY_LINE in page
    assert 'name="accept_terms"' in page
    assert 'value="billing.cancellation:1"' in page

    refused = client.post(details_url(START), details(START, terms_shown="billing.cancellation:1"))
    assert refused.status_code == 200
    assert "Please tick the box to accept the cancellation policy." in refused.content.decode()
    assert "Thinning at the crown since 2019." in refused.content.decode()
    assert not Appointment.objects.exists()


def test_an_accepted_policy_is_recorded_and_the_booking_held_for_its_deposit(client, booking_now):
    response = client.post(
        details_url(START),
        details(START, accept_terms="on", terms_shown="billing.cancellation:1"),
    )
    assert response.status_code == 302
    deposit = Deposit.objects.get()
    assert deposit.appointment.starts_at == START
    assert deposit.amount == Decimal("50.00")
    assert deposit.status == DepositStatus.DUE
    assert deposit.policy.version == 1
    assert deposit.policy_accepted_at == NOW
    assert deposit.pay_by == NOW + dt.timedelta(hours=24)
    # The thank-you page says so, with the link to pay.
    thanks = client.get(response.url).content.decode()
    assert "Please pay your deposit of £50.00 by" in thanks
    assert "/pay/deposit/" in thanks and ">Pay the deposit</a>" in thanks


def test_a_policy_published_while_the_client_was_booking_must_be_read_again(client, booking_now):
    client.get(details_url(START))
    CancellationPolicy.objects.create(version=2, text="New rules: 72 hours' notice.")
    response = client.post(
        details_url(START),
        details(START, accept_terms="on", terms_shown="billing.cancellation:1"),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "terms changed while you were booking" in page
    assert "72 hours&#x27; notice" in page
    assert 'value="billing.cancellation:2"' in page
    assert "Whitaker" in page  # nothing typed is lost
    assert not Appointment.objects.exists()

    response = client.post(
        details_url(START),
        details(START, accept_terms="on", terms_shown="billing.cancellation:2"),
    )
    assert response.status_code == 302
    assert Deposit.objects.get().policy.version == 2


def test_a_type_without_a_deposit_asks_for_no_terms(client, clinic, freeze_now):
    freeze_now(NOW)
    page = client.get(details_url(START)).content.decode()
    assert "accept_terms" not in page
    assert client.post(details_url(START), details(START)).status_code == 302
    assert not Deposit.objects.exists()


def test_the_api_gives_the_terms_with_the_free_times_and_requires_them(client, booking_now):
    free = client.get(
        reverse("api:availability"),
        {"type": "consultation", "start": START.date().isoformat(), "days": 1},
    ).json()
    [terms] = free["terms"]
    assert terms["key"] == "billing.cancellation:1"
    assert POLICY_LINE in terms["text"]

    body = {
        "type": "consultation",
        "start": START.isoformat(),
        "client": {"first_name": "Lee", "last_name": "Moss", "email": "lee@example.com"},
    }
    url = reverse("api:bookings")
    refused = client.post(url, json.dumps(body), content_type="application/json")
    assert refused.status_code == 400
    assert "accepted_terms" in refused.json()
    assert not Appointment.objects.exists()

    body["accepted_terms"] = [terms["key"]]
    booked = client.post(url, json.dumps(body), content_type="application/json")
    assert booked.status_code == 201
    assert Deposit.objects.get().policy.version == 1


def test_the_client_is_asked_by_email_to_pay_the_deposit_of_a_held_booking(
    client, booking_now, settings
):
    from django.core import mail

    from reminders.dispatch import dispatch_due

    client.post(
        details_url(START),
        details(START, accept_terms="on", terms_shown="billing.cancellation:1"),
    )
    dispatch_due()
    [email] = [m for m in mail.outbox if "deposit" in m.subject]
    assert email.subject == "Please pay your deposit to keep your Free consultation"
    assert "£50.00" in email.body
    assert "/pay/deposit/" in email.body
    pay_by = NOW + dt.timedelta(hours=24)
    assert f"{pay_by:%A} {pay_by.day} {pay_by:%B} at" in email.body
