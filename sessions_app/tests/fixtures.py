"""Shared fixtures for treatment plan tests: a client with a plan of three sessions.

The fixture (`treatment`) is registered for every app's tests by the root conftest;
the helpers (`logged_session`, `past_appointment`) are imported by name. Bookings
happen in the tests' calendar (tests/clock.py) so no test depends on today's date;
logged sessions lie in the past, because a session is logged after it happened.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from scheduling.models import Appointment, AppointmentStatus, AppointmentType
from scheduling.tests.diary_fixtures import open_the_clinic
from sessions_app import plans
from sessions_app.models import SessionLog, TreatmentSession


@pytest.fixture
def treatment(people, settings):
    """Anna's plan of three sessions led by Sam; Sam and Alex work Mon–Sat 09:00–18:00.

    The open clinic (scheduling.tests.diary_fixtures.open_the_clinic) with one room and
    Saturdays open until 18:00. Attributes: people, artist (Sam, the lead), artist2
    (Alex), room, client (Anna's record), other_client (Ben's), plan, sessions (1..3,
    none booked yet), treatment_type.
    """
    settings.TIME_ZONE = "Europe/London"
    clinic = open_the_clinic(people, rooms=("Room 1",), saturday_closes=dt.time(18))
    plan = plans.plan_create(
        client=people.record_a,
        lead_artist=people.artist,
        planned_sessions=3,
        pigment="Charcoal 2",
        hairline_design="Soft, slightly receded at the temples",
        target_look="Short buzz cut",
        target_density=4,
        by=people.front_desk,
    )
    # Anna and Ben have signed the clinic's consent forms: no session starts without them.
    from consultations.tests.factories import sign_all_consent

    sign_all_consent(people.record_a)
    sign_all_consent(people.record_b)
    return SimpleNamespace(
        people=people,
        artist=people.artist,
        artist2=clinic.alex,
        room=clinic.room1,
        client=people.record_a,
        other_client=people.record_b,
        plan=plan,
        sessions=list(plan.sessions.order_by("number")),
        treatment_type=AppointmentType.objects.get(slug=plans.TREATMENT_TYPE),
    )


def past_appointment(
    plan_session: TreatmentSession, *, when: dt.datetime, artist=None, room=None
) -> Appointment:
    """A booked appointment in the past for this session (written directly: the booking
    rules refuse times in the past)."""
    plan = plan_session.plan
    minutes = plan_session.planned_minutes
    slug = plans.TOUCH_UP_TYPE if plan_session.kind == "touch_up" else plans.TREATMENT_TYPE
    appointment = Appointment.objects.create(
        client=plan.client,
        type=AppointmentType.objects.get(slug=slug),
        artist=artist or plan.lead_artist,
        room=room,
        starts_at=when,
        ends_at=when + dt.timedelta(minutes=minutes),
        blocked_until=when + dt.timedelta(minutes=minutes + 30),
        status=AppointmentStatus.BOOKED,
    )
    plan_session.appointment = appointment
    plan_session.save(update_fields=["appointment"])
    return appointment


def logged_session(
    plan_session: TreatmentSession,
    regions: dict[str, int] | None = None,
    when: dt.datetime | None = None,
    *,
    by=None,
    **fields,
) -> SessionLog:
    """A session that happened at `when` (a past time) and was logged by its artist.

    The appointment is created directly and completed by plans.session_log_save;
    `regions` maps Region values to densities (default: frontal hairline at 3).
    """
    if when is None:
        # Earlier sessions further back, a week apart, at 10:00.
        days_ago = 7 * (10 - plan_session.number)
        when = (timezone.now() - dt.timedelta(days=days_ago)).replace(
            hour=10, minute=0, second=0, microsecond=0
        )
    appointment = past_appointment(plan_session, when=when)
    fields.setdefault("minutes_taken", appointment.minutes)
    # Logged as the session ends: a log waits for its appointment to start.
    fields.setdefault("now", appointment.ends_at)
    return plans.session_log_save(
        session=plan_session,
        by=by or plan_session.plan.lead_artist,
        regions=regions if regions is not None else {"frontal_hairline": 3},
        **fields,
    )
