"""Forms of the team pages: they turn what the manager types into values; the rules
(one manager at least, no duplicate emails) are in accounts.services."""

from django import forms
from django.contrib.auth.forms import SetPasswordForm
from django.utils.translation import gettext_lazy as _

from .models import Role

STAFF_ROLE_CHOICES = [(r.value, r.label) for r in (Role.MANAGER, Role.ARTIST, Role.FRONT_DESK)]


class InviteForm(forms.Form):
    first_name = forms.CharField(max_length=100, label=_("First name"))
    last_name = forms.CharField(max_length=100, label=_("Last name"), required=False)
    email = forms.EmailField(
        label=_("Email"),
        help_text=_("The invitation goes here, and it is the address they sign in with."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        choices=STAFF_ROLE_CHOICES,
        label=_("Role"),
        widget=forms.RadioSelect,
        help_text=_(
            "What they can open: an artist their diary and clients' treatment, the "
            "front desk bookings and client records, a manager everything including settings."
        ),
    )

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()


class RoleForm(forms.Form):
    role = forms.ChoiceField(choices=STAFF_ROLE_CHOICES, label=_("Role"))


class WelcomePasswordForm(SetPasswordForm):
    """Choosing one's first password: Django's form, with the clinic's password rules."""

    def __init__(self, user, *args, **kwargs):
        super().__init__(user, *args, **kwargs)
        self.fields["new_password1"].label = _("Choose a password")
        self.fields["new_password2"].label = _("Type it again")
