"""A client's export and erasure with the photos in an S3-compatible bucket
(PHOTO_STORAGE=s3), against a real S3 server on 127.0.0.1 (photos/tests/s3_server.py)."""

import io
import json
import zipfile

import pytest

from photos.models import Photo
from privacy.erasure import erasure_confirm, erasure_request
from privacy.export import export_client


def object_names(*photos) -> list[str]:
    return sorted(name for p in photos for name in (p.image.name, p.thumbnail.name))


@pytest.fixture
def records_in_the_bucket(s3_photos, records):
    """The two full records (privacy/tests/conftest.py), their photos uploaded to the bucket."""
    every = [records.anna.session_photo, records.anna.consultation_photo]
    every += [records.ben.session_photo, records.ben.consultation_photo]
    assert s3_photos.keys() == object_names(*every)
    return records


def test_the_export_holds_every_photo_read_from_the_bucket(s3_photos, records_in_the_bucket):
    anna = records_in_the_bucket.anna

    archive = zipfile.ZipFile(io.BytesIO(export_client(anna.client)))

    listed = json.loads(archive.read("photos.json"))["photos"]
    assert [entry["id"] for entry in listed] == [anna.session_photo.pk, anna.consultation_photo.pk]
    for entry, photo in zip(listed, (anna.session_photo, anna.consultation_photo), strict=True):
        assert "missing" not in entry
        assert archive.read(entry["file"]) == s3_photos.read(photo.image.name)
    assert len([n for n in archive.namelist() if n.startswith("photos/")]) == 2


def test_an_object_gone_from_the_bucket_is_listed_as_missing_in_the_export(
    s3_photos, records_in_the_bucket
):
    anna = records_in_the_bucket.anna
    s3_photos.s3.delete_object(Bucket=s3_photos.bucket, Key=anna.consultation_photo.image.name)

    archive = zipfile.ZipFile(io.BytesIO(export_client(anna.client)))

    listed = {e["id"]: e for e in json.loads(archive.read("photos.json"))["photos"]}
    assert listed[anna.consultation_photo.pk]["file"] is None
    assert "could not be read" in listed[anna.consultation_photo.pk]["missing"]
    kept = listed[anna.session_photo.pk]["file"]
    assert archive.read(kept) == s3_photos.read(anna.session_photo.image.name)


def test_erasure_deletes_the_erased_photos_from_the_bucket(
    s3_photos, records_in_the_bucket, django_capture_on_commit_callbacks
):
    records = records_in_the_bucket
    anna, ben = records.anna, records.ben
    request = erasure_request(client=anna.client, reason="Moving abroad")

    with django_capture_on_commit_callbacks(execute=True):
        erasure_confirm(request=request, by=records.people.manager)

    # The after-session photo belongs to a kept session; the consultation photo goes,
    # web copy and thumbnail, from the bucket as from the database. Ben's are untouched.
    assert list(Photo.objects.filter(client=anna.client)) == [anna.session_photo]
    assert s3_photos.keys() == object_names(
        anna.session_photo, ben.session_photo, ben.consultation_photo
    )
