"""The takings: per method and per artist over clinic days (London's midnight, not UTC's),
refunds with who approved them, the same figures in the CSV."""

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from billing import ledger
from billing.takings import takings
from scheduling.tests.diary_fixtures import book
from tests.clock import CLOCKS_GO_FORWARD, MONDAY, at

pytestmark = pytest.mark.django_db
URL = reverse("billing_takings:takings")
DAY = MONDAY + dt.timedelta(days=7 * 20)  # a Monday in July: London is on BST (UTC+1)


def pay(clinic, amount, method, when, *, appointment=None, client=None):
    return ledger.record_payment(
        client=client or clinic.anna,
        amount=amount,
        method=method,
        description="Payment",
        appointment=appointment,
        now=when,
        by=clinic.people.front_desk,
    )


@pytest.fixture
def day_of_takings(clinic):
    sams = book(clinic, at(DAY, "10:00"), now=at(DAY, "08:00") - dt.timedelta(days=3))
    alexs = book(
        clinic,
        at(DAY, "10:00"),
        artist=clinic.alex,
        client=clinic.ben,
        now=at(DAY, "08:00") - dt.timedelta(days=3),
    )
    pay(clinic, "400", "card_terminal", at(DAY, "11:00"), appointment=sams)
    pay(clinic, "250", "cash", at(DAY, "12:00"), appointment=alexs, client=clinic.ben)
    pay(clinic, "30", "cash", at(DAY, "00:30"))  # 00:30 BST is the day before in UTC
    pay(clinic, "99", "cash", at(DAY, "23:59") + dt.timedelta(minutes=2))  # the next day
    ledger.record_refund(
        client=clinic.ben,
        amount="50",
        method="cash",
        reason="Balm returned",
        by=clinic.people.front_desk,
        approved_by=clinic.people.manager,
        now=at(DAY, "16:00"),
    )
    return clinic


def test_the_days_takings_per_method_and_artist(day_of_takings):
    result = takings(DAY, DAY)
    by_method = {line.label: (line.payments, line.refunds, line.net) for line in result.by_method}
    assert by_method["Card (terminal)"] == (Decimal("400.00"), Decimal("0.00"), Decimal("400.00"))
    assert by_method["Cash"] == (Decimal("280.00"), Decimal("50.00"), Decimal("230.00"))
    assert by_method["Bank transfer"] == (Decimal("0.00"), Decimal("0.00"), Decimal("0.00"))
    assert result.total.net == Decimal("630.00")
    by_artist = {line.label: line.net for line in result.by_artist}
    assert by_artist == {
        "Sam Okafor": Decimal("400.00"),
        "Alex Brennan": Decimal("250.00"),
        "Not for an artist's work": Decimal("-20.00"),
    }
    [refund] = result.refunds
    assert refund.approved_by == day_of_takings.people.manager


def test_the_page_and_its_csv_show_the_same_figures(day_of_takings, as_user):
    browser = as_user(day_of_takings.people.front_desk)
    page = browser.get(URL, {"day": f"{DAY:%Y-%m-%d}"}).content.decode()
    assert 'data-testid="net">£630.00<' in page
    assert "Balm returned" in page and "Morgan Hale" in page
    rows = list(
        csv.reader(
            io.StringIO(
                browser.get(URL, {"day": f"{DAY:%Y-%m-%d}", "format": "csv"}).content.decode()
            )
        )
    )
    assert ["Total", "", "680.00", "50.00", "630.00", "4"] in rows


def test_a_period_adds_up_its_days(day_of_takings):
    assert takings(DAY, DAY + dt.timedelta(days=1)).total.net == Decimal("729.00")


def test_the_day_the_clocks_go_forward_counts_its_23_hours(clinic):
    pay(clinic, "10", "cash", at(CLOCKS_GO_FORWARD, "00:30"))
    pay(clinic, "20", "cash", at(CLOCKS_GO_FORWARD, "23:30"))
    pay(clinic, "40", "cash", at(CLOCKS_GO_FORWARD + dt.timedelta(days=1), "00:10"))
    assert takings(CLOCKS_GO_FORWARD, CLOCKS_GO_FORWARD).total.net == Decimal("30.00")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"day": "yesterday"}, "Enter a date like"),
        ({"day": "0001-01-01"}, ""),
        ({"day": "9999-12-31"}, ""),
        ({"start": "2030-02-01", "end": "2030-01-01"}, "The end comes before the start."),
        ({"start": "2030-01-01", "end": "2032-01-01"}, "at most 366 days"),
    ],
)
def test_bad_dates_get_a_clear_message_not_an_error(clinic, as_user, query, message):
    response = as_user(clinic.people.manager).get(URL, query)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_artists_and_clients_may_not_see_the_takings(clinic, as_user):
    assert as_user(clinic.artist).get(URL).status_code == 403
    assert as_user(clinic.people.client_a).get(URL).status_code == 403


def test_the_page_costs_the_same_queries_for_a_quiet_day_or_a_busy_one(clinic, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = as_user(clinic.people.manager)
    pay(clinic, "10", "cash", at(DAY, "10:00"))
    with CaptureQueriesContext(connection) as quiet:
        browser.get(URL, {"day": f"{DAY:%Y-%m-%d}"})
    for minute in range(40):
        pay(clinic, "10", "card_terminal", at(DAY, "11:00") + dt.timedelta(minutes=minute))
    with CaptureQueriesContext(connection) as busy:
        browser.get(URL, {"day": f"{DAY:%Y-%m-%d}"})
    assert len(busy) == len(quiet)


def test_a_spanish_reader_gets_the_csv_headed_in_spanish(day_of_takings, as_user):
    desk = day_of_takings.people.front_desk
    desk.language = "es"
    desk.save(update_fields=["language"])
    response = as_user(desk).get(URL, {"day": f"{DAY:%Y-%m-%d}", "format": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Sección", "Línea", "Pagos", "Reembolsos", "Neto", "Número"]
    assert ["Reembolso", "Cliente", "Importe", "Motivo", "Aprobado por", "Recibo"] in rows
    # The figures stay plain numbers for a spreadsheet; the words are the reader's.
    assert ["Total", "", "680.00", "50.00", "630.00", "4"] in rows
    artists = [row[1] for row in rows if row[:1] == ["Artista"]]
    assert artists[-1] == "No corresponde al trabajo de un artista"
    methods = [row[1] for row in rows if row[:1] == ["Método"]]
    assert methods[:2] == ["Tarjeta (terminal)", "Efectivo"]
