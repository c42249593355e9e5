"""Amounts in the clinic's currency, and how they are written (Babel's CLDR formats).

A clinic-wide helper: every app that shows an amount (prices on the booking pages, the
estimate, the ledger, messages) writes it through `money`, never with a symbol table."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel.numbers import format_currency, format_decimal
from django.conf import settings
from django.utils.translation import get_language, to_locale

CENT = Decimal("0.01")


def currency() -> str:
    """The clinic's one currency (ISO 4217 code, from CLINIC_CURRENCY)."""
    return settings.CLINIC_CURRENCY


def to_amount(value) -> Decimal:
    """An exact amount to the cent; ValueError for anything that is not a finite number."""
    try:
        amount = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, TypeError) as error:
        raise ValueError(f"{value!r} is not an amount.") from error
    if not amount.is_finite():
        raise ValueError(f"{value!r} is not an amount.")
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


def _locale() -> str:
    return to_locale(get_language() or settings.LANGUAGE_CODE)


def money(amount, code: str | None = None) -> str:
    """e.g. "£1,250.00" in the clinic's locale (the active language's); empty for no amount."""
    if amount is None or amount == "":
        return ""
    return format_currency(Decimal(amount), code or currency(), locale=_locale())


def number(value) -> str:
    """A plain number for people, e.g. "10,000" (en), "10.000" (es); CSV columns stay plain."""
    if value is None or value == "":
        return ""
    return format_decimal(Decimal(value), locale=_locale())
