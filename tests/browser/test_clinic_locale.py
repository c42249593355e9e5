"""The clinic's locale in a real browser: a US clinic (CLINIC_LOCALE=en-us) books, emails
and shows its diary with month-first dates, a 12-hour clock, dollars and weeks from
Sunday; a British one (the default) as it always did. Screenshots of the booking page,
the confirmation email and the diary in each go to var/screenshots."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import translation
from playwright.sync_api import expect

from reminders.dispatch import dispatch_due
from scheduling.models import Appointment
from smpclinic import formats
from tests.browser.conftest import bookable_weekday, take_session

pytestmark = pytest.mark.django_db(transaction=True)

LOCALES = {
    "en-us": {
        "currency": "USD",
        "phone": "+1 480 555 0123",
        "ten": "10:00 AM",
        "ten_to_eleven": "10:00 AM–10:45 AM",
        "nine": "9 AM",
        "first_weekday": 6,  # Sunday
        "day_short": re.compile(r"^(Sun|Mon|Tue|Wed|Thu|Fri|Sat), [A-Z][a-z]{2} \d{1,2}$"),
    },
    "en-gb": {
        "currency": "GBP",
        "phone": "+44 7911 123456",
        "ten": "10:00",
        "ten_to_eleven": "10:00–10:45",
        "nine": "09:00",
        "first_weekday": 0,  # Monday
        "day_short": re.compile(r"^(Sun|Mon|Tue|Wed|Thu|Fri|Sat) \d{1,2} [A-Z][a-z]{2}$"),
    },
}


def _shot(page, screenshots, name):
    page.screenshot(path=screenshots / name, full_page=True)


@pytest.fixture
def local_page(browser, live_server, request):
    """A page whose browser speaks the clinic's language (its date boxes read the same way)."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 860},
        locale={"en-us": "en-US", "en-gb": "en-GB"}[request.node.callspec.params["locale"]],
    )
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("locale", list(LOCALES))
def test_booking_email_and_diary_read_in_the_clinic_locale(
    local_page, open_clinic, live_server, settings, screenshots, locale
):
    page = local_page
    expected = LOCALES[locale]
    settings.SITE_URL = live_server.url
    settings.LANGUAGE_CODE = locale
    settings.CLINIC_CURRENCY = expected["currency"]
    settings.CLINIC_FIRST_DAY_OF_WEEK = ""
    day = bookable_weekday()
    with translation.override(locale):
        day_long = formats.show(day, "DAY_LONG_FORMAT")
        day_long_year = formats.show(day, "DAY_LONG_YEAR_FORMAT")
        first = formats.week_start(day)
        first_short = formats.show(first, "DAY_SHORT_FORMAT")
    assert first.weekday() == expected["first_weekday"]
    if locale == "en-us":
        assert day_long == f"{day:%A}, {day:%B} {day.day}"
    else:
        assert day_long == f"{day:%A} {day.day} {day:%B}"

    # The booking page: the day's heading and its times in the locale.
    page.goto("/book/")
    page.get_by_role("link", name=re.compile("At the clinic")).click()
    expect(page.get_by_role("heading", name=day_long)).to_be_visible()
    ten = page.get_by_role("link", name=f"{expected['ten']} on {day_long}")
    expect(ten).to_have_text(expected["ten"])
    _shot(page, screenshots, f"booking-{locale}.png")
    ten.click()
    expect(page.get_by_test_id("chosen-time")).to_contain_text(
        f"{day_long_year}, {expected['ten_to_eleven']}"
    )
    page.get_by_label("First name").fill("Daniel")
    page.get_by_label("Last name").fill("Whitaker")
    page.get_by_label("Email").fill("daniel@example.com")
    page.get_by_label("Mobile phone").fill(expected["phone"])
    page.get_by_label("About your hair loss").fill("Thinning at the crown.")
    page.get_by_label("The clinic may contact me").check()
    page.get_by_role("button", name="Book my free consultation").click()
    expect(page.get_by_test_id("when")).to_have_text(
        f"{day_long_year}, {expected['ten_to_eleven']}"
    )
    # (The phone region the locale implies is read once, at start-up: test_formats checks it.)
    assert Appointment.objects.get().client.first_name == "Daniel"

    # The confirmation email says when in the locale.
    assert dispatch_due() == 1
    [email] = mail.outbox
    assert f"{day_long} at {expected['ten']}" in email.body
    page.set_content(email.alternatives[0][0])
    expect(page.get_by_text(f"{day_long} at {expected['ten']}")).to_be_visible()
    _shot(page, screenshots, f"email-{locale}.png")

    # The front desk's week: from Sunday in the US, Monday in the UK; 12- or 24-hour clock.
    take_session(page, live_server, open_clinic.front_desk)
    page.goto(f"/diary/week/{day.isoformat()}/")
    headings = page.locator(".wg-day h2 a")
    expect(headings).to_have_count(7)
    expect(headings.first).to_have_text(first_short)
    for text in headings.all_inner_texts():
        assert expected["day_short"].match(text.strip()), text
    expect(page.locator(".wg-hour").first).to_have_text(expected["nine"])
    expect(page.get_by_test_id("appointment")).to_contain_text(expected["ten_to_eleven"])
    expect(page.locator(".wg")).to_have_attribute(
        "data-hour12", "true" if locale == "en-us" else "false"
    )
    page.set_viewport_size({"width": 1280, "height": 1300})
    _shot(page, screenshots, f"diary-week-{locale}.png")

    # A week's address takes any day of it: the first day's address opens the same week.
    page.goto(f"/diary/week/{first.isoformat()}/")
    expect(headings.first).to_have_text(first_short)
    page.goto(f"/diary/week/{(first + dt.timedelta(days=6)).isoformat()}/")
    expect(headings.first).to_have_text(first_short)
