"""Reading photos for pages other apps own."""

from __future__ import annotations

# The latest photos on the client record; the gallery pages hold the rest.
CLIENT_RECORD_PHOTOS = 12


def client_record_photos(client, *, now) -> dict:
    """The client record's part from photos: the latest ones (1 query)."""
    return {"photos": list(client.photos.order_by("-uploaded_at", "-id")[:CLIENT_RECORD_PHOTOS])}
