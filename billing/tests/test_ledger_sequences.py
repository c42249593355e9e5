"""Over any sequence of charges, payments, refunds, credits and withdrawn charges, the
balance is the sum of the rows, a refund never exceeds what was paid, and receipt
numbers run 1, 2, 3… with no gap."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billing import ledger
from billing.models import OWED_KINDS, EntryKind, LedgerEntry, MoneySettings

pytestmark = pytest.mark.django_db

amounts = st.decimals(min_value=Decimal("-50"), max_value=Decimal("900"), places=2)
steps = st.lists(
    st.tuples(st.sampled_from(["charge", "pay", "refund", "credit", "withdraw"]), amounts),
    max_size=15,
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(steps=steps)
def test_the_balance_is_always_the_sum_of_the_rows(people, steps):
    anna, manager = people.record_a, people.manager
    with transaction.atomic():
        paid = refunded = Decimal("0")
        for action, amount in steps:
            try:
                if action == "charge":
                    ledger.record_charge(client=anna, amount=amount, description="Balm")
                elif action == "pay":
                    ledger.record_payment(
                        client=anna, amount=amount, method="cash", description="Payment"
                    )
                    paid += amount
                elif action == "refund":
                    ledger.record_refund(
                        client=anna, amount=amount, method="cash", reason="Asked", by=manager
                    )
                    refunded += amount
                elif action == "credit":
                    ledger.record_credit(client=anna, amount=amount, reason="Goodwill")
                else:
                    charge = (
                        LedgerEntry.objects.filter(
                            client=anna, kind=EntryKind.CHARGE, reversed_by__isnull=True
                        )
                        .order_by("id")
                        .first()
                    )
                    if charge is not None:
                        ledger.reverse_charge(charge, reason="Made in error", by=manager)
            except ValidationError:
                continue  # refused: nothing may have been written (checked below)
            assert refunded <= paid

        rows = list(LedgerEntry.objects.filter(client=anna))
        total = sum((r.amount if r.kind in OWED_KINDS else -r.amount for r in rows), Decimal(0))
        assert ledger.client_balance(anna).owed == total
        assert all(r.amount > 0 for r in rows)
        assert ledger.refundable(anna) == paid - refunded >= 0
        numbers = sorted(r.receipt_number for r in rows if r.receipt_number)
        assert numbers == list(range(1, len(numbers) + 1))
        assert MoneySettings.current().last_receipt_number == len(numbers)
        transaction.set_rollback(True)
