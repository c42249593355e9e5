"""Money on other apps' pages: the deposit on the appointment page."""

from __future__ import annotations

from scheduling.page_parts import Flag, register_appointment_part, register_diary_flags

from .access import may_approve, may_handle_money
from .models import Deposit, DepositStatus
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
    DepositStatus.DUE: Flag("Deposit due", "warning"),
    DepositStatus.PAID: Flag("Deposit paid", "success"),
    DepositStatus.FORFEITED: Flag("Deposit kept", "danger"),
}


@register_diary_flags
def deposit_flags(appointment_ids: list[int]) -> dict[int, list[Flag]]:
    """One query: the deposit of each appointment in the diary, where it matters."""
    rows = Deposit.objects.filter(
        appointment_id__in=appointment_ids, status__in=list(DIARY_FLAGS)
    ).values_list("appointment_id", "status")
    return {appointment_id: [DIARY_FLAGS[status]] for appointment_id, status in rows}
