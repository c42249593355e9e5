"""Deposits and the cancellation policy: one place for what a deposit is and becomes.

- A booking of a type that needs a deposit gets one (billing.booking_rules). Booked by
  the client online, it is **held** until `pay_by`; unpaid by then, `release_unpaid`
  cancels it, frees the time and tells the client.
- The desk marks a deposit taken (card terminal, cash, bank transfer) or waives it with
  a reason; the client can pay it online (billing.online).
- A late cancellation or a no-show applies the clinic's policy (MoneySettings.late_action):
  a paid deposit is forfeited (a charge on the client's account that the deposit pays) or
  kept as credit. A cancellation with notice keeps a paid deposit as credit (and an unpaid
  one is no longer due). The manager can undo a forfeit, or forfeit by hand, with a reason.
- Each of these happens once: the deposit row is locked and its status decides.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling.models import Appointment, AppointmentType, BookingSource
from smpclinic import formats

from . import ledger
from .models import (
    CancellationPolicy,
    Deposit,
    DepositKind,
    DepositRule,
    DepositStatus,
    EntryKind,
    LateAction,
    LedgerEntry,
    MoneySettings,
)
from .money import CENT
from .prices import plan_session_of, visit_price

# Booked by the client themselves: held until the deposit is paid.
HELD_SOURCES = (BookingSource.ONLINE, BookingSource.API)


def deposit_needed(
    appointment_type: AppointmentType, price: Decimal | None = None, *, rule=None
) -> Decimal:
    """The deposit a booking of this type needs (0: none), from the price list.
    `rule`: the type's rule when the caller has it; a type read with its rule
    (`select_related("deposit_rule")`) brings its own, or that it has none."""
    if rule is None:
        if AppointmentType.deposit_rule.is_cached(appointment_type):
            rule = getattr(appointment_type, "deposit_rule", None)
        else:
            rule = DepositRule.objects.filter(appointment_type=appointment_type).first()
    if rule is None:
        return Decimal("0.00")
    if rule.kind == DepositKind.FIXED:
        return rule.value
    base = appointment_type.price if price is None else price
    return (base * rule.value / 100).quantize(CENT)


_UNREAD = object()


def create_for_booking(
    appointment: Appointment,
    *,
    now: dt.datetime,
    policy_version: int | None = None,
    session=None,
    rule: DepositRule | None | object = _UNREAD,
) -> Deposit | None:
    """The deposit a new booking needs, held when the client booked it online.
    `session`: the plan session booked (its agreed price sets a percentage deposit).
    `rule`: the type's deposit rule (or None) when the caller has read it already."""
    if rule is _UNREAD:
        rule = DepositRule.objects.filter(appointment_type=appointment.type).first()
    if rule is None:
        return None  # most bookings: one query and done
    price = (
        visit_price(appointment, now=now, session=session)
        if rule.kind == DepositKind.PERCENT
        else None
    )
    amount = deposit_needed(appointment.type, price, rule=rule)
    if amount <= 0:
        return None
    settings_row = MoneySettings.current()
    held = appointment.source in HELD_SOURCES
    policy = None
    if policy_version is not None:
        policy = CancellationPolicy.objects.filter(version=policy_version).first()
    deposit = Deposit.objects.create(
        appointment=appointment,
        client=appointment.client,
        amount=amount,
        pay_by=now + dt.timedelta(hours=settings_row.hold_unpaid_hours) if held else None,
        policy=policy,
        policy_accepted_at=now if policy is not None else None,
        created_at=now,
    )
    if held:
        from .messages import deposit_due_sent_for

        deposit_due_sent_for(deposit)
    return deposit


def _locked(deposit: Deposit) -> Deposit:
    return (
        Deposit.objects.select_for_update(of=("self",))
        .select_related("appointment", "client", "appointment__artist")
        .get(pk=deposit.pk)
    )


def _payment_description(deposit: Deposit) -> str:
    appointment = deposit.appointment
    local = timezone.localtime(appointment.starts_at)
    when = formats.show(local, "DAY_SHORT_YEAR_CLOCK_FORMAT")
    return f"Deposit for {appointment.type.name}, {when}"


