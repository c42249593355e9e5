"""Money taken in the money report: payments less refunds by method, this period against the one
before, one query, and its CSV."""

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import ledger
from reports.selectors import Period, revenue
from reports.tests.fixtures import APRIL
from tests.clock import at, day

pytestmark = pytest.mark.django_db
MONEY = reverse("reports:money")


def pay(clinic, amount, method, when):
    return ledger.record_payment(
        client=clinic.anna, amount=amount, method=method, description="Visit", now=when
    )


@pytest.fixture
def takings(clinic):
    pay(clinic, "400", "card_terminal", at(day(4, 3), "11:00"))
    pay(clinic, "150", "cash", at(day(4, 29), "17:00"))
    pay(clinic, "300", "card_terminal", at(day(3, 20), "12:00"))  # the period before
    pay(clinic, "999", "cash", at(day(5, 1), "09:00"))  # after April
    ledger.record_refund(
        client=clinic.anna,
        amount="50",
        method="cash",
        reason="Goodwill",
        by=clinic.people.manager,
        now=at(day(4, 10), "10:00"),
    )
    return clinic


def test_money_taken_by_method_against_the_period_before(takings, django_assert_num_queries):
    april = Period(day(4, 1), day(4, 30))
    with django_assert_num_queries(1):
        rows = revenue(april)
    assert [(r.label, r.now, r.before) for r in rows] == [
        ("Card (terminal)", Decimal("400.00"), Decimal("300.00")),
        ("Cash", Decimal("100.00"), Decimal("0.00")),
        ("Total", Decimal("500.00"), Decimal("300.00")),
    ]


def test_the_manager_sees_it_and_downloads_it_artists_do_not(takings, as_user):
    page = as_user(takings.people.manager).get(MONEY, APRIL).content.decode()
    assert 'data-testid="revenue"' in page and "£500.00" in page
    data = as_user(takings.people.manager).get(
        MONEY, {**APRIL, "table": "revenue", "format": "csv"}
    )
    rows = list(csv.reader(io.StringIO(data.content.decode())))
    assert ["Total", "500.00", "300.00", "200.00"] in rows
    assert as_user(takings.artist).get(MONEY, APRIL).status_code == 403
    report = as_user(takings.artist).get(reverse("reports:report"), APRIL).content.decode()
    assert 'data-testid="revenue"' not in report and reverse("reports:money") not in report
