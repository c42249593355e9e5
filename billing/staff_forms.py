"""The desk's money forms: amounts are checked again by billing.ledger, which has the
last word; these give the errors next to the fields."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from smpclinic import formats
from smpclinic.money import number

from .models import MAX_AMOUNT, PaymentMethod

DESK_METHODS = [
    (value, label) for value, label in PaymentMethod.choices if value != PaymentMethod.ONLINE_CARD
]


class AmountField(forms.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(
            max_digits=9,
            decimal_places=2,
            min_value=Decimal("0.01"),
            max_value=MAX_AMOUNT,
            error_messages={
                "required": "Give the amount.",
                "invalid": "Give the amount as a number, e.g. 120.00.",
                "min_value": "The amount must be more than zero.",
                "max_value": f"That is more than {number(MAX_AMOUNT)}: check the amount.",
                "max_decimal_places": "Give the amount to the penny, e.g. 120.50.",
                "max_digits": f"That is more than {number(MAX_AMOUNT)}: check the amount.",
            },
            **kwargs,
        )


class PlanChoiceMixin:
    def set_plans(self, plans):
        self.fields["plan"].choices = [("", "Not for a plan")] + [
            (
                str(plan.pk),
                f"Plan of {formats.show(formats.local(plan.created_at), 'DATE_MEDIUM_FORMAT')}",
            )
            for plan in plans
        ]
        self.fields["plan"].error_messages["invalid_choice"] = "Choose one of this client's plans."
        self._plans = {str(plan.pk): plan for plan in plans}

    def clean_plan(self):
        value = self.cleaned_data.get("plan") or ""
        if value and value not in self._plans:
            raise forms.ValidationError("Choose one of this client's plans.")
        return self._plans.get(value)


class PaymentForm(PlanChoiceMixin, forms.Form):
    amount = AmountField()
    method = forms.ChoiceField(choices=DESK_METHODS, error_messages={"required": "Choose how."})
    description = forms.CharField(max_length=200, initial="Payment", required=False)
    plan = forms.ChoiceField(required=False)

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, prefix="payment", **kwargs)
        self.set_plans(plans)


class ChargeForm(PlanChoiceMixin, forms.Form):
    amount = AmountField()
    description = forms.CharField(
        max_length=200,
        help_text="What it is for, e.g. Aftercare balm.",
        error_messages={"required": "Say what the charge is for."},
    )
    plan = forms.ChoiceField(required=False)

    def __init__(self, *args, plans=(), **kwargs):
        super().__init__(*args, prefix="charge", **kwargs)
        self.set_plans(plans)


class RefundForm(forms.Form):
    amount = AmountField()
    method = forms.ChoiceField(choices=DESK_METHODS)
    reason = forms.CharField(max_length=200, error_messages={"required": "Say why."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="refund", **kwargs)


class CreditForm(forms.Form):
    amount = AmountField()
    reason = forms.CharField(max_length=200, error_messages={"required": "Say why."})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, prefix="credit", **kwargs)


class ReasonForm(forms.Form):
    reason = forms.CharField(max_length=200, error_messages={"required": "Say why."})


class TakeDepositForm(forms.Form):
    method = forms.ChoiceField(choices=DESK_METHODS, error_messages={"required": "Choose how."})
