"""Logging a session gives the client aftercare, check-ins and the messages that go with them."""

import datetime as dt

import pytest
from django.utils import timezone

from aftercare import services
from aftercare.models import (
    AftercareInstruction,
    AftercarePlan,
    CheckIn,
    CheckInKind,
    CheckInStatus,
)
from reminders.models import Reminder, ReminderKind
from sessions_app import plans
from tests.clock import MONDAY, at, utc
from tests.clock import MONDAY as BOOKING_MONDAY

from .conftest import BEFORE_CLOCKS_CHANGE, log, sign_consent

UTC = dt.UTC


def reminders_of(session):
    return {r.key: r for r in Reminder.objects.filter(session=session)}


def test_it_copies_the_instructions_into_a_plan_starting_on_the_session_day(treatment):
    first = treatment.sessions[0]
    log(first)

    plan = AftercarePlan.objects.get(session=first)
    assert plan.client == treatment.client
    assert plan.starts_on == MONDAY
    steps = list(plan.steps.values_list("day_from", "day_to", "title", "send_message"))
    shipped = list(
        AftercareInstruction.objects.values_list("day_from", "day_to", "title", "send_message")
    )
    assert len(steps) == 8
    assert sorted(steps) == sorted(shipped)


def test_a_later_edit_of_the_wording_does_not_change_what_the_client_was_given(treatment):
    first = treatment.sessions[0]
    log(first)
    AftercareInstruction.objects.filter(day_from=3, day_to=3).update(title="Rinse (new wording)")

    plan = services.aftercare_for_session(first)
    assert "Day 3: you may rinse" in [step.title for step in plan.steps.all()]


def test_milestone_messages_go_at_nine_in_the_morning_clinic_time(treatment):
    first, second, _ = treatment.sessions
    log(first)

    sent = reminders_of(first)
    aftercare = {r.data["day"]: r for r in sent.values() if r.kind == ReminderKind.AFTERCARE}
    assert sorted(aftercare) == [0, 3, 7, 28]  # the instructions marked "send as a message"
    # March is GMT until the clocks go forward: 09:00 local is 09:00 UTC.
    assert aftercare[0].due_at == utc(3, 1, 9)
    assert aftercare[3].due_at == utc(3, 4, 9)
    assert aftercare[7].due_at == utc(3, 8, 9)
    # 29 March is after the clocks went forward (the last Sunday of March): 09:00 BST is
    # 08:00 UTC.
    assert aftercare[28].due_at == utc(3, 29, 8)
    assert aftercare[3].key == f"session:{first.pk}:aftercare:day3"
    plan_id = AftercarePlan.objects.get(session=first).pk
    assert aftercare[3].data == {"day": 3, "aftercare_plan_id": plan_id}
    assert aftercare[3].client == treatment.client
    assert aftercare[3].plan == treatment.plan


def test_the_day_3_message_stays_at_nine_across_the_clock_change(treatment):
    first = treatment.sessions[0]
    log(first, day=BEFORE_CLOCKS_CHANGE)  # Saturday; clocks go forward on Sunday night

    aftercare = {
        r.data["day"]: r for r in reminders_of(first).values() if r.kind == ReminderKind.AFTERCARE
    }
    day_3 = BEFORE_CLOCKS_CHANGE + dt.timedelta(days=3)
    assert aftercare[0].due_at == at(BEFORE_CLOCKS_CHANGE, "09:00", UTC)  # GMT
    assert aftercare[3].due_at == at(day_3, "08:00", UTC)  # 09:00 BST
    local = timezone.localtime(aftercare[3].due_at)
    assert (local.date(), local.hour, local.minute) == (day_3, 9, 0)
    fade = reminders_of(first)[f"session:{first.pk}:fade-check-in"]
    assert timezone.localtime(fade.due_at).hour == 10


def test_a_fade_check_in_ten_days_later_and_an_invitation_to_book_the_next_session(treatment):
    first, second, _ = treatment.sessions
    log(first)

    sent = reminders_of(first)
    check_in = CheckIn.objects.get(session=first)
    assert (check_in.kind, check_in.status, check_in.client) == (
        CheckInKind.FADE,
        CheckInStatus.INVITED,
        treatment.client,
    )
    fade = sent[f"session:{first.pk}:fade-check-in"]
    assert fade.kind == ReminderKind.FADE_CHECK_IN
    assert fade.due_at == utc(3, 11, 10)
    assert fade.data == {"check_in_id": check_in.pk}
    invite = Reminder.objects.get(key=f"session:{first.pk}:gap-invite")
    assert invite.kind == ReminderKind.GAP_INVITE
    assert invite.session == second  # the session to book
    assert invite.plan == treatment.plan
    assert invite.due_at == utc(3, 8, 10)
    assert not CheckIn.objects.filter(kind=CheckInKind.FINAL).exists()
    assert f"session:{first.pk}:final-check-in" not in sent


