from django import forms
from django.utils.translation import gettext_lazy as _

from .erasure import REASON_MAX_LENGTH


class ErasureRequestForm(forms.Form):
    reason = forms.CharField(
        label=_("Why (optional)"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Helps the clinic, but you do not have to say."),
    )
    understood = forms.BooleanField(
        label=_(
            "I understand my sign-in will be closed and my data erased, apart from the "
            "health records the clinic must keep for a while by law."
        ),
        error_messages={"required": _("Tick this box to confirm you want your data erased.")},
    )


class DeclineForm(forms.Form):
    decline_reason = forms.CharField(
        label=_("Why the request is declined"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why the request is declined.")},
    )
