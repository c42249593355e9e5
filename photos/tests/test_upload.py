import io
from urllib.parse import quote

import pytest
from django.contrib.messages import get_messages
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from photos.models import Photo
from photos.services import photos_add_many, previous_photo
from sessions_app.plans import plan_create

from .fixtures import heic_bytes, jpeg_bytes, png_bytes, upload


def url(client_record, query=""):
    return reverse("photos:upload", args=[client_record.pk]) + query


def stored_files(location):
    return sorted(p for p in location.rglob("*") if p.is_file()) if location.exists() else []


def form_data(*files, **extra):
    return {
        "uploads": list(files),
        "angle": "crown",
        "stage": "after_session",
        "note": "Healed well at the crown",
        "shared_with_client": "on",
        **extra,
    }


@pytest.mark.parametrize("role", ["manager", "artist", "front_desk"])
def test_it_adds_two_photos_at_once(people, as_user, photo_store, role):
    browser = as_user(getattr(people, role))

    response = browser.post(
        url(people.record_a),
        form_data(
            upload(jpeg_bytes(orientation=6, gps=True), "front.jpg"),
            upload(png_bytes(), "back.png", "image/png"),
        ),
    )

    assert response.status_code == 302
    assert response["Location"] == people.record_a.get_absolute_url()
    assert [str(m) for m in get_messages(response.wsgi_request)] == ["2 photos added."]
    photos = list(Photo.objects.order_by("id"))
    assert len(photos) == 2
    for photo in photos:
        assert photo.client == people.record_a
        assert (photo.angle, photo.stage) == ("crown", "after_session")
        assert photo.note == "Healed well at the crown"
        assert photo.shared_with_client is True
        assert photo.uploaded_by == getattr(people, role)
        assert photo.image.name.startswith(f"clients/{people.record_a.pk}/")
        assert photo.image.name.endswith(".jpg")
    assert (photos[0].width, photos[0].height) == (300, 400)  # turned upright
    assert len(stored_files(photo_store)) == 4  # web copy and thumbnail of each
    assert all(str(p).startswith(str(photo_store)) for p in stored_files(photo_store))


def test_it_ties_a_photo_to_a_session_and_can_keep_it_from_the_client(people, as_user):
    plan = plan_create(client=people.record_a, lead_artist=people.artist, by=people.manager)
    session = plan.sessions.get(number=2)

    as_user(people.artist).post(
        url(people.record_a),
        form_data(upload(jpeg_bytes()), session=session.pk, shared_with_client=""),
    )

    photo = Photo.objects.get()
    assert photo.session == session
    assert photo.shared_with_client is False


def test_it_refuses_a_session_of_another_clients_plan(people, as_user):
    other_plan = plan_create(client=people.record_b, lead_artist=people.artist)

    response = as_user(people.artist).post(
        url(people.record_a),
        form_data(upload(jpeg_bytes()), session=other_plan.sessions.first().pk),
    )

    assert response.status_code == 200
    assert "Select a valid choice" in response.context["form"].errors["session"][0]
    assert not Photo.objects.exists()


def test_it_goes_back_to_next_within_the_site_only(people, as_user):
    browser = as_user(people.front_desk)

    response = browser.post(url(people.record_a, "?next=/diary/"), form_data(upload(jpeg_bytes())))
    assert response["Location"] == "/diary/"

    evil = quote("https://evil.example/steal")
    response = browser.post(url(people.record_a, f"?next={evil}"), form_data(upload(jpeg_bytes())))
    assert response["Location"] == people.record_a.get_absolute_url()


def test_one_bad_file_saves_nothing_and_names_the_file(people, as_user, photo_store):
    response = as_user(people.artist).post(
        url(people.record_a),
        form_data(
            upload(jpeg_bytes(), "good-1.jpg"),
            upload(b"not a photo at all", "notes.jpg"),
            upload(jpeg_bytes(), "good-2.jpg"),
        ),
    )

    assert response.status_code == 200
    assert not Photo.objects.exists()
    assert stored_files(photo_store) == []
    assert response.context["form"].errors["uploads"] == [
        "notes.jpg: This file is not a photo we can read (JPEG, PNG, WebP or HEIC)."
    ]
    page = response.content.decode()
    assert "notes.jpg: This file is not a photo we can read" in page
    assert "Nothing was saved." in page
    # What was typed is still there.
    assert "Healed well at the crown" in page


def test_an_iphone_heic_is_stored_as_a_clean_upright_jpeg(people, as_user, photo_store):
    response = as_user(people.artist).post(
        url(people.record_a),
        form_data(
            upload(heic_bytes(800, 600, orientation=6, gps=True), "IMG_4032.HEIC", "image/heic")
        ),
    )

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert photo.image.name.endswith(".jpg") and photo.thumbnail.name.endswith(".jpg")
    assert (photo.width, photo.height) == (600, 800)  # turned upright
    for stored in (photo.image, photo.thumbnail):
        with stored.open("rb") as handle:
            data = handle.read()
        image = Image.open(io.BytesIO(data))
        assert image.format == "JPEG"
        assert len(image.getexif()) == 0  # no GPS, no EXIF at all
        assert not {"exif", "icc_profile", "xmp", "XML:com.adobe.xmp"} & set(image.info)
        assert b"Clinic Street" not in data
    assert len(stored_files(photo_store)) == 2


