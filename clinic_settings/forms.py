"""The settings pages' forms: the owning apps' models and their own validation (model
fields, constraints, the forms the admin uses), laid out for a clinic's manager."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.forms import formset_factory, modelform_factory
from django.utils.translation import gettext_lazy as _

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
        label=_("Logo"),
        help_text=_("PNG, JPEG or WebP, at most 2 MB. Shown on booking pages, emails and PDFs."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(required=False, label=_("Remove the logo"))

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
        labels = {
            "name": _("Clinic name"),
            "address": _("Address"),
            "phone": _("Phone"),
            "email": _("Email"),
            "website": _("Website"),
            "privacy_notice_url": _("Privacy notice link"),
            "first_day_of_week": _("First day of the week"),
        }
        help_texts = {
            "phone": _("How clients reach the clinic by phone."),
            "email": _("Where clients' replies go; shown on booking pages and emails."),
            "privacy_notice_url": _(
                "Shown on the online booking form, next to the consent to be contacted."
            ),
            "first_day_of_week": _(
                "The diary's weeks and the calendars start on this day. "
                "Empty: the installation's (CLINIC_FIRST_DAY_OF_WEEK, else the locale's)."
            ),
        }

    def __init__(self, *args, defaults: dict[str, str] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name, value in (defaults or {}).items():
            if name in self.fields and value:
                self.fields[name].widget.attrs["placeholder"] = value
        installed = formats.installed_first_day()
        first_day = self.fields["first_day_of_week"]
        days = {"monday": _("Monday"), "sunday": _("Sunday"), "saturday": _("Saturday")}
        first_day.choices = [
            ("", _("The installation's: %(day)s") % {"day": days.get(installed, installed)}),
            *[(value, days.get(value, label)) for value, label in first_day.choices if value],
        ]


class OpeningRowForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=Weekday.choices, coerce=int)
    opens = forms.TimeField(widget=TIME)
    closes = forms.TimeField(widget=TIME)

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens"), data.get("closes")
        if opens and closes and closes <= opens:
            self.add_error("closes", _("Closing time must be after opening time."))
        return data


OpeningFormSet = formset_factory(OpeningRowForm, extra=2, can_delete=True, max_num=60)


class ClosedDaysForm(forms.Form):
    first = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    last = forms.DateField(
        label=_("To (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to close one day."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=200,
        required=False,
        help_text=_("e.g. Refit, Training day"),
    )


class HolidaysForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1900, max_value=2999)
    region = forms.ChoiceField(label=_("Region"), required=False)

    def __init__(self, *args, regions: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        if regions:
            self.fields["region"].choices = [("", _("The whole country")), *regions]
        else:
            del self.fields["region"]


class RoomForm(forms.ModelForm):
    class Meta:
        model = Room
        fields = ["name", "notes", "is_active"]
        labels = {"name": _("Name"), "notes": _("Notes"), "is_active": _("In use")}


def _single_row_form(model, exclude=(), labels=None, help_texts=None):
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
        labels=labels,
        help_texts=help_texts,
    )


def _in_reader_language(form_class, labels, help_texts=None):
    """The same form with its labels and help texts in the reader's language (the model's
    own wording is the clinic's English, kept for the admin and the record of changes)."""
    return type(
        form_class.__name__,
        (form_class,),
        {
            "__init__": _relabel(form_class, labels, help_texts or {}),
            "__module__": __name__,
        },
    )


def _relabel(form_class, labels, help_texts):
    def __init__(self, *args, **kwargs):
        form_class.__init__(self, *args, **kwargs)
        for name, label in labels.items():
            if name in self.fields:
                self.fields[name].label = label
        for name, text in help_texts.items():
            if name in self.fields:
                self.fields[name].help_text = text

    return __init__


# Each single-row settings section of a page: (key, heading, form class, note).
SERVICE_SECTIONS = [
    (
        "treatment",
        _("Treatment defaults"),
        _single_row_form(
            TreatmentSettings,
            labels={
                "first_session_minutes": _("First session (minutes)"),
                "step_down_minutes": _("Each later session shorter by (minutes)"),
                "minimum_session_minutes": _("Shortest session (minutes)"),
                "minimum_gap_days": _("Days between sessions"),
            },
            help_texts={
                "first_session_minutes": _(
                    "The first session is the longest: foundation density and the hairline."
                ),
                "minimum_gap_days": _(
                    "The next session is suggested this many days after the previous one; "
                    "booking closer needs a manager's reason."
                ),
            },
        ),
        _(
            "What a new treatment plan starts from: the first session's length, how much each "
            "later one is shortened, and the least time between sessions."
        ),
    ),
    (
        "consultation",
        _("Consultations"),
        _single_row_form(
            ConsultationSettings,
            exclude=("currency",),
            labels={
                "patch_test_read_hours": _("Read the patch test after (hours)"),
                "forms_link_days": _("Forms link valid for (days)"),
                "default_price_per_session": _("Default price per session"),
                "default_deposit": _("Default deposit"),
            },
            help_texts={
                "patch_test_read_hours": _(
                    "The first session cannot be booked earlier than this after the patch test."
                ),
                "forms_link_days": _(
                    "How long the private link to the questionnaire and consent forms works."
                ),
            },
        ),
        _("Patch tests, the forms link, and the estimate's starting prices."),
    ),
]

