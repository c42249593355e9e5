"""The desk's money: the deposit on the appointment page, and the client's account."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from billing import deposits, ledger
from billing.models import Deposit, DepositStatus, EntryKind, LedgerEntry
from scheduling.booking import appointment_set_status
from scheduling.models import AppointmentStatus
from scheduling.tests.diary_fixtures import book
from tests.clock import MONDAY, at

pytestmark = pytest.mark.django_db
BEFORE = at(MONDAY, "10:00") - dt.timedelta(days=7)


@pytest.fixture
def booked(deposit_clinic):
    return book(deposit_clinic, at(MONDAY, "10:00"), now=BEFORE)


def account_url(clinic):
    return reverse("billing:account", kwargs={"client_pk": clinic.anna.pk})


def test_the_appointment_page_shows_a_due_deposit_and_the_desk_takes_it(
    deposit_clinic, booked, as_user
):
    browser = as_user(deposit_clinic.people.front_desk)
    page = browser.get(booked.get_absolute_url()).content.decode()
    assert "£50.00" in page
    assert 'data-testid="deposit-status">Due<' in page
    assert "Deposit taken" in page
    assert "Keep the deposit" not in page  # the manager's

    take = reverse("billing:deposit_action", kwargs={"pk": booked.deposit.pk, "action": "take"})
    response = browser.post(take, {"method": "card_terminal"}, follow=True)
    page = response.content.decode()
    assert "Deposit of £50.00 taken: receipt 1." in page
    assert 'data-testid="deposit-status">Paid<' in page
    payment = LedgerEntry.objects.get()
    assert (payment.kind, payment.method, payment.by) == (
        EntryKind.PAYMENT,
        "card_terminal",
        deposit_clinic.people.front_desk,
    )
    # Taking it twice (a double click) records nothing more.
    response = browser.post(take, {"method": "card_terminal"}, follow=True)
    assert "already paid" in response.content.decode()
    assert LedgerEntry.objects.count() == 1


def test_an_artist_sees_the_deposit_but_cannot_handle_money(deposit_clinic, booked, as_user):
    browser = as_user(deposit_clinic.artist)
    page = browser.get(booked.get_absolute_url()).content.decode()
    assert 'data-testid="deposit-status">Due<' in page
    assert "Deposit taken" not in page
    take = reverse("billing:deposit_action", kwargs={"pk": booked.deposit.pk, "action": "take"})
    assert browser.post(take, {"method": "cash"}).status_code == 403
    assert browser.get(account_url(deposit_clinic)).status_code == 403
    assert not LedgerEntry.objects.exists()


def test_only_the_manager_returns_a_forfeited_deposit(deposit_clinic, booked, as_user):
    desk = deposit_clinic.people.front_desk
    browser = as_user(desk)
    browser.post(
        reverse("billing:deposit_action", kwargs={"pk": booked.deposit.pk, "action": "take"}),
        {"method": "cash"},
    )
    appointment_set_status(
        appointment=booked,
        status=AppointmentStatus.NO_SHOW,
        by=desk,
        now=booked.starts_at + dt.timedelta(minutes=30),
    )
    back = reverse("billing:deposit_action", kwargs={"pk": booked.deposit.pk, "action": "return"})
    assert browser.post(back, {"reason": "Flat tyre"}).status_code == 403
    assert Deposit.objects.get().status == DepositStatus.FORFEITED

    manager = as_user(deposit_clinic.people.manager)
    response = manager.post(back, {"reason": ""}, follow=True)
    assert "Say why" in response.content.decode()
    assert Deposit.objects.get().status == DepositStatus.FORFEITED
    response = manager.post(back, {"reason": "Flat tyre, photo sent"}, follow=True)
    assert "returned to the client" in response.content.decode()
    assert Deposit.objects.get().status == DepositStatus.CREDITED


def test_the_account_shows_every_row_and_the_balance_after_each(deposit_clinic, as_user):
    browser = as_user(deposit_clinic.people.front_desk)
    url = account_url(deposit_clinic)
    empty = browser.get(url).content.decode()
    assert "Nothing charged or paid yet" in empty
    assert "Refund" not in empty  # the manager's

    browser.post(
        reverse("billing:record", kwargs={"client_pk": deposit_clinic.anna.pk, "what": "charge"}),
        {"charge-amount": "24.50", "charge-description": "Aftercare balm"},
    )
    response = browser.post(
        reverse("billing:record", kwargs={"client_pk": deposit_clinic.anna.pk, "what": "payment"}),
        {"payment-amount": "20", "payment-method": "cash", "payment-description": ""},
        follow=True,
    )
    page = response.content.decode()
    assert "Payment of £20.00 recorded: receipt 1." in page
    assert "Aftercare balm" in page
    assert "Owes <strong>£4.50</strong>" in page


@pytest.mark.parametrize(
    ("amount", "error"),
    [
        ("-5", "more than zero"),
        ("0", "more than zero"),
        ("abc", "as a number"),
        ("1000000", "check the amount"),
        ("12.345", "to the penny"),
        ("", "Give the amount"),
    ],
)
def test_a_bad_amount_is_refused_next_to_the_field_and_nothing_is_saved(
    deposit_clinic, as_user, amount, error
):
    browser = as_user(deposit_clinic.people.front_desk)
    response = browser.post(
        reverse("billing:record", kwargs={"client_pk": deposit_clinic.anna.pk, "what": "payment"}),
        {"payment-amount": amount, "payment-method": "cash", "payment-description": "Balance"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert error in page
    assert 'value="Balance"' in page  # what was typed is kept
    assert not LedgerEntry.objects.exists()


def test_a_refund_is_the_managers_and_never_more_than_was_paid(deposit_clinic, as_user):
    desk = as_user(deposit_clinic.people.front_desk)
    record = "billing:record"
    anna = deposit_clinic.anna.pk
    desk.post(
        reverse(record, kwargs={"client_pk": anna, "what": "payment"}),
        {"payment-amount": "100", "payment-method": "card_terminal"},
    )
    refund = reverse(record, kwargs={"client_pk": anna, "what": "refund"})
    assert desk.post(refund, {"refund-amount": "10"}).status_code == 403

    manager = as_user(deposit_clinic.people.manager)
    too_much = manager.post(
        refund,
        {"refund-amount": "150", "refund-method": "card_terminal", "refund-reason": "Overpaid"},
    )
    assert too_much.status_code == 400
    assert "£100.00 paid that can be refunded, no more" in too_much.content.decode()
    assert LedgerEntry.objects.count() == 1

    manager.post(
        refund,
        {"refund-amount": "40", "refund-method": "card_terminal", "refund-reason": "Overpaid"},
    )
    refund_row = LedgerEntry.objects.get(kind=EntryKind.REFUND)
    assert refund_row.amount == Decimal("40.00")
    assert refund_row.approved_by == deposit_clinic.people.manager
    assert refund_row.receipt_number == 2


def test_another_clients_plan_cannot_be_named_in_a_payment(deposit_clinic, as_user):
    from sessions_app import plans

    bens = plans.plan_create(
        client=deposit_clinic.ben, lead_artist=deposit_clinic.sam, planned_sessions=3
    )
    browser = as_user(deposit_clinic.people.front_desk)
    response = browser.post(
        reverse("billing:record", kwargs={"client_pk": deposit_clinic.anna.pk, "what": "payment"}),
        {"payment-amount": "10", "payment-method": "cash", "payment-plan": str(bens.pk)},
    )
    assert response.status_code == 400
    assert "Choose one of this client" in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_the_account_page_costs_the_same_queries_with_one_row_or_forty(deposit_clinic, as_user):
    browser = as_user(deposit_clinic.people.front_desk)
    url = account_url(deposit_clinic)
    ledger.record_charge(client=deposit_clinic.anna, amount="10", description="Balm")
    browser.get(url)
    with CaptureQueriesContext(connection) as one:
        assert browser.get(url).status_code == 200
    for number in range(40):
        ledger.record_charge(client=deposit_clinic.anna, amount="10", description=f"Balm {number}")
    with CaptureQueriesContext(connection) as many:
        assert browser.get(url).status_code == 200
    assert len(many) == len(one)


def test_the_diary_flags_deposits_due_and_paid_in_one_query(deposit_clinic, as_user):
    browser = as_user(deposit_clinic.people.front_desk)
    day = reverse("scheduling:day", kwargs={"day": MONDAY})
    first = book(deposit_clinic, at(MONDAY, "10:00"), now=BEFORE)
    with CaptureQueriesContext(connection) as one:
        page = browser.get(day).content.decode()
    assert page.count('data-testid="diary-flag">Deposit due<') == 1

    second = book(deposit_clinic, at(MONDAY, "12:00"), client=deposit_clinic.ben, now=BEFORE)
    deposits.take_deposit(second.deposit, method="cash", by=deposit_clinic.people.front_desk)
    with CaptureQueriesContext(connection) as two:
        page = browser.get(day).content.decode()
    assert page.count('data-testid="diary-flag">Deposit due<') == 1
    assert page.count('data-testid="diary-flag">Deposit paid<') == 1
    assert len(two) == len(one)
    assert first.pk != second.pk

    week = reverse("scheduling:week", kwargs={"day": MONDAY})
    assert "Deposit paid" in browser.get(week).content.decode()


def test_the_emailed_link_warns_before_a_late_cancel_and_then_says_the_deposit_was_kept(
    deposit_clinic, booked, client, freeze_now
):
    from scheduling.tokens import manage_token_for

    deposits.take_deposit(booked.deposit, method="cash", by=deposit_clinic.people.front_desk)
    freeze_now(booked.starts_at - dt.timedelta(hours=5))
    token = manage_token_for(booked)
    page = client.get(reverse("booking:manage", args=[token])).content.decode()
    assert "Deposit of £50.00 paid." in page
    assert "your deposit of £50.00 is kept when you cancel this late" in page

    client.post(reverse("booking:manage_cancel", args=[token]), {"reason": "Car broke down"})
    page = client.get(reverse("booking:manage", args=[token])).content.decode()
    assert "This appointment is cancelled" in page
    assert "Your deposit of £50.00 was kept under the cancellation policy" in page
    assert Deposit.objects.get().status == DepositStatus.FORFEITED


def test_taking_a_deposit_is_in_the_clients_audit_trail(deposit_clinic, booked, as_user):
    from audit.models import ChangeEntry

    as_user(deposit_clinic.people.front_desk).post(
        reverse("billing:deposit_action", kwargs={"pk": booked.deposit.pk, "action": "take"}),
        {"method": "cash"},
    )
    models = set(
        ChangeEntry.objects.filter(
            content_type__app_label="billing", actor=deposit_clinic.people.front_desk
        ).values_list("content_type__model", flat=True)
    )
    assert models == {"ledgerentry", "deposit"}
