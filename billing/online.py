"""Online card payments through Stripe Checkout, with the Stripe library.

- `start_deposit_payment` opens a Checkout Session for a due deposit (or hands back the
  open one) and keeps it as an `OnlinePayment`; the client pays on Stripe's page.
- Stripe's webhook (`handle_event`) is the only thing that marks money paid: its
  signature is checked by the library (billing.online_views), each event counts once
  (`ProviderEvent`), and a payment is recorded once (the ledger key "stripe:<session>").
  Money paid for a booking released meanwhile is still recorded, as credit, and said so.
- Without STRIPE_SECRET_KEY online payments are off: the pages ask the client to call.
"""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import stripe
from babel.numbers import get_currency_precision
from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from reminders.wording import site_url
from smpclinic import formats
from smpclinic.clinic import clinic_name

from . import deposits, ledger
from .models import (
    Deposit,
    DepositStatus,
    OnlinePayment,
    OnlinePaymentStatus,
    PaymentMethod,
    ProviderEvent,
)
from .money import currency

logger = logging.getLogger(__name__)

PAY_SALT = "billing.pay-deposit"
PAY_LINK_DAYS = 30
# Stripe keeps a Checkout Session open for 24 hours; ours is reused for less than that.
REUSE_FOR = dt.timedelta(hours=23)


def online_payments_enabled() -> bool:
    return bool(settings.STRIPE_SECRET_KEY)


def _stripe() -> stripe.StripeClient:
    return stripe.StripeClient(
        settings.STRIPE_SECRET_KEY,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=2,
    )


def minor_units(amount: Decimal, code: str) -> int:
    """An amount in the currency's smallest unit, as Stripe counts (pence, cents, yen)."""
    return int((amount * (10 ** get_currency_precision(code))).to_integral_value())


# --- the client's private link --------------------------------------------------------------


def pay_token(deposit: Deposit) -> str:
    return signing.dumps(deposit.pk, salt=PAY_SALT, compress=True)


def deposit_from_token(token: str) -> Deposit | None:
    try:
        pk = signing.loads(token, salt=PAY_SALT, max_age=dt.timedelta(days=PAY_LINK_DAYS))
    except signing.BadSignature:
        return None
    if not isinstance(pk, int) or isinstance(pk, bool):
        return None
    return (
        Deposit.objects.select_related("appointment__type", "appointment__artist", "policy")
        .filter(pk=pk)
        .first()
    )


def pay_link_for(deposit: Deposit) -> str:
    """The client's private link to pay this deposit (absolute, for messages)."""
    return site_url(reverse("billing_online:pay_deposit", args=[pay_token(deposit)]))


# --- starting a payment ---------------------------------------------------------------------


def _checkout(
    *,
    client,
    amount: Decimal,
    name: str,
    reference: str,
    success_url: str,
    cancel_url: str,
    now: dt.datetime,
    deposit: Deposit | None = None,
) -> OnlinePayment:
    """The open Checkout Session for this (deposit or balance) and amount, or a new one."""
    if not online_payments_enabled():
        raise ValidationError("Online payments are not available: please call the clinic.")
    payments = OnlinePayment.objects.filter(client=client, deposit=deposit)
    open_one = (
        payments.filter(
            status=OnlinePaymentStatus.OPEN, amount=amount, created_at__gt=now - REUSE_FOR
        )
        .order_by("-created_at")
        .first()
    )
    if open_one is not None:
        return open_one
    code = currency()
    params = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": code.lower(),
                    "unit_amount": minor_units(amount, code),
                    "product_data": {"name": name},
                },
            }
        ],
        "client_reference_id": reference,
        "metadata": {"client_id": str(client.pk)}
        | ({"deposit_id": str(deposit.pk)} if deposit else {}),
        "success_url": success_url,
        "cancel_url": cancel_url,
    }
    if client.email and not client.email.endswith("@invalid"):
        params["customer_email"] = client.email
    session = _stripe().v1.checkout.sessions.create(
        params=params,
        # A retried request after a dropped connection opens no second session.
        options={"idempotency_key": f"{reference}-{payments.count() + 1}"},
    )
    return OnlinePayment.objects.create(
        client=client,
        deposit=deposit,
        amount=amount,
        currency=code,
        provider_id=session.id,
        url=session.url,
        created_at=now,
    )


