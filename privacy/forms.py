from django import forms

from .erasure import REASON_MAX_LENGTH


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label="Why (optional)",
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Helps the clinic, but you do not have to say.",
    )
    understood = forms.BooleanField(
        label="I understand my sign-in will be closed and my data erased, apart from the "
        "health records the clinic must keep for a while by law.",
        error_messages={"required": "Tick this box to confirm you want your data erased."},
    )


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label="Why the request is declined",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say why the request is declined."},
    )
