"""The manager's price list and cancellation policy, in the product's own pages: a thin
layer over billing.price_list, which checks and saves."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.access import manager_required

from . import price_list
from .models import CancellationPolicy, DepositKind, MoneySettings
from .money import currency

SECTIONS = {
    "services": (price_list.save_services, gettext_lazy("Prices and deposits saved.")),
    "packages": (price_list.save_packages, gettext_lazy("Packages saved.")),
    "bands": (price_list.save_bands, gettext_lazy("Touch-up prices saved.")),
}


class MoneySettingsForm(forms.ModelForm):
    class Meta:
        model = MoneySettings
        fields = ["hold_unpaid_hours", "late_action", "tax_number", "receipt_note"]
        widgets = {"late_action": forms.RadioSelect}


def _saved_values() -> dict:
    values = {}
    for row in price_list.service_rows():
        pk = row.type.pk
        values[f"price_{pk}"] = f"{row.type.price:.2f}"
        values[f"deposit_kind_{pk}"] = row.deposit_kind
        values[f"deposit_value_{pk}"] = (
            "" if row.deposit_value is None else f"{row.deposit_value:.2f}"
        )
    for sessions, price in price_list.package_prices().items():
        values[f"package_{sessions}"] = f"{price:.2f}"
    for i, band in enumerate(price_list.bands()):
        values[f"band_months_{i}"] = str(band.up_to_months)
        values[f"band_price_{i}"] = f"{band.price:.2f}"
    return values


def _page(request, *, values=None, errors=None, settings_form=None, status=200):
    rows = price_list.service_rows()
    values = {**_saved_values(), **(values or {})}
    errors = errors or {}
    touch_up = next((r.type for r in rows if r.type.kind == "touch_up"), None)
    return render(
        request,
        "billing/settings/prices.html",
        {
            "services": [
                {
                    "type": row.type,
                    "price": values.get(f"price_{row.type.pk}", ""),
                    "deposit_kind": values.get(f"deposit_kind_{row.type.pk}", ""),
                    "deposit_value": values.get(f"deposit_value_{row.type.pk}", ""),
                    "errors": [
                        errors[f"{name}_{row.type.pk}"]
                        for name in ("price", "deposit_kind", "deposit_value")
                        if f"{name}_{row.type.pk}" in errors
                    ],
                }
                for row in rows
            ],
            "deposit_kinds": [("", _("No deposit")), *DepositKind.choices],
            "packages": [
                {
                    "sessions": n,
                    "value": values.get(f"package_{n}", ""),
                    "error": errors.get(f"package_{n}", ""),
                }
                for n in price_list.PACKAGE_SESSIONS
            ],
            "bands": [
                {
                    "i": i,
                    "months": values.get(f"band_months_{i}", ""),
                    "price": values.get(f"band_price_{i}", ""),
                    "errors": [
                        errors[f"band_{name}_{i}"]
                        for name in ("months", "price")
                        if f"band_{name}_{i}" in errors
                    ],
                }
                for i in range(price_list.MAX_BANDS)
            ],
            "bands_in_words": price_list.bands_in_words(
                price_list.bands(), touch_up.price if touch_up else None
            ),
            "has_errors": bool(errors) or bool(settings_form and settings_form.errors),
            "settings_form": settings_form or MoneySettingsForm(instance=MoneySettings.current()),
            "policy": CancellationPolicy.current(),
            "currency": currency(),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@manager_required
def prices(request):
    if request.method == "GET":
        return _page(request)
    section = request.POST.get("section", "")
    if section == "settings":
        form = MoneySettingsForm(request.POST, instance=MoneySettings.current())
        if not form.is_valid():
            return _page(request, settings_form=form, status=400)
        form.save()
        messages.success(request, _("Deposit and receipt settings saved."))
        return redirect("billing_settings:prices")
    if section not in SECTIONS:
        messages.error(request, _("Nothing was saved: that part of the page is not known."))
        return redirect("billing_settings:prices")
    save, done = SECTIONS[section]
    try:
        save(request.POST)
    except ValidationError as error:
        return _page(
            request,
            values=request.POST.dict(),
            errors={k: v[0] for k, v in error.message_dict.items()},
            status=400,
        )
    messages.success(request, done)
    return redirect("billing_settings:prices")


@require_http_methods(["GET", "POST"])
@manager_required
def policy(request):
    current = CancellationPolicy.current()
    text = current.text if current else ""
    error = ""
    status = 200
    if request.method == "POST":
        text = request.POST.get("text", "")
        try:
            published = price_list.publish_policy(text)
        except ValidationError as refusal:
            error = refusal.message_dict["text"][0]
            status = 400
        else:
            messages.success(
                request,
                _(
                    "Version %(number)s published: bookings from now on accept it; "
                    "earlier bookings keep the version they accepted."
                )
                % {"number": published.version},
            )
            return redirect("billing_settings:policy")
    return render(
        request,
        "billing/settings/policy.html",
        {
            "current": current,
            "earlier": CancellationPolicy.objects.exclude(pk=getattr(current, "pk", None))[:20],
            "text": text,
            "error": error,
        },
        status=status,
    )
