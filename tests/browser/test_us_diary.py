"""A US clinic's diary in a real browser: the clinic runs in en-us on an installation whose
weeks start on Monday; the manager chooses Sunday on the clinic settings page, and the week
diary then runs Sunday to Saturday with month-first days and a 12-hour clock."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import take_session
from tests.clock import MONDAY, at

pytestmark = pytest.mark.django_db(transaction=True)

WEDNESDAY = MONDAY + dt.timedelta(days=2)  # Wednesday 3 March
# Read by hand, as a reader in the US expects them (the tests' 1 March is a Monday, so the
# Sunday before it is 28 February in every such year).
MONDAY_FIRST = ["Mon, Mar 1", "Tue, Mar 2", "Wed, Mar 3", "Thu, Mar 4", "Fri, Mar 5", "Sat, Mar 6"]
SUNDAY_FIRST = ["Sun, Feb 28", *MONDAY_FIRST]
TWENTY_FOUR_HOUR = re.compile(r"\b(0\d|1[3-9]|2[0-3]):[0-5]\d\b")


@pytest.fixture
def us_page(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 1300}, locale="en-US"
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def test_a_us_clinic_chooses_sunday_and_its_week_reads_the_american_way(
    us_page, live_server, clinic, settings, screenshots
):
    from scheduling.tests.diary_fixtures import book

    page = us_page
    settings.LANGUAGE_CODE = "en-us"
    settings.CLINIC_CURRENCY = "USD"
    settings.CLINIC_FIRST_DAY_OF_WEEK = "monday"  # the installation's; the clinic overrides it
    book(clinic, at(WEDNESDAY, "14:30"))
    take_session(page, live_server, clinic.people.manager)
    days = page.locator(".wg-day h2 a")

    # Before the choice: the installation's Monday-first week, already in American formats.
    page.goto(f"/diary/week/{WEDNESDAY.isoformat()}/")
    expect(days).to_have_count(7)
    expect(days.first).to_have_text(MONDAY_FIRST[0])

    # The manager chooses Sunday on the clinic settings page.
    page.goto("/settings/clinic/")
    first_day = page.get_by_label("First day of the week")
    expect(first_day.locator("option:checked")).to_have_text("The installation's: Monday")
    first_day.select_option(label="Sunday")
    page.get_by_role("button", name="Save clinic details").click()
    expect(page.get_by_text("Clinic details saved.")).to_be_visible()
    expect(page.get_by_label("First day of the week").locator("option:checked")).to_have_text(
        "Sunday"
    )

    # The same week now runs Sunday 28 February to Saturday 6 March.
    page.goto(f"/diary/week/{WEDNESDAY.isoformat()}/")
    expect(days).to_have_text(SUNDAY_FIRST)
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        f"Week of February 28, {MONDAY.year}"
    )
    expect(page.get_by_text("Sun, Feb 28 – Sat, Mar 6")).to_be_visible()
    # Hour lines on a 12-hour clock: 9 AM in the morning, 1 PM after noon, never 13:00.
    hours = page.locator(".wg-hour")
    expect(hours.first).to_have_text("9 AM")
    expect(hours.filter(has_text=re.compile(r"^12 PM$"))).to_have_count(1)
    expect(hours.filter(has_text=re.compile(r"^1 PM$"))).to_have_count(1)
    # The appointment at half past two and the day's opening hours read as a US reader expects.
    expect(page.get_by_test_id("appointment")).to_contain_text("2:30 PM–3:15 PM")
    wednesday = page.locator(f'.wg-day[data-day="{WEDNESDAY.isoformat()}"]')
    expect(wednesday.locator(".wg-head")).to_contain_text("9:00 AM–6:00 PM")
    shown = page.get_by_test_id("diary-week").inner_text()
    assert not TWENTY_FOUR_HOUR.search(shown), TWENTY_FOUR_HOUR.search(shown)
    page.screenshot(path=screenshots / "diary-week-en-us-sunday.png", full_page=True)

    # A date in the previous week's link opens Sunday to Saturday too.
    page.goto(f"/diary/week/{(MONDAY - dt.timedelta(days=1)).isoformat()}/")
    expect(days.first).to_have_text("Sun, Feb 28")