def test_the_last_planned_session_also_gets_a_final_check_in_and_no_invitation(treatment):
    third = treatment.sessions[2]
    log(third)

    final = Reminder.objects.get(key=f"session:{third.pk}:final-check-in")
    assert final.kind == ReminderKind.FINAL_CHECK_IN
    # +32 days: 2 April 2027, 10:00 BST.
    assert final.due_at == utc(4, 2, 9)
    check_in = CheckIn.objects.get(session=third, kind=CheckInKind.FINAL)
    assert final.data == {"check_in_id": check_in.pk}
    assert CheckIn.objects.filter(session=third, kind=CheckInKind.FADE).exists()
    assert not Reminder.objects.filter(key=f"session:{third.pk}:gap-invite").exists()


def test_a_touch_up_gets_a_final_check_in(treatment):
    touch_up = plans.plan_add_touch_up(plan=treatment.plan)
    log(touch_up)
    assert CheckIn.objects.filter(session=touch_up, kind=CheckInKind.FINAL).exists()


def test_no_invitation_when_the_next_session_is_already_booked(treatment):
    first, second, _ = treatment.sessions
    plans.session_book(session=second, starts_at=at(BOOKING_MONDAY + dt.timedelta(days=7), "10:00"))
    log(first)
    assert not Reminder.objects.filter(kind=ReminderKind.GAP_INVITE).exists()


def test_calling_it_twice_changes_nothing(treatment):
    first = treatment.sessions[0]
    entry = log(first)
    before = (
        list(Reminder.objects.order_by("key").values_list("key", "due_at")),
        AftercarePlan.objects.count(),
        CheckIn.objects.count(),
    )
    steps = AftercarePlan.objects.get().steps.count()

    services.after_session_logged(entry)
    # Saving the log again (a correction) does not make a second plan either.
    plans.session_log_save(
        session=first,
        by=treatment.artist,
        regions={"crown": 2},
        minutes_taken=200,
        now=first.appointment.ends_at,
    )

    after = (
        list(Reminder.objects.order_by("key").values_list("key", "due_at")),
        AftercarePlan.objects.count(),
        CheckIn.objects.count(),
    )
    assert after == before
    assert AftercarePlan.objects.get().steps.count() == steps


def test_the_session_day_message_goes_at_once_when_logged_after_nine(treatment, monkeypatch):
    first = treatment.sessions[0]
    logged_at = utc(3, 1, 14, 30)
    monkeypatch.setattr(timezone, "now", lambda: logged_at)
    log(first)

    day0 = Reminder.objects.get(key=f"session:{first.pk}:aftercare:day0")
    assert day0.due_at == logged_at
    assert Reminder.objects.get(key=f"session:{first.pk}:aftercare:day3").due_at == utc(3, 4, 9)


def test_a_session_logged_late_sends_no_advice_for_days_already_past(treatment, monkeypatch):
    first = treatment.sessions[0]
    now = utc(3, 9, 12)  # eight days after the session
    monkeypatch.setattr(timezone, "now", lambda: now)
    log(first)

    days = sorted(
        r.data["day"] for r in Reminder.objects.filter(kind=ReminderKind.AFTERCARE, session=first)
    )
    assert days == [28]
    # The check-in (day 10) is still ahead; the invitation (day 7) goes now.
    assert Reminder.objects.get(key=f"session:{first.pk}:gap-invite").due_at == now


def test_the_plan_starts_on_the_log_day_when_the_session_had_no_appointment(treatment):
    first = treatment.sessions[0]
    sign_consent(treatment.client)
    entry = plans.session_log_save(
        session=first, by=treatment.artist, regions={"crown": 3}, minutes_taken=200
    )
    plan = AftercarePlan.objects.get(session=first)
    assert plan.starts_on == timezone.localtime(entry.logged_at).date()


# --- today's aftercare -------------------------------------------------------------------------


