from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _(
            "That email and password do not match an account. Check both and try again."
        ),
        "inactive": _("This account has been switched off. Ask the clinic manager."),
    }


class TwoFactorCodeForm(forms.Form):
    """One code: 6 digits from the authenticator app, or (signing in) a backup code."""

    code = forms.CharField(
        max_length=20,
        strip=True,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "one-time-code",
                "autocapitalize": "none",
                "spellcheck": "false",
                "class": "form-control-lg code-input",
            }
        ),
        error_messages={"required": _("Type the code to carry on.")},
    )

    def __init__(self, *args, purpose: str, offer_trust: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if offer_trust:
            self.fields["trust_browser"] = forms.BooleanField(
                label=_("Trust this browser for 30 days"),
                required=False,
                help_text=_(
                    "Signing in again here then needs only your password. "
                    "Leave it unticked on a shared or public computer."
                ),
            )
        field = self.fields["code"]
        if purpose == "enrol":
            field.label = _("The 6-digit code your app shows now")
            field.widget.attrs["inputmode"] = "numeric"
        else:
            field.label = _("Code from your authenticator app")
            field.help_text = _("Lost your phone? Type one of your backup codes instead.")