def start_deposit_payment(deposit: Deposit, *, now: dt.datetime | None = None) -> OnlinePayment:
    """The Checkout Session for this deposit: the open one, or a new one."""
    deposit = Deposit.objects.select_related("appointment__type", "client").get(pk=deposit.pk)
    if deposit.status != DepositStatus.DUE:
        raise ValidationError(
            f"This deposit is {deposit.get_status_display().lower()}: there is nothing to pay."
        )
    local = timezone.localtime(deposit.appointment.starts_at)
    token = pay_token(deposit)
    return _checkout(
        client=deposit.client,
        deposit=deposit,
        amount=deposit.amount,
        name=f"Deposit: {deposit.appointment.type.name}, "
        f"{formats.show(local, 'DAY_SHORT_YEAR_CLOCK_FORMAT')}",
        reference=f"deposit-{deposit.pk}",
        success_url=site_url(reverse("billing_online:paid", args=[token])),
        cancel_url=site_url(reverse("billing_online:pay_deposit", args=[token])),
        now=now or timezone.now(),
    )


def start_balance_payment(client, *, now: dt.datetime | None = None) -> OnlinePayment:
    """A Checkout Session for what the client owes (the portal's "Pay now")."""
    owed = ledger.client_balance(client).owed
    if owed <= 0:
        raise ValidationError("There is nothing to pay: thank you.")
    payments_url = site_url(reverse("portal:payments"))
    return _checkout(
        client=client,
        amount=owed,
        name=f"Payment to {clinic_name()}",
        reference=f"balance-{client.pk}",
        success_url=f"{payments_url}?paid=1",
        cancel_url=payments_url,
        now=now or timezone.now(),
    )


# --- what Stripe tells us -------------------------------------------------------------------


@transaction.atomic
def handle_event(event: dict, *, now: dt.datetime | None = None) -> str:
    """Act on one verified webhook event, once; returns what happened (also kept)."""
    now = now or timezone.now()
    record, created = ProviderEvent.objects.get_or_create(
        event_id=str(event.get("id", "")), defaults={"type": str(event.get("type", ""))[:100]}
    )
    if not created:
        return "Already received: nothing changed."
    kind = event.get("type")
    session = (event.get("data") or {}).get("object") or {}
    if kind in ("checkout.session.completed", "checkout.session.async_payment_succeeded"):
        outcome = _completed(session, now=now)
    elif kind in ("checkout.session.expired", "checkout.session.async_payment_failed"):
        outcome = _expired(session)
    else:
        outcome = "Not an event the clinic acts on."
    record.outcome = outcome[:300]
    record.save(update_fields=["outcome"])
    return outcome


def _completed(session: dict, *, now: dt.datetime) -> str:
    payment = (
        OnlinePayment.objects.select_for_update(of=("self",))
        .select_related("deposit", "client")
        .filter(provider_id=str(session.get("id", "")))
        .first()
    )
    if payment is None:
        logger.warning("Payment webhook for an unknown checkout session %s", session.get("id"))
        return "Unknown checkout session: nothing recorded."
    if session.get("payment_status") != "paid":
        return "Not paid yet: waiting for the payment to clear."
    expected = minor_units(payment.amount, payment.currency)
    if session.get("amount_total") != expected or (
        str(session.get("currency", "")).upper() != payment.currency
    ):
        logger.error(
            "Checkout session %s paid %s %s, expected %s %s: not recorded",
            payment.provider_id,
            session.get("amount_total"),
            session.get("currency"),
            expected,
            payment.currency,
        )
        return "The amount paid does not match: not recorded; the clinic must check it."
    if payment.status == OnlinePaymentStatus.PAID:
        return "Already recorded."
    key = f"stripe:{payment.provider_id}"
    deposit = payment.deposit
    if deposit is None:
        ledger.record_payment(
            client=payment.client,
            amount=payment.amount,
            method=PaymentMethod.ONLINE_CARD,
            description="Online payment towards the account",
            key=key,
            now=now,
        )
        outcome = "Payment recorded."
    elif deposit.status == DepositStatus.DUE:
        deposits.take_deposit(deposit, method=PaymentMethod.ONLINE_CARD, by=None, key=key, now=now)
        outcome = "Deposit paid."
    else:
        # The money was taken all the same: it is the client's, on their account.
        ledger.record_payment(
            client=payment.client,
            amount=payment.amount,
            method=PaymentMethod.ONLINE_CARD,
            description="Online payment of a deposit no longer due: held as credit",
            appointment=deposit.appointment if deposit else None,
            key=key,
            now=now,
        )
        logger.warning("Online payment %s for a deposit no longer due", payment.provider_id)
        outcome = "Paid for a deposit no longer due: recorded as credit on the account."
    payment.status = OnlinePaymentStatus.PAID
    payment.paid_at = now
    payment.save(update_fields=["status", "paid_at"])
    return outcome


def _expired(session: dict) -> str:
    updated = OnlinePayment.objects.filter(
        provider_id=str(session.get("id", "")), status=OnlinePaymentStatus.OPEN
    ).update(status=OnlinePaymentStatus.EXPIRED)
    return "Checkout expired." if updated else "Nothing open to expire."
