"""Dates, times, weeks, amounts and phone numbers as the clinic's locale writes them.

en-gb (the default) keeps the British formats the pages always had; en-us reads month
first with a 12-hour clock and starts its weeks on Sunday; Spanish reads day first with
a 24-hour clock. No template or Python module writes a date pattern of its own.
"""

import datetime as dt
import os
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import formats as django_formats
from django.utils import translation

from smpclinic import formats
from smpclinic.clinic import clinic_profile, clock_label, remember_clinic_profile
from smpclinic.money import money
from smpclinic.templatetags.clinic_time import clock, input_time
from tests.clock import LONDON, MONDAY, at, day

ROOT = Path(__file__).resolve().parents[2]
LOCALES = ("en-gb", "en-us", "es")

# A Monday in the tests' year (1 March is a Monday), 14:30:05 in London.
MOMENT = dt.datetime.combine(day(3, 1), dt.time(14, 30, 5), tzinfo=LONDON)
YEAR = MOMENT.year

EXPECTED = {
    "en-gb": {
        "CLOCK_FORMAT": "14:30",
        "DAY_SHORT_FORMAT": "Mon 1 Mar",
        "DAY_SHORT_YEAR_FORMAT": f"Mon 1 Mar {YEAR}",
        "DAY_LONG_FORMAT": "Monday 1 March",
        "DAY_LONG_YEAR_FORMAT": f"Monday 1 March {YEAR}",
        "DATE_MEDIUM_FORMAT": f"1 Mar {YEAR}",
        "DATE_LONG_FORMAT": f"1 March {YEAR}",
        "DAY_MONTH_FORMAT": "1 Mar",
        "DAY_SHORT_CLOCK_FORMAT": "Mon 1 Mar, 14:30",
        "DATE_MEDIUM_CLOCK_FORMAT": f"1 Mar {YEAR}, 14:30",
        "DATE_LONG_SECONDS_FORMAT": f"1 March {YEAR}, 14:30:05",
    },
    "en-us": {
        "CLOCK_FORMAT": "2:30 PM",
        "DAY_SHORT_FORMAT": "Mon, Mar 1",
        "DAY_SHORT_YEAR_FORMAT": f"Mon, Mar 1, {YEAR}",
        "DAY_LONG_FORMAT": "Monday, March 1",
        "DAY_LONG_YEAR_FORMAT": f"Monday, March 1, {YEAR}",
        "DATE_MEDIUM_FORMAT": f"Mar 1, {YEAR}",
        "DATE_LONG_FORMAT": f"March 1, {YEAR}",
        "DAY_MONTH_FORMAT": "Mar 1",
        "DAY_SHORT_CLOCK_FORMAT": "Mon, Mar 1, 2:30 PM",
        "DATE_MEDIUM_CLOCK_FORMAT": f"Mar 1, {YEAR}, 2:30 PM",
        "DATE_LONG_SECONDS_FORMAT": f"March 1, {YEAR}, 2:30:05 PM",
    },
    "es": {
        "CLOCK_FORMAT": "14:30",
        "DAY_SHORT_FORMAT": "lun 1 mar",
        "DAY_SHORT_YEAR_FORMAT": f"lun 1 mar {YEAR}",
        "DAY_LONG_FORMAT": "lunes 1 de marzo",
        "DAY_LONG_YEAR_FORMAT": f"lunes 1 de marzo de {YEAR}",
        "DATE_MEDIUM_FORMAT": f"1 mar {YEAR}",
        "DATE_LONG_FORMAT": f"1 de marzo de {YEAR}",
        "DAY_MONTH_FORMAT": "1 mar",
        "DAY_SHORT_CLOCK_FORMAT": "lun 1 mar, 14:30",
        "DATE_MEDIUM_CLOCK_FORMAT": f"1 mar {YEAR}, 14:30",
        "DATE_LONG_SECONDS_FORMAT": f"1 de marzo de {YEAR}, 14:30:05",
    },
}


@pytest.mark.parametrize("locale", LOCALES)
def test_named_formats_follow_the_active_language(locale):
    with translation.override(locale):
        shown = {name: formats.show(MOMENT, name) for name in EXPECTED[locale]}
    assert shown == EXPECTED[locale]


@pytest.mark.parametrize("locale", LOCALES)
def test_templates_use_the_same_named_formats(locale, settings):
    settings.TIME_ZONE = "Europe/London"
    template = Template('{{ when|date:"DAY_SHORT_CLOCK_FORMAT" }} · {{ when|clock }}')
    with translation.override(locale):
        text = template.render(Context({"when": MOMENT.astimezone(dt.UTC)}))
    assert text == (
        f"{EXPECTED[locale]['DAY_SHORT_CLOCK_FORMAT']} · {EXPECTED[locale]['CLOCK_FORMAT']}"
    )


# The languages the clinic can show (LANGUAGES when the installation lists them).
LANGUAGE_CODES = sorted(
    {*LOCALES, *(code for code, _ in settings.LANGUAGES if settings.is_overridden("LANGUAGES"))}
)


