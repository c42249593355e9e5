"""An artist lines a new crown photo up with the last one, in a real browser."""

import os

import pytest
from django.conf import settings
from playwright.sync_api import expect

from conftest import PASSWORD
from photos.models import Photo

from .fixtures import jpeg_bytes

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def page(live_server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        context = chromium.new_context(
            base_url=live_server.url, viewport={"width": 820, "height": 1180}
        )
        context.set_default_timeout(10_000)
        yield context.new_page()
        chromium.close()


def test_an_artist_lines_up_and_adds_two_photos(page, people, make_photo, tmp_path):
    earlier = make_photo(people.record_a, angle="crown", stage="after_session")
    picks = []
    for name in ("crown-1.jpg", "crown-2.jpg"):
        path = tmp_path / name
        path.write_bytes(jpeg_bytes(900, 1200))
        picks.append(path)

    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("artist@clinic.test")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto(f"/photos/upload/{people.record_a.pk}/?angle=crown")

    previous = page.locator("[data-lineup-previous]")
    expect(previous).to_be_visible()
    expect(previous).to_have_attribute("src", f"/photos/{earlier.pk}/web/")
    expect(page.locator("[data-lineup-caption]")).to_contain_text("Last crown photo")

    page.locator("#id_uploads").set_input_files(picks)
    expect(page.locator("[data-lineup-picked]")).to_be_visible()
    expect(page.locator("[data-lineup-thumbs] img")).to_have_count(2)
    assert previous.evaluate("el => getComputedStyle(el).opacity") == "0.35"
    shots = settings.VAR_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shots / "photos-lineup-tablet.png", full_page=True)

    page.get_by_label("Show the last photo over it").uncheck()
    expect(previous).to_be_hidden()
    page.get_by_label("Angle").select_option("top")
    expect(page.locator("[data-lineup-caption]")).to_have_text(
        "No earlier top photo to line up with."
    )
    page.get_by_label("Angle").select_option("crown")
    page.get_by_label("Note").fill("Session 2, healed")
    page.get_by_role("button", name="Add photos").click()

    expect(page.get_by_text("2 photos added.")).to_be_visible()
    assert Photo.objects.filter(client=people.record_a, angle="crown").count() == 3
    assert set(Photo.objects.values_list("note", flat=True)) == {"", "Session 2, healed"}
