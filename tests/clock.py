"""The tests' calendar: readable dates that never expire.

Tests book appointments on concrete days ("Monday 1 March", "the Sunday the clocks
go forward") because the rules they check depend on the calendar: weekdays, opening
hours, London's clock changes. Those days must lie in the future whatever the real
date is, or the suite starts failing on the day it passes them.

So the tests' year is not written down: it is the first year after the current one
whose 1 March is a Monday (2027, 2032, 2038, …), read from the process clock, so the
suite passes whatever the date (try it with `make test-clock`). Every such year has
the same calendar from March to December, so weekdays can be read off day(month, day).
The days London's clocks change are read from the time zone database, not written
down: CLOCKS_GO_FORWARD and CLOCKS_GO_BACK (today the last Sundays of March and
October). January and February differ in leap years: reach them from MONDAY
(`MONDAY - dt.timedelta(days=3)`), never by their day of the month.

Tests that need "now" at a particular moment pass it to the code under test, or use
the `freeze_now` fixture; shown text is built from these dates (`long_date`), never
typed with a year.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC


def _test_year(today: dt.date) -> int:
    year = today.year + 1
    while dt.date(year, 3, 1).weekday() != 0:
        year += 1
    return year


YEAR = _test_year(dt.date.today())


def day(month: int, day_of_month: int) -> dt.date:
    """A day of the tests' year; March to December only (see the module's note)."""
    if month < 3:
        raise ValueError("January and February differ in leap years: count from MONDAY")
    return dt.date(YEAR, month, day_of_month)


def clock_changes(year: int, zone: ZoneInfo = LONDON) -> tuple[dt.date, dt.date]:
    """The days that zone's clocks go forward and back in that year, from its rules."""
    changes = {}
    previous = dt.datetime(year - 1, 12, 31, 12, tzinfo=zone).utcoffset()
    on = dt.date(year, 1, 1)
    while on.year == year:
        offset = dt.datetime.combine(on, dt.time(12), tzinfo=zone).utcoffset()
        if offset != previous:
            changes.setdefault("forward" if offset > previous else "back", on)
        previous = offset
        on += dt.timedelta(days=1)
    return changes["forward"], changes["back"]


# Monday 1 March: the week most tests happen in.
MONDAY = day(3, 1)
# London's clocks go forward (at 01:00) on this day, and back (at 02:00) on the other.
CLOCKS_GO_FORWARD, CLOCKS_GO_BACK = clock_changes(YEAR)
# A Monday in British Summer Time.
SUMMER_MONDAY = day(7, 5)


def at(on: dt.date, hhmm: str, zone: ZoneInfo = LONDON) -> dt.datetime:
    """A wall-clock time in the clinic (London) on that day, as an aware datetime."""
    hour, minute = map(int, hhmm.split(":"))
    return dt.datetime.combine(on, dt.time(hour, minute), tzinfo=zone)


def utc(month: int, day_of_month: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    """A moment in UTC on a day of the tests' year (March to December)."""
    return dt.datetime.combine(day(month, day_of_month), dt.time(hour, minute), tzinfo=UTC)


def long_date(on: dt.date) -> str:
    """The date as pages write it in full: "Monday 1 March 2027"."""
    return f"{on:%A} {on.day} {on:%B %Y}"


def short_date(on: dt.date) -> str:
    """The date as lists write it: "Mon 1 Mar 2027"."""
    return f"{on:%a} {on.day} {on:%b %Y}"


# Some tests need a day close to today rather than a day of the tests' year: the
# JSON API refuses dates more than five years ahead, and online booking has a horizon.
WINTER_MONTHS = frozenset({12, 1, 2})  # London keeps GMT all month
SUMMER_MONTHS = frozenset({6, 7, 8})  # London keeps BST all month


def monday_in(months: frozenset[int], *, weeks_ahead: int = 2) -> dt.date:
    """The first Monday at least `weeks_ahead` weeks from today in one of these months."""
    candidate = dt.date.today() + dt.timedelta(weeks=weeks_ahead)
    candidate += dt.timedelta(days=-candidate.weekday() % 7)
    while candidate.month not in months:
        candidate += dt.timedelta(weeks=1)
    return candidate


def weekday_ahead(days: int = 3) -> dt.date:
    """The first Monday to Friday at least `days` days after today on the clinic's clock
    (online booking wants notice, and has a horizon)."""
    candidate = today() + dt.timedelta(days=days)
    while candidate.weekday() >= 5:
        candidate += dt.timedelta(days=1)
    return candidate


def today() -> dt.date:
    """Today on the clinic's (London's) clock."""
    return dt.datetime.now(LONDON).date()


def monday_ahead(weeks: int = 2) -> dt.date:
    """The first Monday at least `weeks` weeks from today."""
    candidate = today() + dt.timedelta(weeks=weeks)
    return candidate + dt.timedelta(days=-candidate.weekday() % 7)


def days_ago(days: int, hhmm: str = "10:00") -> dt.datetime:
    """That wall-clock time in the clinic, that many days ago (summer or winter)."""
    return at(today() - dt.timedelta(days=days), hhmm)
