"""The artist logs a session with two photos; the progress page shows them side by side
and the scalp map shows the regions treated."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from photos.models import Photo
from sessions_app.models import SessionLog
from sessions_app.tests import progress_fixtures
from sessions_app.tests.fixtures import past_appointment
from tests.browser.conftest import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

photo_folder = progress_fixtures.photo_folder


def photo_file(folder, name: str, colour) -> str:
    """A camera-sized JPEG on disk, as the tablet's file picker would hand it over."""
    path = folder / name
    image = Image.new("RGB", (800, 600), colour)
    image.paste((235, 220, 205), (200, 150, 600, 450))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    path.write_bytes(buffer.getvalue())
    return str(path)


def add_photo(page, client, session, path, stage_label):
    page.goto(f"/photos/upload/{client.pk}/")
    page.locator("input[name=uploads]").set_input_files(path)
    page.get_by_label("Angle").select_option(label="Front")
    page.get_by_label("Stage").select_option(label=stage_label)
    page.get_by_label("Session", exact=True).select_option(str(session.pk))
    page.get_by_role("button", name="Add photos").click()
    expect(page.get_by_text("1 photo added.")).to_be_visible()


def test_the_artist_logs_a_session_with_photos_and_shows_the_progress(
    page, treatment, photo_folder, screenshots, tmp_path
):
    first = treatment.sessions[0]
    started = (timezone.now() - dt.timedelta(hours=4)).replace(minute=0, second=0, microsecond=0)
    past_appointment(first, when=started)
    sign_in(page, "artist@clinic.test")

    # Log the session: hairline and crown treated.
    page.goto(f"/treatment/sessions/{first.pk}/log/")
    page.locator("[data-region=frontal_hairline]").get_by_text("3", exact=True).click()
    page.locator("[data-region=crown]").get_by_text("4", exact=True).click()
    page.get_by_label("Focus next time").fill("Blend the crown")
    page.get_by_role("button", name="Save the log and complete the session").click()
    expect(page.get_by_text("Session 1 logged.")).to_be_visible()
    log = SessionLog.objects.get(session=first)
    assert dict(log.regions.values_list("region", "density")) == {
        "frontal_hairline": 3,
        "crown": 4,
    }

    # Two photos of the front: before and after.
    uploads = tmp_path / "camera"
    uploads.mkdir()
    before_file = photo_file(uploads, "before.jpg", (190, 160, 140))
    after_file = photo_file(uploads, "after.jpg", (120, 95, 80))
    add_photo(page, treatment.client, first, before_file, "Before session")
    add_photo(page, treatment.client, first, after_file, "After session")
    stored = Photo.objects.filter(session=first, client=treatment.client, angle="front")
    assert sorted(stored.values_list("stage", flat=True)) == ["after_session", "before_session"]

    # The progress page: the two photos side by side, then the overlay slider.
    page.goto(f"/progress/plans/{treatment.plan.pk}/")
    expect(page.get_by_role("heading", name="Progress: Anna Ashby")).to_be_visible()
    side = page.get_by_test_id("side-by-side")
    left = side.get_by_role("img", name="Front photo, Before session 1")
    right = side.get_by_role("img", name="Front photo, After session 1")
    expect(left).to_be_visible()
    expect(right).to_be_visible()
    assert left.evaluate("img => img.complete && img.naturalWidth") > 0
    assert right.evaluate("img => img.complete && img.naturalWidth") > 0
    assert left.bounding_box()["x"] < right.bounding_box()["x"]

    slider = page.get_by_label("Slide to show more of")
    expect(slider).to_be_visible()
    top = page.locator("[data-overlay-top]")
    assert "50%" in top.evaluate("img => img.style.clipPath")
    slider.focus()
    for _ in range(10):
        page.keyboard.press("ArrowRight")
    assert top.evaluate("img => img.style.clipPath") == "inset(0px 40% 0px 0px)"

    # The scalp map of session 1 shows what was treated, and how densely.
    expect(page.get_by_text("After session 1 (1 of 3)")).to_be_visible()
    map_1 = page.get_by_test_id("scalp-map-s1")
    expect(map_1).to_be_visible()
    expect(map_1.locator("[data-region=crown]")).to_have_attribute("data-density", "4")
    expect(map_1.locator("[data-region=frontal_hairline]")).to_have_attribute("data-density", "3")
    expect(map_1.locator("[data-region=back]")).to_have_attribute("data-density", "")
    assert "Crown / vertex: density 4 – dense" in map_1.inner_html()
    expect(page.get_by_test_id("scalp-map-s2")).to_be_hidden()
    expect(page.get_by_test_id("timeline-session-1")).to_contain_text("Crown / vertex – density 4")
    expect(page.get_by_test_id("timeline-session-1")).to_contain_text("Blend the crown")
    page.screenshot(path=screenshots / "progress.png", full_page=True)

    page.get_by_role("button", name="Next session").click()
    expect(page.get_by_test_id("scalp-map-s2")).to_be_visible()
    expect(page.get_by_test_id("scalp-map-s1")).to_be_hidden()

    page.set_viewport_size({"width": 1024, "height": 768})
    page.get_by_role("button", name="Previous session").click()
    page.screenshot(path=screenshots / "progress-tablet.png", full_page=True)
