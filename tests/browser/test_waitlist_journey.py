"""The waitlist as a client meets it, on a phone: Anna asks for a sooner consultation in
her portal; when Ben cancels his, she is emailed the offer and takes the time from the
link; the desk sees who took it."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from reminders.dispatch import dispatch_due
from scheduling.booking import booking_cancel, booking_create
from scheduling.models import Appointment, AppointmentType, BookingSource
from tests.browser.conftest import bookable_weekday, take_session
from tests.clock import at

pytestmark = pytest.mark.django_db(transaction=True)
PHONE = {"width": 390, "height": 844}


def test_a_client_on_the_waitlist_takes_a_cancelled_time_from_the_link_on_a_phone(
    page, open_clinic, people, live_server, settings, screenshots
):
    settings.SITE_URL = live_server.url
    day = bookable_weekday()
    consultation = AppointmentType.objects.get(slug="consultation")
    bens = booking_create(
        client=people.record_b,
        appointment_type=consultation,
        artist=people.artist,
        starts_at=at(day, "11:00"),
        by=people.front_desk,
        source=BookingSource.FRONT_DESK,
    )

    # Anna asks for a sooner consultation, any day, from her portal.
    page.set_viewport_size(PHONE)
    take_session(page, live_server, people.client_a)
    page.goto("/portal/waitlist/")
    expect(page.get_by_text("You are not on the waitlist.")).to_be_visible()
    page.get_by_role("combobox", name="Waiting for").select_option(label="Free consultation")
    page.get_by_role("button", name="Join the waitlist").click()
    expect(page.get_by_text("You are on our waitlist.")).to_be_visible()
    expect(page.get_by_test_id("my-waitlist")).to_contain_text("Any day")
    page.screenshot(path=screenshots / "waitlist-portal-390.png", full_page=True)

    # Ben cancels; the time is offered to Anna by email.
    booking_cancel(appointment=bens, reason="Away that week", by=people.front_desk)
    dispatch_due()
    [offer] = [m for m in mail.outbox if m.to == ["anna@clinic.test"]]
    link = re.search(r"http://\S+/waitlist/offer/\S+/", offer.body).group(0)

    page.context.clear_cookies()  # the link works signed out, as from a phone's mail app
    page.goto(link)
    expect(page.get_by_role("heading", name="A sooner time for you")).to_be_visible()
    page.screenshot(path=screenshots / "waitlist-offer-390.png", full_page=True)
    page.get_by_role("button", name="Book this time").click()
    expect(page.get_by_test_id("claimed")).to_contain_text("booked")
    page.screenshot(path=screenshots / "waitlist-claimed-390.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

    [annas] = Appointment.objects.filter(client=people.record_a)
    assert (annas.starts_at, annas.source) == (at(day, "11:00"), BookingSource.WAITLIST)

    # The desk sees the time taken, by whom.
    page.set_viewport_size({"width": 1280, "height": 900})
    take_session(page, live_server, people.front_desk)
    page.goto("/waitlist/")
    expect(page.get_by_test_id("freed-times")).to_contain_text("taken by Anna Ashby")
    page.screenshot(path=screenshots / "waitlist-desk-1280.png", full_page=True)
