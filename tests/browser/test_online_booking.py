"""A member of the public books a free consultation online and opens the link in the email."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from reminders.dispatch import dispatch_due
from scheduling.models import Appointment, BookingSource
from tests.browser.conftest import bookable_weekday

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_visitor_books_a_free_consultation(page, open_clinic, screenshots, live_server, settings):
    # Links in messages start with the address clients reach the clinic at.
    settings.SITE_URL = live_server.url
    day = bookable_weekday()
    day_label = f"{day:%A} {day.day} {day:%B}"

    page.goto("/book/")
    expect(page.get_by_role("heading", name="Book a free consultation")).to_be_visible()
    page.get_by_role("link", name=re.compile("At the clinic")).click()

    expect(page.get_by_role("heading", name="Choose a time")).to_be_visible()
    expect(page.get_by_role("heading", name=day_label)).to_be_visible()
    page.screenshot(path=screenshots / "online-booking-times.png", full_page=True)
    page.get_by_role("link", name=f"10:00 on {day_label}").click()

    expect(page.get_by_role("heading", name="Your details")).to_be_visible()
    expect(page.get_by_test_id("chosen-time")).to_contain_text(
        f"{day_label} {day.year}, 10:00–10:45"
    )
    # The robot trap is in the page but out of sight and out of the tab order.
    trap = page.locator("input[name=website]")
    assert trap.bounding_box()["x"] < 0
    assert trap.get_attribute("tabindex") == "-1"

    page.get_by_label("First name").fill("Daniel")
    page.get_by_label("Last name").fill("Whitaker")
    page.get_by_label("Email").fill("daniel@example.com")
    page.get_by_label("Mobile phone").fill("07911 123456")
    page.get_by_label("About your hair loss").fill("Thinning at the crown for five years.")
    page.get_by_label("The clinic may contact me").check()
    page.screenshot(path=screenshots / "online-booking-details.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.screenshot(path=screenshots / "online-booking-phone.png", full_page=True)
    page.get_by_role("button", name="Book my free consultation").click()

    expect(page.get_by_role("heading", name="Thank you, you are booked")).to_be_visible()
    expect(page.get_by_test_id("when")).to_have_text(f"{day_label} {day.year}, 10:00–10:45")
    expect(page.get_by_text("daniel@example.com")).to_be_visible()
    page.screenshot(path=screenshots / "online-booking-confirmed.png", full_page=True)

    appointment = Appointment.objects.select_related("client").get()
    assert appointment.source == BookingSource.ONLINE
    assert appointment.client.full_name == "Daniel Whitaker"
    assert appointment.notes == "Thinning at the crown for five years."
    # The confirmation waits in the outbox until the dispatcher (beat, every minute) runs.
    assert dispatch_due() == 1
    [email] = mail.outbox
    link = re.search(r"https?://\S+/book/manage/\S+/", email.body).group(0)

    page.goto(link)
    expect(page.get_by_role("heading", name="Your appointment")).to_be_visible()
    expect(page.get_by_test_id("when")).to_have_text(f"{day_label} {day.year}, 10:00–10:45")
    page.screenshot(path=screenshots / "online-booking-manage.png", full_page=True)
