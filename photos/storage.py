"""Where client photos are kept, and where a browser fetches them from.

Photos live in STORAGES["photos"]: a private folder that only the app's access-checked
view reads (the default), or a private S3-compatible bucket (PHOTO_STORAGE=s3). From a
bucket, that view checks who is asking, records the view, then sends the browser on to a
link signed for this one photo that expires within minutes: the bytes come straight from
the bucket, so a page of thumbnails does not hold the web processes up, and nobody without
a fresh link from the app can read a photo. The page's Content-Security-Policy lets in
images from that one origin (photo_storage_origin, added by smpclinic.csp).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.functional import LazyObject, empty

if TYPE_CHECKING:
    from storages.backends.s3 import S3Storage


class PhotoStorage(LazyObject):
    """STORAGES["photos"], found when first used and again whenever the setting changes
    (as Django's own default_storage is), so the model's fields follow the setting."""

    def _setup(self):
        self._wrapped = storages["photos"]


private_photo_storage = PhotoStorage()


@receiver(setting_changed)
def _follow_changed_storages(*, setting, **kwargs):
    if setting == "STORAGES":
        private_photo_storage._wrapped = empty


_origins: WeakKeyDictionary[Storage, str] = WeakKeyDictionary()


def photo_storage_origin() -> str | None:
    """The origin (scheme://host[:port]) browsers load photos from, or None when the app
    serves them itself."""
    storage = storages["photos"]
    # Not imported here: boto3 stays out of a process that keeps photos on disk. An S3
    # storage in use has imported its module already.
    s3 = sys.modules.get("storages.backends.s3")
    if s3 is None or not isinstance(storage, s3.S3Storage):
        return None
    origin = _origins.get(storage)
    if origin is None:
        origin = _origins[storage] = signed_link_origin(storage)
    return origin


def signed_link_origin(storage: S3Storage) -> str:
    """The origin of the links `storage.url()` signs, from the storage's settings.

    On a custom domain (CloudFront) that is the domain. Otherwise botocore decides, from the
    endpoint, region, addressing style and the bucket's name (path style for an IP address
    or a name with dots over HTTPS, the regional host for virtual style on AWS, ...): so
    the same client settings are asked for a link, unsigned (no keys or requests needed).
    """
    if storage.custom_domain:
        link = f"{storage.url_protocol}//{storage.custom_domain}/"
    else:
        link = storage.unsigned_connection.meta.client.generate_presigned_url(
            "get_object", Params={"Bucket": storage.bucket_name, "Key": "photo.jpg"}
        )
    parts = urlsplit(link)
    return f"{parts.scheme}://{parts.netloc}"
