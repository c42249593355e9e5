"""Money's part in the booking policy (scheduling.policy).

- terms: a type that needs a deposit asks the client to accept the cancellation policy
  (its current version) when booking online; the check refuses a client's booking
  without it, and the booking records the version accepted.
- reactions: a new booking gets its deposit; a cancellation or a no-show applies the
  policy to it; a no-show who turns up after all gets a forfeited deposit back.
- a completed visit is charged on the client's account (billing.charges).
"""

from __future__ import annotations

from scheduling.availability import Problem
from scheduling.models import AppointmentStatus
from scheduling.policy import (
    CLIENT_CHANNELS,
    Action,
    Change,
    Event,
    Happened,
    Terms,
    register_booking_terms,
    register_cancel_notice,
    register_check,
    register_reaction,
)
from scheduling.rules import cancel_is_late

from . import charges, deposits
from .models import (
    CancellationPolicy,
    Deposit,
    DepositRule,
    DepositStatus,
    LateAction,
    MoneySettings,
)
from .money import money

TERMS_PREFIX = "billing.cancellation:"


def policy_terms(policy: CancellationPolicy) -> Terms:
    return Terms(
        key=f"{TERMS_PREFIX}{policy.version}", title="Cancellation policy", text=policy.text
    )


@register_booking_terms("billing.cancellation_policy")
def cancellation_terms(appointment_type) -> Terms | None:
    return _terms(DepositRule.objects.filter(appointment_type=appointment_type).exists())


def _terms(deposit_needed: bool) -> Terms | None:
    if not deposit_needed:
        return None
    policy = CancellationPolicy.current()
    return policy_terms(policy) if policy is not None else None


DEPOSIT_RULE_MARK = "billing.deposit_rule"


def _deposit_rule(change: Change) -> DepositRule | None:
    """The booked type's deposit rule, read once per booking: the check and the deposit
    reaction both need it (kept in the change's marks)."""
    if DEPOSIT_RULE_MARK not in change.marks:
        change.marks[DEPOSIT_RULE_MARK] = DepositRule.objects.filter(
            appointment_type=change.appointment.type
        ).first()
    return change.marks[DEPOSIT_RULE_MARK]


def _accepted_version(change: Change) -> int | None:
    for key in change.context.get("accepted_terms") or ():
        if isinstance(key, str) and key.startswith(TERMS_PREFIX):
            try:
                return int(key.removeprefix(TERMS_PREFIX))
            except ValueError:
                return None
    return None


@register_check("billing.policy_accepted", actions=[Action.CREATE], order=60)
def check_policy_accepted(change: Change) -> Problem | None:
    """A client booking a type that needs a deposit accepts the policy shown to them."""
    if not (change.by_client and change.channel in CLIENT_CHANNELS):
        return None
    terms = _terms(_deposit_rule(change) is not None)
    if terms is None:
        return None
    if _accepted_version(change) != int(terms.key.removeprefix(TERMS_PREFIX)):
        return Problem(
            "terms",
            "Please read the cancellation policy and tick the box to accept it.",
            "accept_terms",
        )
    return None


@register_reaction("billing.deposit_for_booking", events=[Event.BOOKED], order=20)
def deposit_for_booking(happened: Happened) -> None:
    change = happened.change
    deposits.create_for_booking(
        happened.appointment,
        rule=_deposit_rule(change),
        now=change.now,
        policy_version=_accepted_version(change),
        session=change.context.get("treatment_session"),
    )


@register_reaction(
    "billing.cancellation_policy", events=[Event.CANCELLED, Event.STATUS_CHANGED], order=20
)
def apply_cancellation_policy(happened: Happened) -> None:
    appointment = happened.appointment
    change = happened.change
    by = change.actor.user if change is not None else None
    if happened.event == Event.CANCELLED:
        deposits.apply_policy(
            appointment, late=bool(appointment.cancelled_late), now=change.now, by=by
        )
    elif appointment.status == AppointmentStatus.NO_SHOW:
        deposits.apply_policy(appointment, late=True, now=change.now, by=by)
    elif appointment.status == AppointmentStatus.ARRIVED:
        deposits.turned_up_after_all(appointment, now=change.now, by=by)
    elif appointment.status == AppointmentStatus.COMPLETED:
        deposits.settle_on_visit(appointment)
        charges.charge_visit(appointment, now=change.now, by=by)


@register_cancel_notice("billing.deposit")
def deposit_on_cancel(appointment, now) -> str | None:
    """What cancelling now does to the deposit, in the client's words."""
    deposit = Deposit.objects.filter(appointment=appointment).select_related("policy").first()
    if deposit is None or deposit.status != DepositStatus.PAID:
        return None
    amount = money(deposit.amount)
    version = f" (version {deposit.policy.version})" if deposit.policy else ""
    if not cancel_is_late(appointment, now=now):
        return f"Your deposit of {amount} stays on your account as credit for your next booking."
    if MoneySettings.current().late_action == LateAction.FORFEIT:
        return (
            f"Under the cancellation policy you accepted{version}, your deposit of {amount} "
            "is kept when you cancel this late."
        )
    return (
        f"Under the cancellation policy you accepted{version}, your deposit of {amount} "
        "stays on your account as credit."
    )
