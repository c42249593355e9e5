"""sessions_app.plans: lengths, gaps, booking all or nothing, logs and healing."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from scheduling.booking import BookingRefused
from scheduling.models import Appointment, AppointmentStatus
from sessions_app import plans
from sessions_app.models import SessionKind, TreatmentSettings
from sessions_app.tests.fixtures import logged_session
from tests.clock import CLOCKS_GO_FORWARD, MONDAY, at

pytestmark = pytest.mark.django_db


def test_each_session_is_30_minutes_shorter_down_to_the_clinic_minimum(db):
    assert [plans.suggested_minutes(n) for n in range(1, 7)] == [240, 210, 180, 150, 120, 120]
    rules = TreatmentSettings.current()
    rules.minimum_session_minutes = 180
    rules.save()
    assert [plans.suggested_minutes(n) for n in range(1, 5)] == [240, 210, 180, 180]


def test_a_plan_gets_its_sessions_with_suggested_lengths(treatment):
    assert [(s.number, s.kind, s.planned_minutes) for s in treatment.sessions] == [
        (1, "planned", 240),
        (2, "planned", 210),
        (3, "planned", 180),
    ]


def test_sessions_closer_than_the_gap_are_refused_unless_a_manager_says_why(treatment):
    first, second, _ = treatment.sessions
    people = treatment.people
    plans.session_book(session=first, starts_at=at(MONDAY, "09:00"), by=people.front_desk)
    five_days = at(MONDAY + dt.timedelta(days=5), "09:00")  # a Saturday
    with pytest.raises(BookingRefused) as info:
        plans.session_book(session=second, starts_at=five_days, by=people.front_desk)
    assert info.value.problem.code == "gap"
    with pytest.raises(BookingRefused) as info:
        plans.session_book(
            session=second, starts_at=five_days, by=people.front_desk, gap_override_reason="Travel"
        )
    assert info.value.problem.field == "gap_override_reason"
    second.refresh_from_db()
    assert second.appointment is None
    appointment = plans.session_book(
        session=second, starts_at=five_days, by=people.manager, gap_override_reason="Flies home"
    )
    second.refresh_from_db()
    assert second.appointment == appointment
    assert second.gap_override_reason == "Flies home"
    assert plans.earliest_start(second) == at(MONDAY + dt.timedelta(days=7), "09:00")


def test_book_remaining_books_none_when_one_time_was_taken_meanwhile(treatment):
    proposals = plans.plan_propose_remaining(treatment.plan, after=at(MONDAY, "08:00"))
    assert [p.session.number for p in proposals] == [1, 2, 3]
    assert all(p.start is not None for p in proposals)
    # Someone books Sam at the time proposed for session 3.
    taken = proposals[2]
    other_plan = plans.plan_create(client=treatment.other_client, lead_artist=treatment.artist)
    plans.session_book(
        session=other_plan.sessions.get(number=1),
        starts_at=taken.start,
        by=treatment.people.manager,
    )
    with pytest.raises(BookingRefused) as info:
        plans.plan_book_remaining(
            plan=treatment.plan,
            choices=[(p.session, p.start, p.minutes) for p in proposals],
            by=treatment.people.front_desk,
        )
    assert info.value.problem.message.startswith("Session 3: ")
    assert not Appointment.objects.filter(client=treatment.client).exists()
    assert not treatment.plan.sessions.filter(appointment__isnull=False).exists()


def test_extra_sessions_come_after_the_plan_and_touch_ups_attach(treatment):
    extra = plans.plan_add_extra_session(plan=treatment.plan, reason="scar_tissue", note="Scar")
    touch_up = plans.plan_add_touch_up(plan=treatment.plan, note="A year on")
    assert (extra.number, extra.kind, extra.get_extra_reason_display()) == (
        4,
        SessionKind.EXTRA,
        "Scar tissue dispersing pigment",
    )
    assert extra.planned_minutes == 150
    assert (touch_up.number, touch_up.kind, touch_up.plan) == (5, "touch_up", treatment.plan)
    with pytest.raises(ValidationError):
        plans.plan_add_extra_session(plan=treatment.plan, reason="")


def test_saving_the_log_completes_the_appointment_and_refuses_another_artist(treatment):
    first = treatment.sessions[0]
    log = logged_session(first, {"frontal_hairline": 4, "crown": 3}, minutes_taken=230)
    first.appointment.refresh_from_db()
    assert first.appointment.status == AppointmentStatus.COMPLETED
    assert dict(log.regions.values_list("region", "density")) == {"frontal_hairline": 4, "crown": 3}
    assert log.minutes_taken == 230
    with pytest.raises(ValidationError):
        plans.session_log_save(
            session=first, by=treatment.artist2, regions={"crown": 2}, minutes_taken=200
        )
    with pytest.raises(ValidationError) as info:
        plans.session_log_save(session=first, by=treatment.artist, regions={}, minutes_taken=200)
    assert "regions" in info.value.message_dict
    assert dict(log.regions.values_list("region", "density")) == {"frontal_hairline": 4, "crown": 3}


def test_healing_decides_whether_an_extra_session_is_likely(treatment):
    _, second, third = treatment.sessions
    assert plans.extra_session_likely(treatment.plan) is False
    plans.healing_record(
        session=second,
        by=treatment.artist,
        assessments={"crown": ("patchy", "Thin at the whorl"), "left_temple": ("retained", "")},
    )
    assert plans.extra_session_likely(treatment.plan) is True
    assert set(second.healing.values_list("region", "status", "note")) == {
        ("crown", "patchy", "Thin at the whorl"),
        ("left_temple", "retained", ""),
    }
    plans.healing_record(
        session=third, by=treatment.artist, assessments={"crown": ("retained", "")}
    )
    assert plans.extra_session_likely(treatment.plan) is False
    with pytest.raises(ValidationError):
        plans.healing_record(session=third, by=treatment.people.front_desk, assessments={})


def test_a_week_is_counted_on_the_clinics_clock_across_a_clock_change(treatment):
    """10:00 on the Monday after the clocks go forward is a week after 10:00 the Monday
    before, though only 167 hours pass; one minute earlier is inside the gap."""
    first, second, _ = treatment.sessions
    people = treatment.people
    monday_before = CLOCKS_GO_FORWARD - dt.timedelta(days=6)
    plans.session_book(session=first, starts_at=at(monday_before, "10:00"), by=people.front_desk)
    monday_after = CLOCKS_GO_FORWARD + dt.timedelta(days=1)

    with pytest.raises(BookingRefused) as info:
        plans.session_book(
            session=second, starts_at=at(monday_after, "09:45"), by=people.front_desk
        )
    assert info.value.problem.code == "gap"

    appointment = plans.session_book(
        session=second, starts_at=at(monday_after, "10:00"), by=people.front_desk
    )
    assert appointment.starts_at - at(monday_before, "10:00") == dt.timedelta(hours=167)
    second.refresh_from_db()
    assert second.appointment == appointment