def test_today_shows_the_steps_whose_days_cover_today(treatment):
    log(treatment.sessions[0])

    steps = services.today_aftercare(treatment.client, on=MONDAY + dt.timedelta(days=2))
    assert [s.title for s in steps] == [
        "First days: no washing, sweating or shaving",
        "Four weeks: no sun, swimming, sauna or tanning",
    ]
    assert steps[0].label == "Day 2 after session 1"
    assert "not medical advice" in steps[0].body

    day3 = [
        s.title for s in services.today_aftercare(treatment.client, on=MONDAY + dt.timedelta(3))
    ]
    assert "Day 3: you may rinse" in day3
    assert services.today_aftercare(treatment.client, on=MONDAY + dt.timedelta(days=40)) == []


def test_today_follows_the_latest_session(treatment):
    first, second, _ = treatment.sessions
    log(first)
    log(second, day=MONDAY + dt.timedelta(days=7))

    steps = services.today_aftercare(treatment.client, on=MONDAY + dt.timedelta(days=7))
    assert steps[0].label == "Day 0 after session 2"
    assert steps[0].title == "Today: your session day"


def test_today_is_empty_without_a_logged_session_or_before_it(treatment):
    assert services.today_aftercare(treatment.client, on=MONDAY) == []
    log(treatment.sessions[0])
    assert services.today_aftercare(treatment.client, on=MONDAY - dt.timedelta(days=1)) == []
    assert services.today_aftercare(treatment.other_client, on=MONDAY) == []


def test_aftercare_for_a_session_lists_its_steps_in_day_order(treatment):
    first, second, _ = treatment.sessions
    assert services.aftercare_for_session(first) is None
    log(first)
    plan = services.aftercare_for_session(first)
    days = [step.day_from for step in plan.steps.all()]
    assert days == sorted(days)


@pytest.mark.parametrize("day", [0, 3])
def test_local_moment_is_nine_local_whatever_the_offset(day, settings):
    settings.TIME_ZONE = "Europe/London"
    moment = services.local_moment(BEFORE_CLOCKS_CHANGE + dt.timedelta(days=day), dt.time(9))
    assert timezone.localtime(moment).time() == dt.time(9)


# --- the clinic's timing is what happens -----------------------------------------------------


def set_timing(kind, offsets=None, send_at=None):
    from reminders.models import MessageTemplate

    changes = {"send_at": send_at} if send_at else {}
    if offsets is not None:
        changes["offsets"] = offsets
    assert MessageTemplate.objects.filter(kind=kind).update(**changes) == 1


def test_the_fade_check_in_goes_when_the_clinic_set_it(treatment):
    set_timing(ReminderKind.FADE_CHECK_IN, [14], dt.time(11, 30))
    first = treatment.sessions[0]
    log(first)
    fade = reminders_of(first)[f"session:{first.pk}:fade-check-in"]
    assert fade.due_at == utc(3, 15, 11, 30)  # 14 days after Monday 1 March, 11:30 GMT


def test_the_final_check_in_goes_when_the_clinic_set_it(treatment):
    set_timing(ReminderKind.FINAL_CHECK_IN, [45], dt.time(8, 15))
    third = treatment.sessions[2]
    log(third)
    final = Reminder.objects.get(key=f"session:{third.pk}:final-check-in")
    local = timezone.localtime(final.due_at)
    assert (local.date(), local.hour, local.minute) == (
        MONDAY + dt.timedelta(days=45),
        8,
        15,
    )


def test_the_invitation_to_book_goes_when_the_clinic_set_it(treatment):
    set_timing(ReminderKind.GAP_INVITE, [3], dt.time(17, 0))
    first = treatment.sessions[0]
    log(first)
    invite = Reminder.objects.get(key=f"session:{first.pk}:gap-invite")
    assert invite.due_at == utc(3, 4, 17)


def test_aftercare_messages_go_at_the_time_of_day_the_clinic_set(treatment):
    set_timing(ReminderKind.AFTERCARE, send_at=dt.time(7, 45))
    first = treatment.sessions[0]
    log(first)
    aftercare = {
        r.data["day"]: r for r in reminders_of(first).values() if r.kind == ReminderKind.AFTERCARE
    }
    assert aftercare[3].due_at == utc(3, 4, 7, 45)
    # The days are the aftercare steps' own: a step no longer sent is not written.
    assert sorted(aftercare) == [0, 3, 7, 28]
