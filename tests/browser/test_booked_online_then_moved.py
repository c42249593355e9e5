"""The whole path: a visitor books a consultation online; the front desk finds it in the
week diary and moves it."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import PASSWORD
from scheduling.models import Appointment, BookingSource
from tests.browser.conftest import bookable_weekday

pytestmark = pytest.mark.django_db(transaction=True)


def test_booked_online_seen_in_the_week_diary_and_moved(browser, live_server, open_clinic):
    day = bookable_weekday()
    day_label = f"{day:%A} {day.day} {day:%B}"

    visitor = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = visitor.new_page()
    page.goto("/book/")
    page.get_by_role("link", name=re.compile("At the clinic")).click()
    page.get_by_role("link", name=f"10:00 on {day_label}").click()
    page.get_by_label("First name").fill("Marcus")
    page.get_by_label("Last name").fill("Reid")
    page.get_by_label("Email").fill("marcus.reid@example.com")
    page.get_by_label("Mobile phone").fill("07911 123777")
    page.get_by_role("button", name="Book my free consultation").click()
    expect(page.get_by_role("heading", name="Thank you, you are booked")).to_be_visible()
    visitor.close()

    appointment = Appointment.objects.select_related("client").get()
    assert appointment.source == BookingSource.ONLINE
    assert appointment.client.full_name == "Marcus Reid"

    desk = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 860})
    page = desk.new_page()
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("desk@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/diary/week/{day:%Y-%m-%d}/")
    column = page.locator(f"section[data-day='{day:%Y-%m-%d}']")
    booked = column.get_by_test_id("appointment").filter(has_text="Marcus Reid")
    expect(booked).to_contain_text("10:00–10:45")
    booked.click()

    expect(page.get_by_role("heading", name="Free consultation · Marcus Reid")).to_be_visible()
    expect(page.get_by_text(re.compile(r"^Online, \d+ \w+ \d{4}"))).to_be_visible()
    page.get_by_text("Move to another time").click()
    move_form = page.locator("#move-form")
    move_form.get_by_label("Start time", exact=True).fill("14:30")
    page.get_by_role("button", name="Move appointment").click()
    expect(page.get_by_test_id("when")).to_contain_text("14:30–15:15")
    expect(page.get_by_test_id("history")).to_contain_text("by Jordan Price")
    desk.close()

    appointment.refresh_from_db()
    assert timezone.localtime(appointment.starts_at).strftime("%H:%M") == "14:30"
    assert appointment.events.filter(kind="moved", by__email="desk@clinic.test").exists()
