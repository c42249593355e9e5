"""Adding client photos, and finding the ones a new photo is lined up with."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Window
from django.db.models.functions import RowNumber

from accounts.models import User
from clients.models import Client
from sessions_app.models import TreatmentSession

from .models import Photo, PhotoAngle, PhotoStage
from .processing import PhotoRejected, ProcessedPhoto, process_upload

MAX_FILES_AT_ONCE = 20
NOTE_MAX_LENGTH = Photo._meta.get_field("note").max_length


@dataclass(frozen=True)
class _Details:
    client: Client
    angle: str
    stage: str
    session: TreatmentSession | None
    by: User | None
    note: str
    shared_with_client: bool


def _checked_details(**details) -> _Details:
    d = _Details(**{**details, "note": (details["note"] or "").strip()})
    errors = {}
    if d.angle not in PhotoAngle.values:
        errors["angle"] = "Choose the angle the photo was taken from."
    if d.stage not in PhotoStage.values:
        errors["stage"] = "Choose when the photo was taken."
    if d.session is not None and d.session.plan.client_id != d.client.pk:
        errors["session"] = "This session belongs to another client's treatment plan."
    if len(d.note) > NOTE_MAX_LENGTH:
        errors["note"] = f"Keep the note under {NOTE_MAX_LENGTH} characters."
    if errors:
        raise ValidationError(errors)
    return d


def _file_name(upload, position: int) -> str:
    return getattr(upload, "name", None) or f"photo {position}"


def _save_all(d: _Details, processed: list[ProcessedPhoto]) -> list[Photo]:
    """One row per photo in one transaction; if it fails, the files written are deleted."""
    written = []  # (storage, name)
    try:
        with transaction.atomic():
            photos = []
            for item in processed:
                photo = Photo(
                    client=d.client,
                    session=d.session,
                    angle=d.angle,
                    stage=d.stage,
                    width=item.width,
                    height=item.height,
                    note=d.note,
                    shared_with_client=d.shared_with_client,
                    uploaded_by=d.by,
                )
                for field, content in ((photo.image, item.web), (photo.thumbnail, item.thumbnail)):
                    field.save(f"photo{item.extension}", ContentFile(content), save=False)
                    written.append((field.storage, field.name))
                photo.save()
                photos.append(photo)
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    return photos


def photo_add(
    *,
    client: Client,
    angle: str,
    stage: str,
    upload,
    session: TreatmentSession | None = None,
    by: User | None,
    note: str = "",
    shared_with_client: bool = True,
) -> Photo:
    """Store one photo of a client, cleaned by the photo pipeline.

    Raises PhotoRejected (a ValidationError) for a file that is not stored, and
    ValidationError keyed by field for wrong details.
    """
    d = _checked_details(
        client=client,
        angle=angle,
        stage=stage,
        session=session,
        by=by,
        note=note,
        shared_with_client=shared_with_client,
    )
    return _save_all(d, [process_upload(upload)])[0]


def photos_add_many(
    *,
    client: Client,
    angle: str,
    stage: str,
    uploads: Iterable,
    session: TreatmentSession | None = None,
    by: User | None,
    note: str = "",
    shared_with_client: bool = True,
) -> list[Photo]:
    """Store several photos with the same details, all or none.

    Every file is checked before any is stored; if one is refused, nothing is saved and
    the error, under "uploads", names each refused file.
    """
    uploads = list(uploads)
    d = _checked_details(
        client=client,
        angle=angle,
        stage=stage,
        session=session,
        by=by,
        note=note,
        shared_with_client=shared_with_client,
    )
    if not uploads:
        raise ValidationError({"uploads": "Choose at least one photo."})
    if len(uploads) > MAX_FILES_AT_ONCE:
        raise ValidationError({"uploads": f"Send at most {MAX_FILES_AT_ONCE} photos at a time."})
    processed, refused = [], []
    for position, upload in enumerate(uploads, start=1):
        try:
            processed.append(process_upload(upload))
        except PhotoRejected as error:
            refused.extend(f"{_file_name(upload, position)}: {m}" for m in error.messages)
    if refused:
        raise ValidationError({"uploads": refused})
    return _save_all(d, processed)


def previous_photo(client: Client, angle: str, *, shared_only: bool = False) -> Photo | None:
    """The latest photo of this client from this angle: the one a new photo is lined up with."""
    photos = Photo.objects.filter(client=client, angle=angle)
    if shared_only:
        photos = photos.filter(shared_with_client=True)
    return photos.order_by("-uploaded_at", "-id").first()


def latest_photo_per_angle(client: Client) -> dict[str, Photo]:
    """previous_photo for every angle at once, in one query."""
    latest = (
        Photo.objects.filter(client=client)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("angle")],
                order_by=[F("uploaded_at").desc(), F("id").desc()],
            )
        )
        .filter(rank=1)
    )
    return {photo.angle: photo for photo in latest}
