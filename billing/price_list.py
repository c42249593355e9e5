"""The price list and the money settings, as the manager edits them: one place that checks
and saves them, for the settings pages (and anything else that edits prices).

Each function checks everything first and raises one ValidationError keyed by field
(`price_<type id>`, `package_<sessions>`, …), saving nothing; or saves everything in one
transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling.models import AppointmentType

from .models import (
    MAX_AMOUNT,
    CancellationPolicy,
    DepositKind,
    DepositRule,
    PackagePrice,
    TouchUpBand,
)
from .money import money, to_amount

PACKAGE_SESSIONS = (2, 3, 4, 5)
MAX_BANDS = 4


def _amount(value, errors: dict, field: str, *, required: bool) -> Decimal | None:
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            errors[field] = _("Give an amount (0 for free).")
        return None
    try:
        amount = to_amount(text)
    except ValueError:
        errors[field] = _("Give the amount as a number, e.g. 450 or 450.00.")
        return None
    if amount < 0:
        errors[field] = _("An amount cannot be negative.")
    elif amount > MAX_AMOUNT:
        errors[field] = _("That is more than %(maximum)s: check the amount.") % {
            "maximum": money(MAX_AMOUNT)
        }
    return amount


# --- prices and deposits of the appointment types ------------------------------------------


@dataclass(frozen=True)
class ServiceRow:
    type: AppointmentType
    deposit_kind: str  # "", "fixed" or "percent"
    deposit_value: Decimal | None


def service_rows() -> list[ServiceRow]:
    """Every active appointment type with its price and deposit (two queries)."""
    types = list(AppointmentType.objects.filter(is_active=True).order_by("position", "name"))
    rules = {r.appointment_type_id: r for r in DepositRule.objects.all()}
    return [
        ServiceRow(
            t,
            rules[t.pk].kind if t.pk in rules else "",
            rules[t.pk].value if t.pk in rules else None,
        )
        for t in types
    ]


@transaction.atomic
def save_services(data: dict) -> int:
    """Save `price_<id>`, `deposit_kind_<id>`, `deposit_value_<id>` for every active type."""
    rows = service_rows()
    errors: dict[str, str] = {}
    changes = []
    for row in rows:
        pk = row.type.pk
        price = _amount(data.get(f"price_{pk}"), errors, f"price_{pk}", required=True)
        kind = str(data.get(f"deposit_kind_{pk}") or "")
        if kind not in ("", *DepositKind.values):
            errors[f"deposit_kind_{pk}"] = _("Choose no deposit, a fixed amount or a percentage.")
            continue
        value = _amount(
            data.get(f"deposit_value_{pk}"), errors, f"deposit_value_{pk}", required=bool(kind)
        )
        if kind and value is not None and f"deposit_value_{pk}" not in errors:
            if value <= 0:
                errors[f"deposit_value_{pk}"] = _("A deposit is more than zero (or choose none).")
            elif kind == DepositKind.PERCENT and value > 100:
                errors[f"deposit_value_{pk}"] = _("A percentage is at most 100.")
            elif kind == DepositKind.FIXED and price is not None and price and value > price:
                errors[f"deposit_value_{pk}"] = _("The deposit cannot be more than the price.")
        changes.append((row.type, price, kind, value))
    if errors:
        raise ValidationError(errors)
    for appointment_type, price, kind, value in changes:
        if appointment_type.price != price:
            AppointmentType.objects.filter(pk=appointment_type.pk).update(price=price)
        if kind:
            DepositRule.objects.update_or_create(
                appointment_type=appointment_type, defaults={"kind": kind, "value": value}
            )
        else:
            DepositRule.objects.filter(appointment_type=appointment_type).delete()
    return len(changes)


# --- packages -------------------------------------------------------------------------------


def package_prices() -> dict[int, Decimal]:
    return dict(PackagePrice.objects.values_list("sessions", "price"))


@transaction.atomic
def save_packages(data: dict) -> None:
    """`package_<n>` for 2–5 sessions; blank removes that package."""
    errors: dict[str, str] = {}
    wanted = {}
    for sessions in PACKAGE_SESSIONS:
        field = f"package_{sessions}"
        amount = _amount(data.get(field), errors, field, required=False)
        if amount is not None and field not in errors:
            if amount == 0:
                errors[field] = _("A package is not free: leave it blank for no package.")
            wanted[sessions] = amount
    if errors:
        raise ValidationError(errors)
    PackagePrice.objects.exclude(sessions__in=list(wanted)).delete()
    for sessions, price in wanted.items():
        PackagePrice.objects.update_or_create(sessions=sessions, defaults={"price": price})


# --- touch-up bands -------------------------------------------------------------------------


def bands() -> list[TouchUpBand]:
    return list(TouchUpBand.objects.exclude(up_to_months=None).order_by("up_to_months"))


@transaction.atomic
def save_bands(data: dict) -> None:
    """`band_months_<i>` and `band_price_<i>` for i in 0..3: a touch-up within that many
    months of the last session costs that price; after the last band, the touch-up
    type's own price (on the services list). Blank rows are left out."""
    errors: dict[str, str] = {}
    wanted: list[tuple[int, Decimal]] = []
    for i in range(MAX_BANDS):
        months_field, price_field = f"band_months_{i}", f"band_price_{i}"
        months_text = str(data.get(months_field) or "").strip()
        price_text = str(data.get(price_field) or "").strip()
        if not months_text and not price_text:
            continue
        try:
            months = int(months_text)
        except ValueError:
            errors[months_field] = _("Give a whole number of months, e.g. 6.")
            continue
        if not 1 <= months <= 120:
            errors[months_field] = _("Between 1 and 120 months.")
            continue
        price = _amount(price_text, errors, price_field, required=True)
        if price is not None and price_field not in errors:
            wanted.append((months, price))
    months_given = [months for months, _price in wanted]
    if len(set(months_given)) != len(months_given):
        errors.setdefault("band_months_0", _("Each band needs a different number of months."))
    if errors:
        raise ValidationError(errors)
    TouchUpBand.objects.all().delete()
    TouchUpBand.objects.bulk_create(
        TouchUpBand(up_to_months=months, price=price) for months, price in sorted(wanted)
    )


