"""The period a report covers."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from scheduling.availability import OUTSIDE_DIARY, within_diary

LONGEST_PERIOD_DAYS = 366


class PeriodForm(forms.Form):
    """?start=YYYY-MM-DD&end=YYYY-MM-DD (both days included); this month when not given."""

    start = forms.DateField(
        label=_("From"),
        required=False,
        error_messages={"invalid": _("Enter a date like 2027-03-01.")},
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        error_messages={"invalid": _("Enter a date like 2027-03-31.")},
    )

    def __init__(self, data, *, today: dt.date):
        super().__init__(data)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        first_of_month = self.today.replace(day=1)
        start = cleaned.get("start") or first_of_month
        end = cleaned.get("end")
        if end is None:
            following = (first_of_month + dt.timedelta(days=32)).replace(day=1)
            end = following - dt.timedelta(days=1) if start == first_of_month else start
        for name, day in (("start", start), ("end", end)):
            if not within_diary(day):
                raise ValidationError({name: OUTSIDE_DIARY})
        if end < start:
            raise ValidationError({"end": _("The end comes before the start.")})
        if (end - start).days + 1 > LONGEST_PERIOD_DAYS:
            raise ValidationError(
                {"end": _("Choose at most %(days)d days.") % {"days": LONGEST_PERIOD_DAYS}}
            )
        cleaned["start"], cleaned["end"] = start, end
        return cleaned
