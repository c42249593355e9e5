"""Client photos kept in an S3 bucket (PHOTO_STORAGE=s3) show in the browser under the
enforced Content-Security-Policy: the app checks who asks, the browser follows the signed
link to the bucket (moto's S3 server on 127.0.0.1), and nothing is refused on the way."""

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from tests.browser.conftest import take_session

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def violations(page):
    seen = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            seen.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    return seen


def loaded(image) -> bool:
    return image.evaluate("img => img.complete && img.naturalWidth > 0")


def test_photos_from_the_bucket_show_on_the_record_and_the_line_up(
    page, live_server, people, s3_photos, make_photo, violations, screenshots
):
    crown = make_photo(people.record_a, angle="crown", width=900, height=600)
    front = make_photo(people.record_a, angle="front", width=600, height=800)
    take_session(page, live_server, people.artist)
    bucket_links = []
    page.on(
        "response",
        lambda r: bucket_links.append(r) if r.url.startswith(s3_photos.origin) else None,
    )

    response = page.goto(people.record_a.get_absolute_url())

    assert response.status == 200
    policy = response.headers["content-security-policy"]
    assert f"img-src 'self' data: blob: {s3_photos.origin}" in policy
    thumbs = page.get_by_test_id("photo-gallery").locator("img")
    expect(thumbs.first).to_be_visible()
    assert thumbs.count() == 2
    for index in range(2):
        thumbs.nth(index).scroll_into_view_if_needed()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=thumbs.nth(index).element_handle()
        )
    assert sorted(thumbs.nth(i).evaluate("img => img.naturalWidth") for i in range(2)) == [
        240,
        320,
    ]
    # The bytes came from the bucket, by signed links.
    fetched = {r.url.split("?")[0] for r in bucket_links if r.status == 200}
    assert fetched == {
        f"{s3_photos.origin}/{s3_photos.bucket}/{crown.thumbnail.name}",
        f"{s3_photos.origin}/{s3_photos.bucket}/{front.thumbnail.name}",
    }
    assert all("X-Amz-Signature=" in r.url for r in bucket_links)
    page.screenshot(path=screenshots / "s3-photos-client-record.png", full_page=True)

    # The line-up on the upload page shows the last crown photo, web size, from the bucket.
    page.goto(reverse("photos:upload", args=[people.record_a.pk]) + "?angle=crown")
    previous = page.locator("[data-lineup-previous]")
    expect(previous).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('[data-lineup-previous]').naturalWidth > 0"
    )
    assert previous.evaluate("img => img.naturalWidth") == 900
    page.screenshot(path=screenshots / "s3-photos-lineup.png", full_page=True)
    assert not violations, "\n".join(violations)


def test_an_image_from_another_origin_is_still_refused(
    page, live_server, people, s3_photos, violations
):
    """The policy names the bucket alone: the console listener hears a refusal for any
    other origin, so the test above would have heard one for the bucket."""
    take_session(page, live_server, people.artist)
    page.goto(people.record_a.get_absolute_url())
    elsewhere = s3_photos.origin.replace("127.0.0.1", "localhost")

    page.evaluate(
        """src => {
            const img = document.createElement("img");
            img.src = src;
            document.body.appendChild(img);
        }""",
        f"{elsewhere}/{s3_photos.bucket}/anything.jpg",
    )
    page.wait_for_timeout(300)

    assert any("img-src" in text for text in violations), violations
