"""The report, checked against a clinic built by hand whose answers are known.

April of the tests' year is the period (30 days); the period before is 2 to 31 March.
Everything is written directly with the status it ends in (the booking rules refuse
past times), so each figure below is counted by hand from this list:

April — Sam: a consultation booked online and kept (it went ahead: plan, first session
booked), one booked online still to come, one at the desk the client did not come to (45
min), one cancelled in good time; Alex: a treatment session at the desk, kept (the plan's
first session), and one cancelled late (180 min).
March — Sam: a consultation online, kept; one at the desk, a no-show (45 min).
May — Sam: a consultation (outside both periods).
"""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from consultations.models import Outcome
from reports.tests.fixtures import APRIL, appointment, april_clinic
from scheduling.models import AppointmentStatus, BookingSource
from tests.clock import at, day

pytestmark = pytest.mark.django_db

REPORT = reverse("reports:report")


@pytest.fixture
def hand_built(clinic):
    return april_clinic(clinic)


def rows(table):
    return {row.label: (row.now, row.before) for row in table}


def test_the_manager_sees_each_figure_with_the_period_before(hand_built, as_user):
    page = as_user(hand_built.people.manager).get(REPORT, APRIL)
    assert page.status_code == 200
    context = page.context
    assert rows(context["by_type"]) == {"Free consultation": (3, 2), "Treatment session": (1, 0)}
    assert rows(context["by_source"]) == {"Online": (2, 1), "Front desk": (2, 1)}
    assert rows(context["new_clients"]) == {
        "Friend or family": (1, 1),
        "Search engine": (1, 0),
    }
    now, before = context["attendance"]
    assert (now.due, now.no_shows, now.late_cancellations, now.rate, now.hours_lost) == (
        5,
        1,
        1,
        40.0,
        3.8,  # 45 minutes and 3 hours
    )
    assert (before.due, before.no_shows, before.rate, before.hours_lost) == (2, 1, 50.0, 0.8)
    conversion = {name: (row.now, share) for name, row, share in context["conversion"]}
    assert conversion == {
        "held": (2, 100.0),
        "proceeded": (1, 50.0),
        "booked": (1, 50.0),
        "completed": (0, 0.0),
    }
    assert context["per_artist"] == [
        {"artist": "Alex Brennan", "bookings": 1, "no_shows": 0, "late_cancellations": 1},
        {"artist": "Sam Okafor", "bookings": 3, "no_shows": 1, "late_cancellations": 0},
    ]
    html = page.content.decode()
    assert 'role="img" aria-label="Bookings by type: Free consultation 3, before 2' in html


def test_an_artist_sees_only_their_own_figures(hand_built, as_user):
    page = as_user(hand_built.people.artist).get(REPORT, APRIL)
    assert page.status_code == 200
    assert rows(page.context["by_type"]) == {"Free consultation": (3, 2)}
    now, _ = page.context["attendance"]
    assert (now.due, now.late_cancellations) == (3, 0)
    assert "per_artist" not in page.context and "new_clients" not in page.context
    html = page.content.decode()
    assert "Alex Brennan" not in html and "How they heard" not in html
    csv = as_user(hand_built.people.artist).get(
        REPORT, {**APRIL, "table": "per_artist", "format": "csv"}
    )
    assert csv["Content-Type"].startswith("text/html")  # no such table for an artist


