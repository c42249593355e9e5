"""Diary forms: they turn what staff type into domain values; the rules stay in booking.py."""

import datetime as dt
import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from phonenumber_field.formfields import PhoneNumberField

from accounts.models import Role, User
from clients.models import Client
from clients.services import duplicate_contact_error
from smpclinic import formats
from smpclinic.clinic import clinic_zone, clock_label, is_repeated, wall_instants

from .availability import OUTSIDE_DIARY, Problem, within_diary
from .models import AppointmentStatus, AppointmentType, Room

# Where a refusal from booking.py is shown: its Problem.field, or the whole form.
PROBLEM_FIELDS = {"starts_at", "artist", "room", "minutes", "type", "outside_hours_note"}


class _ArtistChoices(forms.models.ModelChoiceIterator):
    """The artists in one plain query: a clinic has a handful, and Django's default
    (`QuerySet.iterator()`) opens a server-side cursor on PostgreSQL, which costs three
    round trips to the database instead of one."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset.all():
            yield self.choice(obj)


class ArtistChoiceField(forms.ModelChoiceField):
    iterator = _ArtistChoices

    def label_from_instance(self, obj):
        return obj.get_full_name() or obj.email


def active_artists():
    return User.objects.filter(role=Role.ARTIST, is_active=True).order_by(
        "first_name", "last_name", "id"
    )


def validate_within_diary(value: dt.datetime | dt.date | None) -> None:
    """Dates the diary has; a browser's date box can send year 1 or 275760."""
    if value is None:
        return
    day = value.date() if isinstance(value, dt.datetime) else value
    if not within_diary(day):
        raise ValidationError(OUTSIDE_DIARY, code="outside_diary")


def parse_start(value: str) -> dt.datetime | None:
    """A start from a diary link (`2027-03-01T10:00`, clinic time, or with an offset).

    None if it is not one, or not a date the diary has.
    """
    try:
        start = dt.datetime.fromisoformat(value.strip())
    except (AttributeError, ValueError):
        return None
    if not within_diary(start.date()):
        return None
    zone = clinic_zone()
    if start.tzinfo is None:
        return start.replace(tzinfo=zone)
    return start.astimezone(zone)


def utc_offset(moment: dt.datetime) -> str:
    """A moment's UTC offset as ISO 8601 writes it: "+01:00"."""
    return moment.isoformat(timespec="minutes")[-6:]


def wall_moment(day: dt.date, at: dt.time, offset: str = "") -> dt.datetime:
    """The moment a wall-clock time on a day names, in the clinic's zone.

    `offset` ("+01:00", as a diary link or free time carries it) picks between
    the two moments a time names the night the clocks go back; it is ignored
    for any other time, which names one moment whatever the offset says. A time
    the clocks skip, or a repeated one without a matching offset, is refused.
    """
    zone = clinic_zone()
    moments = wall_instants(day, at, zone)
    when = gettext("%(time)s on %(day)s") % {
        "time": formats.clock(at),
        "day": formats.show(day, "DAY_LONG_YEAR_FORMAT"),
    }
    if not moments:
        raise ValidationError(
            gettext(
                "There is no %(when)s in %(zone)s: the clocks go forward then. Choose another time."
            )
            % {"when": when, "zone": zone.key},
            code="skipped_time",
        )
    if len(moments) == 1:
        return moments[0]
    for moment in moments:
        if utc_offset(moment) == offset.strip():
            return moment
    first, second = (clock_label(moment, zone) for moment in moments)
    raise ValidationError(
        gettext(
            "%(when)s happens twice in %(zone)s, as the clocks go back: choose %(first)s "
            "(the first) or %(second)s (the second) from the free times."
        )
        % {"when": when, "zone": zone.key, "first": first, "second": second},
        code="repeated_time",
    )


class ClinicDateTimeWidget(forms.MultiWidget):
    """Date and time boxes in clinic time, and (hidden) the UTC offset of the moment
    they were filled in with, which tells the first 01:15 of the night the clocks go
    back from the second."""

    supports_microseconds = False
    template_name = "django/forms/widgets/splitdatetime.html"

    def __init__(self, *, date_attrs=None, time_attrs=None, date_format=None, time_format=None):
        widgets = (
            forms.DateInput(attrs=date_attrs, format=date_format),
            forms.TimeInput(attrs=time_attrs, format=time_format),
            forms.HiddenInput(attrs={"data-start-offset": ""}),
        )
        super().__init__(widgets)

    def decompress(self, value):
        if value:
            local = timezone.localtime(value, clinic_zone())
            return [local.date(), local.time().replace(second=0, microsecond=0), utc_offset(local)]
        return [None, None, None]


