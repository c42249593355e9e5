"""Money's messages, declared here and registered with the outbox from BillingConfig.ready():
the receipt of a payment or refund, with its PDF.

(The release of an unpaid booking is told by the diary's own cancellation message, with
its reason.)
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop

from reminders.kinds import NotWanted, reason, register_kind
from reminders.models import Reminder, ReminderKind
from reminders.outbox import schedule
from reminders.wording import site_url, when_text

from .models import LedgerEntry
from .money import money

# Why a message is not sent: kept in English on the reminder, shown to staff in their
# language (reminders.kinds.reason_shown).
PAYMENT_GONE = reason(gettext_noop("The payment no longer exists."))
DEPOSIT_NOT_DUE = reason(gettext_noop("The deposit is no longer due."))
PAY_BY_PASSED = reason(gettext_noop("The time to pay has passed."))


def receipt_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    from .receipts import RECEIPT_KINDS, receipt_filename, receipt_label, receipt_pdf

    entry = (
        LedgerEntry.objects.select_related("client", "appointment__type")
        .filter(pk=(reminder.data or {}).get("entry_id"), kind__in=RECEIPT_KINDS)
        .first()
    )
    if entry is None or entry.client_id != reminder.client_id:
        raise NotWanted(PAYMENT_GONE)
    return (
        {
            "amount": money(entry.amount),
            "receipt_number": receipt_label(entry),
            "paid_for": entry.description,
            "payments_url": site_url(reverse("portal:payments")),
        },
        ((receipt_filename(entry), receipt_pdf(entry), "application/pdf"),),
    )


def deposit_due_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    from .models import Deposit, DepositStatus
    from .online import pay_link_for

    deposit = (
        Deposit.objects.select_related("appointment__type")
        .filter(pk=(reminder.data or {}).get("deposit_id"))
        .first()
    )
    if deposit is None or deposit.status != DepositStatus.DUE or deposit.pay_by is None:
        raise NotWanted(DEPOSIT_NOT_DUE)
    if deposit.pay_by <= timezone.now():
        raise NotWanted(PAY_BY_PASSED)
    return (
        {
            "amount": money(deposit.amount),
            "pay_by": when_text(deposit.pay_by),
            "when": when_text(deposit.appointment.starts_at),
            "appointment_type": deposit.appointment.type.name_in_sentence(),
            "pay_url": pay_link_for(deposit),
        },
        (),
    )


def register() -> None:
    register_kind(
        ReminderKind.RECEIPT,
        label=gettext_lazy("Receipt for a payment"),
        owner="billing",
        service=True,
        placeholders={
            "amount": gettext_lazy("the amount paid or refunded, e.g. £100.00"),
            "receipt_number": gettext_lazy('e.g. "Receipt 000042" or "Refund receipt 000043"'),
            "paid_for": gettext_lazy("what the payment was for"),
            "payments_url": gettext_lazy(
                "link to the client's payments and receipts in the portal"
            ),
        },
        values=receipt_values,
        button=("payments_url", gettext_lazy("My payments and receipts")),
    )
    register_kind(
        ReminderKind.DEPOSIT_DUE,
        label=gettext_lazy("Deposit to pay for an online booking"),
        owner="billing",
        service=True,
        placeholders={
            "amount": gettext_lazy("the deposit, e.g. £50.00"),
            "pay_by": gettext_lazy(
                'when the booking is released if unpaid, e.g. "Tuesday 3 March at 10:15"'
            ),
            "when": gettext_lazy("the appointment time"),
            "appointment_type": gettext_lazy("e.g. Treatment session"),
            "pay_url": gettext_lazy("the client's private link to pay the deposit"),
        },
        values=deposit_due_values,
        button=("pay_url", gettext_lazy("Pay my deposit")),
    )


def receipt_sent_for(entry: LedgerEntry) -> None:
    """Send the client the receipt of this payment or refund (through the outbox)."""
    schedule(
        key=f"receipt:{entry.pk}",
        client=entry.client,
        kind=ReminderKind.RECEIPT,
        due_at=timezone.now(),
        appointment=entry.appointment,
        data={"entry_id": entry.pk},
    )


def deposit_due_sent_for(deposit) -> None:
    """Ask the client to pay the deposit of a booking held for it (through the outbox)."""
    schedule(
        key=f"deposit-due:{deposit.pk}",
        client=deposit.client,
        kind=ReminderKind.DEPOSIT_DUE,
        due_at=timezone.now(),
        appointment=deposit.appointment,
        data={"deposit_id": deposit.pk},
    )
