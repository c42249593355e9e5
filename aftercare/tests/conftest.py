"""Aftercare test fixtures: Anna's plan of three sessions, logged sessions, check-ins, photos.

Sessions happen in the tests' calendar (tests/clock.py), so due times do not
depend on today's date; BEFORE_CLOCKS_CHANGE is the Saturday before London's
clocks go forward.
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from aftercare.links import check_in_token_for
from aftercare.models import CheckIn, CheckInKind
from photos.tests.fixtures import jpeg_bytes, upload
from sessions_app.tests.fixtures import logged_session
from tests.clock import CLOCKS_GO_FORWARD, MONDAY, at

BEFORE_CLOCKS_CHANGE = CLOCKS_GO_FORWARD - dt.timedelta(days=1)


def sign_consent(client) -> None:
    """Logging a session needs the client's signed consent, where consent forms exist."""
    try:
        from consultations.tests.factories import sign_all_consent
    except ImportError:
        return
    sign_all_consent(client)


def log(session, day: dt.date = MONDAY, regions=None, **fields):
    sign_consent(session.plan.client)
    return logged_session(
        session,
        regions if regions is not None else {"frontal_hairline": 3, "crown": 4},
        at(day, "10:00"),
        **fields,
    )


def photo(name="scalp.jpg", **kwargs):
    return upload(jpeg_bytes(**kwargs), name=name)


@pytest.fixture
def fade(treatment):
    """Session 1 logged on Monday 1 March; its fade check-in and private link."""
    first = treatment.sessions[0]
    log(first)
    check_in = CheckIn.objects.get(session=first, kind=CheckInKind.FADE)
    return SimpleNamespace(
        **vars(treatment), session=first, check_in=check_in, token=check_in_token_for(check_in)
    )
