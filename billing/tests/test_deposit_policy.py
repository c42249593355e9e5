"""A deposit follows its booking, and the cancellation policy decides what becomes of it."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from billing import deposits, ledger
from billing.models import (
    Deposit,
    DepositStatus,
    EntryKind,
    LateAction,
    LedgerEntry,
    MoneySettings,
    PaymentMethod,
)
from scheduling.booking import appointment_set_status, booking_cancel
from scheduling.models import AppointmentStatus
from scheduling.policy import Actor, Channel
from scheduling.tests.diary_fixtures import book
from tests.clock import MONDAY, at

pytestmark = pytest.mark.django_db
BEFORE = at(MONDAY, "10:00") - dt.timedelta(days=7)


def paid_booking(clinic):
    appointment = book(clinic, at(MONDAY, "10:00"), now=BEFORE)
    deposit = appointment.deposit
    deposits.take_deposit(
        deposit, method=PaymentMethod.CARD_TERMINAL, by=clinic.people.front_desk, now=BEFORE
    )
    deposit.refresh_from_db()
    return appointment, deposit


def test_a_booking_of_a_type_that_needs_one_gets_a_due_deposit_not_held_at_the_desk(
    deposit_clinic,
):
    appointment = book(deposit_clinic, at(MONDAY, "10:00"), now=BEFORE)
    deposit = Deposit.objects.get(appointment=appointment)
    assert deposit.amount == Decimal("50.00")
    assert deposit.status == DepositStatus.DUE
    assert deposit.pay_by is None  # booked at the desk: not released automatically


def test_a_type_without_a_deposit_rule_books_without_one(clinic):
    appointment = book(clinic, at(MONDAY, "10:00"), now=BEFORE)
    assert not Deposit.objects.filter(appointment=appointment).exists()


def test_taking_the_deposit_records_a_numbered_payment_and_the_client_is_in_credit(
    deposit_clinic,
):
    appointment, deposit = paid_booking(deposit_clinic)
    assert deposit.status == DepositStatus.PAID
    [payment] = LedgerEntry.objects.filter(client=deposit_clinic.anna)
    assert payment.kind == EntryKind.PAYMENT
    assert payment.amount == Decimal("50.00")
    assert payment.receipt_number == 1
    assert ledger.client_balance(deposit_clinic.anna).owed == Decimal("-50.00")
    with pytest.raises(ValidationError, match="already paid"):
        deposits.take_deposit(
            deposit, method=PaymentMethod.CASH, by=deposit_clinic.people.front_desk
        )
    assert LedgerEntry.objects.count() == 1


def test_a_late_cancellation_by_the_client_forfeits_a_paid_deposit_once(deposit_clinic):
    appointment, deposit = paid_booking(deposit_clinic)
    late = appointment.starts_at - dt.timedelta(hours=3)
    booking_cancel(
        appointment=appointment,
        reason="Cannot make it",
        actor=Actor.client(deposit_clinic.people.client_a),
        channel=Channel.PORTAL,
        now=late,
    )
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.FORFEITED
    charge = LedgerEntry.objects.get(kind=EntryKind.CHARGE)
    assert charge.amount == Decimal("50.00")
    assert "late cancellation" in charge.description
    # The deposit paid for the kept charge: nothing owed, nothing in credit.
    assert ledger.client_balance(deposit_clinic.anna).owed == Decimal("0.00")
    # Applying the policy again changes nothing.
    deposits.apply_policy(appointment, late=True, now=late)
    assert LedgerEntry.objects.filter(kind=EntryKind.CHARGE).count() == 1


def test_a_cancellation_with_notice_keeps_the_deposit_as_credit(deposit_clinic):
    appointment, deposit = paid_booking(deposit_clinic)
    booking_cancel(
        appointment=appointment,
        reason="Moving house",
        actor=Actor.client(deposit_clinic.people.client_a),
        channel=Channel.PORTAL,
        now=appointment.starts_at - dt.timedelta(days=5),
    )
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.CREDITED
    assert ledger.client_balance(deposit_clinic.anna).owed == Decimal("-50.00")


def test_the_clinic_may_keep_a_late_deposit_as_credit_instead(deposit_clinic):
    MoneySettings.objects.update_or_create(pk=1, defaults={"late_action": LateAction.CREDIT})
    appointment, deposit = paid_booking(deposit_clinic)
    appointment_set_status(
        appointment=appointment,
        status=AppointmentStatus.NO_SHOW,
        by=deposit_clinic.people.front_desk,
        now=appointment.starts_at + dt.timedelta(minutes=30),
    )
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.CREDITED
    assert not LedgerEntry.objects.filter(kind=EntryKind.CHARGE).exists()


def test_a_no_show_who_arrives_after_all_gets_the_deposit_back_and_nothing_twice(
    deposit_clinic,
):
    appointment, deposit = paid_booking(deposit_clinic)
    desk = deposit_clinic.people.front_desk
    later = appointment.starts_at + dt.timedelta(minutes=20)
    appointment_set_status(
        appointment=appointment, status=AppointmentStatus.NO_SHOW, by=desk, now=later
    )
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.FORFEITED
    appointment_set_status(
        appointment=appointment, status=AppointmentStatus.ARRIVED, by=desk, now=later
    )
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.PAID
    kinds = sorted(LedgerEntry.objects.values_list("kind", flat=True))
    assert kinds == [EntryKind.CHARGE, EntryKind.CREDIT, EntryKind.PAYMENT]
    assert ledger.client_balance(deposit_clinic.anna).owed == Decimal("-50.00")


def test_the_manager_returns_a_forfeited_deposit_with_a_reason(deposit_clinic):
    appointment, deposit = paid_booking(deposit_clinic)
    appointment_set_status(
        appointment=appointment,
        status=AppointmentStatus.NO_SHOW,
        by=deposit_clinic.people.front_desk,
        now=appointment.starts_at + dt.timedelta(minutes=30),
    )
    manager = deposit_clinic.people.manager
    with pytest.raises(ValidationError):
        deposits.undo_forfeit(deposit, reason=" ", by=manager)
    deposits.undo_forfeit(deposit, reason="Hospital stay, letter seen", by=manager)
    deposit.refresh_from_db()
    assert deposit.status == DepositStatus.CREDITED
    assert ledger.client_balance(deposit_clinic.anna).owed == Decimal("-50.00")
    with pytest.raises(ValidationError):
        deposits.undo_forfeit(deposit, reason="again", by=manager)


def test_an_unpaid_online_booking_is_released_after_the_hold_and_the_time_is_free(
    deposit_clinic,
):
    appointment = book(deposit_clinic, at(MONDAY, "10:00"), now=BEFORE)
    # As if booked online: held until pay_by.
    Deposit.objects.filter(appointment=appointment).update(pay_by=BEFORE + dt.timedelta(hours=24))
    assert deposits.release_unpaid(now=BEFORE + dt.timedelta(hours=23)) == 0
    assert deposits.release_unpaid(now=BEFORE + dt.timedelta(hours=25)) == 1
    appointment.refresh_from_db()
    assert appointment.status == AppointmentStatus.CANCELLED
    assert "deposit was not paid" in appointment.cancellation_reason
    assert Deposit.objects.get(appointment=appointment).status == DepositStatus.RELEASED
    assert deposits.release_unpaid(now=BEFORE + dt.timedelta(hours=26)) == 0
    # The time is free again.
    book(deposit_clinic, at(MONDAY, "10:00"), client=deposit_clinic.ben, now=BEFORE)


def test_a_waived_deposit_needs_a_reason_and_cannot_then_be_paid(deposit_clinic):
    appointment = book(deposit_clinic, at(MONDAY, "10:00"), now=BEFORE)
    desk = deposit_clinic.people.front_desk
    with pytest.raises(ValidationError):
        deposits.waive_deposit(appointment.deposit, reason="", by=desk)
    deposits.waive_deposit(appointment.deposit, reason="Returning client", by=desk)
    with pytest.raises(ValidationError, match="waived"):
        deposits.take_deposit(appointment.deposit, method=PaymentMethod.CASH, by=desk)
    assert not LedgerEntry.objects.exists()


def test_a_ledger_row_cannot_be_changed_even_bypassing_the_model(deposit_clinic):
    paid_booking(deposit_clinic)
    entry = LedgerEntry.objects.get()
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).update(amount=Decimal("1.00"))
    entry.refresh_from_db()
    assert entry.amount == Decimal("50.00")


def test_the_embedded_databases_guard_names_every_column_but_the_plan():
    """SQLite's trigger lists the columns that may never change: a new column must join it."""
    from importlib import import_module

    from billing.models import LedgerEntry

    sql = import_module("billing.migrations.0002_default_policy_and_immutable_ledger").TRIGGERS[
        "sqlite"
    ][0]
    columns = {f.column for f in LedgerEntry._meta.concrete_fields} - {"plan_id"}
    missing = {c for c in columns if f"NEW.{c} IS OLD.{c}" not in sql}
    assert missing == set()


