"""A client signs in to the portal with an emailed link on their phone, reads their plan
and books their next session."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from consultations.tests.factories import sign_all_consent
from sessions_app import plans
from sessions_app.tests.fixtures import logged_session

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def annas_plan(open_clinic, make_photo):
    people = open_clinic
    sign_all_consent(people.record_a)
    plan = plans.plan_create(
        client=people.record_a,
        lead_artist=people.artist,
        planned_sessions=3,
        target_look="A short buzz cut",
        by=people.front_desk,
    )
    first = plan.sessions.get(number=1)
    when = (timezone.localtime() - dt.timedelta(days=10)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    logged_session(
        first,
        {"frontal_hairline": 3, "left_temple": 2, "right_temple": 2, "crown": 4},
        when=when,
        focus_next_time="Build density at the crown; soften the temples.",
        shared_with_client=True,
    )
    make_photo(people.record_a, stage="after_session", shared=True)
    return plan


def test_a_client_signs_in_by_link_reads_their_plan_and_books(
    page, annas_plan, screenshots, live_server, settings
):
    settings.SITE_URL = live_server.url
    page.set_viewport_size(PHONE)

    page.goto("/portal/")
    expect(page.get_by_role("heading", name="Sign in to your portal")).to_be_visible()
    page.get_by_label("Your email address").fill("anna@clinic.test")
    page.screenshot(path=screenshots / "portal-signin-phone.png", full_page=True)
    page.get_by_role("button", name="Email me a sign-in link").click()
    expect(page.get_by_test_id("signin-sent")).to_contain_text("is on file, a link is on its way")

    assert len(mail.outbox) == 1
    link = re.search(r"http\S+/portal/sign-in/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    page.get_by_role("button", name="Sign me in").click()

    expect(page.get_by_role("heading", name="Hello Anna")).to_be_visible()
    expect(page.get_by_test_id("healing-stage")).to_contain_text("Day 10 after session 1")
    expect(page.get_by_test_id("session-1")).to_contain_text("Crown / vertex (dense density)")
    expect(page.get_by_test_id("session-1")).to_contain_text("Build density at the crown")
    expect(page.get_by_test_id("scalp-map-s1")).to_be_visible()
    # Nothing is wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=screenshots / "portal-my-plan-phone.png", full_page=True)

    page.get_by_role("link", name="Book session 2").click()
    expect(page.get_by_role("heading", name="Book my next session")).to_be_visible()
    page.screenshot(path=screenshots / "portal-book-next-phone.png", full_page=True)
    page.locator(".portal-times a").first.click()
    expect(page.get_by_role("heading", name="Book session 2")).to_be_visible()
    chosen = page.get_by_test_id("chosen-time").inner_text()
    page.get_by_role("button", name="Book this time").click()

    expect(page.get_by_role("heading", name="My appointments")).to_be_visible()
    expect(page.get_by_text("Session 2 is booked")).to_be_visible()
    page.screenshot(path=screenshots / "portal-appointments-phone.png", full_page=True)

    session = annas_plan.sessions.get(number=2)
    appointment = session.appointment
    assert appointment is not None and appointment.artist == annas_plan.lead_artist
    local = timezone.localtime(appointment.starts_at)
    assert f"{local:%H:%M}" in chosen
    assert appointment.starts_at >= plans.earliest_start(session)
