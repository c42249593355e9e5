"""Treatment outcomes and the money figures, checked against a clinic built by hand.

April of the tests' year is the period; 2 to 31 March the period before.

Plans — Alex leads plan 1 (2 planned; sessions 1 and 2 held and an extra one for patchy
healing, completed 10 April) and plan 3 (4 planned, 3 held, completed 15 March); Sam
leads plan 2 (3 planned, 3 held, completed 20 April), plan 4 (still active) and plan 5
(completed in May).
Healing judged in April — plan 1: at session 2 the hairline retained, the crown patchy; at
session 3 the crown retained; plan 2: at session 2 the hairline faded, the crown retained.
In March — plan 3: at session 2 the hairline retained.
Check-ins — April: plan 1's fade check-ins after sessions 1 (answered) and 2 (not), plan
2's after session 1 (answered) and its final one (answered); March: plan 3's after
sessions 1 (answered) and 2 (not).
Touch-up recalls sent — April: Anna's (she booked a touch-up on 10 April) and Ben's (no
touch-up); March: Cara's (she booked on 20 March); one more still waiting to be sent.
"""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftercare.models import CheckInKind
from reports import selectors
from reports.selectors import Period
from reports.tests.fixtures import (
    APRIL,
    check_in,
    judged,
    money_clinic,
    outcomes_clinic,
    plan_held,
    recall,
)
from sessions_app.models import ExtraReason
from tests.clock import at, day

pytestmark = pytest.mark.django_db

OUTCOMES = reverse("reports:outcomes")
MONEY = reverse("reports:money")
APRIL_PERIOD = Period(day(4, 1), day(4, 30))


@pytest.fixture
def outcomes(clinic):
    return outcomes_clinic(clinic)


def test_sessions_per_completed_plan_planned_against_held(outcomes, django_assert_num_queries):
    with django_assert_num_queries(1):
        now, before = selectors.completed_plans(APRIL_PERIOD)
    assert (now.completed, now.planned_each, now.held_each, now.with_extra) == (2, 2.5, 3.0, 1)
    assert (before.completed, before.planned_each, before.held_each, before.with_extra) == (
        1,
        4.0,
        3.0,
        0,
    )
    with django_assert_num_queries(1):
        extra = selectors.extra_sessions_by_reason(APRIL_PERIOD)
    assert [(r.label, r.now, r.before) for r in extra] == [("Patchy healing", 1, 0)]


def test_healing_by_region_and_by_the_session_it_followed(outcomes, django_assert_num_queries):
    with django_assert_num_queries(1):
        healing = selectors.healing_by_session(APRIL_PERIOD)
    assert [(row.label, row.counts) for row in healing["sessions"]] == [
        ("After session 1", {"retained": 2, "faded": 1, "patchy": 1}),
        ("After session 2", {"retained": 1}),
    ]
    assert [(row.label, row.after_session, row.counts) for row in healing["regions"]] == [
        ("Frontal hairline", 1, {"retained": 1, "faded": 1}),
        ("Crown / vertex", 1, {"retained": 1, "patchy": 1}),
        ("Crown / vertex", 2, {"retained": 1}),
    ]
    first = healing["sessions"][0]
    assert [(label, n, share) for label, n, share in first.cells] == [
        ("Retained", 2, 50),
        ("Faded", 1, 25),
        ("Patchy", 1, 25),
        ("Over-saturated", 0, 0),
    ]


def test_check_ins_answered_and_touch_up_recalls_taken_up(outcomes, django_assert_num_queries):
    with django_assert_num_queries(1):
        check_ins = selectors.check_in_response(APRIL_PERIOD)
    assert [(i.label, i.now, a.now, i.before, a.before) for i, a in check_ins] == [
        ("Fade check-in", 3, 2, 2, 1),
        ("Final check-in", 1, 1, 0, 0),
        ("All check-ins", 4, 3, 2, 1),
    ]
    with django_assert_num_queries(1):
        sent, booked = selectors.recall_uptake(APRIL_PERIOD)
    assert (sent.now, booked.now, sent.before, booked.before) == (2, 1, 1, 1)


def test_an_artist_sees_the_plans_they_lead(outcomes):
    alex = outcomes.alex
    now, before = selectors.completed_plans(APRIL_PERIOD, artist=alex)
    assert (now.completed, now.held_each, before.completed) == (1, 3.0, 1)
    healing = selectors.healing_by_session(APRIL_PERIOD, artist=alex)
    assert [(row.label, row.counts) for row in healing["sessions"]] == [
        ("After session 1", {"retained": 1, "patchy": 1}),
        ("After session 2", {"retained": 1}),
    ]
    check_ins = selectors.check_in_response(APRIL_PERIOD, artist=alex)
    assert [(i.label, i.now, a.now) for i, a in check_ins] == [
        ("Fade check-in", 2, 1),
        ("All check-ins", 2, 1),
    ]
    sent, booked = selectors.recall_uptake(APRIL_PERIOD, artist=alex)
    assert (sent.now, booked.now, sent.before) == (1, 1, 1)