RULE_SECTIONS = [
    (
        "booking",
        _("Booking rules"),
        _in_reader_language(
            BookingPolicyForm,
            labels={
                "slot_minutes": _("Offer start times every (minutes)"),
                "staff_notice_minutes": _("Minimum notice for front-desk bookings (minutes)"),
                "online_notice_hours": _("Minimum notice for online bookings (hours)"),
                "online_horizon_days": _("How far ahead clients can book online (days)"),
                "change_notice_hours": _(
                    "Clients can move their appointments up to (hours before)"
                ),
                "video_meeting_url": _("Video call link"),
            },
            help_texts={
                "slot_minutes": _(
                    "Free times are offered on this step from the start of working hours, "
                    "e.g. every 15 minutes: 09:00, 09:15, 09:30…"
                ),
                "staff_notice_minutes": _("0 lets the front desk book anything still ahead today."),
                "online_notice_hours": _(
                    "Clients booking online or through the API cannot book closer than this."
                ),
                "online_horizon_days": _(
                    "Clients booking online or through the API cannot book further ahead than this."
                ),
                "change_notice_hours": _(
                    "Closer to the appointment than this, the portal and the emailed link ask "
                    "the client to call. A client may still cancel; it is recorded as a late "
                    "cancellation."
                ),
                "video_meeting_url": _(
                    "The clinic's meeting room (Zoom, Teams, Meet…) given to video consultations."
                ),
            },
        ),
        _("How much notice bookings need and how far ahead clients may book online."),
    ),
    (
        "reminders",
        _("Messages"),
        _single_row_form(
            ReminderSettings,
            labels={
                "quiet_hours_start": _("No SMS from"),
                "quiet_hours_end": _("Until"),
                "max_attempts": _("Attempts before a message is marked failed"),
            },
            help_texts={"quiet_hours_start": _("In the clinic's time zone.")},
        ),
        _("No text message goes out in the quiet hours; it waits until they end."),
    ),
    (
        "waitlist",
        _("Waitlist"),
        _single_row_form(
            WaitlistSettings,
            labels={
                "offer_hours": _("An offer stands for (hours)"),
                "offers_at_once": _("Clients offered a time at once"),
                "order": _("Order"),
            },
            help_texts={
                "offer_hours": _("After this, the time is offered to the next clients waiting.")
            },
        ),
        _("How long a client has to take a freed time, and how many are offered it at once."),
    ),
    (
        "security",
        _("Sign-in security"),
        _single_row_form(
            SecurityPolicy,
            labels={
                "require_staff_two_factor": _("Require two-factor sign-in for all staff"),
                "allow_trusted_browsers": _("Let staff trust a browser for 30 days"),
            },
            help_texts={
                "require_staff_two_factor": _(
                    "Staff without an authenticator app are asked to set one up right after "
                    "their password, and can open nothing else until they have. Applies from "
                    "each person's next sign-in, and at once to the manager who switches it on "
                    "without an app of their own. Clients are never asked."
                ),
                "allow_trusted_browsers": _(
                    'At the code step staff may tick "Trust this browser for 30 days": signing '
                    "in again on that browser then needs only the password. A changed password "
                    "or a reset of their two-factor sign-in ends the trust. Switch off to ask "
                    "for a code at every sign-in; browsers trusted earlier are then asked "
                    "again too."
                ),
            },
        ),
        _("Two-factor sign-in for staff and trusted browsers."),
    ),
    (
        "privacy",
        _("Records"),
        _single_row_form(
            PrivacySettings,
            labels={"retention_years": _("Keep health records for (years)")},
            help_texts={
                "retention_years": _(
                    "Signed consent, consultation records, questionnaire answers and treatment "
                    "records are kept this long after their date, even when a client asks for "
                    "erasure."
                )
            },
        ),
        _("How long records are kept after a client's last visit."),
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
