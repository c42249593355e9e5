"""Dates, times and the week as the clinic's locale writes them: the one place they are formatted.

Named formats live in smpclinic/locale_formats (one module per language, chosen by the
active language); templates use them as `{{ value|date:"DAY_SHORT_FORMAT" }}` and
`{{ moment|clock }}`, Python through `show()` and `clock()`. Nothing else writes a
date pattern: smpclinic/tests/test_formats.py fails on a hand-written one.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import dateformat, formats, timezone, translation

# Every named format each locale module defines (checked by the tests).
NAMED_FORMATS = (
    "CLOCK_FORMAT",
    "CLOCK_SECONDS_FORMAT",
    "HOUR_FORMAT",
    "WEEKDAY_FORMAT",
    "DAY_MONTH_FORMAT",
    "DAY_MONTH_LONG_FORMAT",
    "DATE_MEDIUM_FORMAT",
    "DATE_LONG_FORMAT",
    "DAY_SHORT_FORMAT",
    "DAY_SHORT_YEAR_FORMAT",
    "DAY_LONG_FORMAT",
    "DAY_LONG_YEAR_FORMAT",
    "DAY_MONTH_CLOCK_FORMAT",
    "DAY_SHORT_CLOCK_FORMAT",
    "DAY_SHORT_YEAR_CLOCK_FORMAT",
    "DAY_LONG_YEAR_CLOCK_FORMAT",
    "DATE_MEDIUM_CLOCK_FORMAT",
    "DATE_MEDIUM_SECONDS_FORMAT",
    "DATE_LONG_CLOCK_FORMAT",
    "DATE_LONG_SECONDS_FORMAT",
    "DATE_LONG_SECONDS_ZONE_FORMAT",
)

WEEKDAYS = {"monday": 0, "saturday": 5, "sunday": 6}


def local(value):
    """An aware datetime in the current time zone (the clinic's); anything else as it is."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def pattern(name: str) -> str:
    """The active language's pattern for a named format; the clinic's language's when none
    is active (the admin writes its history with translation switched off)."""
    if name not in NAMED_FORMATS and name not in formats.FORMAT_SETTINGS:
        raise ValueError(f"{name!r} is not a named format")
    for language in (translation.get_language(), settings.LANGUAGE_CODE, "en-gb"):
        if language:
            found = formats.get_format(name, lang=language)
            if found != name:
                return found
    raise ValueError(f"No locale defines {name!r}")


def show(value, name: str) -> str:
    """`value` (a date, time or datetime) in the active locale's named format, e.g.
    show(day, "DAY_SHORT_FORMAT") is "Mon 5 Jan" in en-gb, "Mon, Jan 5" in en-us.
    An aware datetime is written in its own zone: pass the clinic's local time."""
    written = pattern(name)
    if value is None or value == "":
        return ""
    if isinstance(value, dt.time) or name.startswith(("CLOCK", "HOUR")):
        return dateformat.time_format(value, written)
    return dateformat.format(value, written)


def clock(value) -> str:
    """A time of day as the locale's clock shows it: "14:30" (en-gb, es), "2:30 PM" (en-us)."""
    return show(value, "CLOCK_FORMAT")


def hour12() -> bool:
    """Whether the active locale reads a 12-hour clock ("2:30 PM")."""
    return any(letter in pattern("CLOCK_FORMAT") for letter in "aA")


def clock_span(start, end) -> str:
    """ "09:00–13:00" (en-gb), "9:00 AM–1:00 PM" (en-us)."""
    return f"{clock(start)}–{clock(end)}"


def first_weekday() -> int:
    """The first day of the clinic's week, Python-style (Monday 0 … Sunday 6): the clinic
    settings' choice, else CLINIC_FIRST_DAY_OF_WEEK, else the clinic locale's."""
    from smpclinic.clinic import clinic_profile

    chosen = getattr(clinic_profile(), "first_day_of_week", "") or installed_first_day()
    return WEEKDAYS[chosen]


def installed_first_day() -> str:
    """ "monday", "sunday" or "saturday": CLINIC_FIRST_DAY_OF_WEEK, else the clinic locale's."""
    if settings.CLINIC_FIRST_DAY_OF_WEEK in WEEKDAYS:
        return settings.CLINIC_FIRST_DAY_OF_WEEK
    # Django counts from Sunday (0); Python from Monday (0).
    sunday_based = formats.get_format("FIRST_DAY_OF_WEEK", lang=settings.LANGUAGE_CODE)
    python_day = (int(sunday_based) - 1) % 7
    return next((name for name, number in WEEKDAYS.items() if number == python_day), "monday")


def week_start(day: dt.date, first: int | None = None) -> dt.date:
    """The first day (per `first_weekday`) of the week `day` falls in."""
    first = first_weekday() if first is None else first
    return day - dt.timedelta(days=(day.weekday() - first) % 7)


def weekday_order(first: int | None = None) -> list[int]:
    """Python weekday numbers in the clinic's week order, e.g. [6, 0, 1, …, 5] from Sunday."""
    first = first_weekday() if first is None else first
    return [(first + offset) % 7 for offset in range(7)]
