"""STORAGES["photos"] from the environment: PHOTO_STORAGE and the AWS_* variables.

Client photos are health data and never have a public URL. On disk (the default) they sit
in a private folder that only the app's access-checked view reads. In an S3-compatible
bucket (PHOTO_STORAGE=s3) the objects stay private and the same view, after its check,
sends the browser to a link signed with Signature Version 4 that expires within minutes.

A function of the environment, so that settings.py and the tests that run the photos on a
local S3 server build the store in exactly the same way.
"""

from __future__ import annotations

from pathlib import Path

import environ

PHOTO_STORAGE_KINDS = ("local", "s3")
ADDRESSING_STYLES = ("auto", "virtual", "path")
# A signed link is a key to one photo for as long as it lasts: minutes, not days.
DEFAULT_LINK_SECONDS = 300
MAX_LINK_SECONDS = 3600
# Every object is written private. AWS buckets made since 2023 have ACLs turned off and
# refuse an upload that names one, so none is sent unless asked for; "private" is for
# stores that want it said. Nothing that would let anyone read without a signature.
OBJECT_ACLS = ("", "private")
# What the bucket answers with along with a photo: kept by no cache but the browser's
# memory for this one view (each view gets a new link anyway).
OBJECT_PARAMETERS = {"CacheControl": "private, no-store"}


def _refuse(message: str):
    raise environ.ImproperlyConfigured(message)


def photo_storage_kind(env: environ.Env) -> str:
    kind = env.str("PHOTO_STORAGE", default="local")
    if kind not in PHOTO_STORAGE_KINDS:
        _refuse("PHOTO_STORAGE must be 'local' or 's3'")
    return kind


def photo_storage_setting(env: environ.Env, *, private_folder: Path) -> dict:
    """The STORAGES entry for client photos, checked; ImproperlyConfigured if wrong."""
    if photo_storage_kind(env) == "local":
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(private_folder), "base_url": None},
        }

    bucket = env.str("AWS_STORAGE_BUCKET_NAME", default="")
    if not bucket:
        _refuse("PHOTO_STORAGE=s3 needs AWS_STORAGE_BUCKET_NAME, the private bucket's name")

    endpoint = env.str("AWS_S3_ENDPOINT_URL", default="")
    if endpoint and not endpoint.startswith(("https://", "http://")):
        _refuse("AWS_S3_ENDPOINT_URL must be a full URL, e.g. https://s3.eu-west-2.amazonaws.com")

    # On AWS, virtual-hosted links name the bucket's own region (boto3's "auto" would use the
    # global host, which can answer a new bucket with a redirect elsewhere); other stores
    # mostly expect the bucket in the path.
    style = env.str("AWS_S3_ADDRESSING_STYLE", default="path" if endpoint else "virtual")
    if style not in ADDRESSING_STYLES:
        _refuse("AWS_S3_ADDRESSING_STYLE must be 'auto', 'virtual' or 'path'")

    try:
        seconds = env.int("AWS_QUERYSTRING_EXPIRE", default=DEFAULT_LINK_SECONDS)
    except ValueError:
        seconds = 0
    if not 1 <= seconds <= MAX_LINK_SECONDS:
        _refuse(
            f"AWS_QUERYSTRING_EXPIRE must be a number of seconds from 1 to {MAX_LINK_SECONDS}: "
            "how long a signed link to a photo works"
        )

    acl = env.str("AWS_DEFAULT_ACL", default="")
    if acl not in OBJECT_ACLS:
        _refuse(
            "AWS_DEFAULT_ACL may only be 'private' or empty (send none): "
            "client photos are never readable without a signed link"
        )

    custom_domain = env.str("AWS_S3_CUSTOM_DOMAIN", default="")
    cloudfront_key_id = env.str("AWS_CLOUDFRONT_KEY_ID", default="")
    cloudfront_key = env.str("AWS_CLOUDFRONT_KEY", default="", multiline=True)
    if custom_domain:
        if "/" in custom_domain or ":" in custom_domain.split(".")[0]:
            _refuse("AWS_S3_CUSTOM_DOMAIN is a host name only, e.g. photos.clinic.example.com")
        if not (cloudfront_key_id and cloudfront_key):
            # django-storages would hand out plain, unsigned links on a custom domain.
            _refuse(
                "AWS_S3_CUSTOM_DOMAIN needs AWS_CLOUDFRONT_KEY_ID and AWS_CLOUDFRONT_KEY, "
                "so that every link to a photo on it is signed"
            )
    elif cloudfront_key_id or cloudfront_key:
        _refuse("AWS_CLOUDFRONT_KEY_ID and AWS_CLOUDFRONT_KEY are used with AWS_S3_CUSTOM_DOMAIN")

    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": endpoint or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            # Empty: boto3 finds credentials itself (an instance or task role, ~/.aws).
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "signature_version": "s3v4",
            "addressing_style": None if style == "auto" else style,
            "default_acl": acl or None,
            "querystring_auth": True,
            "querystring_expire": seconds,
            "custom_domain": custom_domain or None,
            "cloudfront_key_id": cloudfront_key_id or None,
            "cloudfront_key": cloudfront_key or None,
            "object_parameters": dict(OBJECT_PARAMETERS),
            "file_overwrite": False,
        },
    }
