"""Which plan is current and which session is next to book: the one answer every screen
(portal, consultation, plan page, aftercare) shows."""

import datetime as dt

import pytest
from django.utils import timezone

from scheduling.models import AppointmentStatus
from sessions_app import plans
from sessions_app.models import PlanStatus
from sessions_app.selectors import (
    client_current_plan,
    plan_next_session_to_book,
    session_following,
)
from sessions_app.tests.fixtures import logged_session, past_appointment

pytestmark = pytest.mark.django_db


def test_the_first_session_not_held_by_an_appointment_is_next(treatment):
    first, second, third = treatment.sessions
    assert plan_next_session_to_book(plan=treatment.plan) == first

    appointment = past_appointment(first, when=timezone.now() + dt.timedelta(days=3))
    first.refresh_from_db()
    assert first.is_booked
    assert plan_next_session_to_book(plan=treatment.plan) == second

    appointment.status = AppointmentStatus.CANCELLED
    appointment.save(update_fields=["status"])
    first.refresh_from_db()
    assert not first.is_booked
    assert plan_next_session_to_book(plan=treatment.plan) == first


def test_a_logged_session_is_never_next(treatment):
    first, second, _ = treatment.sessions
    logged_session(first, when=timezone.now() - dt.timedelta(days=10))
    assert plan_next_session_to_book(plan=treatment.plan) == second


def test_a_plan_that_is_not_active_has_nothing_to_book(treatment):
    plans.plan_set_status(plan=treatment.plan, status=PlanStatus.PAUSED)
    assert plan_next_session_to_book(plan=treatment.plan) is None
    assert plan_next_session_to_book(plan=None) is None
    # A paused plan is still the client's current one; a cancelled one is not.
    assert client_current_plan(client=treatment.client) == treatment.plan
    plans.plan_set_status(plan=treatment.plan, status=PlanStatus.CANCELLED)
    assert client_current_plan(client=treatment.client) is None


def test_a_touch_up_does_not_follow_the_last_session(treatment):
    first, second, third = treatment.sessions
    plans.plan_add_touch_up(plan=treatment.plan)
    assert session_following(session=first) == second
    assert session_following(session=third) is None


def test_the_consultation_books_no_first_session_of_a_paused_plan(treatment, as_user):
    from django.contrib.messages import get_messages
    from django.urls import reverse

    from consultations.models import Consultation

    consultation = Consultation.objects.create(
        client=treatment.client, artist=treatment.artist, plan=treatment.plan
    )
    plans.plan_set_status(plan=treatment.plan, status=PlanStatus.PAUSED)
    browser = as_user(treatment.artist)
    response = browser.get(reverse("consultations:book_first_session", args=[consultation.pk]))
    assert response.status_code == 302
    assert response["Location"] == treatment.plan.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "The treatment plan is paused."
    ]


def test_the_current_plan_is_the_active_one_before_a_newer_plan_that_is_not(treatment):
    newer = plans.plan_create(client=treatment.client, lead_artist=treatment.plan.lead_artist)
    plans.plan_set_status(plan=newer, status=PlanStatus.PAUSED)
    # The older plan is active: it is the client's current one.
    assert client_current_plan(client=treatment.client) == treatment.plan
    assert client_current_plan(client=treatment.client).lead_artist == treatment.plan.lead_artist
    # Neither active: the newest not cancelled.
    plans.plan_set_status(plan=treatment.plan, status=PlanStatus.COMPLETED)
    assert client_current_plan(client=treatment.client) == newer
    plans.plan_set_status(plan=newer, status=PlanStatus.CANCELLED)
    assert client_current_plan(client=treatment.client) == treatment.plan
