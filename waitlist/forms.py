"""The waitlist entry form, for the front desk and (without priority) for a client; and the
form a member of the public joins with from the booking pages."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from accounts.models import Role, User
from scheduling.models import AppointmentType
from sessions_app.models import PlanStatus, SessionKind, TreatmentSession

from .services import WEEKDAYS


class WhenForm(forms.Form):
    """The days and hours that suit someone waiting (every waitlist form asks them)."""

    weekdays = forms.TypedMultipleChoiceField(
        choices=[(str(n), name) for n, name in enumerate(WEEKDAYS)],
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("Days that suit"),
        help_text=_("None ticked: any day."),
    )
    earliest_time = forms.TimeField(
        label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    latest_time = forms.TimeField(
        label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )


class EntryForm(WhenForm):
    appointment_type = forms.ModelChoiceField(
        AppointmentType.objects.none(), label=_("Waiting for"), empty_label=None
    )
    plan_session = forms.ModelChoiceField(
        TreatmentSession.objects.none(),
        label=_("A session of the plan"),
        required=False,
        empty_label=_("Not a plan session"),
    )
    artist = forms.ModelChoiceField(
        User.objects.none(), label=_("Artist"), required=False, empty_label=_("Any artist")
    )
    earliest_date = forms.DateField(
        label=_("Not before"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    latest_date = forms.DateField(
        label=_("Not after"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    priority = forms.BooleanField(label=_("Offer first (priority)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, client, for_client: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        types = AppointmentType.objects.filter(is_active=True)
        sessions = (
            TreatmentSession.objects.filter(
                plan__client=client, plan__status=PlanStatus.ACTIVE, appointment__isnull=True
            )
            .exclude(kind=SessionKind.TOUCH_UP)
            .select_related("plan")
            .order_by("number")
        )
        if for_client:
            # A client waits for what they may book themselves, or their plan's next session.
            types = types.filter(online_bookable=True) | types.filter(slug="treatment-session")
            sessions = sessions[:1]
            del self.fields["priority"]
        self.fields["appointment_type"].queryset = types.order_by("position", "name")
        # The plan's sessions still to book (read once); no field when there are none.
        self.sessions = list(sessions)
        if self.sessions:
            self.fields["plan_session"].queryset = sessions
            self.fields["plan_session"].label_from_instance = lambda s: (
                _("Session %(number)s of %(planned)s")
                % {"number": s.number, "planned": s.plan.planned_sessions}
            )
        else:
            del self.fields["plan_session"]
        self.fields["artist"].queryset = User.objects.filter(
            role=Role.ARTIST, is_active=True
        ).order_by("first_name", "last_name")
        self.fields["artist"].label_from_instance = lambda user: user.get_full_name()

    def clean(self):
        cleaned = super().clean()
        session, chosen = cleaned.get("plan_session"), cleaned.get("appointment_type")
        if session is not None and chosen is not None and chosen.slug != "treatment-session":
            self.add_error("plan_session", _("A plan session is a treatment session."))
        if session is None and chosen is not None and chosen.slug == "treatment-session":
            if self.sessions:
                cleaned["plan_session"] = self.sessions[0]
            else:
                self.add_error(
                    "appointment_type",
                    _("A treatment session needs a plan with a session to book."),
                )
        return cleaned


class JoinForm(WhenForm):
    first_name = forms.CharField(
        max_length=100, error_messages={"required": _("Enter your first name.")}
    )
    last_name = forms.CharField(
        max_length=100, error_messages={"required": _("Enter your last name.")}
    )
    email = forms.EmailField(
        max_length=254,
        help_text=_("The offer of a time comes here, with a link to take it."),
        error_messages={
            "required": _("Enter your email address."),
            "invalid": _("Enter a valid email address, like name@example.com."),
        },
    )
    phone = PhoneNumberField(
        label=_("Mobile phone"),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
        error_messages={"required": _("Enter a phone number we can reach you on.")},
    )
    contact_consent = forms.BooleanField(
        label=_(
            "The clinic may contact me about my consultation and treatment "
            "(reminders and follow-ups)."
        ),
        required=False,
    )
    # A trap for robots: people never see it.
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"})
    )


def add_error(form, error: ValidationError) -> None:
    """A service's refusal shown next to the field it names (or above the form)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


ENTRY_FIELDS = (
    "appointment_type",
    "plan_session",
    "artist",
    "weekdays",
    "earliest_time",
    "latest_time",
    "earliest_date",
    "latest_date",
)


def entry_wishes(cleaned: dict) -> dict:
    """What an EntryForm says the client waits for, as waitlist.services.entry_add takes it."""
    return {name: cleaned.get(name) for name in ENTRY_FIELDS}