@pytest.mark.parametrize("locale", LANGUAGE_CODES)
def test_every_language_defines_every_named_format(locale):
    """A language without them would print a format's name letter by letter."""
    module_names = [m.__name__ for m in django_formats.get_format_modules(locale)]
    ours = [m for m in django_formats.get_format_modules(locale) if "smpclinic" in m.__name__]
    if locale not in LOCALES and not ours:
        pytest.fail(f"{locale} has no module in smpclinic/locale_formats ({module_names})")
    missing = [
        name
        for name in formats.NAMED_FORMATS
        if not any(getattr(module, name, None) for module in ours)
    ]
    assert not missing, f"{locale} lacks {missing}"


def test_show_refuses_a_hand_written_pattern():
    with pytest.raises(ValueError, match="not a named format"):
        formats.show(MOMENT, "D j M")


def test_with_translation_switched_off_the_clinic_language_writes():
    """The admin writes its history with no language active."""
    with translation.override(None):
        assert formats.show(MOMENT, "DAY_SHORT_CLOCK_FORMAT") == "Mon 1 Mar, 14:30"


def test_the_clock_says_which_repeated_hour_in_each_locale(settings):
    from tests.clock import CLOCKS_GO_BACK

    first = dt.datetime.combine(CLOCKS_GO_BACK, dt.time(1, 15), tzinfo=LONDON)
    second = first.replace(fold=1)
    assert (clock_label(first, LONDON), clock_label(second, LONDON)) == ("01:15 BST", "01:15 GMT")
    with translation.override("en-us"):
        assert clock_label(first, LONDON) == "1:15 AM BST"
        assert clock(dt.time(9)) == "9:00 AM"
        # The value an <input type="time"> takes does not change with the locale.
        assert input_time(dt.time(9)) == "09:00"


def test_first_day_of_the_week_comes_from_the_clinic_locale(settings):
    sunday = MONDAY - dt.timedelta(days=1)
    wednesday = MONDAY + dt.timedelta(days=2)
    settings.CLINIC_FIRST_DAY_OF_WEEK = ""
    assert formats.week_start(wednesday) == MONDAY
    settings.LANGUAGE_CODE = "en-us"
    assert formats.first_weekday() == 6
    assert formats.week_start(wednesday) == sunday
    assert formats.week_start(sunday) == sunday
    assert formats.weekday_order()[:2] == [6, 0]
    settings.LANGUAGE_CODE = "es"
    assert formats.week_start(sunday) == MONDAY - dt.timedelta(days=7)


@pytest.mark.django_db
def test_the_clinic_overrides_the_first_day_of_the_week(settings):
    settings.LANGUAGE_CODE = "en-gb"
    settings.CLINIC_FIRST_DAY_OF_WEEK = "sunday"
    wednesday = MONDAY + dt.timedelta(days=2)
    assert formats.week_start(wednesday) == MONDAY - dt.timedelta(days=1)
    profile = clinic_profile()
    profile.first_day_of_week = "saturday"
    remember_clinic_profile(profile)
    try:
        assert formats.week_start(wednesday) == MONDAY - dt.timedelta(days=2)
    finally:
        profile.first_day_of_week = ""
        remember_clinic_profile(profile)


@pytest.mark.parametrize(
    ("locale", "currency", "expected"),
    [
        ("en-gb", "GBP", "£1,250.50"),
        ("en-us", "USD", "$1,250.50"),
        ("es", "EUR", "1.250,50\xa0€"),
    ],
)
def test_amounts_follow_the_locale_and_the_clinic_currency(locale, currency, expected, settings):
    settings.CLINIC_CURRENCY = currency
    with translation.override(locale):
        assert money(Decimal("1250.50")) == expected


# --- The installation's settings -------------------------------------------------------


