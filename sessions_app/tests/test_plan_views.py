"""Plan pages: start a plan, see it, change its status, add sessions, book them."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scheduling.models import Appointment
from sessions_app import plans
from sessions_app.models import TreatmentPlan
from sessions_app.tests.fixtures import logged_session
from tests.clock import MONDAY, YEAR, at, day

pytestmark = pytest.mark.django_db


def _url(name, pk):
    return reverse(f"sessions_app:{name}", args=[pk])


def test_front_desk_starts_a_plan_from_the_client_record(treatment, as_user):
    client = as_user(treatment.people.front_desk)
    record = treatment.other_client
    page = client.get(reverse("clients:detail", args=[record.pk]))
    assert "Start a treatment plan" in page.content.decode()
    response = client.post(
        _url("plan_create", record.pk),
        {
            "lead_artist": treatment.artist2.pk,
            "planned_sessions": "4",
            "pigment": " Slate 3 ",
            "target_density": "3",
        },
    )
    plan = TreatmentPlan.objects.get(client=record)
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert (plan.lead_artist, plan.planned_sessions, plan.pigment, plan.target_density) == (
        treatment.artist2,
        4,
        "Slate 3",
        3,
    )
    assert list(plan.sessions.values_list("planned_minutes", flat=True)) == [240, 210, 180, 150]
    page = client.get(reverse("clients:detail", args=[record.pk])).content.decode()
    assert "0 of 4 sessions booked" in page and plan.get_absolute_url() in page


def test_bad_plan_input_is_shown_on_the_field_and_nothing_is_saved(treatment, as_user):
    client = as_user(treatment.people.front_desk)
    response = client.post(
        _url("plan_create", treatment.other_client.pk),
        {"lead_artist": treatment.people.manager.pk, "planned_sessions": "7", "pigment": "Kept"},
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["lead_artist"] == ["Choose an artist."]
    assert form.errors["planned_sessions"] == ["A plan has between 2 and 5 sessions."]
    assert 'value="Kept"' in response.content.decode()
    assert not TreatmentPlan.objects.filter(client=treatment.other_client).exists()


def test_who_may_open_the_plan_pages(treatment, as_user, client):
    plan_url = treatment.plan.get_absolute_url()
    response = client.get(plan_url)
    assert (
        response.status_code == 302
        and response.url == f"{reverse('accounts:login')}?next={plan_url}"
    )
    # Plans are health pages: for a client they do not exist (accounts/access.py).
    as_user(treatment.people.client_a)
    assert client.get(plan_url).status_code == 404
    assert client.get(_url("plan_create", treatment.client.pk)).status_code == 404
    as_user(treatment.people.artist)
    assert client.get(_url("plan_detail", 999999)).status_code == 404
    assert client.get(_url("plan_create", 999999)).status_code == 404
    assert client.get(_url("session_book", 999999)).status_code == 404
    assert client.post(plan_url).status_code == 405
    assert client.get(_url("plan_add_extra", treatment.plan.pk)).status_code == 405
    # Only the manager and front desk change a plan's status.
    response = client.post(_url("plan_status", treatment.plan.pk), {"status": "paused"})
    assert response.status_code == 403
    treatment.plan.refresh_from_db()
    assert treatment.plan.status == "active"


def test_the_plan_page_shows_sessions_bookings_logs_and_the_extra_session_note(
    treatment,
    as_user,
):
    first, second, third = treatment.sessions
    logged_session(first, {"crown": 3})
    plans.session_book(session=second, starts_at=at(MONDAY, "10:00"), by=treatment.people.manager)
    plans.healing_record(session=second, by=treatment.artist, assessments={"crown": ("patchy", "")})
    plans.plan_add_extra_session(plan=treatment.plan, reason="patchy_healing", note="Crown")
    page = as_user(treatment.people.front_desk).get(treatment.plan.get_absolute_url())
    html = page.content.decode()
    second.refresh_from_db()
    assert "Patchy or faded regions at the last assessment: an extra session is likely" in html
    assert f"Mon 1 Mar {YEAR}, 10:00" in html
    assert reverse("scheduling:appointment_detail", args=[second.appointment_id]) in html
    assert html.count("Not booked yet") == 2
    assert "Why: Patchy healing — Crown" in html
    assert "Logged" in html and "Charcoal 2" in html and "Short buzz cut" in html
    # Front desk cannot log; the log link is for artists and managers.
    assert _url("session_log", first.pk) not in html
    html = as_user(treatment.artist).get(treatment.plan.get_absolute_url()).content.decode()
    assert _url("session_log", first.pk) in html


def test_the_plan_page_costs_the_same_queries_for_2_and_5_sessions(treatment, as_user):
    client = as_user(treatment.people.manager)
    small = plans.plan_create(
        client=treatment.other_client, lead_artist=treatment.artist, planned_sessions=2
    )
    logged_session(small.sessions.get(number=1))
    big = plans.plan_create(
        client=treatment.other_client, lead_artist=treatment.artist, planned_sessions=5
    )
    for number, days in ((1, 60), (2, 53), (3, 46)):
        logged_session(
            big.sessions.get(number=number),
            {"crown": 2, "scar": 1},
            when=at(MONDAY - dt.timedelta(days=days + 200), "10:00"),
        )
    plans.session_book(
        session=big.sessions.get(number=4),
        starts_at=at(MONDAY, "10:00"),
        by=treatment.people.manager,
    )
    counts = []
    for plan in (small, big):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(plan.get_absolute_url()).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_status_extra_session_and_touch_up(treatment, as_user):
    client = as_user(treatment.people.manager)
    plan = treatment.plan
    response = client.post(_url("plan_add_extra", plan.pk), {"reason": "", "note": "Kept note"})
    assert response.status_code == 400
    assert "Say why the extra session is needed." in response.content.decode()
    assert plan.sessions.count() == 3
    client.post(_url("plan_add_extra", plan.pk), {"reason": "client_request", "note": "Darker"})
    client.post(_url("plan_add_touch_up", plan.pk), {"minutes": "", "note": "Next spring"})
    assert list(plan.sessions.values_list("number", "kind")) == [
        (1, "planned"),
        (2, "planned"),
        (3, "planned"),
        (4, "extra"),
        (5, "touch_up"),
    ]
    response = client.post(_url("plan_status", plan.pk), {"status": "paused"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == "paused"
    html = client.get(plan.get_absolute_url()).content.decode()
    assert "Paused" in html and "Book session" not in html
    response = client.post(_url("plan_status", plan.pk), {"status": "lost"})
    assert response.status_code == 400
    plan.refresh_from_db()
    assert plan.status == "paused"


def test_booking_one_session_with_the_gap_rule(treatment, as_user):
    first, second, _ = treatment.sessions
    plans.session_book(session=first, starts_at=at(MONDAY, "09:00"), by=treatment.people.manager)
    desk = as_user(treatment.people.front_desk)
    page = desk.get(_url("session_book", second.pk))
    html = page.content.decode()
    assert f"Earliest suggested date: <strong>Monday 8 March {YEAR}, 09:00" in html
    assert 'value="210"' in html and "gap_override_reason" not in html
    data = {
        "starts_at_0": f"{YEAR}-03-04",
        "starts_at_1": "09:00",
        "minutes": "200",
        "artist": treatment.artist.pk,
    }
    response = desk.post(_url("session_book", second.pk), data)
    assert (
        response.context["form"]
        .errors["starts_at"][0]
        .startswith("Sessions are at least 7 days apart")
    )
    assert f'value="{YEAR}-03-04"' in response.content.decode()
    second.refresh_from_db()
    assert second.appointment is None
    manager = as_user(treatment.people.manager)
    response = manager.post(_url("session_book", second.pk), data)
    assert "gap_override_reason" in response.context["form"].errors
    response = manager.post(
        _url("session_book", second.pk), {**data, "gap_override_reason": "Flies home Friday"}
    )
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.appointment.minutes == 200
    assert second.appointment.starts_at == at(day(3, 4), "09:00")
    assert second.gap_override_reason == "Flies home Friday"


def test_book_all_remaining_books_all_or_none(treatment, as_user, monkeypatch):
    client = as_user(treatment.people.front_desk)
    url = _url("book_remaining", treatment.plan.pk)
    page = client.get(url)
    rows = page.context["form"].rows
    assert [row["session"].number for row in rows] == [1, 2, 3]
    s1, s2, s3 = treatment.sessions
    data = {
        f"start_{s1.pk}_0": f"{YEAR}-03-01",
        f"start_{s1.pk}_1": "09:00",
        f"minutes_{s1.pk}": "240",
        f"start_{s2.pk}_0": f"{YEAR}-03-08",
        f"start_{s2.pk}_1": "09:00",
        f"minutes_{s2.pk}": "210",
        f"start_{s3.pk}_0": f"{YEAR}-03-15",
        f"start_{s3.pk}_1": "09:00",
        f"minutes_{s3.pk}": "180",
    }
    # Someone takes session 3's time with Sam before the form is sent.
    other = plans.plan_create(client=treatment.other_client, lead_artist=treatment.artist)
    plans.session_book(
        session=other.sessions.get(number=1),
        starts_at=at(day(3, 15), "09:00"),
        by=treatment.people.manager,
    )
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Session 3: " in html and "Nothing was booked" in html
    assert response.context["form"].errors[f"start_{s3.pk}"]
    assert f'value="{YEAR}-03-08"' in html
    assert not Appointment.objects.filter(client=treatment.client).exists()
    data[f"start_{s3.pk}_0"] = f"{YEAR}-03-16"
    response = client.post(url, data)
    assert response.status_code == 302
    assert [
        s.appointment.starts_at for s in treatment.plan.sessions.select_related("appointment")
    ] == [at(MONDAY, "09:00"), at(day(3, 8), "09:00"), at(day(3, 16), "09:00")]
