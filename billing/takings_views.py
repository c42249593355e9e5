"""The takings page (front desk and manager): a day by default, or a period; CSV too."""

from __future__ import annotations

import csv
import datetime as dt

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from accounts.access import client_editor_required
from scheduling.availability import OUTSIDE_DIARY, within_diary

from .takings import LONGEST_DAYS, csv_rows, takings


class TakingsForm(forms.Form):
    """?day=YYYY-MM-DD, or ?start=…&end=… for a period (at most a year)."""

    day = forms.DateField(
        label=gettext_lazy("Day"),
        required=False,
        error_messages={"invalid": gettext_lazy("Enter a date like 2027-03-01.")},
    )
    start = forms.DateField(
        label=gettext_lazy("From"),
        required=False,
        error_messages={"invalid": gettext_lazy("Enter a date like 2027-03-01.")},
    )
    end = forms.DateField(
        label=gettext_lazy("To"),
        required=False,
        error_messages={"invalid": gettext_lazy("Enter a date like 2027-03-31.")},
    )

    def __init__(self, data, *, today: dt.date):
        super().__init__(data)
        self.today = today

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        start, end = cleaned.get("start"), cleaned.get("end")
        if start is None and end is None:
            start = end = cleaned.get("day") or self.today
            field = "day"
        else:
            start, end = start or end, end or start
            field = "end"
        for value in (start, end):
            if not within_diary(value):
                raise forms.ValidationError({field: OUTSIDE_DIARY})
        if end < start:
            raise forms.ValidationError({"end": _("The end comes before the start.")})
        if (end - start).days + 1 > LONGEST_DAYS:
            raise forms.ValidationError(
                {"end": _("Choose at most %(count)s days.") % {"count": LONGEST_DAYS}}
            )
        cleaned["first"], cleaned["last"] = start, end
        return cleaned


@require_safe
@client_editor_required
def takings_page(request):
    today = timezone.localdate()
    form = TakingsForm(request.GET, today=today)
    if not form.is_valid():
        return render(request, "billing/takings.html", {"form": form, "today": today}, status=400)
    first, last = form.cleaned_data["first"], form.cleaned_data["last"]
    wants_csv = request.GET.get("format") == "csv"
    result = takings(first, last, all_refunds=wants_csv)
    if wants_csv:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = (
            f'attachment; filename="takings-{first:%Y%m%d}-{last:%Y%m%d}.csv"'
        )
        csv.writer(response).writerows(csv_rows(result))
        return response
    one_day = dt.timedelta(days=1)
    return render(
        request,
        "billing/takings.html",
        {
            "form": form,
            "today": today,
            "result": result,
            "query": f"start={first:%Y-%m-%d}&end={last:%Y-%m-%d}",
            "previous_day": first - one_day if within_diary(first - one_day) else None,
            "next_day": last + one_day if within_diary(last + one_day) else None,
        },
    )
