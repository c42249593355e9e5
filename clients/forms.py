import datetime

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Field, Layout, Row, Submit
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Client, ContactChannel
from .services import duplicate_contact_error

OLDEST_AGE_YEARS = 120


class ClientForm(forms.ModelForm):
    class Meta:
        model = Client
        fields = (
            "first_name",
            "last_name",
            "date_of_birth",
            "email",
            "phone",
            "preferred_channel",
            "contact_consent",
            "language",
            "referral_source",
            "notes",
        )
        widgets = {
            "date_of_birth": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "notes": forms.Textarea(attrs={"rows": 3}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        }
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "date_of_birth": _("Date of birth"),
            "email": _("Email"),
            "phone": _("Phone"),
            "preferred_channel": _("Preferred contact"),
            "contact_consent": _("Agrees to be contacted"),
            "language": _("Language"),
            "referral_source": _("How they heard of us"),
            "notes": _("Notes"),
        }
        help_texts = {
            "phone": _(
                "Mobile preferred, for SMS reminders. A number without a country "
                "code is read as a local one."
            ),
            "contact_consent": _("Reminders and follow-ups are only sent with this consent."),
            "language": _(
                "Their messages, forms, portal pages and receipts are in this language. "
                "Empty: the clinic's language."
            ),
        }
        error_messages = {
            "first_name": {"required": _("Enter the client's first name.")},
            "last_name": {"required": _("Enter the client's last name.")},
        }

    def __init__(self, *args, submit_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Row(
                Column("first_name", css_class="col-md-6"),
                Column("last_name", css_class="col-md-6"),
            ),
            Row(Column("email", css_class="col-md-6"), Column("phone", css_class="col-md-6")),
            Row(
                Column("date_of_birth", css_class="col-md-3"),
                Column("preferred_channel", css_class="col-md-3"),
                Column("language", css_class="col-md-3"),
                Column("referral_source", css_class="col-md-3"),
            ),
            Field("contact_consent"),
            Field("notes"),
            Submit("save", submit_label or _("Save client")),
        )

    def clean_first_name(self):
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self):
        return self.cleaned_data["last_name"].strip()

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean_date_of_birth(self):
        dob: datetime.date | None = self.cleaned_data["date_of_birth"]
        if dob is None:
            return dob
        today = timezone.localdate()
        if dob > today:
            raise forms.ValidationError(_("The date of birth cannot be in the future."))
        if dob.year < today.year - OLDEST_AGE_YEARS:
            raise forms.ValidationError(_("Check the year: that would make the client over 120."))
        return dob

    def clean(self):
        cleaned = super().clean()
        email = cleaned.get("email")
        phone = cleaned.get("phone")
        # Only judge missing contact details when the fields themselves were valid.
        if "email" not in self.errors and "phone" not in self.errors:
            if not email and not phone:
                self.add_error("email", _("Give an email address or a phone number."))
                self.add_error("phone", _("Give a phone number or an email address."))
            channel = cleaned.get("preferred_channel")
            if channel == ContactChannel.SMS and not phone and email:
                self.add_error("preferred_channel", _("SMS needs a phone number."))
            if channel == ContactChannel.EMAIL and not email and phone:
                self.add_error("preferred_channel", _("Email needs an email address."))
        # Say so at once if these contact details belong to someone else,
        # even while other fields still need fixing.
        duplicate = duplicate_contact_error(
            email=email if "email" not in self.errors else "",
            phone=phone if "phone" not in self.errors else None,
            exclude_pk=self.instance.pk,
        )
        if duplicate:
            self.add_error(None, duplicate)
        return cleaned

    def _get_validation_exclusions(self):
        # Duplicate email or phone is checked by clients.services, which answers
        # on the field with a link to the existing record; the model's generic
        # constraint messages would only repeat it, less helpfully. The form
        # fields still check the format of both.
        return {*super()._get_validation_exclusions(), "email", "phone"}
