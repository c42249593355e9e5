"""Money on other apps' pages: the deposit on the appointment page."""

from __future__ import annotations

from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scheduling.page_parts import (
    ClientNote,
    DiaryFlags,
    Flag,
    register_appointment_part,
    register_client_notes,
    register_diary_flags,
)
from smpclinic import formats

from .access import may_approve, may_handle_money
from .models import Deposit, DepositStatus
from .money import money
from .online import pay_link_for
from .staff_forms import ReasonForm, TakeDepositForm

BADGES = {
    DepositStatus.DUE: "text-bg-warning",
    DepositStatus.PAID: "text-bg-success",
    DepositStatus.FORFEITED: "text-bg-danger",
}


@register_appointment_part
def deposit_part(appointment, user) -> dict | None:
    """One query: the appointment's deposit, with what this person may do with it."""
    deposit = Deposit.objects.filter(appointment=appointment).select_related("policy").first()
    if deposit is None:
        return None
    handles = may_handle_money(user)
    manager = may_approve(user)
    status = deposit.status
    return {
        "template": "billing/_appointment_deposit.html",
        "deposit": deposit,
        "badge": BADGES.get(status, "text-bg-secondary"),
        "can_take": handles and status == DepositStatus.DUE,
        "can_waive": handles and status == DepositStatus.DUE,
        "can_return": manager and status == DepositStatus.FORFEITED,
        "can_keep": manager and status in (DepositStatus.PAID, DepositStatus.CREDITED),
        "take_form": TakeDepositForm(),
        "reason_form": ReasonForm(),
        "account_client_id": deposit.client_id if handles else None,
    }


DIARY_FLAGS = {
    DepositStatus.DUE: Flag(_("Deposit due"), "warning"),
    DepositStatus.PAID: Flag(_("Deposit paid"), "success"),
    DepositStatus.FORFEITED: Flag(_("Deposit kept"), "danger"),
}


def _deposit_flags(status: str | None) -> list[Flag]:
    flag = DIARY_FLAGS.get(status)
    return [flag] if flag is not None else []


def _deposit_status():
    """The appointment's deposit's status, looked up by its unique index for each
    appointment read (a join would let the database scan every deposit)."""
    return Subquery(Deposit.objects.filter(appointment_id=OuterRef("pk")).values("status")[:1])


register_diary_flags(DiaryFlags(value=_deposit_status, flags=_deposit_flags))


@register_client_notes
def deposit_notes(appointments) -> dict[int, ClientNote]:
    """What the client should know of each deposit, in their words (one query)."""
    by_id = {a.pk: a for a in appointments}
    deposits = Deposit.objects.filter(appointment_id__in=list(by_id)).select_related("policy")
    notes = {}
    for deposit in deposits:
        note = deposit_note(deposit, by_id[deposit.appointment_id])
        if note is not None:
            notes[deposit.appointment_id] = note
    return notes


def deposit_note(deposit: Deposit, appointment) -> ClientNote | None:
    amount = money(deposit.amount)
    version = f" (version {deposit.policy.version})" if deposit.policy else ""
    if deposit.status == DepositStatus.DUE:
        pay = {"url": pay_link_for(deposit), "link": "Pay the deposit"}
        if deposit.pay_by:
            local = timezone.localtime(deposit.pay_by)
            return ClientNote(
                f"Please pay your deposit of {amount} by "
                f"{formats.show(local, 'DAY_SHORT_CLOCK_FORMAT')}: "
                "an unpaid booking is then released for someone else.",
                tone="warning",
                **pay,
            )
        return ClientNote(f"A deposit of {amount} is due before your appointment.", **pay)
    if deposit.status == DepositStatus.PAID:
        return ClientNote(f"Deposit of {amount} paid. Thank you.", tone="success")
    if deposit.status == DepositStatus.FORFEITED:
        return ClientNote(
            f"Your deposit of {amount} was kept under the cancellation policy you "
            f"accepted{version}.",
            tone="secondary",
        )
    if deposit.status == DepositStatus.CREDITED:
        return ClientNote(
            f"Your deposit of {amount} is on your account as credit for your next booking.",
            tone="secondary",
        )
    if deposit.status == DepositStatus.RELEASED and appointment.status == "cancelled":
        return ClientNote(
            "The time was released because the deposit was not paid in time.", tone="secondary"
        )
    return None
