"""Front desk opens the week, picks a day and a free time, books a client, then moves them."""

import re

import pytest
from playwright.sync_api import expect

from scheduling.booking import appointment_set_status, booking_cancel
from scheduling.models import Appointment, AppointmentEventKind, AppointmentStatus, TimeOff
from scheduling.tests.diary_fixtures import book
from tests.browser.conftest import sign_in
from tests.clock import MONDAY, YEAR, at

pytestmark = pytest.mark.django_db(transaction=True)


def _a_busy_week(clinic):
    """Several appointments over the week of 1 March, for both artists."""
    tuesday, wednesday = MONDAY.replace(day=2), MONDAY.replace(day=3)
    check_in = book(clinic, at(MONDAY, "09:00"), client=clinic.ben, type=clinic.check_in)
    appointment_set_status(appointment=check_in, status=AppointmentStatus.CONFIRMED)
    book(clinic, at(MONDAY, "13:00"), client=clinic.ben, type=clinic.treatment, notes="Session 2")
    book(clinic, at(MONDAY, "17:30"), client=clinic.anna, type=clinic.check_in, minutes=15)
    dropped = book(clinic, at(MONDAY, "10:00"), artist=clinic.alex, type=clinic.video)
    booking_cancel(appointment=dropped, reason="Client unwell")
    book(clinic, at(MONDAY, "09:30"), artist=clinic.alex, type=clinic.treatment, client=clinic.anna)
    book(clinic, at(MONDAY, "14:30"), artist=clinic.alex, type=clinic.video, client=clinic.ben)
    TimeOff.objects.create(
        artist=clinic.alex, starts_at=at(MONDAY, "16:00"), ends_at=at(MONDAY, "18:00")
    )
    book(clinic, at(tuesday, "10:00"), client=clinic.anna)
    book(clinic, at(tuesday, "10:00"), artist=clinic.alex, client=clinic.ben, type=clinic.video)
    book(
        clinic, at(wednesday, "09:00"), artist=clinic.alex, client=clinic.ben, type=clinic.treatment
    )