def settings_value(name: str, **env) -> str:
    full_env = {**os.environ, **env}
    full_env.pop("CLINIC_PHONE_REGION", None) if "CLINIC_PHONE_REGION" not in env else None
    result = subprocess.run(  # noqa: S603 - fixed arguments, our own settings
        [
            sys.executable,
            "-c",
            f"from django.conf import settings; print(settings.{name})",
        ],
        cwd=ROOT,
        env={**full_env, "DJANGO_SETTINGS_MODULE": "smpclinic.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "region"),
    [
        ({"CLINIC_LOCALE": "en-gb"}, "GB"),
        ({"CLINIC_LOCALE": "en-us"}, "US"),
        ({"CLINIC_LOCALE": "es"}, "ES"),
        ({"CLINIC_LOCALE": "en-us", "CLINIC_PHONE_REGION": "ca"}, "CA"),
    ],
)
def test_the_phone_region_follows_the_locale_unless_set(env, region):
    assert settings_value("PHONENUMBER_DEFAULT_REGION", **env) == region


def test_the_locale_sets_the_language_code():
    assert settings_value("LANGUAGE_CODE", CLINIC_LOCALE="en_US") == "en-us"


def test_an_unknown_locale_or_first_day_is_refused_with_a_clear_error():
    for env, words in (
        ({"CLINIC_LOCALE": "fr-fr"}, "CLINIC_LOCALE must be one of en-gb, en-us, es"),
        ({"CLINIC_FIRST_DAY_OF_WEEK": "friday"}, "CLINIC_FIRST_DAY_OF_WEEK must be monday"),
    ):
        result = subprocess.run(  # noqa: S603 - fixed arguments, our own settings
            [sys.executable, "-c", "from django.conf import settings; settings.LANGUAGE_CODE"],
            cwd=ROOT,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": "smpclinic.settings", **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode != 0
        assert words in result.stderr


# --- Nothing writes a date pattern by hand ----------------------------------------------

SKIP_DIRS = {".venv", "node_modules", "tests", "migrations", "var", "tmp", "patches", ".git"}
# Formats for machines (addresses, HTML attributes, iCalendar), not for people.
MACHINE_TEMPLATE_FORMATS = {"Y-m-d", "Ymd", "c"}
TEMPLATE_FORMAT = re.compile(r"""\|(date|time):(["'])(.*?)\2""")
NOW_TAG = re.compile(r"""\{%\s*now\s+(["'])(.*?)\1""")


def _files(suffixes):
    for path in ROOT.rglob("*"):
        if path.suffix in suffixes and not SKIP_DIRS & set(path.relative_to(ROOT).parts):
            yield path


def test_no_template_writes_a_date_format_by_hand():
    """Only the locale's named formats (`|date:"DAY_SHORT_FORMAT"`, `|clock`) or an ISO
    form for a machine: a pattern like `|date:"D j M"` is British on every clinic's page."""
    found = []
    for path in _files({".html", ".txt", ".ics", ".xml"}):
        text = path.read_text(errors="ignore")
        for match in TEMPLATE_FORMAT.finditer(text):
            pattern = match.group(3)
            if pattern in MACHINE_TEMPLATE_FORMATS or re.fullmatch(r"[A-Z_]+_FORMAT", pattern):
                continue
            found.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        found += [f"{path.relative_to(ROOT)}: {m.group(0)}" for m in NOW_TAG.finditer(text)]
    assert not found, "Use a named format (smpclinic/locale_formats):\n" + "\n".join(found)


# strftime directives that write a date or time for people: day and month names and
# numbers, hours, minutes. A zone's name (%Z) alone is allowed.
PEOPLE_DIRECTIVE = re.compile(r"%-?[aAbBdeHIjmMpSyY]")
FSTRING_SPEC = re.compile(r"\{[^{}]*?:(%[^{}]*)\}")
STRFTIME_CALL = re.compile(r"""strftime\(\s*(["'])(.*?)\1""")
FORMAT_ARGUMENT = re.compile(
    r"""(?:format|input_formats|date_format|time_format)\s*=\s*\[?\s*(["'])(.*?)\1"""
)
# For machines: ISO dates and times (form inputs, addresses, files), UTC stamps in logs,
# the admin's record names and exports, iCalendar.
MACHINE_PATTERNS = {
    "%Y-%m-%d",
    "%H:%M",  # only as an <input type="time">'s value (a format= argument)
    "%Y-%m-%dT%H:%MZ",
    "%Y%m%dT%H%MZ",
    "%Y%m%dT%H%M%SZ",  # an iCalendar UTC moment (DTSTART, DTSTAMP)
    "%Y-%m-%dT%H:%M:%SZ",
    "%Y-%m-%d %H:%M",
    "%Y%m%d",
    "%Y%m%dT%H%M%S%f",
    "%Y%m%d%H%M%S%f",
}


def test_no_python_module_writes_a_date_for_people_by_hand():
    found = []
    for path in _files({".py"}):
        if path.name == "formats.py" and "locale_formats" in path.parts:
            continue
        text = path.read_text(errors="ignore")
        machine_arguments = {m.group(2) for m in FORMAT_ARGUMENT.finditer(text)}
        for line_number, line in enumerate(text.splitlines(), 1):
            if line.lstrip().startswith("#"):
                continue
            patterns = [m.group(1) for m in FSTRING_SPEC.finditer(line)]
            patterns += [m.group(2) for m in STRFTIME_CALL.finditer(line)]
            for pattern in patterns:
                if not PEOPLE_DIRECTIVE.search(pattern):
                    continue
                if pattern == "%H:%M" and pattern in machine_arguments:
                    continue
                if pattern != "%H:%M" and pattern in MACHINE_PATTERNS:
                    continue
                # A UTC stamp in a record's name or an export is for the admin and machines.
                if pattern.startswith("%Y-%m-%d") and "UTC" in line:
                    continue
                found.append(f"{path.relative_to(ROOT)}:{line_number}: {line.strip()}")
                break
    assert not found, "Use smpclinic.formats.show()/clock():\n" + "\n".join(found)


@pytest.mark.django_db
def test_a_booked_time_reads_in_the_locale_in_python_messages():
    from reminders.wording import when_text

    moment = at(MONDAY, "14:30")
    assert when_text(moment) == "Monday 1 March at 14:30"
    with translation.override("en-us"):
        assert when_text(moment) == "Monday, March 1 at 2:30 PM"
