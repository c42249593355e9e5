import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from aftercare.models import CheckIn, CheckInKind, CheckInStatus
from portal.healing import healing_stage
from portal.tests.conftest import log
from sessions_app import plans
from sessions_app.models import ExtraReason, PlanStatus


def test_my_plan_in_plain_words(portal, as_user, make_photo):
    one, two, three = portal.sessions
    log(
        one,
        days_before_today=9,
        regions={"frontal_hairline": 3, "crown": 4},
        focus_next_time="Fill the left temple a little more.",
        shared_with_client=True,
    )
    log(
        two,
        days_before_today=2,
        regions={"mid_scalp": 2},
        focus_next_time="Private: check the pigment lot.",
        shared_with_client=False,
    )
    make_photo(portal.client, stage="after_session", shared=True)
    hidden = make_photo(portal.client, stage="consultation", shared=False)
    other = make_photo(portal.other_client, shared=True)

    page = as_user(portal.people.client_a).get(reverse("portal:home"))
    body = page.content.decode()
    assert page.status_code == 200
    assert page["Cache-Control"].startswith("max-age=0") or "no-store" in page["Cache-Control"]
    assert "3 sessions with Sam" in body
    assert "Frontal hairline (medium density)" in body or "hairline (medium density)" in body
    assert "(dense density)" in body
    assert "Fill the left temple a little more." in body
    assert "Private: check the pigment lot." not in body
    assert "Day 2 after session 2" in body and "redness settles within two days" in body
    assert 'data-testid="scalp-map-s2"' in body
    assert "Book session 3" in body
    assert f"/photos/{hidden.pk}/" not in body and f"/photos/{other.pk}/" not in body
    assert body.count('class="img-fluid rounded border"') == 1


def test_no_plan_yet_says_what_comes_first(people, as_user):
    body = as_user(people.client_b).get(reverse("portal:home")).content.decode()
    assert "Your treatment plan will appear here after your consultation" in body
    assert "Book a free consultation" in body


def test_a_finished_plan_says_so(portal, as_user):
    for number, session in enumerate(portal.sessions):
        log(session, days_before_today=60 - number * 14)
    plans.plan_set_status(plan=portal.plan, status=PlanStatus.COMPLETED)
    body = as_user(portal.people.client_a).get(reverse("portal:home")).content.decode()
    assert "Your treatment is complete" in body
    assert "Book session" not in body
    assert "Day 32 after session 3" in body and "settled" in body


def _queries(c) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = c.get(reverse("portal:home"))
    assert response.status_code == 200
    return len(queries)


def test_my_plan_takes_the_same_queries_with_2_or_5_sessions_logged(
    portal, as_user, make_photo, django_assert_max_num_queries
):
    for _ in range(2):
        plans.plan_add_extra_session(plan=portal.plan, reason=ExtraReason.values[0])
    sessions = list(portal.plan.sessions.order_by("number"))
    c = as_user(portal.people.client_a)
    for number, session in enumerate(sessions[:2]):
        log(session, days_before_today=80 - number * 14, shared_with_client=True)
        make_photo(portal.client, stage="after_session", shared=True)
    with_two = _queries(c)
    for number, session in enumerate(sessions[2:], start=2):
        log(session, days_before_today=80 - number * 14, shared_with_client=True)
        make_photo(portal.client, stage="after_session", shared=True)
    with_five = _queries(c)
    assert with_two == with_five
    with django_assert_max_num_queries(with_five):
        body = c.get(reverse("portal:home")).content.decode()
    assert body.count('data-testid="session-') == 5
    assert body.count('class="img-fluid rounded border"') == 5


@pytest.mark.parametrize(
    ("day", "phase", "words"),
    [
        (0, "redness", "redness settles within two days"),
        (2, "redness", "redness settles within two days"),
        (3, "settling", "still darker than it will settle"),
        (27, "settling", "lightens over the first 4–5 weeks"),
        (28, "settled", "Time for your check-in and your next session"),
    ],
)
def test_healing_stage_by_day(portal, day, phase, words):
    one = portal.sessions[0]
    logged = log(one, days_before_today=40)
    session_day = logged.session.appointment.starts_at.astimezone(
        dt.timezone(dt.timedelta(0))
    ).date()
    stage = healing_stage(portal.plan, session_day + dt.timedelta(days=day))
    assert stage.phase == phase and stage.day == day and stage.session_number == 1
    assert stage.text.startswith(f"Day {day} after session 1 — ") and words in stage.text


def test_healing_stage_is_none_before_the_first_session(portal):
    assert healing_stage(portal.plan, dt.date.today()) is None


def test_todays_aftercare_and_the_full_instructions(portal, as_user):
    log(portal.sessions[0], days_before_today=1)
    body = as_user(portal.people.client_a).get(reverse("portal:aftercare")).content.decode()
    assert "Day 1 after session 1" in body
    assert 'data-testid="today-step"' in body
    assert "All instructions after session 1" in body


def test_aftercare_empty_before_any_session(people, as_user):
    body = as_user(people.client_a).get(reverse("portal:aftercare")).content.decode()
    assert "Aftercare appears here after each session" in body


def test_check_ins_to_send_and_sent_with_the_reply(portal, as_user):
    one, two, _ = portal.sessions
    log(one, days_before_today=30)
    log(two, days_before_today=12)
    CheckIn.objects.all().delete()
    invited = CheckIn.objects.create(
        client=portal.client, session=two, kind=CheckInKind.FADE, status=CheckInStatus.INVITED
    )
    reviewed = CheckIn.objects.create(
        client=portal.client,
        session=one,
        kind=CheckInKind.FADE,
        status=CheckInStatus.REVIEWED,
        reply="Healing nicely, the temples will get a second pass.",
    )
    CheckIn.objects.create(
        client=portal.other_client, session=one, kind=CheckInKind.FINAL, reply="Ben's reply"
    )
    body = as_user(portal.people.client_a).get(reverse("portal:check_ins")).content.decode()
    assert reverse("check_in:mine", args=[invited.pk]) in body
    assert f'data-testid="sent-{reviewed.pk}"' in body
    assert "Healing nicely, the temples will get a second pass." in body
    assert "Ben&#x27;s reply" not in body and "Ben's reply" not in body


@pytest.mark.parametrize("days", [0, 3])
def test_home_and_aftercare_tab_count_the_same_day(portal, as_user, days):
    """The home page's healing day and the aftercare tab's day are the same day, counted
    from the real session (which cannot be logged before it happens)."""
    log(portal.sessions[0], days_before_today=days)
    c = as_user(portal.people.client_a)
    home = c.get(reverse("portal:home")).content.decode()
    assert f"Day {days} after session 1" in home
    tab = c.get(reverse("portal:aftercare"))
    steps = tab.context["today_steps"]
    assert steps and {step.label for step in steps} == {f"Day {days} after session 1"}
    assert "Nothing to do for your skin today" not in tab.content.decode()
