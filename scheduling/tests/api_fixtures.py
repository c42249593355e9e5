"""A clinic ready to take API bookings, on dates relative to today.

Online bookings need at least 24 hours' notice and at most 42 days, so these
tests cannot use fixed dates; `booking_day()` is a weekday a few days ahead.
"""

import datetime as dt
import uuid
from types import SimpleNamespace

from django.conf import settings as django_settings

from scheduling.tests.diary_fixtures import open_the_clinic
from tests.clock import at, weekday_ahead

GENEROUS_RATES = {"anon": "10000/min", "bookings": "10000/min", "user": "10000/min"}


def booking_day(days_ahead: int = 3) -> dt.date:
    """A Monday to Friday at least `days_ahead` days from today (the clinic's date)."""
    return weekday_ahead(days_ahead)


def iso(day: dt.date, hhmm: str) -> str:
    """How the API writes that London time: ISO 8601 with the offset of that date."""
    return at(day, hhmm).isoformat()


def use_throttle_rates(settings, **rates) -> None:
    """Throttle with these rates and a private, empty cache.

    The shared cache (files or Redis) also serves other test runs on this machine.
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"api-tests-{uuid.uuid4()}",
        }
    }
    settings.REST_FRAMEWORK = {
        **django_settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {**GENEROUS_RATES, **rates},
    }


def make_clinic(people) -> SimpleNamespace:
    """The open clinic (diary_fixtures.open_the_clinic) and `day`, a weekday to book on."""
    clinic = open_the_clinic(people)
    clinic.day = booking_day()
    return clinic
