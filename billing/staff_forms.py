"""The desk's money forms: amounts are checked again by billing.ledger, which has the
last word; these give the errors next to the fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from smpclinic import formats
from smpclinic.money import number

from .models import MAX_AMOUNT, PaymentMethod

DESK_METHODS = [
    (value, label) for value, label in PaymentMethod.choices if value != PaymentMethod.ONLINE_CARD
]


TOO_MUCH = format_lazy(
    gettext_lazy("That is more than {amount}: check the amount."), amount=number(MAX_AMOUNT)
)


class AmountField(forms.DecimalField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Amount"))
        super().__init__(
            max_digits=9,
            decimal_places=2,
            min_value=Decimal("0.01"),
            max_value=MAX_AMOUNT,
            error_messages={
                "required": gettext_lazy("Give the amount."),
                "invalid": gettext_lazy("Give the amount as a number, e.g. 120.00."),
                "min_value": gettext_lazy("The amount must be more than zero."),
                "max_value": TOO_MUCH,
                "max_decimal_places": gettext_lazy("Give the amount to the penny, e.g. 120.50."),
                "max_digits": TOO_MUCH,
            },
            **kwargs,
        )


class PlanChoiceMixin:
    def set_plans(self, plans):
        self.fields["plan"].choices = [("", _("Not for a plan"))] + [
            (
                str(plan.pk),
                _("Plan of %(when)s")
                % {"when": formats.show(formats.local(plan.created_at), "DATE_MEDIUM_FORMAT")},
            )
            for plan in plans
        ]
        self.fields["plan"].error_messages["invalid_choice"] = _(
            "Choose one of this client's plans."
        )
        self._plans = {str(plan.pk): plan for plan in plans}

    def clean_plan(self):
        value = self.cleaned_data.get("plan") or ""
        if value and value not in self._plans:
            raise forms.ValidationError(_("Choose one of this client's plans."))
        return self._plans.get(value)


class PaymentForm(PlanChoiceMixin, forms.Form):
    amount = AmountField()
    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=DESK_METHODS,
        error_messages={"required": gettext_lazy("Choose how.")},
    )
    description = forms.CharField(
        label=gettext_lazy("Description"), max_length=200, initial="Payment", required=False
    )
    plan = forms.ChoiceField(label=gettext_lazy("Plan"), required=False)

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, prefix="payment", **kwargs)
        self.set_plans(plans)


class ChargeForm(PlanChoiceMixin, forms.Form):
    amount = AmountField()
    description = forms.CharField(
        label=gettext_lazy("Description"),
        max_length=200,
        help_text=gettext_lazy("What it is for, e.g. Aftercare balm."),
        error_messages={"required": gettext_lazy("Say what the charge is for.")},
    )
    plan = forms.ChoiceField(label=gettext_lazy("Plan"), required=False)

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, prefix="charge", **kwargs)
        self.set_plans(plans)


class RefundForm(forms.Form):
    amount = AmountField()
    method = forms.ChoiceField(label=gettext_lazy("Method"), choices=DESK_METHODS)
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        error_messages={"required": gettext_lazy("Say why.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="refund", **kwargs)


class CreditForm(forms.Form):
    amount = AmountField()
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        error_messages={"required": gettext_lazy("Say why.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="credit", **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=200,
        error_messages={"required": gettext_lazy("Say why.")},
    )


class TakeDepositForm(forms.Form):
    method = forms.ChoiceField(
        label=gettext_lazy("Method"),
        choices=DESK_METHODS,
        error_messages={"required": gettext_lazy("Choose how.")},
    )
