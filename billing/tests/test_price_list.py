"""The manager's price list and cancellation policy: what is saved and shown, bad input
refused next to its field with nothing saved, and nobody else may change them."""

from decimal import Decimal

import pytest
from django.urls import reverse

from billing.models import (
    CancellationPolicy,
    Deposit,
    DepositKind,
    DepositRule,
    LateAction,
    MoneySettings,
    PackagePrice,
    TouchUpBand,
)
from scheduling.models import AppointmentType

pytestmark = pytest.mark.django_db
PRICES = reverse("billing_settings:prices")
POLICY = reverse("billing_settings:policy")


def services_data(**overrides):
    data = {"section": "services"}
    for t in AppointmentType.objects.filter(is_active=True):
        data[f"price_{t.pk}"] = f"{t.price}"
        data[f"deposit_kind_{t.pk}"] = ""
        data[f"deposit_value_{t.pk}"] = ""
    data.update(overrides)
    return data


@pytest.fixture
def treatment(db):
    return AppointmentType.objects.get(slug="treatment-session")


def test_the_manager_sets_a_price_and_a_deposit(people, as_user, treatment):
    browser = as_user(people.manager)
    response = browser.post(
        PRICES,
        services_data(
            **{
                f"price_{treatment.pk}": "480",
                f"deposit_kind_{treatment.pk}": "percent",
                f"deposit_value_{treatment.pk}": "25",
            }
        ),
        follow=True,
    )
    assert "Prices and deposits saved." in response.content.decode()
    treatment.refresh_from_db()
    assert treatment.price == Decimal("480.00")
    rule = DepositRule.objects.get(appointment_type=treatment)
    assert (rule.kind, rule.value) == (DepositKind.PERCENT, Decimal("25.00"))
    # No deposit again removes the rule.
    browser.post(PRICES, services_data(**{f"price_{treatment.pk}": "480"}))
    assert not DepositRule.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "kind", "message"),
    [
        ("price", "-5", "", "cannot be negative"),
        ("price", "1e9", "", "check the amount"),
        ("price", "abc", "", "as a number"),
        ("price", "", "", "Give an amount"),
        ("deposit_value", "150", "percent", "at most 100"),
        ("deposit_value", "", "fixed", "Give an amount"),
        ("deposit_value", "900", "fixed", "more than the price"),
        ("deposit_kind", "half", "", "Choose no deposit"),
    ],
)
def test_bad_input_is_refused_next_to_its_field_and_nothing_is_saved(
    people, as_user, treatment, field, value, kind, message
):
    DepositRule.objects.create(appointment_type=treatment, kind="fixed", value=Decimal("100"))
    data = services_data(
        **{
            f"price_{treatment.pk}": "450",
            f"deposit_kind_{treatment.pk}": kind,
            f"{field}_{treatment.pk}": value,
        }
    )
    if field != "deposit_kind" and kind:
        data[f"deposit_kind_{treatment.pk}"] = kind
    consultation = AppointmentType.objects.get(slug="consultation")
    data[f"price_{consultation.pk}"] = "15"  # a good change on another row: not saved either
    response = as_user(people.manager).post(PRICES, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert "Nothing you typed has been lost" in page
    assert f'value="{value}"' in page or field == "deposit_kind"
    treatment.refresh_from_db()
    consultation.refresh_from_db()
    assert treatment.price == Decimal("450.00") and consultation.price == Decimal("0.00")
    assert DepositRule.objects.get().value == Decimal("100.00")


def test_packages_and_bands_are_saved_and_said_in_words(people, as_user):
    browser = as_user(people.manager)
    browser.post(PRICES, {"section": "packages", "package_2": "850", "package_3": "1200"})
    assert dict(PackagePrice.objects.values_list("sessions", "price")) == {
        2: Decimal("850.00"),
        3: Decimal("1200.00"),
    }
    browser.post(
        PRICES,
        {
            "section": "bands",
            "band_months_0": "12",
            "band_price_0": "180",
            "band_months_1": "6",
            "band_price_1": "120",
        },
    )
    assert list(TouchUpBand.objects.values_list("up_to_months", "price")) == [
        (6, Decimal("120.00")),
        (12, Decimal("180.00")),
    ]
    page = browser.get(PRICES).content.decode()
    assert "A touch-up within 6 months after the last session: £120.00" in page
    assert "A touch-up 6 to 12 months after the last session: £180.00" in page
    assert "A touch-up later: £200.00" in page

    refused = browser.post(
        PRICES,
        {
            "section": "bands",
            "band_months_0": "6",
            "band_price_0": "1",
            "band_months_1": "6",
            "band_price_1": "2",
        },
    )
    assert refused.status_code == 400
    assert "different number of months" in refused.content.decode()
    assert TouchUpBand.objects.count() == 2


def test_deposit_and_receipt_settings(people, as_user):
    as_user(people.manager).post(
        PRICES,
        {
            "section": "settings",
            "hold_unpaid_hours": "48",
            "late_action": "credit",
            "tax_number": "GB999",
            "receipt_note": "Thanks",
        },
    )
    row = MoneySettings.current()
    assert (row.hold_unpaid_hours, row.late_action, row.tax_number) == (
        48,
        LateAction.CREDIT,
        "GB999",
    )
    refused = as_user(people.manager).post(
        PRICES, {"section": "settings", "hold_unpaid_hours": "0", "late_action": "credit"}
    )
    assert refused.status_code == 400
    assert MoneySettings.current().hold_unpaid_hours == 48


def test_a_new_policy_version_leaves_earlier_bookings_with_theirs(deposit_clinic, as_user):
    from scheduling.tests.diary_fixtures import book
    from tests.clock import MONDAY, at

    appointment = book(deposit_clinic, at(MONDAY, "10:00"))
    Deposit.objects.filter(appointment=appointment).update(policy=CancellationPolicy.current())
    browser = as_user(deposit_clinic.people.manager)
    unchanged = browser.post(POLICY, {"text": CancellationPolicy.current().text})
    assert unchanged.status_code == 400
    assert "already published" in unchanged.content.decode()
    assert browser.post(POLICY, {"text": "  "}).status_code == 400

    response = browser.post(POLICY, {"text": "72 hours' notice, please."}, follow=True)
    assert "Version 2 published" in response.content.decode()
    assert CancellationPolicy.current().version == 2
    assert Deposit.objects.get().policy.version == 1


@pytest.mark.parametrize("who", ["front_desk", "artist", "client_a"])
def test_only_the_manager_changes_prices(people, as_user, treatment, who):
    browser = as_user(getattr(people, who))
    assert browser.get(PRICES).status_code == 403
    assert browser.post(PRICES, services_data(**{f"price_{treatment.pk}": "1"})).status_code == 403
    assert browser.post(POLICY, {"text": "Free for all"}).status_code == 403
    treatment.refresh_from_db()
    assert treatment.price == Decimal("450.00")
    assert CancellationPolicy.current().version == 1


def test_the_page_costs_the_same_queries_for_few_types_or_many(people, as_user):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = as_user(people.manager)
    browser.get(PRICES)  # the settings row is made on first use
    with CaptureQueriesContext(connection) as few:
        browser.get(PRICES)
    AppointmentType.objects.bulk_create(
        AppointmentType(
            slug=f"extra-{n}",
            name=f"Extra {n}",
            kind="treatment",
            default_minutes=60,
            min_minutes=30,
            max_minutes=240,
        )
        for n in range(20)
    )
    with CaptureQueriesContext(connection) as many:
        page = browser.get(PRICES).content.decode()
    assert "Extra 19" in page
    assert len(many) == len(few)


def test_a_spanish_speaking_manager_sets_prices_in_spanish(people, as_user, treatment):
    people.manager.language = "es"
    people.manager.save(update_fields=["language"])
    browser = as_user(people.manager)
    page = browser.get(PRICES).content.decode()
    assert "Guardar precios y depósitos" in page
    assert "Un porcentaje del precio" in page  # the deposit's choices
    assert "Sin depósito" in page
    assert "La clínica se queda el depósito" in page  # the late-cancellation choices
    assert "Retoques según el tiempo desde la última sesión" in page

    response = browser.post(PRICES, services_data(**{f"price_{treatment.pk}": "mucho"}))
    assert response.status_code == 400
    assert "Indique el importe en cifras, p. ej. 450 o 450.00." in response.content.decode()
    response = browser.post(PRICES, services_data(), follow=True)
    assert "Precios y depósitos guardados." in response.content.decode()

    response = browser.post(POLICY, {"text": "Avise con 48 horas."}, follow=True)
    page = response.content.decode()
    assert "publicada: las reservas a partir de ahora la aceptan" in page
    assert "Versiones anteriores" in page
