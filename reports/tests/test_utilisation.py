"""Utilisation: booked hours over working hours per artist, over opening hours per room,
and the clinic's by week, checked against a hand-built week whose answers are known.

The week of MONDAY: the clinic opens Monday–Friday 09:00–18:00 and Saturday 09:00–14:00
(50 hours); Wednesday is a closed day (41 hours left). Sam and Alex work whenever the
clinic is open; Sam is off on Tuesday afternoon (13:00–18:00): 36 hours for Sam, 41 for
Alex. Booked: Sam 4 h on Monday in Room 1 and a 45-minute no-show on Thursday in Room 1
(its time was held); Alex 45 minutes on Friday in Room 2, and a cancelled 45 minutes
that does not count.
"""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.selectors import Period, utilisation
from scheduling.models import Appointment, AppointmentStatus, ClosedDay, TimeOff
from tests.clock import MONDAY, at

pytestmark = pytest.mark.django_db
WEEK = Period(MONDAY, MONDAY + dt.timedelta(days=6))
REPORT = reverse("reports:utilisation")
QUERY = {"start": f"{WEEK.start:%Y-%m-%d}", "end": f"{WEEK.end:%Y-%m-%d}"}


def visit(clinic, artist, room, day_offset, hhmm, minutes, status=AppointmentStatus.BOOKED):
    start = at(MONDAY + dt.timedelta(days=day_offset), hhmm)
    return Appointment.objects.create(
        client=clinic.anna,
        type=clinic.consultation,
        artist=artist,
        room=room,
        starts_at=start,
        ends_at=start + dt.timedelta(minutes=minutes),
        blocked_until=start + dt.timedelta(minutes=minutes),
        status=status,
    )


@pytest.fixture
def week(clinic):
    ClosedDay.objects.create(date=MONDAY + dt.timedelta(days=2), reason="Staff training")
    TimeOff.objects.create(
        artist=clinic.sam,
        starts_at=at(MONDAY + dt.timedelta(days=1), "13:00"),
        ends_at=at(MONDAY + dt.timedelta(days=1), "18:00"),
    )
    visit(clinic, clinic.sam, clinic.room1, 0, "10:00", 240)
    visit(clinic, clinic.sam, clinic.room1, 3, "10:00", 45, AppointmentStatus.NO_SHOW)
    visit(clinic, clinic.alex, clinic.room2, 4, "11:00", 45, AppointmentStatus.COMPLETED)
    visit(clinic, clinic.alex, clinic.room2, 4, "10:00", 45, AppointmentStatus.CANCELLED)
    return clinic


def figures(use):
    return [(u.label, u.booked_hours, u.available_hours, u.percent) for u in use]


def test_each_artist_room_and_week_against_the_hand_built_week(week):
    use = utilisation(WEEK)
    assert figures(use["artists"]) == [
        ("Alex Brennan", 0.8, 41.0, 2),
        ("Sam Okafor", 4.8, 36.0, 13),
    ]
    assert figures(use["rooms"]) == [("Room 1", 4.8, 41.0, 12), ("Room 2", 0.8, 41.0, 2)]
    assert figures(use["weeks"]) == [(f"Week of {MONDAY:%-d %b}", 5.5, 77.0, 7)]


def test_an_artist_sees_only_their_own(week, as_user):
    page = as_user(week.sam).get(REPORT, QUERY).content.decode()
    table = page.split('data-testid="use-artists"')[1].split("</table>")[0]
    assert "Sam Okafor" in table and "Alex Brennan" not in table
    assert 'data-testid="use-rooms"' not in page


def test_the_page_and_csv_show_it_and_the_queries_do_not_grow(week, as_user):
    manager = as_user(week.people.manager)
    page = manager.get(REPORT, QUERY).content.decode()
    assert 'data-testid="use-rooms"' in page
    rows = list(
        csv.reader(
            io.StringIO(
                manager.get(
                    REPORT, {**QUERY, "table": "utilisation", "format": "csv"}
                ).content.decode()
            )
        )
    )
    assert ["artist", "Sam Okafor", "4.8", "36.0", "13"] in rows
    with CaptureQueriesContext(connection) as few:
        utilisation(WEEK)
    for n in range(20):
        visit(week, week.alex, week.room2, -7 * (n + 1), "15:00", 30)
    with CaptureQueriesContext(connection) as many:
        utilisation(Period(WEEK.start - dt.timedelta(days=90), WEEK.end))
    assert len(many) == len(few)
