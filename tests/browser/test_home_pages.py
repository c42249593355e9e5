"""The artist's day and the manager's home in a real browser, wide and phone-sized."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from consultations.models import Consultation, PatchReading
from privacy.models import ErasureRequest
from sessions_app.tests.fixtures import past_appointment
from smpclinic.tests.home_fixtures import (
    appointment,
    ben_plan_with_alex,
    consultation_today,
    failed_message,
    stale_review,
    submitted_check_in,
)
from tests.browser.conftest import take_session
from tests.clock import at, days_ago, today

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = (1280, 390)


def a_busy_day(treatment):
    from consultations.tests.factories import flag_for_review, patch_test_row

    sam = treatment.artist
    first, second, _third = treatment.sessions
    past_appointment(first, when=days_ago(3))  # done, not logged
    past_appointment(second, when=at(today(), "10:00"))
    submitted_check_in(first, days=2)
    flag_for_review(Consultation.objects.create(client=treatment.client, artist=sam))
    ben = consultation_today(treatment.other_client, sam, "15:00")
    patch_test_row(
        ben, read_after=timezone.now() + dt.timedelta(days=1), reading=PatchReading.PENDING
    )
    bens = ben_plan_with_alex(treatment)
    submitted_check_in(bens.sessions.order_by("number").first(), days=1)


def test_the_artists_day_reads_well_wide_and_on_a_phone(page, live_server, treatment, screenshots):
    a_busy_day(treatment)
    take_session(page, live_server, treatment.artist)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 860})
        page.goto("/")
        expect(page.get_by_role("heading", name="My day")).to_be_visible()
        expect(page.get_by_text("Session 2 of 3")).to_be_visible()
        expect(page.get_by_role("link", name="Log the session of Anna Ashby").first).to_be_visible()
        expect(page.get_by_test_id("check-ins-to-review").get_by_role("link")).to_have_count(1)
        # Nothing spills sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=screenshots / f"home-artist-{width}.png", full_page=True)


def test_the_managers_home_reads_well_wide_and_on_a_phone(page, live_server, people, screenshots):
    from scheduling.tests.diary_fixtures import clinic_defaults

    clinic_defaults()
    ErasureRequest.objects.create(client=people.record_a)
    failed_message(people.record_b)
    stale_review(people.record_b, people.artist)
    for days in (1, 2):
        appointment(people, at(today() + dt.timedelta(days=days), "10:00"))
    appointment(people, days_ago(40), status="no_show")
    take_session(page, live_server, people.manager)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 860})
        page.goto("/")
        expect(page.get_by_role("heading", name="Needs a manager")).to_be_visible()
        expect(page.get_by_text("↑ 2 on the previous 7 days")).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=screenshots / f"home-manager-{width}.png", full_page=True)


def test_the_front_desks_to_do_reads_well_wide_and_on_a_phone(
    page, live_server, treatment, screenshots
):
    """The to-do lists with a row each: tomorrow to confirm, forms not done, a failed
    message; and a click on "Send again" comes back to the page with the list shorter."""
    people = treatment.people
    tomorrow = today() + dt.timedelta(days=1)
    appointment(people, at(tomorrow, "10:00"))
    later = consultation_today(people.record_b, people.artist, "09:00")
    # Forms not done either, but nine days ahead: beyond the list's seven days.
    later.appointment.starts_at = at(today() + dt.timedelta(days=9), "09:00")
    later.appointment.ends_at = at(today() + dt.timedelta(days=9), "09:45")
    later.appointment.blocked_until = at(today() + dt.timedelta(days=9), "10:00")
    later.appointment.save()
    bens = consultation_today(people.record_b, people.artist, "16:00")
    bens.appointment.starts_at = at(tomorrow, "16:00")
    bens.appointment.ends_at = at(tomorrow, "16:45")
    bens.appointment.blocked_until = at(tomorrow, "17:00")
    bens.appointment.save()
    failed_message(people.record_b)
    take_session(page, live_server, people.front_desk)
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 860})
        page.goto("/")
        expect(page.get_by_role("heading", name="To confirm for tomorrow")).to_be_visible()
        expect(page.get_by_test_id("todo-forms").get_by_test_id("todo-row")).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        page.screenshot(path=screenshots / f"home-front-desk-{width}.png", full_page=True)
    page.get_by_role("button", name=re.compile(r"^Send again.*reminder to Ben Barker$")).click()
    expect(page.get_by_text("will be sent again within a minute")).to_be_visible()
    expect(page.get_by_text("Every message went.")).to_be_visible()
