"""Forms of the public booking pages: what a visitor types, turned into domain values."""

from __future__ import annotations

import datetime as dt

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Div, Field, Layout, Row
from django import forms
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from smpclinic.clinic import clinic_zone

# How a start time is written in booking addresses: UTC to the minute.
START_FORMAT = "%Y-%m-%dT%H:%MZ"
CANCEL_REASON_MAX = 300


def format_start(start: dt.datetime) -> str:
    return start.astimezone(dt.UTC).strftime(START_FORMAT)


def parse_start(text: str) -> dt.datetime | None:
    """An ISO 8601 time as an aware UTC datetime, or None if it is not one.

    A time without an offset is read as the clinic's wall-clock time.
    """
    text = (text or "").strip()
    if not text or len(text) > 40:
        return None
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    # Far outside any diary; also keeps date arithmetic away from year 1 and 9999.
    if not 2000 <= value.year <= 2999:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=clinic_zone())
    return value.astimezone(dt.UTC)


class BookingDetailsForm(forms.Form):
    """Who is booking. `website` is a trap for robots: people never see it."""

    start = forms.CharField(widget=forms.HiddenInput)
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Enter your first name.")},
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Enter your last name.")},
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        help_text=_("Your confirmation and the link to change or cancel go here."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter a valid email address, like name@example.com."),
        },
    )
    phone = PhoneNumberField(
        label=_("Mobile phone"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        help_text=_(
            "In case we need to reach you about the appointment. "
            "A number without a country code is read as a local one."
        ),
        error_messages={"required": _("Enter a phone number we can reach you on.")},
    )
    note = forms.CharField(
        label=_("About your hair loss (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        help_text=_(
            "A few words help your artist prepare: how long, which areas, "
            "anything you have tried. Up to 1000 characters."
        ),
    )
    contact_consent = forms.BooleanField(
        label=_(
            "The clinic may contact me about my consultation and treatment "
            "(reminders and follow-ups)."
        ),
        required=False,
    )
    website = forms.CharField(
        label=_("Website"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    def __init__(self, *args, terms=(), **kwargs):
        super().__init__(*args, **kwargs)
        # Terms another app asks the client to accept for this type (scheduling.policy).
        self.terms = list(terms)
        if self.terms:
            names = _(" and the ").join(t.title.lower() for t in self.terms)
            self.fields["accept_terms"] = forms.BooleanField(
                label=_("I have read and accept the %(names)s.") % {"names": names},
                error_messages={
                    "required": _("Please tick the box to accept the %(names)s.") % {"names": names}
                },
            )
            # The versions shown on the page: accepting those, not whatever is current
            # when the form comes back (the clinic may publish a new one meanwhile).
            self.fields["terms_shown"] = forms.CharField(
                widget=forms.HiddenInput, required=False, max_length=500
            )
            self.initial["terms_shown"] = " ".join(t.key for t in self.terms)
        self.helper = FormHelper()
        # The template holds the <form> tag and renders the start time itself.
        self.helper.form_tag = False
        self.helper.layout = Layout(
            Row(
                Column("first_name", css_class="col-sm-6"),
                Column("last_name", css_class="col-sm-6"),
            ),
            Row(Column("email", css_class="col-sm-6"), Column("phone", css_class="col-sm-6")),
            Field("note"),
            Field("contact_consent"),
            *([Field("accept_terms"), Field("terms_shown")] if self.terms else []),
            Div("website", css_class="booking-hp", aria_hidden="true"),
        )

    def clean_start(self) -> dt.datetime:
        start = parse_start(self.cleaned_data["start"])
        if start is None:
            raise forms.ValidationError(_("Choose one of the free times."))
        return start

    def clean_first_name(self) -> str:
        return self.cleaned_data["first_name"].strip()

    def clean_last_name(self) -> str:
        return self.cleaned_data["last_name"].strip()

    def clean_email(self) -> str:
        return self.cleaned_data["email"].strip().lower()

    def clean_note(self) -> str:
        return self.cleaned_data["note"].strip()

    @property
    def accepted_terms(self) -> list[str]:
        """The keys of the terms accepted (for the booking's context)."""
        if self.terms and self.cleaned_data.get("accept_terms"):
            return (self.cleaned_data.get("terms_shown") or "").split()
        return []

    @property
    def is_robot(self) -> bool:
        """Whether the hidden field was filled in, which only robots do."""
        return bool(self.data.get(self.add_prefix("website"), "").strip())


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Anything you would like to tell us? (optional)"),
        required=False,
        max_length=CANCEL_REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": CANCEL_REASON_MAX}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_reason(self) -> str:
        return self.cleaned_data["reason"].strip()
