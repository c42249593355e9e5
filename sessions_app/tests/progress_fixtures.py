"""Photos for progress tests: a private storage folder per test and small generated JPEGs."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image

from photos.models import Photo


def jpeg(colour=(150, 120, 100), size=(64, 48)) -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=70)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


@pytest.fixture
def photo_folder(settings, tmp_path):
    """Photos written under tmp_path for this test instead of var/private/photos.

    Photo's fields resolve their storage once, when the model loads, so the
    fields are pointed at the storage the changed setting now gives as well.
    """
    from django.core.files.storage import storages

    photos = dict(settings.STORAGES["photos"])
    photos["OPTIONS"] = {**photos.get("OPTIONS", {}), "location": str(tmp_path)}
    settings.STORAGES = {**settings.STORAGES, "photos": photos}
    fields = [Photo._meta.get_field("image"), Photo._meta.get_field("thumbnail")]
    saved = [f.storage for f in fields]
    for f in fields:
        f.storage = storages["photos"]
    yield tmp_path
    for f, storage in zip(fields, saved, strict=True):
        f.storage = storage


def add_photo(client, *, angle="front", stage="before_session", session=None, by=None, **fields):
    """A stored photo row with a web copy and a thumbnail, as the upload pipeline leaves it."""
    photo = Photo(
        client=client,
        session=session,
        angle=angle,
        stage=stage,
        width=64,
        height=48,
        uploaded_by=by,
        **fields,
    )
    photo.image.save("web.jpg", jpeg(), save=False)
    photo.thumbnail.save("thumb.jpg", jpeg(size=(32, 24)), save=False)
    photo.save()
    return photo
