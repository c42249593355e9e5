"""The clinic's week and its closed days, as the manager sets them: the rules behind the
hours settings page (the admin keeps the same model constraints through setup_forms)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import holidays
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .availability import FIRST_DAY, LAST_DAY, OUTSIDE_DIARY
from .availability_cache import dates_between, free_times_changed
from .models import ClosedDay, OpeningHours, Weekday

PREVIEW_DAYS = 28


@dataclass(frozen=True)
class PreviewDay:
    day: dt.date
    hours: tuple[tuple[dt.time, dt.time], ...]
    closed_reason: str | None  # a closed day's reason ("" when none given); None when not one

    @property
    def is_open(self) -> bool:
        return self.closed_reason is None and bool(self.hours)


def week_template() -> dict[int, list[tuple[dt.time, dt.time]]]:
    """The clinic's opening hours per weekday (Monday 0), in order: one query."""
    week: dict[int, list[tuple[dt.time, dt.time]]] = {day: [] for day in Weekday.values}
    for weekday, opens, closes in OpeningHours.objects.order_by("weekday", "opens").values_list(
        "weekday", "opens", "closes"
    ):
        week[weekday].append((opens, closes))
    return week


def overlapping_hours(rows: list[tuple[int, dt.time, dt.time]]) -> list[int]:
    """The weekdays on which two of these opening hours overlap (touching is fine)."""
    by_day: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for weekday, opens, closes in rows:
        by_day.setdefault(weekday, []).append((opens, closes))
    clashes = []
    for weekday, spans in sorted(by_day.items()):
        spans.sort()
        if any(later[0] < earlier[1] for earlier, later in zip(spans, spans[1:], strict=False)):
            clashes.append(weekday)
    return clashes


@transaction.atomic
def week_template_replace(rows: list[tuple[int, dt.time, dt.time]]) -> None:
    """Make these the clinic's opening hours (each row saved on its own, so the audit
    trail shows what came and went). Overlapping hours on a day are refused."""
    clashes = overlapping_hours(rows)
    if clashes:
        days = ", ".join(str(Weekday(day).label) for day in clashes)
        raise ValidationError(
            _("Hours overlap on %(days)s: make each day's times follow each other.")
            % {"days": days}
        )
    wanted = set(rows)
    for row in OpeningHours.objects.all():
        key = (row.weekday, row.opens, row.closes)
        if key in wanted:
            wanted.discard(key)
        else:
            row.delete()
    for weekday, opens, closes in sorted(wanted):
        row = OpeningHours(weekday=weekday, opens=opens, closes=closes)
        row.full_clean()
        row.save()
    free_times_changed(everything=True)


def preview(first_day: dt.date, days: int = PREVIEW_DAYS) -> list[PreviewDay]:
    """The clinic's next days as clients will find them: open hours, or closed and why.
    Two queries whatever the span."""
    week = week_template()
    last_day = first_day + dt.timedelta(days=days - 1)
    closed = dict(
        ClosedDay.objects.filter(date__range=(first_day, last_day)).values_list("date", "reason")
    )
    out = []
    for offset in range(days):
        day = first_day + dt.timedelta(days=offset)
        out.append(
            PreviewDay(
                day=day,
                hours=tuple(week[day.weekday()]),
                closed_reason=closed.get(day),
            )
        )
    return out


def _check_in_diary(day: dt.date) -> None:
    if not FIRST_DAY <= day <= LAST_DAY:
        raise ValidationError(OUTSIDE_DIARY)


@transaction.atomic
def closed_days_add(first: dt.date, last: dt.date | None = None, reason: str = "") -> int:
    """Close the clinic from `first` to `last` (one day when no last). Days already closed
    keep their reason. Returns how many days were added."""
    last = last or first
    _check_in_diary(first)
    _check_in_diary(last)
    if last < first:
        raise ValidationError(_("The last day closed must be on or after the first."))
    if (last - first).days > 366:
        raise ValidationError(_("Close at most a year at a time."))
    have = set(ClosedDay.objects.filter(date__range=(first, last)).values_list("date", flat=True))
    added = 0
    day = first
    while day <= last:
        if day not in have:
            row = ClosedDay(date=day, reason=reason.strip()[:200])
            row.full_clean()
            row.save()
            added += 1
        day += dt.timedelta(days=1)
    if added:
        free_times_changed(days=dates_between(first, last))
    return added


def closed_day_remove(pk: int) -> bool:
    """Open the clinic again on a closed day. False when there was no such closed day."""
    row = ClosedDay.objects.filter(pk=pk).first()
    if row is None:
        return False
    row.delete()
    free_times_changed(days=[row.date])
    return True


def holiday_country() -> str:
    """Public holidays follow the clinic's country (the phone region, CLINIC_PHONE_REGION)."""
    return settings.PHONENUMBER_DEFAULT_REGION or "GB"


def holiday_regions() -> list[tuple[str, str]]:
    """The parts of the clinic's country with holidays of their own (England, Scotland…),
    as (code, name); empty when the country has one list or is not known."""
    try:
        calendar = holidays.country_holidays(holiday_country())
    except NotImplementedError:
        return []
    names = getattr(calendar, "subdivisions_aliases", {}) or {}
    by_code = {code: alias for alias, code in names.items()}
    return [(code, by_code.get(code, code)) for code in calendar.subdivisions]


def public_holidays(year: int, region: str = "") -> list[tuple[dt.date, str]]:
    """The public holidays of the clinic's country (and region) in a year, in date order."""
    if not FIRST_DAY.year <= year <= LAST_DAY.year:
        raise ValidationError(OUTSIDE_DIARY)
    if region and region not in dict(holiday_regions()):
        raise ValidationError(_("Choose one of the regions listed."))
    try:
        calendar = holidays.country_holidays(holiday_country(), subdiv=region or None, years=year)
    except NotImplementedError as error:
        raise ValidationError(
            _("Public holidays of the clinic's country are not known.")
        ) from error
    return sorted(calendar.items())


@transaction.atomic
def public_holidays_close(year: int, region: str = "") -> int:
    """Close the clinic on a year's public holidays, each with its name as the reason."""
    added = 0
    for day, name in public_holidays(year, region):
        added += closed_days_add(day, day, name)
    return added


def closed_days_ahead(today: dt.date, limit: int = 200) -> list[ClosedDay]:
    """The closed days from today on, in date order (the next `limit`)."""
    return list(ClosedDay.objects.filter(date__gte=today).order_by("date")[:limit])
