"""The ledger: every charge, payment, refund and credit, one immutable row each.

These functions are the only writers of ledger rows. Each takes who is acting and
"now", checks the amount and what it may be (a refund no larger than what was paid
and not yet refunded), and writes one row in the caller's transaction. A payment or
a refund takes the clinic's next receipt number in the same transaction, so numbers
have no gaps and no repeats however many desks take payments at once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import BigIntegerField, Case, DecimalField, F, Q, Sum, When
from django.utils import timezone
from django.utils.translation import gettext as _

from smpclinic.prepared import Param, PreparedQuery

from .models import MAX_AMOUNT, OWED_KINDS, EntryKind, LedgerEntry, MoneySettings, PaymentMethod
from .money import currency, money, to_amount

ZERO = Decimal("0.00")


def _amount(value, field: str = "amount") -> Decimal:
    try:
        amount = to_amount(value)
    except ValueError:
        raise ValidationError({field: _("Give the amount as a number, e.g. 120.00.")}) from None
    if amount <= 0:
        raise ValidationError({field: _("The amount must be more than zero.")})
    if amount > MAX_AMOUNT:
        raise ValidationError(
            {
                field: _("That is more than %(amount)s: check the amount.")
                % {"amount": money(MAX_AMOUNT)}
            }
        )
    return amount


def _same_client(client, plan=None, appointment=None) -> None:
    if plan is not None and plan.client_id != client.pk:
        raise ValidationError(_("That plan belongs to another client."))
    if appointment is not None and appointment.client_id != client.pk:
        raise ValidationError(_("That appointment belongs to another client."))


def _lock_receipts() -> MoneySettings:
    """Take the clinic's receipt counter for the rest of the caller's transaction: every
    payment and refund queues here, so numbers follow the order rows are written."""
    MoneySettings.current()
    return MoneySettings.objects.select_for_update().get(pk=1)


def next_receipt_number(locked: MoneySettings | None = None) -> int:
    """The clinic's next receipt number, taken inside the caller's transaction."""
    locked = locked or _lock_receipts()
    locked.last_receipt_number += 1
    MoneySettings.objects.filter(pk=locked.pk).update(
        last_receipt_number=locked.last_receipt_number
    )
    return locked.last_receipt_number


def _write(entry: LedgerEntry) -> LedgerEntry:
    """Save a new row; a row with the same key already written is returned instead."""
    if entry.key:
        existing = LedgerEntry.objects.filter(key=entry.key).first()
        if existing is not None:
            return existing
    try:
        with transaction.atomic():
            entry.save(force_insert=True)
    except IntegrityError:
        if entry.key and (existing := LedgerEntry.objects.filter(key=entry.key).first()):
            return existing
        raise
    return entry


def _with_receipt(entry: LedgerEntry) -> LedgerEntry:
    """Write a payment or refund and send the client its receipt (once: a row already
    written under the same key is returned as it is)."""
    from .messages import receipt_sent_for

    written = _write(entry)
    if written is entry:
        receipt_sent_for(written)
    return written


@transaction.atomic
def record_charge(
    *,
    client,
    amount,
    description: str,
    by=None,
    plan=None,
    appointment=None,
    artist=None,
    key: str | None = None,
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """Something the client owes: a session, a touch-up, a product, a kept deposit."""
    _same_client(client, plan, appointment)
    return _write(
        LedgerEntry(
            client=client,
            plan=plan,
            appointment=appointment,
            artist=artist or (appointment.artist if appointment is not None else None),
            kind=EntryKind.CHARGE,
            amount=_amount(amount),
            currency=currency(),
            description=description[:300],
            by=by,
            key=key,
            at=now or timezone.now(),
        )
    )


@transaction.atomic
def record_payment(
    *,
    client,
    amount,
    method: str,
    description: str,
    by=None,
    plan=None,
    appointment=None,
    artist=None,
    key: str | None = None,
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """Money the client paid, with its receipt number."""
    _same_client(client, plan, appointment)
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("Choose how the client paid.")})
    amount = _amount(amount)
    counter = _lock_receipts()
    # Asked once the counter is ours: a payment with this key written meanwhile by
    # another process (a replayed webhook) has committed by now, and is the answer.
    if key and (existing := LedgerEntry.objects.filter(key=key).first()):
        return existing
    return _with_receipt(
        LedgerEntry(
            client=client,
            plan=plan,
            appointment=appointment,
            artist=artist or (appointment.artist if appointment is not None else None),
            kind=EntryKind.PAYMENT,
            amount=amount,
            currency=currency(),
            method=method,
            description=description[:300],
            by=by,
            key=key,
            at=now or timezone.now(),
            receipt_number=next_receipt_number(counter),
        )
    )


def refundable(client) -> Decimal:
    """What can still be refunded to this client: paid, less refunded already."""
    totals = LedgerEntry.objects.filter(client=client).aggregate(
        paid=Sum("amount", filter=Q(kind=EntryKind.PAYMENT), default=ZERO),
        refunded=Sum("amount", filter=Q(kind=EntryKind.REFUND), default=ZERO),
    )
    return totals["paid"] - totals["refunded"]


@transaction.atomic
def record_refund(
    *,
    client,
    amount,
    method: str,
    reason: str,
    by,
    approved_by=None,
    plan=None,
    appointment=None,
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """Money given back. Needs a reason and someone who approved it (the manager), and
    is never more than the client has paid and not had back."""
    _same_client(client, plan, appointment)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the money is refunded.")})
    if method not in PaymentMethod.values:
        raise ValidationError({"method": _("Choose how the money goes back.")})
    amount = _amount(amount)
    # Lock the client's row so two refunds at once cannot both pass the check below.
    type(client).objects.select_for_update().filter(pk=client.pk).first()
    available = refundable(client)
    if amount > available:
        raise ValidationError(
            {
                "amount": _("The client has %(amount)s paid that can be refunded, no more.")
                % {"amount": money(available)}
            }
        )
    approver = approved_by or by
    return _with_receipt(
        LedgerEntry(
            client=client,
            plan=plan,
            appointment=appointment,
            kind=EntryKind.REFUND,
            amount=amount,
            currency=currency(),
            method=method,
            description=f"Refund: {reason.strip()}"[:300],
            by=by,
            approved_by=approver,
            at=now or timezone.now(),
            receipt_number=next_receipt_number(),
        )
    )


@transaction.atomic
def record_credit(
    *,
    client,
    amount,
    reason: str,
    by=None,
    plan=None,
    appointment=None,
    key: str | None = None,
    reverses: LedgerEntry | None = None,
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """Something taken off what the client owes (a goodwill discount, a charge withdrawn)."""
    _same_client(client, plan, appointment)
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the client is credited.")})
    return _write(
        LedgerEntry(
            client=client,
            plan=plan,
            appointment=appointment,
            kind=EntryKind.CREDIT,
            amount=_amount(amount),
            currency=currency(),
            description=reason.strip()[:300],
            by=by,
            key=key,
            reverses=reverses,
            at=now or timezone.now(),
        )
    )


@transaction.atomic
def reverse_charge(entry: LedgerEntry, *, reason: str, by, now=None) -> LedgerEntry:
    """Withdraw a charge made in error: a credit row that names it (the charge stays)."""
    if entry.kind != EntryKind.CHARGE:
        raise ValidationError(_("Only a charge can be withdrawn; refund a payment instead."))
    if LedgerEntry.objects.filter(reverses=entry).exists():
        raise ValidationError(_("That charge has already been withdrawn."))
    return record_credit(
        client=entry.client,
        amount=entry.amount,
        reason=f"Withdrawn: {entry.description} ({reason.strip()})" if reason.strip() else "",
        by=by,
        plan=entry.plan,
        appointment=entry.appointment,
        reverses=entry,
        now=now,
    )


# --- reading -------------------------------------------------------------------------------

SIGNED = Case(
    When(kind__in=OWED_KINDS, then=F("amount")),
    default=-F("amount"),
    output_field=DecimalField(max_digits=12, decimal_places=2),
)


@dataclass(frozen=True)
class Balance:
    charged: Decimal
    paid: Decimal
    refunded: Decimal
    credited: Decimal

    @property
    def owed(self) -> Decimal:
        """Positive: the client owes the clinic; negative: the client is in credit."""
        return self.charged + self.refunded - self.paid - self.credited

    @property
    def in_credit(self) -> bool:
        return self.owed < 0

    @property
    def credit(self) -> Decimal:
        """What the client has in credit (0 when they owe)."""
        return max(-self.owed, Decimal("0.00"))


_KINDS = (
    ("charged", EntryKind.CHARGE),
    ("paid", EntryKind.PAYMENT),
    ("refunded", EntryKind.REFUND),
    ("credited", EntryKind.CREDIT),
)
NO_ENTRIES = Balance(ZERO, ZERO, ZERO, ZERO)


def _balance_of(owner: str) -> PreparedQuery:
    """The totals of one client's (or plan's) entries by kind, in one prepared query: a row
    grouped on the owner, none when there are no entries."""
    return PreparedQuery(
        lambda: (
            LedgerEntry.objects.filter(**{owner: Param("owner", BigIntegerField())})
            .order_by()
            .values(owner)
            .annotate(
                **{
                    kind: Sum("amount", filter=Q(kind=value), default=ZERO)
                    for kind, value in _KINDS
                }
            )
            .values(*(kind for kind, _ in _KINDS))
        )
    )


_CLIENT_BALANCE = _balance_of("client_id")
_PLAN_BALANCE = _balance_of("plan_id")


def client_balance(client) -> Balance:
    """One query."""
    totals = _CLIENT_BALANCE.first(owner=client.pk)
    return Balance(**totals) if totals else NO_ENTRIES


def plan_balance(plan) -> Balance:
    """One query."""
    totals = _PLAN_BALANCE.first(owner=plan.pk)
    return Balance(**totals) if totals else NO_ENTRIES
