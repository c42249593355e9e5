"""The outcome: proceed makes the treatment plan from the record, once."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from consultations import services
from consultations.models import FormChannel, Outcome
from reminders.models import Reminder, ReminderKind
from sessions_app.models import TreatmentPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def recorded(consult):
    c = services.consultation_update(
        consult.consultation,
        by=consult.artist,
        look_wanted="density",
        estimated_sessions=4,
        pigment_brand="Zen",
        pigment_shade="Charcoal 2",
        pigment_dilution="1:3",
    )
    v1 = services.hairline_design_add(c, by=consult.artist, style="soft", notes="Low temples")
    services.hairline_design_add(c, by=consult.artist, style="defined", notes="Straighter")
    services.hairline_design_approve(v1, channel=FormChannel.CLINIC)
    return c


def test_proceed_makes_the_plan_with_the_record_carried_over(consult, recorded):
    plan = services.consultation_proceed(recorded, by=consult.artist)
    recorded.refresh_from_db()
    assert recorded.plan == plan and recorded.outcome == Outcome.PROCEED
    assert plan.client == consult.client and plan.lead_artist == consult.artist
    assert plan.planned_sessions == 4 and plan.sessions.count() == 4
    assert plan.pigment == "Zen Charcoal 2 (1:3)"
    assert plan.hairline_design == "Soft / natural (v1): Low temples"  # the approved version
    assert plan.target_look == "Added density for thinning hair"
    follow_up = Reminder.objects.get(key=f"consultation:{recorded.pk}:follow-up")
    assert follow_up.kind == ReminderKind.CONSULTATION_FOLLOW_UP and follow_up.plan == plan
    # A week later, at 10:00 in the clinic (the template's default timing).
    due = timezone.localtime(follow_up.due_at)
    assert due.date() == timezone.localdate() + dt.timedelta(days=7)
    assert (due.hour, due.minute) == (10, 0)


def test_proceeding_twice_makes_one_plan(consult, recorded):
    first = services.consultation_proceed(recorded, by=consult.artist)
    second = services.consultation_proceed(recorded, by=consult.people.manager)
    assert first == second
    assert TreatmentPlan.objects.filter(client=consult.client).count() == 1
    assert Reminder.objects.filter(kind=ReminderKind.CONSULTATION_FOLLOW_UP).count() == 1


def test_without_an_approved_version_the_latest_hairline_is_carried(consult):
    c = consult.consultation
    services.consultation_update(c, by=consult.artist, estimated_sessions=2)
    services.hairline_design_add(c, by=consult.artist, style="soft")
    services.hairline_design_add(c, by=consult.artist, style="broken", notes="Aged look")
    plan = services.consultation_proceed(c, by=consult.artist, lead_artist=None)
    assert plan.hairline_design == "Broken / aged (v2): Aged look"


def test_proceed_needs_the_estimated_sessions_and_an_artist(consult):
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_proceed(consult.consultation, by=consult.artist)
    assert "estimated_sessions" in excinfo.value.message_dict
    services.consultation_update(consult.consultation, by=consult.artist, estimated_sessions=3)
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_proceed(
            consult.consultation, by=consult.artist, lead_artist=consult.people.front_desk
        )
    assert "lead_artist" in excinfo.value.message_dict
    assert not TreatmentPlan.objects.exists()
    plan = services.consultation_proceed(
        consult.consultation, by=consult.artist, lead_artist=consult.artist2
    )
    assert plan.lead_artist == consult.artist2


def test_not_suitable_needs_a_reason(consult):
    with pytest.raises(ValidationError) as excinfo:
        services.consultation_set_outcome(
            consult.consultation, by=consult.artist, outcome=Outcome.NOT_SUITABLE
        )
    assert "reason" in excinfo.value.message_dict
    c = services.consultation_set_outcome(
        consult.consultation,
        by=consult.artist,
        outcome=Outcome.NOT_SUITABLE,
        reason="Active psoriasis on the scalp",
    )
    assert c.outcome == Outcome.NOT_SUITABLE and c.outcome_at is not None
    c = services.consultation_set_outcome(c, by=consult.artist, outcome=Outcome.THINKING)
    assert c.outcome == Outcome.THINKING


def test_the_first_session_may_start_once_the_patch_test_can_be_read(consult):
    c = consult.consultation
    assert abs(services.first_session_earliest(c) - timezone.now()) < dt.timedelta(seconds=5)
    applied = timezone.now() - dt.timedelta(hours=2)
    test = services.patch_test_add(
        c, by=consult.artist, pigment="P", applied_at=applied, site="ear"
    )
    assert services.first_session_earliest(c) == test.read_after


def test_the_follow_up_goes_when_the_clinic_set_it(consult, recorded):
    from reminders.models import MessageTemplate

    MessageTemplate.objects.filter(kind=ReminderKind.CONSULTATION_FOLLOW_UP).update(
        offsets=[3], send_at=dt.time(16, 30)
    )
    services.consultation_proceed(recorded, by=consult.artist)
    follow_up = Reminder.objects.get(key=f"consultation:{recorded.pk}:follow-up")
    due = timezone.localtime(follow_up.due_at)
    assert due.date() == timezone.localdate() + dt.timedelta(days=3)
    assert (due.hour, due.minute) == (16, 30)