def test_the_page_shows_each_figure_and_its_csv(outcomes, as_user):
    browser = as_user(outcomes.people.manager)
    page = browser.get(OUTCOMES, APRIL).content.decode()
    for shown in (
        "Sessions per completed plan",
        "Patchy healing",
        "After session 1",
        "75.0%",  # 3 of 4 check-ins answered
        "50.0%",  # 1 of 2 recalls taken up
        'role="img"',
    ):
        assert shown in page, shown
    rows = list(
        csv.reader(
            io.StringIO(
                browser.get(
                    OUTCOMES, {**APRIL, "table": "healing", "format": "csv"}
                ).content.decode()
            )
        )
    )
    assert rows[0] == [
        "region",
        "after session",
        "Retained",
        "Faded",
        "Patchy",
        "Over-saturated",
        "judged",
    ]
    assert ["all regions", "1", "2", "1", "1", "0", "4"] in rows
    assert ["Crown / vertex", "2", "1", "0", "0", "0", "1"] in rows
    plans_csv = browser.get(OUTCOMES, {**APRIL, "table": "plans", "format": "csv"})
    assert ["sessions held (average)", "3.0", "3.0"] in list(
        csv.reader(io.StringIO(plans_csv.content.decode()))
    )


def test_an_artist_page_says_it_is_their_plans_and_the_desk_is_refused(outcomes, as_user):
    page = as_user(outcomes.alex).get(OUTCOMES, APRIL).content.decode()
    assert "the plans you lead" in page and "Patchy healing" in page
    assert "75.0%" not in page  # Sam's check-ins are not counted
    assert as_user(outcomes.people.front_desk).get(OUTCOMES, APRIL).status_code == 403


@pytest.mark.parametrize(
    "query,says",
    [
        ({"start": "not-a-date"}, "Enter a date like"),
        ({"start": "2030-05-01", "end": "2030-04-01"}, "The end comes before the start."),
    ],
)
def test_a_bad_period_gets_a_clear_message(clinic, as_user, query, says):
    response = as_user(clinic.people.manager).get(OUTCOMES, query)
    assert response.status_code == 400 and says in response.content.decode()


def _queries(browser, url):
    with CaptureQueriesContext(connection) as ctx:
        assert browser.get(url, APRIL).status_code == 200
    return len(ctx.captured_queries)


def test_the_page_costs_the_same_queries_however_much_happened(clinic, as_user):
    browser = as_user(clinic.people.manager)
    empty = _queries(browser, OUTCOMES)
    one = plan_held(clinic, clinic.anna, clinic.alex, 2, held=2, completed=at(day(4, 10), "17:00"))
    judged(one, 2, "crown", "faded", at(day(4, 5), "10:00"), clinic.people.manager)
    check_in(one, 1, CheckInKind.FADE, at(day(4, 3), "09:00"))
    few = _queries(browser, OUTCOMES)
    for n in range(4):
        plan = plan_held(
            clinic,
            clinic.ben,
            clinic.sam,
            3,
            held=3,
            extra=[ExtraReason.SCAR_TISSUE],
            completed=at(day(4, 11 + n), "17:00"),
        )
        for region in ("crown", "scar", "back"):
            judged(plan, 2, region, "retained", at(day(4, 12 + n), "10:00"), clinic.alex)
        check_in(plan, 2, CheckInKind.FADE, at(day(4, 12 + n), "09:00"))
        recall(clinic.ben, plan, at(day(4, 20 + n), "10:00"))
    assert _queries(browser, OUTCOMES) == few == empty


# --- deposits and balances on the report -------------------------------------------------


@pytest.fixture
def money(clinic):
    return money_clinic(clinic)


def test_deposits_by_what_became_of_them(money, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = selectors.deposits(APRIL_PERIOD)
    assert [
        (r.label, r.count_now, r.amount_now, r.count_before, r.amount_before) for r in rows
    ] == [
        ("Paid", 1, Decimal("50.00"), 1, Decimal("50.00")),
        ("Kept under the cancellation policy", 1, Decimal("50.00"), 0, Decimal("0.00")),
        ("Waived", 1, Decimal("30.00"), 0, Decimal("0.00")),
        ("Not paid: booking released", 1, Decimal("50.00"), 0, Decimal("0.00")),
    ]


def test_balances_owed_and_credit_at_the_end_of_each_period(money, django_assert_num_queries):
    with django_assert_num_queries(1):
        now, before = selectors.balances(APRIL_PERIOD)
    assert (now.owing, now.owed, now.in_credit, now.credit) == (
        1,
        Decimal("200.00"),
        1,
        Decimal("40.00"),
    )
    assert (before.owing, before.owed, before.in_credit, before.credit) == (
        1,
        Decimal("100.00"),
        1,
        Decimal("40.00"),
    )


def test_the_manager_sees_deposits_and_balances_artists_may_not(money, as_user):
    page = as_user(money.people.manager).get(MONEY, APRIL).content.decode()
    assert 'data-testid="deposits"' in page and "Kept under the cancellation policy" in page
    assert "£200.00" in page and "£40.00" in page
    data = as_user(money.people.manager).get(MONEY, {**APRIL, "table": "balances", "format": "csv"})
    assert ["owed to the clinic", "200.00", "100.00"] in list(
        csv.reader(io.StringIO(data.content.decode()))
    )
    assert as_user(money.alex).get(MONEY, APRIL).status_code == 403