def test_before_cancelling_the_client_is_told_what_becomes_of_a_paid_deposit(deposit_clinic):
    from scheduling.policy import cancel_notices

    appointment, deposit = paid_booking(deposit_clinic)
    early = appointment.starts_at - dt.timedelta(days=5)
    late = appointment.starts_at - dt.timedelta(hours=3)
    assert cancel_notices(appointment, early) == [
        "Your deposit of £50.00 stays on your account as credit for your next booking."
    ]
    assert cancel_notices(appointment, late) == [
        "Under the cancellation policy you accepted, your deposit of £50.00 is kept when you "
        "cancel this late."
    ]


def test_the_release_runs_on_the_schedule_as_a_real_task(deposit_clinic, freeze_now):
    from billing.tasks import release_unpaid_deposits
    from smpclinic.celery import app

    entry = app.conf.beat_schedule["release-unpaid-deposits"]
    app.loader.import_default_modules()
    assert entry["task"] in app.tasks

    appointment = book(deposit_clinic, at(MONDAY, "10:00"), now=BEFORE)
    Deposit.objects.filter(appointment=appointment).update(pay_by=BEFORE + dt.timedelta(hours=1))
    freeze_now(BEFORE + dt.timedelta(hours=2))
    assert release_unpaid_deposits.apply().get() == 1
    assert Deposit.objects.get().status == DepositStatus.RELEASED
