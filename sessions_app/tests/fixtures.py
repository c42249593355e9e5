"""Shared fixtures for treatment plan tests: a client with a plan of three sessions.

Import what a test module needs: `from sessions_app.tests.fixtures import treatment,
logged_session, at, MONDAY`. Bookings happen in a fixed week well in the future
(Monday 1 March) so no test depends on today's date; logged sessions lie in
the past, because a session is logged after it happened.
"""

import datetime as dt
import importlib
from types import SimpleNamespace

import pytest
from django.apps import apps as django_apps
from django.utils import timezone

from accounts.models import Role
from accounts.services import user_create
from scheduling.models import (
    Appointment,
    AppointmentStatus,
    AppointmentType,
    ArtistHours,
    OpeningHours,
    Room,
)
from sessions_app import plans
from sessions_app.models import SessionLog, TreatmentSession


def clinic_defaults() -> None:
    """Put back the appointment types and opening hours the migrations create.

    Transactional (live server) tests empty every table when they end; restoring
    it through serialized rollback does not work while a browser's event loop
    runs, so a fixture calls this when the rows are missing.
    """
    migration = importlib.import_module("scheduling.migrations.0002_no_double_booking_and_defaults")
    migration.add_defaults(django_apps, None)


@pytest.fixture
def treatment(people, settings):
    """Anna's plan of three sessions led by Sam; Sam and Alex work Mon–Sat 09:00–18:00.

    Attributes: people, artist (Sam, the lead), artist2 (Alex), room, client
    (Anna's record), other_client (Ben's), plan, sessions (1..3, none booked yet),
    treatment_type.
    """
    settings.TIME_ZONE = "Europe/London"
    if not AppointmentType.objects.filter(slug=plans.TREATMENT_TYPE).exists():
        clinic_defaults()
    alex = user_create(
        email="alex@clinic.test", first_name="Alex", last_name="Brennan", role=Role.ARTIST
    )
    for artist in (people.artist, alex):
        ArtistHours.objects.bulk_create(
            ArtistHours(artist=artist, weekday=day, starts=dt.time(9), ends=dt.time(18))
            for day in range(6)
        )
    # Saturdays close at 14:00 by default; open all day for simpler tests.
    OpeningHours.objects.filter(weekday=5).update(closes=dt.time(18))
    room = Room.objects.create(name="Room 1")
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
        artist2=alex,
        room=room,
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
    return plans.session_log_save(
        session=plan_session,
        by=by or plan_session.plan.lead_artist,
        regions=regions if regions is not None else {"frontal_hairline": 3},
        **fields,
    )
