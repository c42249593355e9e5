"""The plan in plain words, from sessions_app.progress.plan_progress(for_client=True)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from photos.models import Photo, PhotoAngle, PhotoStage
from sessions_app.models import Density
from sessions_app.progress import PlanProgress, photo_image_url
from smpclinic import formats

PLAIN_DENSITY = {
    1: "very light",
    2: "light",
    3: "medium",
    4: "dense",
    5: "very dense",
}


@dataclass(frozen=True)
class PlainSession:
    number: int
    kind: str
    when: dt.datetime | None
    status: str  # "done", "booked", "to book"
    status_label: str
    minutes: int
    regions: list[str]
    artist_note: str


@dataclass(frozen=True)
class PlainPhoto:
    pk: int
    label: str
    thumb_url: str
    web_url: str


def duration_words(minutes: int) -> str:
    """210 -> "3 hours 30 minutes"."""
    hours, rest = divmod(minutes, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minutes")
    return " ".join(parts)


def plain_region(label: str, density: int) -> str:
    return f"{label} ({PLAIN_DENSITY.get(density, Density(density).label)} density)"


def plain_sessions(progress: PlanProgress) -> list[PlainSession]:
    rows = []
    for entry in progress.sessions:
        if not entry.minutes_are_planned:
            status, label = "done", "Done"
        elif entry.session.is_booked:
            status, label = "booked", "Booked"
        else:
            status, label = "to book", "Not booked yet"
        rows.append(
            PlainSession(
                number=entry.number,
                kind=entry.kind_label,
                when=entry.starts_at if status != "to book" else None,
                status=status,
                status_label=label,
                minutes=entry.minutes,
                regions=[
                    plain_region(treated.get_region_display(), treated.density)
                    for treated in entry.regions
                ],
                artist_note=entry.focus_next_time,
            )
        )
    return rows


def _photo_label(photo: Photo) -> str:
    angle = PhotoAngle(photo.angle).label
    session = photo.session
    if session is not None and photo.stage == PhotoStage.BEFORE_SESSION:
        return f"Before session {session.number} · {angle}"
    if session is not None and photo.stage == PhotoStage.AFTER_SESSION:
        return f"After session {session.number} · {angle}"
    day = timezone.localtime(photo.uploaded_at)
    return f"{PhotoStage(photo.stage).label} · {angle} · {formats.show(day, 'DATE_MEDIUM_FORMAT')}"


def shared_photos(client) -> list[PlainPhoto]:
    """The client's own photos the clinic shared with them (one query), oldest first."""
    photos = (
        Photo.objects.filter(client=client, shared_with_client=True)
        .exclude(stage=PhotoStage.REFERENCE)
        .select_related("session")
        .order_by("uploaded_at", "pk")
    )
    return [
        PlainPhoto(
            pk=photo.pk,
            label=_photo_label(photo),
            thumb_url=photo_image_url(photo.pk, "thumb"),
            web_url=photo_image_url(photo.pk, "web"),
        )
        for photo in photos
    ]
