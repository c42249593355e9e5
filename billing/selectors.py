"""What the money pages show, each in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F

from sessions_app.models import TreatmentPlan

from .ledger import Balance
from .models import OWED_KINDS, Deposit, DepositStatus, EntryKind, LedgerEntry


@dataclass(frozen=True)
class AccountRow:
    entry: LedgerEntry
    owed_after: Decimal  # the balance once this row counts
    withdrawn: bool

    @property
    def in_credit_after(self) -> Decimal | None:
        """What the client has in credit once this row counts (None when they owe)."""
        return -self.owed_after if self.owed_after < 0 else None


def account_rows(client) -> tuple[list[AccountRow], Balance]:
    """The client's ledger, oldest first, with the balance after each row (one query)."""
    entries = list(
        LedgerEntry.objects.filter(client=client)
        .select_related("by", "approved_by", "reversed_by")
        .order_by("at", "id")
    )
    rows, owed = [], Decimal("0.00")
    totals = {kind: Decimal("0.00") for kind in EntryKind.values}
    for entry in entries:
        owed += entry.amount if entry.kind in OWED_KINDS else -entry.amount
        totals[entry.kind] += entry.amount
        withdrawn = hasattr(entry, "reversed_by")
        rows.append(AccountRow(entry=entry, owed_after=owed, withdrawn=withdrawn))
    balance = Balance(
        charged=totals[EntryKind.CHARGE],
        paid=totals[EntryKind.PAYMENT],
        refunded=totals[EntryKind.REFUND],
        credited=totals[EntryKind.CREDIT],
    )
    return rows, balance


def client_deposits(client) -> list[Deposit]:
    return list(
        Deposit.objects.filter(client=client)
        .select_related("appointment__type", "appointment__artist", "policy")
        .order_by("-appointment__starts_at")
    )


def client_plans(client) -> list[TreatmentPlan]:
    return list(TreatmentPlan.objects.filter(client=client).order_by("-created_at"))


def deposits_due(*, now):
    """Deposits still due for appointments ahead, the soonest released first."""
    return (
        Deposit.objects.filter(
            status=DepositStatus.DUE,
            appointment__starts_at__gt=now,
        )
        .select_related("appointment__client", "appointment__type")
        .order_by(F("pay_by").asc(nulls_last=True), "appointment__starts_at", "pk")
    )
