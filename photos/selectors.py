"""Reading photos for pages other apps own."""

from __future__ import annotations

from django.db.models import BigIntegerField

from smpclinic.prepared import Param, PreparedQuery

from .models import Photo

# The latest photos on the client record; the gallery pages hold the rest.
CLIENT_RECORD_PHOTOS = 12


def client_record_photos(client, *, now) -> dict:
    """The client record's part from photos: the latest ones (1 query)."""
    return {"photos": _CLIENT_PHOTOS.fetch(client=client.pk)}


_CLIENT_PHOTOS = PreparedQuery(
    lambda: Photo.objects.filter(client_id=Param("client", BigIntegerField())).order_by(
        "-uploaded_at", "-id"
    )[:CLIENT_RECORD_PHOTOS]
)