def test_each_table_downloads_as_csv(hand_built, as_user):
    response = as_user(hand_built.people.manager).get(
        REPORT, {**APRIL, "table": "by_type", "format": "csv"}
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="by_type-' in response["Content-Disposition"]
    assert response.content.decode().splitlines() == [
        ",this period,period before,change",
        "Free consultation,3,2,1",
        "Treatment session,1,0,1",
    ]
    attendance = as_user(hand_built.people.manager).get(
        REPORT, {**APRIL, "table": "attendance", "format": "csv"}
    )
    assert "no-shows,1,1" in attendance.content.decode().splitlines()


@pytest.mark.parametrize(
    "query, says",
    [
        ({"start": "0001-01-01"}, "Choose a date between"),
        ({"start": "275760-09-13"}, "Enter a date like"),
        ({"start": "soon"}, "Enter a date like"),
        ({"start": day(5, 1).isoformat(), "end": day(4, 1).isoformat()}, "before the start"),
        (
            {"start": day(3, 1).isoformat(), "end": (day(3, 1) + dt.timedelta(400)).isoformat()},
            "Choose at most",
        ),
    ],
)
def test_bad_periods_get_a_clear_message(clinic, as_user, query, says):
    response = as_user(clinic.people.manager).get(REPORT, query)
    assert response.status_code == 400
    assert says in response.content.decode()


def test_this_month_by_default(clinic, as_user):
    page = as_user(clinic.people.manager).get(REPORT)
    period = page.context["period"]
    assert period.start.day == 1 and (period.end + dt.timedelta(days=1)).day == 1
    html = page.content.decode()
    assert f'value="{period.start:%Y-%m-%d}"' in html and f'value="{period.end:%Y-%m-%d}"' in html


def _queries(browser) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert browser.get(REPORT, APRIL).status_code == 200
    return len(ctx.captured_queries)


def test_the_report_costs_the_same_queries_however_much_happened(clinic, as_user):
    manager = as_user(clinic.people.manager)
    appointment(clinic, at(day(4, 6), "10:00"), source=BookingSource.ONLINE)
    few = _queries(manager)
    for n in range(12):
        appointment(
            clinic,
            at(day(4, 7 + n), "10:00"),
            artist=clinic.alex if n % 2 else clinic.sam,
            status=AppointmentStatus.NO_SHOW if n % 3 else AppointmentStatus.COMPLETED,
            source=BookingSource.API if n % 4 else BookingSource.FRONT_DESK,
        )
    assert _queries(manager) == few


def test_each_conversion_number_opens_the_consultations_behind_it(hand_built, as_user):
    manager = as_user(hand_built.people.manager)
    report = manager.get(REPORT, APRIL).content.decode()
    held_url = reverse("reports:conversion_step", args=["held"])
    assert f'href="{held_url}?start={APRIL["start"]}&amp;end={APRIL["end"]}"' in report
    held = manager.get(held_url, APRIL)
    assert [c.appointment.starts_at.day for c in held.context["consultations"]] == [6, 20]
    went_ahead = manager.get(reverse("reports:conversion_step", args=["booked"]), APRIL)
    [consultation] = went_ahead.context["consultations"]
    assert consultation.outcome == Outcome.PROCEED
    assert consultation.get_absolute_url() in went_ahead.content.decode()
    completed = manager.get(reverse("reports:conversion_step", args=["completed"]), APRIL)
    assert "None in this period." in completed.content.decode()


def test_the_lists_behind_the_numbers_are_for_practitioners_only(hand_built, as_user):
    url = reverse("reports:conversion_step", args=["held"])
    assert as_user(hand_built.people.front_desk).get(url, APRIL).status_code == 403
    assert as_user(hand_built.people.client_a).get(url, APRIL).status_code == 404
    assert (
        as_user(hand_built.people.manager)
        .get(reverse("reports:conversion_step", args=["nonsense"]), APRIL)
        .status_code
        == 404
    )
    # Alex held none of April's consultations: his list is empty, Sam's are not his.
    alex = as_user(hand_built.alex).get(url, APRIL)
    assert alex.status_code == 200 and alex.context["consultations"] == []


def test_a_spanish_speaking_manager_reads_the_report_in_spanish(hand_built, as_user):
    manager = hand_built.people.manager
    manager.language = "es"
    manager.save(update_fields=["language"])
    html = as_user(manager).get(REPORT, APRIL).content.decode()
    assert "Reservas por tipo" in html
    assert "comparado con los 30 días anteriores" in html
    # The services keep the clinic's own names (none is translated here).
    assert 'aria-label="Reservas por tipo: Free consultation 3, antes 2' in html
    assert "Bookings by type" not in html
