"""The report in a real browser, wide and tablet-sized: charts drawn, nothing spilling."""

import pytest
from playwright.sync_api import expect

from reports.tests.fixtures import APRIL, april_clinic, money_clinic, outcomes_clinic
from tests.browser.conftest import take_session

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_report_reads_well_wide_and_on_a_tablet(page, live_server, clinic, screenshots):
    april_clinic(clinic)
    take_session(page, live_server, clinic.people.manager)
    for width in (1280, 768):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/reports/?start={APRIL['start']}&end={APRIL['end']}")
        expect(page.get_by_role("heading", name="Bookings by type")).to_be_visible()
        chart = page.get_by_role("img", name="Bookings by type", exact=False)
        expect(chart).to_be_visible()
        assert chart.bounding_box()["height"] > 10
        page.screenshot(path=screenshots / f"reports-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    with page.expect_download() as download:
        page.get_by_role("link", name="Download CSV of appointment type").click()
    assert download.value.suggested_filename.startswith("by_type-")


def test_treatment_outcomes_read_well_wide_on_a_tablet_and_a_phone(
    page, live_server, clinic, screenshots
):
    outcomes_clinic(clinic)
    money_clinic(clinic)
    take_session(page, live_server, clinic.people.manager)
    period = f"?start={APRIL['start']}&end={APRIL['end']}"
    for width in (1280, 768, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"/reports/outcomes/{period}")
        expect(page.get_by_role("heading", name="Healing by session")).to_be_visible()
        chart = page.get_by_role("img", name="Healing of all regions", exact=False)
        expect(chart).to_be_visible()
        assert chart.bounding_box()["height"] > 10
        page.screenshot(path=screenshots / f"outcomes-{width}.png", full_page=True)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The tabs keep the period: from the outcomes to the money.
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("link", name="Money", exact=True).click()
    expect(page.get_by_role("heading", name="Deposits")).to_be_visible()
    assert page.url.endswith(period)
    page.screenshot(path=screenshots / "reports-money-1280.png", full_page=True)
