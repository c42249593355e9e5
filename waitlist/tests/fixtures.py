"""A clinic with clients waiting (shared by the waitlist's tests).

Sam and Alex work Monday to Saturday 09:00–18:00 (the diary fixture). Monday is MONDAY of
the tests' calendar; every time here lies ahead of today whatever the date.
"""

from __future__ import annotations

import datetime as dt

from clients.models import Client
from scheduling.booking import booking_create
from scheduling.models import BookingSource
from tests.clock import MONDAY, at

from .. import services


def client(first: str, last: str) -> Client:
    return Client.objects.create(
        first_name=first,
        last_name=last,
        email=f"{first.lower()}.{last.lower()}@clinic.test",
        phone=f"+4479115{Client.objects.count():05}",
    )


def booked(clinic, who, hhmm: str = "10:00", *, day: dt.date = MONDAY, artist=None, kind=None):
    """An appointment booked at the desk (a consultation with Sam unless told)."""
    return booking_create(
        client=who,
        appointment_type=kind or clinic.consultation,
        artist=artist or clinic.sam,
        starts_at=at(day, hhmm),
        by=clinic.people.front_desk,
        source=BookingSource.FRONT_DESK,
    )


def wait(clinic, who, **wants):
    """Put someone on the waitlist for a consultation (what they want as keywords)."""
    wants.setdefault("appointment_type", clinic.consultation)
    return services.entry_add(client=who, by=clinic.people.front_desk, **wants)