def test_front_desk_books_from_the_diary_and_moves_the_appointment(page, clinic, screenshots):
    _a_busy_week(clinic)
    sign_in(page, "desk@clinic.test")

    page.get_by_role("link", name="Diary").click()
    expect(page).to_have_url(re.compile(r"/diary/day/\d{4}-\d{2}-\d{2}/$"))
    page.get_by_role("link", name="Week", exact=True).click()
    expect(page).to_have_url(re.compile(r"/diary/week/\d{4}-\d{2}-\d{2}/$"))
    # Picking a date in the "go to date" box jumps straight there.
    page.get_by_label("Go to date").fill(f"{YEAR}-03-03")
    page.get_by_label("Go to date").dispatch_event("change")
    expect(page.get_by_role("heading", name=f"Week of 1 March {YEAR}")).to_be_visible()
    monday = page.locator(f"section[data-day='{YEAR}-03-01']")
    expect(monday.get_by_test_id("appointment")).to_have_count(5)
    expect(monday).to_contain_text("1 cancelled")
    expect(monday).to_contain_text("Alex Brennan away")
    page.screenshot(path=screenshots / "diary-week.png", full_page=True)
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=screenshots / "diary-week-tablet.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_role("link", name="Mon 1 Mar").click()
    expect(page.get_by_role("heading", name=f"Monday 1 March {YEAR}")).to_be_visible()
    expect(page.get_by_test_id("appointment")).to_have_count(5)
    expect(page.get_by_text("Cancelled (1)")).to_be_visible()
    page.screenshot(path=screenshots / "diary-day.png")
    grid = page.locator(".diary-scroll")
    grid.evaluate("element => { element.scrollTop = element.scrollHeight; }")
    page.screenshot(path=screenshots / "diary-day-afternoon.png")
    grid.evaluate("element => { element.scrollTop = 0; }")
    page.set_viewport_size({"width": 1024, "height": 768})
    page.screenshot(path=screenshots / "diary-day-tablet.png")
    page.set_viewport_size({"width": 1280, "height": 860})

    page.get_by_role("link", name="Book 11:00 with Sam Okafor").click()
    # The type's usual length is filled in by the page's script, once it has loaded (on a
    # busy machine the form can be on screen a moment before).
    page.wait_for_load_state("load")
    expect(page.get_by_label("Start date", exact=True)).to_have_value(f"{YEAR}-03-01")
    expect(page.get_by_label("Start time", exact=True)).to_have_value("11:00")
    expect(page.get_by_label("Artist")).to_have_value(str(clinic.sam.pk))
    page.get_by_label("Appointment type").select_option(label="Free consultation")
    expect(page.get_by_label("Length (minutes)")).to_have_value("45")
    # The live search finds the client as the name is typed.
    page.get_by_label("Find a client").press_sequentially("ashb")
    page.get_by_role("link", name="Choose Anna Ashby").click()
    expect(page.get_by_test_id("chosen-client")).to_contain_text("Anna Ashby")
    expect(page.get_by_test_id("no-shows")).to_have_text("No no-shows")
    # What was chosen before the search is still there.
    expect(page.get_by_label("Start time", exact=True)).to_have_value("11:00")
    expect(page.get_by_label("Appointment type")).to_have_value("consultation")
    page.get_by_label("Notes").fill("Wants to see photos of past work")
    page.screenshot(path=screenshots / "diary-book.png", full_page=True)
    page.get_by_role("button", name="Book appointment").click()

    expect(page.get_by_role("heading", name=f"Monday 1 March {YEAR}")).to_be_visible()
    expect(page.get_by_text("Booked: Free consultation for Anna Ashby")).to_be_visible()
    booked = page.get_by_role("link", name=re.compile(r"11:00–11:45.*Anna Ashby"))
    expect(booked).to_be_visible()
    expect(booked).to_have_attribute("data-artist", str(clinic.sam.pk))
    appointment = Appointment.objects.get(notes="Wants to see photos of past work")
    assert appointment.booked_by == clinic.people.front_desk

    booked.click()
    expect(page.get_by_role("heading", name="Free consultation · Anna Ashby")).to_be_visible()
    page.get_by_text("Move to another time").click()
    move_form = page.locator("#move-form")
    # Sam's treatment session runs 13:00–17:00: refused, in place, nothing lost.
    move_form.get_by_label("Start time", exact=True).fill("15:00")
    page.get_by_role("button", name="Move appointment").click()
    expect(move_form.get_by_text("The artist already has an appointment then")).to_be_visible()
    expect(move_form.get_by_label("Start time", exact=True)).to_have_value("15:00")
    expect(page.get_by_test_id("when")).to_contain_text("11:00–11:45")

    move_form.get_by_label("Start time", exact=True).fill("12:00")
    page.get_by_role("button", name="Move appointment").click()
    expect(page.get_by_text("Moved to Mon 1 Mar 12:00 with Sam Okafor.")).to_be_visible()
    expect(page.get_by_test_id("when")).to_contain_text("12:00–12:45")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Moved from Mon 1 Mar 11:00 to Mon 1 Mar 12:00")
    expect(history).to_contain_text("by Jordan Price")
    page.screenshot(path=screenshots / "diary-appointment.png", full_page=True)
    appointment.refresh_from_db()
    assert appointment.starts_at == at(MONDAY, "12:00")
    assert appointment.events.filter(kind=AppointmentEventKind.MOVED).count() == 1


def test_free_times_appear_as_the_desk_chooses_and_one_click_fills_the_time(
    page, clinic, screenshots
):
    """No booking has to fail first: choosing the type, artist and day shows that day's free
    times, and a click puts one in the form."""
    sign_in(page, "desk@clinic.test")
    page.goto("/diary/book/")
    free = page.locator("#free-times")
    expect(free).to_contain_text("Choose the type, the artist and the day")
    page.get_by_label("Appointment type").select_option("consultation")
    page.get_by_label("Artist").select_option(str(clinic.sam.pk))
    page.locator("#booking-form [name=starts_at_0]").fill(f"{YEAR}-03-01")
    page.locator("#booking-form [name=starts_at_0]").dispatch_event("change")
    expect(free).to_contain_text("Free times on Mon 1 Mar with Sam Okafor")
    page.screenshot(path=screenshots / "diary-book-free-times.png", full_page=True)
    free.get_by_role("button", name="10:15").click()
    expect(page.locator("#booking-form [name=starts_at_1]")).to_have_value("10:15")
