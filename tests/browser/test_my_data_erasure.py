"""The client asks for erasure on a phone; the manager confirms it on the desktop."""

import pytest
from playwright.sync_api import expect

from privacy.models import ErasureRequest, ErasureStatus
from privacy.tests import conftest as privacy_fixtures
from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

# The privacy tests' clinic: Anna and Ben with a full record each.
records = privacy_fixtures.records


def test_the_client_asks_and_the_manager_confirms(page, records, screenshots):
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "anna@clinic.test")
    page.goto("/my-data/")
    expect(page.get_by_role("heading", name="My data")).to_be_visible()
    page.get_by_label("Why (optional)").fill("Moving abroad")
    page.get_by_role("button", name="Ask to erase my data").click()
    # Not ticked: the reason typed is kept, the error is next to the box.
    expect(page.get_by_text("Tick this box to confirm")).to_be_visible()
    expect(page.get_by_label("Why (optional)")).to_have_value("Moving abroad")
    page.screenshot(path=screenshots / "my-data-phone.png", full_page=True)
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Ask to erase my data").click()
    expect(page.get_by_test_id("erase-waiting")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my data (.zip)").click()
    assert download.value.suggested_filename.startswith("my-data-")

    page.context.clear_cookies()
    page.set_viewport_size({"width": 1280, "height": 860})
    sign_in(page, "manager@clinic.test")
    page.goto("/my-data/requests/")
    page.screenshot(path=screenshots / "erasure-requests.png", full_page=True)
    page.get_by_role("link", name="Review").click()
    expect(page.get_by_text("What confirming does now")).to_be_visible()
    page.screenshot(path=screenshots / "erasure-request-review.png", full_page=True)
    page.get_by_role("button", name="Confirm and erase").click()
    expect(page.get_by_text("has been erased")).to_be_visible()
    page.screenshot(path=screenshots / "erasure-request-done.png", full_page=True)
    assert ErasureRequest.objects.get().status == ErasureStatus.DONE
