"""Amounts are written in the clinic's currency by Babel, and a currency that is not one
stops the app at start-up with a clear message."""

from decimal import Decimal

from billing.checks import currency_is_known
from billing.money import money, to_amount


def test_amounts_are_written_in_the_clinics_currency(settings):
    assert money(Decimal("1250")) == "£1,250.00"
    settings.CLINIC_CURRENCY = "EUR"
    assert money(Decimal("1250.5")) == "€1,250.50"
    settings.CLINIC_CURRENCY = "USD"
    assert money(Decimal("0.5")) == "US$0.50"
    assert money(None) == ""


def test_typed_amounts_are_read_exactly_to_the_penny():
    assert to_amount("1,234.565") == Decimal("1234.57")
    assert to_amount(" 12 ") == Decimal("12.00")
    for bad in ("abc", "NaN", "Infinity", "", None):
        try:
            to_amount(bad)
        except ValueError:
            continue
        raise AssertionError(f"{bad!r} was read as an amount")


def test_an_unknown_currency_stops_the_app_with_the_reason(settings):
    assert currency_is_known() == []
    settings.CLINIC_CURRENCY = "XYZ"
    [error] = currency_is_known()
    assert error.id == "billing.E001"
    assert "ISO 4217" in error.hint
    settings.CLINIC_CURRENCY = "POUNDS"
    assert currency_is_known()
