"""Portal test fixtures: Anna's plan (from sessions_app's fixtures) with times relative
to today, so online notice and horizon apply as they do for a real client."""

from types import SimpleNamespace

import pytest
from django.core.cache import cache

from scheduling.models import BookingPolicy
from sessions_app.tests.fixtures import logged_session
from tests.clock import days_ago, monday_ahead


@pytest.fixture(autouse=True)
def _own_cache(settings):
    """Rate-limit counters live in the cache: each test starts with an empty one."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    cache.clear()
    yield
    cache.clear()


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