@transaction.atomic
def take_deposit(
    deposit: Deposit,
    *,
    method: str,
    by,
    key: str | None = None,
    now: dt.datetime | None = None,
) -> LedgerEntry:
    """The deposit is paid (at the desk, or online when `method` is online card)."""
    now = now or timezone.now()
    deposit = _locked(deposit)
    if deposit.status == DepositStatus.PAID:
        raise ValidationError(_("This deposit is already paid."))
    if deposit.status not in (DepositStatus.DUE,):
        raise ValidationError(
            _("This deposit is %(status)s: it cannot be paid now.")
            % {"status": deposit.get_status_display().lower()}
        )
    entry = ledger.record_payment(
        client=deposit.client,
        amount=deposit.amount,
        method=method,
        description=_payment_description(deposit),
        by=by,
        appointment=deposit.appointment,
        plan=_plan_of(deposit.appointment),
        key=key or f"deposit:{deposit.pk}",
        now=now,
    )
    deposit.status = DepositStatus.PAID
    deposit.pay_by = None
    deposit.save(update_fields=["status", "pay_by", "updated_at"])
    return entry


@transaction.atomic
def waive_deposit(deposit: Deposit, *, reason: str, by) -> Deposit:
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the deposit is waived.")})
    deposit = _locked(deposit)
    if deposit.status != DepositStatus.DUE:
        raise ValidationError(
            _("This deposit is %(status)s: only a due one can be waived.")
            % {"status": deposit.get_status_display().lower()}
        )
    deposit.status = DepositStatus.WAIVED
    deposit.pay_by = None
    deposit.note = f"Waived by {by.get_full_name() or by}: {reason.strip()}"[:300]
    deposit.save(update_fields=["status", "pay_by", "note", "updated_at"])
    return deposit


def _plan_of(appointment: Appointment):
    session = plan_session_of(appointment)
    return session.plan if session is not None else None


def forfeit_charges(deposit: Deposit):
    """The charges that kept this deposit (one per time the policy or a manager kept it)."""
    return LedgerEntry.objects.filter(
        kind=EntryKind.CHARGE, key__startswith=f"forfeit:{deposit.pk}:"
    )


def _forfeit(deposit: Deposit, *, why: str, by, now: dt.datetime) -> None:
    count = LedgerEntry.objects.filter(
        appointment=deposit.appointment,
        kind=EntryKind.CHARGE,
        key__startswith=f"forfeit:{deposit.pk}:",
    ).count()
    ledger.record_charge(
        client=deposit.client,
        amount=deposit.amount,
        description=f"Deposit kept: {why}",
        by=by,
        appointment=deposit.appointment,
        plan=_plan_of(deposit.appointment),
        key=f"forfeit:{deposit.pk}:{count + 1}",
        now=now,
    )
    deposit.status = DepositStatus.FORFEITED
    deposit.note = why[:300]
    deposit.save(update_fields=["status", "note", "updated_at"])


@transaction.atomic
def apply_policy(appointment: Appointment, *, late: bool, now: dt.datetime, by=None) -> None:
    """A cancellation (late or not) or a no-show: what becomes of the deposit."""
    deposit = Deposit.objects.filter(appointment=appointment).first()
    if deposit is None:
        return
    deposit = _locked(deposit)
    if deposit.status == DepositStatus.DUE:
        deposit.status = DepositStatus.RELEASED
        deposit.pay_by = None
        deposit.save(update_fields=["status", "pay_by", "updated_at"])
        return
    if deposit.status != DepositStatus.PAID:
        return
    what = "no-show" if appointment.status == "no_show" else "late cancellation"
    if late and MoneySettings.current().late_action == LateAction.FORFEIT:
        _forfeit(deposit, why=f"{what}, under the cancellation policy", by=by, now=now)
    else:
        deposit.status = DepositStatus.CREDITED
        deposit.note = (
            f"{what.capitalize()}: kept as credit under the cancellation policy"
            if late
            else "Cancelled with notice: kept as credit"
        )
        deposit.save(update_fields=["status", "note", "updated_at"])


