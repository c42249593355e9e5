"""Forms of the team's hours pages: they turn what is typed into times and moments;
the rules (inside opening hours, no overlaps, who may ask) are in staff_hours.py."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from .forms import ClinicDateTimeField, ClinicDateTimeWidget, validate_within_diary
from .models import AppointmentType, TimeOffKind, Weekday
from .staff_hours import Span, hours_problems, range_key

# Ranges shown per day: a day with a break needs two; one more appears when a day
# already has as many as that.
MIN_RANGES_PER_DAY = 2
MAX_RANGES_PER_DAY = 8


def ranges_per_day(week: dict[int, list[Span]]) -> int:
    most = max((len(r) for r in week.values()), default=0)
    return max(MIN_RANGES_PER_DAY, most + 1)


def _time_input(label: str) -> forms.TimeInput:
    return forms.TimeInput(
        attrs={"type": "time", "aria-label": label, "class": "form-control form-control-sm w-auto"},
        format="%H:%M",
    )


class WeekHoursForm(forms.Form):
    """A week of working hours: for each day, a few from–to ranges (empty: not working)."""

    ranges = forms.IntegerField(
        widget=forms.HiddenInput, min_value=1, max_value=MAX_RANGES_PER_DAY, required=False
    )

    def __init__(self, *args, week: dict[int, list[Span]], **kwargs):
        super().__init__(*args, **kwargs)
        count = ranges_per_day(week)
        if self.is_bound:
            # As many as the page that was sent had, so no typed range is dropped.
            posted = str(self.data.get("ranges", "")).strip()
            if posted.isdecimal() and 1 <= int(posted) <= MAX_RANGES_PER_DAY:
                count = int(posted)
        self.count = count
        self.fields["ranges"].initial = count
        for day in Weekday:
            saved = week.get(day.value, [])
            for index in range(count):
                key = range_key(day.value, index)
                starts, ends = saved[index] if index < len(saved) else (None, None)
                for part, value, word in (("starts", starts, "from"), ("ends", ends, "until")):
                    self.fields[f"{key}_{part}"] = forms.TimeField(
                        required=False,
                        initial=value,
                        widget=_time_input(f"{day.label}, range {index + 1}, {word}"),
                        error_messages={"invalid": "Enter a time like 09:30."},
                    )

    def week(self) -> dict[int, list[tuple[dt.time | None, dt.time | None]]]:
        data = self.cleaned_data
        return {
            day.value: [
                (
                    data.get(f"{range_key(day.value, i)}_starts"),
                    data.get(f"{range_key(day.value, i)}_ends"),
                )
                for i in range(self.count)
            ]
            for day in Weekday
        }

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            self.add_problems(hours_problems(self.week()))
        return cleaned

    def add_problems(self, problems: dict[str, str]) -> None:
        """Refusals from staff_hours, each next to the range it is about."""
        for key, message in problems.items():
            field = f"{key}_ends" if f"{key}_ends" in self.fields else None
            self.add_error(field, message)

    def days(self, opening: dict[int, str]) -> list[dict]:
        """The week as the page lays it out: each day with the clinic's hours that day and
        its ranges' boxes, a range's boxes marked when something is wrong with it."""
        rows = []
        for day in Weekday:
            ranges = []
            for i in range(self.count):
                starts, ends = (self[f"{range_key(day.value, i)}_{p}"] for p in ("starts", "ends"))
                errors = [*starts.errors, *ends.errors]
                if errors:
                    for box in (starts, ends):
                        box.field.widget.attrs["class"] += " is-invalid"
                ranges.append({"starts": starts, "ends": ends, "errors": errors})
            rows.append({"day": day, "open": opening.get(day.value, ""), "ranges": ranges})
        return rows


def _moment_field(label: str, help_text: str) -> ClinicDateTimeField:
    return ClinicDateTimeField(
        label=label,
        widget=ClinicDateTimeWidget(
            date_attrs={"type": "date", "aria-label": format_lazy(_("{label}: date"), label=label)},
            time_attrs={"type": "time", "aria-label": format_lazy(_("{label}: time"), label=label)},
            date_format="%Y-%m-%d",
            time_format="%H:%M",
        ),
        error_messages={
            "required": _("Give the date and the time."),
            "invalid_date": _("Enter a date like 2027-03-01."),
            "invalid_time": _("Enter a time like 09:00."),
        },
        help_text=help_text,
        validators=[validate_within_diary],
    )


class TimeOffForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"), choices=TimeOffKind.choices, initial=TimeOffKind.HOLIDAY
    )
    starts_at = _moment_field(_("From"), _("Clinic time."))
    ends_at = _moment_field(
        _("Until"), _("The first moment back, e.g. 09:00 on the day of return.")
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class OfferedTypesForm(forms.Form):
    types = forms.ModelMultipleChoiceField(
        queryset=AppointmentType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Appointment types they take",
        help_text="Clients and the front desk are offered this artist only for these. "
        "Appointments already booked stay.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["types"].queryset = AppointmentType.objects.filter(is_active=True).order_by(
            "position", "name"
        )
