"""A treatment plan's messages: the touch-up recall when it completes, and nothing more
about it once cancelled."""

import datetime as dt

import pytest
from django.utils import timezone

from reminders import outbox
from reminders.models import MessageTemplate, Reminder, ReminderKind, ReminderStatus
from scheduling.tests.api_fixtures import make_clinic
from sessions_app import plans
from sessions_app.models import PlanStatus
from tests.clock import at, day


@pytest.fixture
def clinic(people):
    return make_clinic(people)


def test_a_completed_plan_gets_its_touch_up_recall_a_year_later(clinic):
    plan = plans.plan_create(client=clinic.people.record_a, lead_artist=clinic.artist)
    plans.plan_set_status(plan=plan, status=PlanStatus.COMPLETED, by=clinic.people.manager)
    [recall] = Reminder.objects.filter(plan=plan, kind=ReminderKind.TOUCH_UP_RECALL)
    local_due = timezone.localtime(recall.due_at)
    today = timezone.localdate()
    assert (local_due.year - today.year) * 12 + local_due.month - today.month == 12
    assert (local_due.hour, local_due.minute) == (10, 0)
    assert recall.status == ReminderStatus.PENDING


def test_a_cancelled_plan_withdraws_its_pending_reminders(clinic):
    plan = plans.plan_create(client=clinic.people.record_a, lead_artist=clinic.artist)
    invite = outbox.schedule(
        key=f"plan:{plan.pk}:test-invite",
        client=plan.client,
        kind=ReminderKind.GAP_INVITE,
        due_at=timezone.now() + dt.timedelta(days=3),
        plan=plan,
    )
    plans.plan_set_status(plan=plan, status=PlanStatus.CANCELLED, by=clinic.people.manager)
    invite.refresh_from_db()
    assert invite.status == ReminderStatus.CANCELLED
    assert invite.last_error == "The treatment plan was cancelled."


def test_the_touch_up_recall_goes_when_the_clinic_set_it(clinic):
    MessageTemplate.objects.filter(kind=ReminderKind.TOUCH_UP_RECALL).update(
        offsets=[18], send_at=dt.time(9, 15)
    )
    plan = plans.plan_create(client=clinic.people.record_a, lead_artist=clinic.artist)
    plans.plan_set_status(plan=plan, status=PlanStatus.COMPLETED, by=clinic.people.manager)
    [recall] = Reminder.objects.filter(plan=plan, kind=ReminderKind.TOUCH_UP_RECALL)
    local_due = timezone.localtime(recall.due_at)
    today = timezone.localdate()
    assert (local_due.year - today.year) * 12 + local_due.month - today.month == 18
    assert (local_due.hour, local_due.minute) == (9, 15)


def test_the_day_a_plan_is_completed_is_kept_and_reopening_clears_it(clinic, freeze_now):
    plan = plans.plan_create(client=clinic.people.record_a, lead_artist=clinic.artist)
    done = at(day(6, 3), "16:30")
    freeze_now(done)
    plans.plan_set_status(plan=plan, status=PlanStatus.COMPLETED, by=clinic.people.manager)
    freeze_now(done + dt.timedelta(days=9))
    plans.plan_set_status(plan=plan, status=PlanStatus.COMPLETED, by=clinic.people.manager)
    plan.refresh_from_db()
    assert plan.completed_at == done  # marked again: still the first day
    plans.plan_set_status(plan=plan, status=PlanStatus.ACTIVE, by=clinic.people.manager)
    plan.refresh_from_db()
    assert plan.completed_at is None