def bands_in_words(rows: list[TouchUpBand], later_price: Decimal | None) -> list[str]:
    """e.g. ["Within 6 months of the last session: £120.00", …, "Later: £200.00"]."""
    words, previous = [], 0
    for band in rows:
        values = {"months": band.up_to_months, "previous": previous, "price": money(band.price)}
        words.append(
            (
                _("A touch-up within %(months)s months after the last session: %(price)s")
                if not previous
                else _(
                    "A touch-up %(previous)s to %(months)s months after the last session: %(price)s"
                )
            )
            % values
        )
        previous = band.up_to_months
    if later_price is not None:
        words.append(
            (
                _("A touch-up later: %(price)s (the touch-up's price on the services list)")
                if rows
                else _(
                    "A touch-up at any time: %(price)s (the touch-up's price on the services list)"
                )
            )
            % {"price": money(later_price)}
        )
    return words


# --- the cancellation policy ----------------------------------------------------------------


@transaction.atomic
def publish_policy(text: str, *, now=None) -> CancellationPolicy:
    """A new version of the policy; the bookings that accepted earlier ones keep theirs."""
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise ValidationError({"text": _("Write the policy clients accept when they book.")})
    if len(text) > 5000:
        raise ValidationError({"text": _("Keep the policy under 5,000 characters.")})
    current = CancellationPolicy.objects.select_for_update().order_by("-version").first()
    if current is not None and current.text.strip() == text:
        raise ValidationError({"text": _("This is the policy already published: change it first.")})
    return CancellationPolicy.objects.create(
        version=(current.version + 1) if current else 1,
        text=text,
        published_at=now or timezone.now(),
    )
