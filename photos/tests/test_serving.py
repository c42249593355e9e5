import io
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image


def image_url(photo, size="web"):
    return reverse("photos:image", args=[photo.pk, size])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def assert_private_image(response, stored):
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    data = body(response)
    with stored.open("rb") as handle:
        assert data == handle.read()
    assert Image.open(io.BytesIO(data)).format == "JPEG"
    return data


@pytest.mark.parametrize("role", ["manager", "artist", "front_desk"])
def test_staff_see_any_clients_photos(people, as_user, make_photo, role):
    photo = make_photo(people.record_b, shared=False, width=800, height=600)
    browser = as_user(getattr(people, role))

    web = assert_private_image(browser.get(image_url(photo, "web")), photo.image)
    thumb = assert_private_image(browser.get(image_url(photo, "thumb")), photo.thumbnail)

    assert Image.open(io.BytesIO(web)).size == (800, 600)
    assert Image.open(io.BytesIO(thumb)).size == (320, 240)


def test_the_file_name_shown_says_nothing_of_the_storage_path(people, as_user, make_photo):
    photo = make_photo()

    response = as_user(people.artist).get(image_url(photo))

    assert f'filename="photo-{photo.pk}-web.jpg"' in response["Content-Disposition"]
    assert "clients/" not in response["Content-Disposition"]


def test_a_client_sees_their_own_shared_photos(people, as_user, make_photo):
    photo = make_photo(people.record_a)

    response = as_user(people.client_a).get(image_url(photo, "thumb"))

    assert_private_image(response, photo.thumbnail)


def test_a_client_gets_404_for_an_unshared_photo_and_for_another_clients(
    people, as_user, make_photo
):
    unshared = make_photo(people.record_a, shared=False)
    theirs = make_photo(people.record_b)
    browser = as_user(people.client_a)

    assert browser.get(image_url(unshared)).status_code == 404
    assert browser.get(image_url(theirs)).status_code == 404
    assert browser.get(image_url(theirs, "thumb")).status_code == 404


def test_anonymous_people_get_404_not_a_sign_in_page(people, client, make_photo):
    photo = make_photo()

    response = client.get(image_url(photo))

    assert response.status_code == 404
    assert "Location" not in response


def test_unknown_sizes_photos_and_methods(people, as_user, make_photo):
    photo = make_photo()
    browser = as_user(people.manager)

    assert browser.get(f"/photos/{photo.pk}/original/").status_code == 404
    assert browser.get(image_url(photo).replace(str(photo.pk), "999999")).status_code == 404
    assert browser.post(image_url(photo)).status_code == 405
    assert browser.head(image_url(photo)).status_code == 200


def test_a_file_missing_from_storage_is_404(people, as_user, make_photo):
    photo = make_photo()
    photo.image.storage.delete(photo.image.name)

    assert as_user(people.artist).get(image_url(photo)).status_code == 404


def test_the_configured_photo_store_is_outside_every_public_folder():
    from smpclinic import settings as configured  # as deployed, not as this test set it

    options = configured.STORAGES["photos"].get("OPTIONS", {})
    if configured.PHOTO_STORAGE == "s3":
        # Never a public ACL; links signed (photos/tests/test_s3_storage.py).
        assert options["default_acl"] in (None, "private") and options["querystring_auth"]
        return
    location = Path(options["location"]).resolve()
    assert options["base_url"] is None
    for public in (configured.MEDIA_ROOT, configured.STATIC_ROOT, configured.BASE_DIR / "static"):
        assert not location.is_relative_to(Path(public).resolve())


@pytest.mark.parametrize("who", ["artist", "client_a"])
def test_serving_takes_a_fixed_number_of_queries(people, as_user, make_photo, who):
    browser = as_user(getattr(people, who))
    first = make_photo(people.record_a)
    with CaptureQueriesContext(connection) as one:
        body(browser.get(image_url(first)))
    for _ in range(5):
        make_photo(people.record_a)
    last = make_photo(people.record_a)
    with CaptureQueriesContext(connection) as many:
        body(browser.get(image_url(last)))

    # Staff also leave one row in the audit trail (audit.RecordView) per web-size photo.
    assert len(one.captured_queries) == len(many.captured_queries) <= 4


def test_the_client_record_shows_recent_photos_and_links_to_upload(people, as_user):
    from photos.models import Photo

    page = as_user(people.front_desk).get(people.record_a.get_absolute_url()).content.decode()
    assert "No photos yet." in page
    assert f"/photos/upload/{people.record_a.pk}/?next=" in page
    assert not Photo.objects.exists()