def test_a_file_named_heic_that_is_not_a_photo_saves_nothing(people, as_user, photo_store):
    response = as_user(people.artist).post(
        url(people.record_a),
        form_data(
            upload(heic_bytes(), "IMG_4032.HEIC", "image/heic"),
            upload(b"Dear clinic, my photo is attached.\n" * 30, "IMG_4033.heic", "image/heic"),
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["uploads"] == [
        "IMG_4033.heic: This file is not a photo we can read (JPEG, PNG, WebP or HEIC)."
    ]
    assert "Nothing was saved." in response.content.decode()
    assert not Photo.objects.exists()
    assert stored_files(photo_store) == []


def test_it_asks_for_a_photo_when_none_is_chosen(people, as_user):
    response = as_user(people.artist).post(url(people.record_a), form_data())

    assert response.context["form"].errors["uploads"] == ["Choose at least one photo."]
    assert not Photo.objects.exists()


def test_the_page_offers_the_camera_and_the_last_photo_of_each_angle(people, as_user, make_photo):
    older = make_photo(angle="crown")
    latest = make_photo(angle="crown")
    front = make_photo(angle="front")
    make_photo(people.record_b, angle="top")  # another client's: never offered

    response = as_user(people.artist).get(url(people.record_a, "?angle=crown"))

    page = response.content.decode()
    assert 'capture="environment"' in page
    assert 'accept="image/jpeg,image/png,image/webp,image/heic,image/heif,.heic,.heif"' in page
    assert "multiple" in page
    assert f'data-src="/photos/{latest.pk}/web/"' in page
    assert f'data-src="/photos/{front.pk}/web/"' in page
    assert f'data-src="/photos/{older.pk}/web/"' not in page
    assert "No earlier top photo to line up with." in page
    assert '<option value="crown" selected>' in page
    assert "js/photo-lineup.js" in page
    # The gallery of recent photos.
    assert f'src="/photos/{older.pk}/thumb/"' in page
    assert "<script>" not in page


def test_the_page_takes_the_same_queries_for_few_and_many_photos(people, as_user, make_photo):
    browser = as_user(people.artist)
    make_photo(angle="front")
    plan_create(client=people.record_a, lead_artist=people.artist)
    with CaptureQueriesContext(connection) as few:
        browser.get(url(people.record_a))

    for angle in ("front", "top", "crown", "left", "right", "back", "hairline") * 3:
        make_photo(angle=angle)
    plan_create(client=people.record_a, lead_artist=people.artist, planned_sessions=5)
    with CaptureQueriesContext(connection) as many:
        response = browser.get(url(people.record_a))

    assert response.context["photos"] and len(response.context["photos"]) == 12
    assert len(many.captured_queries) == len(few.captured_queries)


def test_a_client_may_not_upload(people, as_user):
    # A health page: for a client it does not exist (accounts/access.py).
    response = as_user(people.client_a).get(url(people.record_a))
    assert response.status_code == 404

    response = as_user(people.client_a).post(url(people.record_a), form_data(upload(jpeg_bytes())))
    assert response.status_code == 404
    assert not Photo.objects.exists()


def test_anonymous_people_are_sent_to_sign_in(people, client):
    response = client.get(url(people.record_a))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={url(people.record_a)}"


def test_an_unknown_client_is_404_and_other_methods_405(people, as_user):
    browser = as_user(people.manager)

    assert browser.get(reverse("photos:upload", args=[999_999])).status_code == 404
    assert browser.put(url(people.record_a)).status_code == 405
    assert browser.delete(url(people.record_a)).status_code == 405


# --- the services --------------------------------------------------------------------


def test_files_written_are_deleted_when_the_database_refuses(people, photo_store, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(Photo, "save", refuse)

    with pytest.raises(DatabaseError):
        photos_add_many(
            client=people.record_a,
            angle="front",
            stage="consultation",
            uploads=[upload(jpeg_bytes()), upload(jpeg_bytes())],
            by=people.artist,
        )

    assert stored_files(photo_store) == []


def test_previous_photo_is_the_latest_of_that_angle(people, make_photo):
    assert previous_photo(people.record_a, "front") is None
    make_photo(angle="front")
    latest = make_photo(angle="front")
    hidden = make_photo(angle="front", shared=False)
    make_photo(angle="top")
    make_photo(people.record_b, angle="front")

    assert previous_photo(people.record_a, "front") == hidden
    assert previous_photo(people.record_a, "front", shared_only=True) == latest
