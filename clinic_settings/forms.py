"""The settings pages' forms: the owning apps' models and their own validation (model
fields, constraints, the forms the admin uses), laid out for a clinic's manager."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.forms import formset_factory, modelform_factory

from accounts.models import SecurityPolicy
from consultations.models import ConsultationSettings
from privacy.models import PrivacySettings
from reminders.models import ReminderSettings
from scheduling.models import BookingPolicy, Room, Weekday
from scheduling.setup_forms import BookingPolicyForm
from scheduling.setup_forms import ServiceForm as ServiceForm
from sessions_app.models import TreatmentSettings
from smpclinic import formats
from smpclinic.models import ClinicProfile
from waitlist.models import WaitlistSettings

TIME = forms.TimeInput(format="%H:%M", attrs={"type": "time"})


def _https_links(db_field, **kwargs):
    from django.db import models

    if isinstance(db_field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return db_field.formfield(**kwargs)


class ClinicProfileForm(forms.ModelForm):
    logo = forms.ImageField(
        required=False,
        help_text="PNG, JPEG or WebP, at most 2 MB. Shown on booking pages, emails and PDFs.",
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the logo")

    class Meta:
        model = ClinicProfile
        fields = [
            "name",
            "address",
            "phone",
            "email",
            "website",
            "privacy_notice_url",
            "first_day_of_week",
        ]
        formfield_callback = _https_links

    def __init__(self, *args, defaults: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in (defaults or {}).items():
            if name in self.fields and value:
                self.fields[name].widget.attrs["placeholder"] = value
        installed = formats.installed_first_day()
        first_day = self.fields["first_day_of_week"]
        first_day.choices = [
            ("", f"The installation's: {installed.capitalize()}"),
            *[choice for choice in first_day.choices if choice[0]],
        ]


class OpeningRowForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    opens = forms.TimeField(widget=TIME)
    closes = forms.TimeField(widget=TIME)

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens"), data.get("closes")
        if opens and closes and closes <= opens:
            self.add_error("closes", "Closing time must be after opening time.")
        return data


OpeningFormSet = formset_factory(OpeningRowForm, extra=2, can_delete=True, max_num=60)


class ClosedDaysForm(forms.Form):
    first = forms.DateField(label="From", widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(
        label="To (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Leave empty to close one day.",
    )
    reason = forms.CharField(max_length=200, required=False, help_text="e.g. Refit, Training day")


class HolidaysForm(forms.Form):
    year = forms.IntegerField(min_value=1900, max_value=2999)
    region = forms.ChoiceField(required=False)

    def __init__(self, *args, regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        if regions:
            self.fields["region"].choices = [("", "The whole country"), *regions]
        else:
            del self.fields["region"]


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "notes", "is_active"]
        labels = {"is_active": "In use"}


def _single_row_form(model, exclude=()):
    widgets = {
        field.name: TIME
        for field in model._meta.get_fields()
        if getattr(field, "get_internal_type", lambda: "")() == "TimeField"
    }
    return modelform_factory(
        model,
        exclude=["id", *exclude],
        widgets=widgets,
        formfield_callback=_https_links,
    )


# Each single-row settings section of a page: (key, heading, form class, note).
SERVICE_SECTIONS = [
    (
        "treatment",
        "Treatment defaults",
        _single_row_form(TreatmentSettings),
        "What a new treatment plan starts from: the first session's length, how much each "
        "later one is shortened, and the least time between sessions.",
    ),
    (
        "consultation",
        "Consultations",
        _single_row_form(ConsultationSettings, exclude=("currency",)),
        "Patch tests, the forms link, and the estimate's starting prices.",
    ),
]

RULE_SECTIONS = [
    (
        "booking",
        "Booking rules",
        BookingPolicyForm,
        "How much notice bookings need and how far ahead clients may book online.",
    ),
    (
        "reminders",
        "Messages",
        _single_row_form(ReminderSettings),
        "No text message goes out in the quiet hours; it waits until they end.",
    ),
    (
        "waitlist",
        "Waitlist",
        _single_row_form(WaitlistSettings),
        "How long a client has to take a freed time, and how many are offered it at once.",
    ),
    (
        "security",
        "Sign-in security",
        _single_row_form(SecurityPolicy),
        "Two-factor sign-in for staff and trusted browsers.",
    ),
    (
        "privacy",
        "Records",
        _single_row_form(PrivacySettings),
        "How long records are kept after a client's last visit.",
    ),
]

SECTION_MODELS = {
    "treatment": TreatmentSettings,
    "consultation": ConsultationSettings,
    "booking": BookingPolicy,
    "reminders": ReminderSettings,
    "waitlist": WaitlistSettings,
    "security": SecurityPolicy,
    "privacy": PrivacySettings,
}


def week_initial(week: dict[int, list[tuple[dt.time, dt.time]]]) -> list[dict]:
    return [
        {"weekday": weekday, "opens": opens, "closes": closes}
        for weekday, spans in week.items()
        for opens, closes in spans
    ]
