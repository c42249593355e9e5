"""Client photos in an S3-compatible bucket (PHOTO_STORAGE=s3), against a real S3 server
on 127.0.0.1 (photos/tests/s3_server.py): uploaded through the app, kept private, shown by
short-lived Signature Version 4 links from the origin the page's policy lets in."""

import base64
import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import environ
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from django.core.files.storage import storages
from django.urls import reverse
from PIL import Image

from photos.models import Photo
from photos.storage import photo_storage_origin
from smpclinic.storage_settings import photo_storage_setting

from .fixtures import jpeg_bytes, upload
from .s3_server import (
    ACCESS_KEY,
    REGION,
    S3_VARIABLES,
    SECRET_KEY,
    download,
    sigv4_query_signature_is_valid,
    use_environment,
)

ROOT = Path(__file__).resolve().parents[2]
IMG_SRC_OF_THE_APP = ["'self'", "data:", "blob:"]


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    directives = (part.strip().split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def image_url(photo, size="web"):
    return reverse("photos:image", args=[photo.pk, size])


# --- through the app, against the local S3 server --------------------------------------------


@pytest.mark.django_db
def test_an_uploaded_photo_is_kept_in_the_bucket_private_and_without_metadata(
    people, as_user, s3_photos
):
    response = as_user(people.artist).post(
        reverse("photos:upload", args=[people.record_a.pk]),
        {
            "uploads": [upload(jpeg_bytes(800, 600, gps=True), "crown.jpg")],
            "angle": "crown",
            "stage": "after_session",
            "note": "",
            "shared_with_client": "on",
        },
    )

    assert response.status_code == 302
    photo = Photo.objects.get()
    assert s3_photos.keys() == sorted([photo.image.name, photo.thumbnail.name])
    assert photo.image.name.startswith(f"clients/{people.record_a.pk}/")
    for key, size in ((photo.image.name, (800, 600)), (photo.thumbnail.name, (320, 240))):
        head = s3_photos.s3.head_object(Bucket=s3_photos.bucket, Key=key)
        assert head["ContentType"] == "image/jpeg"
        assert head["CacheControl"] == "private, no-store"
        data = s3_photos.read(key)
        stored = Image.open(io.BytesIO(data))
        assert stored.size == size
        assert len(stored.getexif()) == 0  # no GPS, no EXIF at all
        assert not {"exif", "icc_profile", "comment"} & set(stored.info)
        assert b"Clinic Street" not in data
        # Nobody reads it without a signed link.
        status, body, _ = download(f"{s3_photos.origin}/{s3_photos.bucket}/{key}")
        assert status == 403 and body != data


@pytest.mark.django_db
def test_viewing_a_photo_sends_the_browser_to_a_short_lived_signed_link(
    people, as_user, s3_photos, make_photo
):
    photo = make_photo(people.record_a, width=640, height=480)

    response = as_user(people.artist).get(image_url(photo))

    assert response.status_code == 302
    assert response["Cache-Control"] == "private, no-store"
    link = response["Location"]
    assert link.startswith(f"{s3_photos.origin}/{s3_photos.bucket}/{photo.image.name}?")
    params = dict(parse_qsl(urlsplit(link).query))
    assert params["X-Amz-Algorithm"] == "AWS4-HMAC-SHA256"
    assert params["X-Amz-Expires"] == "300"
    assert params["X-Amz-Credential"].startswith(f"{ACCESS_KEY}/")
    assert params["X-Amz-Credential"].endswith(f"/{REGION}/s3/aws4_request")
    assert sigv4_query_signature_is_valid(link, SECRET_KEY)
    assert not sigv4_query_signature_is_valid(link, "somebody-elses-secret")
    status, body, headers = download(link)
    assert status == 200
    assert body == s3_photos.read(photo.image.name)
    assert headers["Content-Type"] == "image/jpeg"
    assert Image.open(io.BytesIO(body)).size == (640, 480)


@pytest.mark.django_db
def test_a_client_gets_links_to_their_own_shared_photos_only(
    people, as_user, s3_photos, make_photo
):
    own = make_photo(people.record_a)
    unshared = make_photo(people.record_a, shared=False)
    theirs = make_photo(people.record_b)
    browser = as_user(people.client_a)

    response = browser.get(image_url(own, "thumb"))
    assert response.status_code == 302
    status, body, _ = download(response["Location"])
    assert status == 200 and body == s3_photos.read(own.thumbnail.name)
    for photo in (unshared, theirs):
        refused = browser.get(image_url(photo))
        assert refused.status_code == 404
        assert "Location" not in refused


@pytest.mark.django_db
def test_pages_let_images_in_from_the_bucket_that_serves_the_photos(
    people, as_user, s3_photos, make_photo
):
    photo = make_photo(people.record_a)
    browser = as_user(people.artist)

    page = browser.get(people.record_a.get_absolute_url())

    assert page.status_code == 200
    assert image_url(photo, "thumb") in page.content.decode()
    directives = policy(page)
    assert directives["img-src"] == [*IMG_SRC_OF_THE_APP, s3_photos.origin]
    # Nothing else is loosened: images only, and no other origin.
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert "connect-src" not in directives
    link = browser.get(image_url(photo, "thumb"))["Location"]
    assert origin_of(link) == s3_photos.origin


@pytest.mark.django_db
def test_with_photos_on_disk_images_come_from_the_app_alone(people, as_user, make_photo):
    make_photo(people.record_a)

    page = as_user(people.artist).get(people.record_a.get_absolute_url())

    assert photo_storage_origin() is None
    assert policy(page)["img-src"] == IMG_SRC_OF_THE_APP


# --- the origin, from the storage settings (no server needed) --------------------------------


def use_s3_settings(monkeypatch, settings, tmp_path, **variables):
    env = use_environment(
        monkeypatch,
        {
            "PHOTO_STORAGE": "s3",
            "AWS_STORAGE_BUCKET_NAME": "clinic-photos",
            "AWS_ACCESS_KEY_ID": ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
            **variables,
        },
    )
    settings.STORAGES = {
        **settings.STORAGES,
        "photos": photo_storage_setting(env, private_folder=tmp_path),
    }
    return storages["photos"]


@pytest.mark.parametrize(
    ("variables", "origin"),
    [
        pytest.param(
            {"AWS_S3_REGION_NAME": "eu-west-2", "AWS_S3_ADDRESSING_STYLE": "virtual"},
            "https://clinic-photos.s3.eu-west-2.amazonaws.com",
            id="aws-virtual-hosted",
        ),
        pytest.param(
            {"AWS_S3_REGION_NAME": "eu-west-2", "AWS_S3_ADDRESSING_STYLE": "path"},
            "https://s3.eu-west-2.amazonaws.com",
            id="aws-path",
        ),
        pytest.param(
            {"AWS_S3_REGION_NAME": "eu-west-2"},
            "https://clinic-photos.s3.eu-west-2.amazonaws.com",
            id="aws-default-is-virtual-hosted-in-the-region",
        ),
        pytest.param(
            {"AWS_S3_REGION_NAME": "us-east-1"},
            "https://clinic-photos.s3.amazonaws.com",
            id="aws-us-east-1",
        ),
        pytest.param(
            {"AWS_S3_REGION_NAME": "eu-west-2", "AWS_S3_ADDRESSING_STYLE": "auto"},
            "https://clinic-photos.s3.amazonaws.com",
            id="aws-auto-is-boto3s-choice",
        ),
        pytest.param(
            {"AWS_S3_ENDPOINT_URL": "https://acc.r2.cloudflarestorage.com"},
            "https://acc.r2.cloudflarestorage.com",
            id="endpoint-default-is-path",
        ),
        pytest.param(
            {
                "AWS_S3_ENDPOINT_URL": "https://s3.fr-par.scw.cloud",
                "AWS_S3_REGION_NAME": "fr-par",
                "AWS_S3_ADDRESSING_STYLE": "virtual",
            },
            "https://clinic-photos.s3.fr-par.scw.cloud",
            id="endpoint-virtual-hosted",
        ),
        pytest.param(
            {
                "AWS_S3_ENDPOINT_URL": "https://minio.clinic.example:9000",
                "AWS_S3_ADDRESSING_STYLE": "path",
            },
            "https://minio.clinic.example:9000",
            id="endpoint-path",
        ),
        pytest.param(
            {"AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000", "AWS_S3_ADDRESSING_STYLE": "virtual"},
            "http://127.0.0.1:9000",
            id="ip-address-cannot-carry-the-bucket",
        ),
    ],
)
def test_the_policy_names_the_origin_the_storage_signs_its_links_for(
    monkeypatch, settings, tmp_path, variables, origin
):
    storage = use_s3_settings(monkeypatch, settings, tmp_path, **variables)

    assert photo_storage_origin() == origin
    signed = storage.url("clients/7/0123abcd.jpg")
    assert origin_of(signed) == origin
    assert "X-Amz-Algorithm=AWS4-HMAC-SHA256" in signed
    assert sigv4_query_signature_is_valid(signed, SECRET_KEY)


def test_a_link_lasts_as_long_as_aws_querystring_expire_says(monkeypatch, settings, tmp_path):
    storage = use_s3_settings(
        monkeypatch, settings, tmp_path, AWS_S3_REGION_NAME="eu-west-2", AWS_QUERYSTRING_EXPIRE="60"
    )

    params = dict(parse_qsl(urlsplit(storage.url("clients/7/0123abcd.jpg")).query))

    assert params["X-Amz-Expires"] == "60"


def test_a_custom_domain_serves_links_signed_for_cloudfront(monkeypatch, settings, tmp_path):
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    storage = use_s3_settings(
        monkeypatch,
        settings,
        tmp_path,
        AWS_S3_CUSTOM_DOMAIN="photos.clinic.example",
        AWS_CLOUDFRONT_KEY_ID="K2CLINICTEST",
        AWS_CLOUDFRONT_KEY=pem,
    )

    link = storage.url("clients/7/0123abcd.jpg")

    assert photo_storage_origin() == "https://photos.clinic.example"
    resource, query = link.split("?", 1)
    assert resource == "https://photos.clinic.example/clients/7/0123abcd.jpg"
    params = dict(parse_qsl(query))
    assert params["Key-Pair-Id"] == "K2CLINICTEST"
    expires = int(params["Expires"])
    assert 0 < expires - time.time() <= 301
    # CloudFront's canned policy, signed with the key (SHA-1 RSA, CloudFront's base64).
    signed_policy = json.dumps(
        {
            "Statement": [
                {"Resource": resource, "Condition": {"DateLessThan": {"AWS:EpochTime": expires}}}
            ]
        },
        separators=(",", ":"),
    )
    signature = base64.b64decode(params["Signature"].translate(str.maketrans("-_~", "+=/")))
    sha1 = hashes.SHA1()  # noqa: S303 - what CloudFront signs with
    key.public_key().verify(signature, signed_policy.encode(), padding.PKCS1v15(), sha1)


# --- settings that would expose photos or cannot work are refused ----------------------------


@pytest.mark.parametrize(
    ("variables", "message"),
    [
        ({"PHOTO_STORAGE": "ftp"}, "PHOTO_STORAGE must be 'local' or 's3'"),
        ({"AWS_STORAGE_BUCKET_NAME": ""}, "PHOTO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME"),
        ({"AWS_S3_ENDPOINT_URL": "s3.example.com"}, "AWS_S3_ENDPOINT_URL must be a full URL"),
        ({"AWS_S3_ADDRESSING_STYLE": "dns"}, "AWS_S3_ADDRESSING_STYLE must be"),
        ({"AWS_QUERYSTRING_EXPIRE": "604800"}, "AWS_QUERYSTRING_EXPIRE must be"),
        ({"AWS_QUERYSTRING_EXPIRE": "0"}, "AWS_QUERYSTRING_EXPIRE must be"),
        ({"AWS_QUERYSTRING_EXPIRE": "soon"}, "AWS_QUERYSTRING_EXPIRE must be"),
        ({"AWS_DEFAULT_ACL": "public-read"}, "never readable without a signed link"),
        ({"AWS_S3_CUSTOM_DOMAIN": "photos.clinic.example"}, "needs AWS_CLOUDFRONT_KEY_ID"),
        ({"AWS_S3_CUSTOM_DOMAIN": "https://photos.clinic.example"}, "a host name only"),
        ({"AWS_CLOUDFRONT_KEY_ID": "K2CLINICTEST"}, "used with AWS_S3_CUSTOM_DOMAIN"),
    ],
)
def test_settings_that_would_not_keep_photos_private_are_refused(
    monkeypatch, tmp_path, variables, message
):
    required = {"PHOTO_STORAGE": "s3", "AWS_STORAGE_BUCKET_NAME": "clinic-photos"}
    env = use_environment(monkeypatch, {**required, **variables})

    with pytest.raises(environ.ImproperlyConfigured, match=message):
        photo_storage_setting(env, private_folder=tmp_path)


def run_settings(**variables) -> subprocess.CompletedProcess:
    """The project's settings loaded by a fresh process with these variables set."""
    clean = {k: v for k, v in os.environ.items() if k not in S3_VARIABLES}
    return subprocess.run(  # noqa: S603 - fixed arguments, our own manage.py
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "import json; from django.conf import settings; "
            "print(json.dumps(settings.STORAGES['photos']))",
        ],
        cwd=ROOT,
        env={**clean, **variables},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_settings_build_a_signed_private_bucket_store_from_the_environment():
    result = run_settings(
        PHOTO_STORAGE="s3",
        AWS_STORAGE_BUCKET_NAME="clinic-photos",
        AWS_S3_REGION_NAME="eu-west-2",
        AWS_S3_ADDRESSING_STYLE="virtual",
        AWS_QUERYSTRING_EXPIRE="120",
    )
    assert result.returncode == 0, result.stderr
    configured = json.loads(result.stdout.strip().splitlines()[-1])

    assert configured["BACKEND"] == "storages.backends.s3.S3Storage"
    options = configured["OPTIONS"]
    assert options["bucket_name"] == "clinic-photos"
    assert options["region_name"] == "eu-west-2"
    assert options["addressing_style"] == "virtual"
    assert options["signature_version"] == "s3v4"
    assert options["querystring_auth"] is True
    assert options["querystring_expire"] == 120
    assert options["default_acl"] is None
    assert options["custom_domain"] is None
    assert options["file_overwrite"] is False

    refused = run_settings(
        PHOTO_STORAGE="s3", AWS_STORAGE_BUCKET_NAME="clinic-photos", AWS_DEFAULT_ACL="public-read"
    )
    assert refused.returncode != 0
    assert "AWS_DEFAULT_ACL may only be 'private' or empty" in refused.stderr