class ClinicDateTimeField(forms.SplitDateTimeField):
    """A date and a time in clinic time, as one moment (see `wall_moment`)."""

    widget = ClinicDateTimeWidget

    def clean(self, value):
        offset = ""
        if isinstance(value, (list, tuple)):
            offset = str(value[2] or "") if len(value) > 2 else ""
            value = list(value[:2])
        naive = super().clean(value)
        if naive is None:
            return None
        return wall_moment(naive.date(), naive.time(), offset)

    def compress(self, data_list):
        if not data_list:
            return None
        if data_list[0] in self.empty_values:
            raise ValidationError(self.error_messages["invalid_date"], code="invalid_date")
        if data_list[1] in self.empty_values:
            raise ValidationError(self.error_messages["invalid_time"], code="invalid_time")
        # Naive on purpose: clean() turns it into a moment, with the offset.
        return dt.datetime.combine(*data_list)


class GoToDateForm(forms.Form):
    """The diary's "go to date" box: ?date=YYYY-MM-DD, empty for today."""

    date = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        validators=[validate_within_diary],
        error_messages={"invalid": _("Enter a date like 2027-03-01.")},
    )


class _DiaryTimeForm(forms.Form):
    """When, with whom, where and how long: shared by booking and moving."""

    starts_at = ClinicDateTimeField(
        label=_("Start (date and time)"),
        widget=ClinicDateTimeWidget(
            date_attrs={"type": "date", "class": "diary-split-date", "aria-label": _("Start date")},
            time_attrs={"type": "time", "class": "diary-split-time", "aria-label": _("Start time")},
            date_format="%Y-%m-%d",
            time_format="%H:%M",
        ),
        error_messages={
            "required": _("Give the date and the time."),
            "invalid_date": _("Enter a date like 2027-03-01."),
            "invalid_time": _("Enter a time like 10:30."),
        },
        help_text=_("Clinic time."),
        validators=[validate_within_diary],
    )
    artist = ArtistChoiceField(
        label=_("Artist"),
        queryset=User.objects.none(),
        empty_label=_("Choose an artist"),
        error_messages={
            "required": _("Choose an artist."),
            "invalid_choice": _("Choose an artist."),
        },
    )
    room = forms.ModelChoiceField(
        label=_("Room"),
        queryset=Room.objects.none(),
        required=False,
        empty_label=_("Any room"),
        help_text=_("Any: a free one is picked."),
    )
    minutes = forms.IntegerField(
        label=_("Length (minutes)"),
        required=False,
        min_value=5,
        max_value=12 * 60,
        help_text=_("Empty: the usual length."),
    )
    outside_hours = forms.BooleanField(
        label=_("Outside usual hours"),
        required=False,
        help_text=_(
            "Managers only: book even though the clinic or the artist is not working then."
        ),
    )
    outside_hours_note = forms.CharField(
        label=_("Why outside usual hours"),
        required=False,
        max_length=300,
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["artist"].queryset = active_artists()
        self.fields["room"].queryset = Room.objects.filter(is_active=True).order_by("name", "id")
        if user.role != Role.MANAGER:
            # The override is the manager's alone; for anyone else it is not offered.
            del self.fields["outside_hours"]
            del self.fields["outside_hours_note"]
        start = self._start_shown()
        if start is not None and is_repeated(start):
            # The boxes say 01:15 whichever 01:15 it is: say which, under them.
            local = timezone.localtime(start, clinic_zone())
            text = (
                _(
                    "Clinic time. This is %(label)s: the second %(time)s that night, "
                    "after the clocks go back."
                )
                if local.fold
                else _(
                    "Clinic time. This is %(label)s: the first %(time)s that night, "
                    "before the clocks go back."
                )
            )
            self.fields["starts_at"].help_text = text % {
                "label": clock_label(local),
                "time": formats.clock(local),
            }

    def _start_shown(self) -> dt.datetime | None:
        """The moment the start boxes hold (as sent, or as the link filled them in)."""
        field = self.fields["starts_at"]
        if self.is_bound:
            try:
                return field.clean(self["starts_at"].value())
            except ValidationError:
                return None
        value = self.get_initial_for_field(field, "starts_at")
        if isinstance(value, dt.datetime) and timezone.is_aware(value):
            return value
        return None

    @property
    def offers_outside_hours(self) -> bool:
        return "outside_hours" in self.fields

    def clean_outside_hours_note(self):
        return self.cleaned_data["outside_hours_note"].strip()

    def clean(self):
        cleaned = super().clean()
        if self.offers_outside_hours:
            if not cleaned.get("outside_hours"):
                cleaned["outside_hours_note"] = ""
            elif not cleaned.get("outside_hours_note") and "outside_hours_note" not in self.errors:
                self.add_error(
                    "outside_hours_note", _("Say why this booking is outside the usual hours.")
                )
        return cleaned

    def add_problem(self, problem: Problem, *, hint_override: bool = True) -> None:
        """Show a refusal from booking.py on the field it is about."""
        field = problem.field if problem.field in self.fields else None
        self.add_error(field, ValidationError(problem.message, code=problem.code))
        if (
            hint_override
            and self.offers_outside_hours
            and problem.code in {"closed", "outside_hours", "time_off"}
            and not self.cleaned_data.get("outside_hours")
        ):
            self.add_error(
                "outside_hours", _("To book it anyway, tick this and say why in the note below.")
            )


class BookingForm(_DiaryTimeForm):
    """A new appointment for a chosen client or for a client added on the spot."""

    client = forms.ModelChoiceField(
        queryset=Client.objects.all(),
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid_choice": _("That client record was not found. Search again.")},
    )
    new_first_name = forms.CharField(label=_("First name"), required=False, max_length=100)
    new_last_name = forms.CharField(label=_("Last name"), required=False, max_length=100)
    new_email = forms.EmailField(label=_("Email"), required=False)
    new_phone = PhoneNumberField(
        label=_("Phone"),
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    new_contact_consent = forms.BooleanField(
        label=_("Agrees to be contacted (reminders)"), required=False
    )
    type = forms.ModelChoiceField(
        label=_("Appointment type"),
        queryset=AppointmentType.objects.none(),
        to_field_name="slug",
        empty_label=_("Choose a type"),
        error_messages={"required": _("Choose the kind of appointment.")},
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    field_order = ["client", "type", "artist", "starts_at", "minutes", "room", "notes"]

    NEW_CLIENT_FIELDS = ("new_first_name", "new_last_name", "new_email", "new_phone")

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        types = AppointmentType.objects.filter(is_active=True).order_by("position", "name")
        self.fields["type"].queryset = types
        # diary.js fills in the usual length when the type changes. Read when the form is
        # shown, not when a booking is only saved.
        self.fields["type"].widget.attrs["data-default-minutes"] = lazy(
            lambda: json.dumps({t.slug: t.default_minutes for t in types.all()}), str
        )()

    def clean_new_first_name(self):
        return self.cleaned_data["new_first_name"].strip()

    def clean_new_last_name(self):
        return self.cleaned_data["new_last_name"].strip()

    def clean_new_email(self):
        return self.cleaned_data["new_email"].strip().lower()

    @property
    def adds_new_client(self) -> bool:
        return not self.cleaned_data.get("client") and any(
            self.cleaned_data.get(name) for name in self.NEW_CLIENT_FIELDS
        )

    def clean(self):
        cleaned = super().clean()
        if "client" in self.errors:
            return cleaned
        if cleaned.get("client"):
            return cleaned
        typed = [name for name in self.NEW_CLIENT_FIELDS if self.data.get(name, "").strip()]
        if not typed:
            self.add_error("client", _("Choose a client, or add a new one."))
            return cleaned
        if not cleaned.get("new_first_name") and "new_first_name" not in self.errors:
            self.add_error("new_first_name", _("Enter the client's first name."))
        if not cleaned.get("new_last_name") and "new_last_name" not in self.errors:
            self.add_error("new_last_name", _("Enter the client's last name."))
        email, phone = cleaned.get("new_email"), cleaned.get("new_phone")
        valid_contact = "new_email" not in self.errors and "new_phone" not in self.errors
        if valid_contact and not email and not phone:
            self.add_error("new_email", _("Give an email address or a phone number."))
        duplicate = duplicate_contact_error(
            email=email if "new_email" not in self.errors else "",
            phone=phone if "new_phone" not in self.errors else None,
        )
        if duplicate:
            self.add_client_errors(duplicate)
        return cleaned

    def add_client_errors(self, error: ValidationError) -> None:
        """Errors from clients.services land on the new client's fields."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            field = f"new_{name}"
            self.add_error(field if field in self.fields else None, errors)

    def new_client_fields(self) -> dict:
        data = self.cleaned_data
        email, phone = data["new_email"], data["new_phone"] or ""
        return {
            "first_name": data["new_first_name"],
            "last_name": data["new_last_name"],
            "email": email,
            "phone": phone,
            "contact_consent": data["new_contact_consent"],
            "preferred_channel": "email" if email else "sms",
        }


class MoveForm(_DiaryTimeForm):
    """A new time (and perhaps artist, room, length) for an existing appointment."""

    gap_override_reason = forms.CharField(
        label=_("Why closer than the usual gap between sessions"),
        required=False,
        max_length=300,
        help_text=_("Managers only, for treatment sessions."),
    )

    def __init__(self, *args, user: User, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        if user.role != Role.MANAGER:
            del self.fields["gap_override_reason"]

    @property
    def offers_gap_override(self) -> bool:
        return "gap_override_reason" in self.fields


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for cancelling"),
        max_length=300,
        error_messages={"required": _("Say why the appointment is cancelled.")},
        widget=forms.TextInput(attrs={"placeholder": _("e.g. client unwell, rebooking next week")}),
    )


class StatusForm(forms.Form):
    # Cancelling needs a reason and has its own form.
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[c for c in AppointmentStatus.choices if c[0] != AppointmentStatus.CANCELLED],
    )
