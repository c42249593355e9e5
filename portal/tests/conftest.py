"""Portal test fixtures: Anna's plan (from sessions_app's fixtures) with times relative
to today, so online notice and horizon apply as they do for a real client."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from scheduling.models import BookingPolicy
from sessions_app.tests.fixtures import logged_session
from tests.clock import LONDON, at


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Rate-limit counters live in the cache: each test starts with an empty one."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


def monday_ahead(weeks: int = 2) -> dt.date:
    """A Monday at least `weeks` weeks from today (clinic zone)."""
    today = dt.datetime.now(LONDON).date() + dt.timedelta(weeks=weeks)
    return today + dt.timedelta(days=(7 - today.weekday()) % 7)


def days_ago(days: int, hhmm: str = "10:00") -> dt.datetime:
    return at(dt.datetime.now(LONDON).date() - dt.timedelta(days=days), hhmm)


@pytest.fixture
def portal(treatment, settings):
    """`treatment` plus: online bookings up to 120 days ahead, 24 h notice."""
    BookingPolicy.objects.update_or_create(
        pk=1, defaults={"online_horizon_days": 120, "online_notice_hours": 24}
    )
    return SimpleNamespace(**vars(treatment), monday=monday_ahead())


def log(session, *, days_before_today: int, regions=None, **fields):
    """Session `session` happened that many days ago and was logged."""
    return logged_session(session, regions, when=days_ago(days_before_today), **fields)
