"""What a visit costs and what is charged when it is completed, from the price list and
the plan's agreed estimate."""

import datetime as dt
from decimal import Decimal

import pytest

from billing import ledger
from billing.models import DepositKind, DepositRule, EntryKind, LedgerEntry, TouchUpBand
from billing.prices import estimate_defaults, months_between, touch_up_price
from consultations.models import Consultation, PricingMode
from scheduling.models import AppointmentType
from sessions_app import plans
from sessions_app.tests.fixtures import logged_session
from tests.clock import MONDAY, at

pytestmark = pytest.mark.django_db


def agree(treatment, **estimate):
    return Consultation.objects.create(
        client=treatment.client, plan=treatment.plan, estimated_sessions=3, **estimate
    )


def charges(client):
    return list(
        LedgerEntry.objects.filter(client=client, kind=EntryKind.CHARGE).values_list(
            "amount", "description"
        )
    )


def test_each_completed_session_is_charged_the_agreed_price_once(treatment):
    agree(treatment, price_per_session=Decimal("400.00"))
    logged_session(treatment.sessions[0])
    logged_session(treatment.sessions[1])
    amounts = [amount for amount, _ in charges(treatment.client)]
    assert amounts == [Decimal("400.00"), Decimal("400.00")]
    assert ledger.plan_balance(treatment.plan).owed == Decimal("800.00")


def test_a_package_is_charged_whole_with_the_first_session_and_never_again(treatment):
    agree(treatment, pricing_mode=PricingMode.PACKAGE, package_price=Decimal("1000.00"))
    logged_session(treatment.sessions[0])
    logged_session(treatment.sessions[1])
    assert charges(treatment.client) == [(Decimal("1000.00"), "Treatment package: 3 sessions")]


def test_a_plan_without_an_estimate_charges_the_types_list_price(treatment):
    AppointmentType.objects.filter(slug=plans.TREATMENT_TYPE).update(price=Decimal("350.00"))
    logged_session(treatment.sessions[0])
    assert [a for a, _ in charges(treatment.client)] == [Decimal("350.00")]


def test_a_free_visit_charges_nothing(treatment):
    AppointmentType.objects.filter(slug=plans.TREATMENT_TYPE).update(price=Decimal("0"))
    logged_session(treatment.sessions[0])
    assert charges(treatment.client) == []


@pytest.mark.parametrize(
    ("months", "price"),
    [
        (None, "300.00"),
        (0, "100.00"),
        (5, "100.00"),
        (6, "180.00"),
        (11, "180.00"),
        (12, "250.00"),
        (23, "250.00"),
        (24, "300.00"),
        (60, "300.00"),
    ],
)
def test_a_touch_up_costs_the_band_for_the_months_since_the_last_session(months, price, db):
    touch_up = AppointmentType.objects.get(slug=plans.TOUCH_UP_TYPE)
    touch_up.price = Decimal("300.00")
    for up_to, band_price in ((6, "100"), (12, "180"), (24, "250")):
        TouchUpBand.objects.create(up_to_months=up_to, price=Decimal(band_price))
    assert touch_up_price(touch_up, months=months) == Decimal(price)


def test_months_are_counted_in_calendar_months():
    start = at(MONDAY, "10:00")
    assert months_between(start, start + dt.timedelta(days=27)) == 0
    assert months_between(start, start.replace(year=start.year + 1)) == 12
    assert months_between(start, start - dt.timedelta(days=40)) == 0


def test_a_completed_touch_up_is_charged_by_its_band(treatment):
    agree(treatment, price_per_session=Decimal("400.00"))
    TouchUpBand.objects.create(up_to_months=12, price=Decimal("150.00"))
    session_one = treatment.sessions[0]
    logged_session(session_one, when=at(MONDAY, "10:00") - dt.timedelta(days=400))
    touch_up = plans.plan_add_touch_up(plan=treatment.plan)
    # Six weeks before MONDAY is within twelve months of the first session.
    logged_session(touch_up, when=at(MONDAY, "10:00") - dt.timedelta(days=42))
    assert sorted(a for a, _ in charges(treatment.client)) == [
        Decimal("150.00"),
        Decimal("400.00"),
    ]


def test_a_percentage_deposit_follows_the_plans_agreed_price(treatment):
    agree(treatment, price_per_session=Decimal("420.00"))
    DepositRule.objects.create(
        appointment_type=treatment.treatment_type, kind=DepositKind.PERCENT, value=Decimal("25")
    )
    appointment = plans.session_book(
        session=treatment.sessions[0],
        starts_at=at(MONDAY, "10:00"),
        by=treatment.people.front_desk,
        now=at(MONDAY, "10:00") - dt.timedelta(days=7),
    )
    assert appointment.deposit.amount == Decimal("105.00")


def test_the_estimate_starts_from_the_price_list(db):
    from billing.models import PackagePrice

    AppointmentType.objects.filter(slug=plans.TREATMENT_TYPE).update(price=Decimal("390.00"))
    PackagePrice.objects.create(sessions=3, price=Decimal("999.00"))
    assert estimate_defaults(3).price_per_session == Decimal("390.00")
    assert estimate_defaults(3).package_price == Decimal("999.00")
    assert estimate_defaults(4).package_price is None