def _give_back(deposit: Deposit, *, reason: str, by, now: dt.datetime) -> None:
    """Withdraw the charge that kept this deposit (the latest one still standing)."""
    charge = forfeit_charges(deposit).filter(reversed_by__isnull=True).order_by("-id").first()
    if charge is not None:
        ledger.reverse_charge(charge, reason=reason, by=by, now=now)


@transaction.atomic
def undo_forfeit(deposit: Deposit, *, reason: str, by, now: dt.datetime | None = None) -> Deposit:
    """The manager returns a forfeited deposit to the client's account as credit."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the deposit is returned.")})
    now = now or timezone.now()
    deposit = _locked(deposit)
    if deposit.status != DepositStatus.FORFEITED:
        raise ValidationError(_("Only a forfeited deposit can be returned."))
    _give_back(deposit, reason=reason, by=by, now=now)
    deposit.status = DepositStatus.CREDITED
    deposit.note = f"Returned as credit by {by.get_full_name() or by}: {reason.strip()}"[:300]
    deposit.save(update_fields=["status", "note", "updated_at"])
    return deposit


@transaction.atomic
def forfeit_by_hand(
    deposit: Deposit, *, reason: str, by, now: dt.datetime | None = None
) -> Deposit:
    """The manager keeps a paid (or credited) deposit, e.g. a late cancellation by phone."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the deposit is kept.")})
    deposit = _locked(deposit)
    if deposit.status not in (DepositStatus.PAID, DepositStatus.CREDITED):
        raise ValidationError(_("Only a paid deposit can be kept."))
    _forfeit(
        deposit,
        why=f"kept by {by.get_full_name() or by}: {reason.strip()}",
        by=by,
        now=now or timezone.now(),
    )
    return deposit


def due_to_release(now: dt.datetime):
    return Deposit.objects.filter(status=DepositStatus.DUE, pay_by__lte=now)


def release_unpaid(*, now: dt.datetime | None = None) -> int:
    """Cancel the held online bookings whose deposit was not paid in time; the time is
    free again and the client is told (the cancellation's own message). Returns how many."""
    from scheduling.booking import BookingRefused, booking_cancel
    from scheduling.policy import Actor, Channel

    now = now or timezone.now()
    released = 0
    for deposit in due_to_release(now).select_related("appointment"):
        with transaction.atomic():
            locked = _locked(deposit)
            if locked.status != DepositStatus.DUE or locked.pay_by is None or locked.pay_by > now:
                continue
            try:
                booking_cancel(
                    appointment=locked.appointment,
                    reason="The deposit was not paid in time",
                    actor=Actor.system(),
                    channel=Channel.TASK,
                    now=now,
                )
            except BookingRefused:
                continue
            Deposit.objects.filter(pk=locked.pk).update(
                status=DepositStatus.RELEASED, pay_by=None, note="Not paid in time: released"
            )
            released += 1
    return released


@transaction.atomic
def turned_up_after_all(appointment: Appointment, *, now: dt.datetime, by=None) -> None:
    """A client marked as a no-show arrives late after all: a deposit the policy kept
    goes back to paying for this visit."""
    deposit = Deposit.objects.filter(appointment=appointment).first()
    if deposit is None:
        return
    deposit = _locked(deposit)
    if deposit.status == DepositStatus.CREDITED:
        deposit.status = DepositStatus.PAID
        deposit.note = "The client arrived after all"
        deposit.save(update_fields=["status", "note", "updated_at"])
        return
    if deposit.status != DepositStatus.FORFEITED:
        return
    _give_back(deposit, reason="the client arrived after all", by=by, now=now)
    deposit.status = DepositStatus.PAID
    deposit.note = "The client arrived after all"
    deposit.save(update_fields=["status", "note", "updated_at"])


@transaction.atomic
def settle_on_visit(appointment: Appointment) -> int:
    """The visit took place with its deposit never paid: it is no longer due (the visit's
    charge stands on the account, to be paid like any other)."""
    updated = Deposit.objects.filter(appointment=appointment, status=DepositStatus.DUE).update(
        status=DepositStatus.WAIVED, pay_by=None, note="The visit took place: paid with the visit"
    )
    return updated
