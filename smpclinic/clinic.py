"""Clinic-wide facts every app needs: the clinic's time zone and how to reach it.

They live here, below every app, so that an app that needs the clinic's clock or
contact details does not import the diary (or anything else) to get them.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.translation import get_language, gettext


def clinic_zone() -> ZoneInfo:
    """The clinic's time zone: times are stored in UTC and shown in this zone."""
    return ZoneInfo(settings.TIME_ZONE)


def local_datetime(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """A wall-clock time on a day in the clinic's zone, as an aware UTC datetime."""
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


def local_days(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the clinic's midnight starting `first` to the one ending `last`, in UTC."""
    zone = clinic_zone()
    return local_datetime(first, dt.time(0), zone), local_datetime(
        last + dt.timedelta(days=1), dt.time(0), zone
    )


def wall_instants(day: dt.date, at: dt.time, zone: ZoneInfo) -> list[dt.datetime]:
    """Every real moment a wall-clock time names on a day, in order, in the clinic's zone.

    Usually one. None when the clocks skip it (01:30 the night they go forward in
    London); two when they repeat it (01:30 BST, then 01:30 GMT the night they go back).
    """
    # Compared in UTC: two datetimes in the same zone compare by their wall-clock
    # fields alone, so 01:15 BST and 01:15 GMT would be "equal".
    found: set[dt.datetime] = set()
    for fold in (0, 1):
        wall = dt.datetime.combine(day, at, tzinfo=zone).replace(fold=fold)
        moment = wall.astimezone(dt.UTC)
        if moment.astimezone(zone).replace(tzinfo=None, fold=0) == wall.replace(
            tzinfo=None, fold=0
        ):
            found.add(moment)
    return [moment.astimezone(zone) for moment in sorted(found)]


def is_repeated(moment: dt.datetime, zone: ZoneInfo | None = None) -> bool:
    """Whether the wall-clock time of this moment happens twice that day (clocks go back)."""
    local = moment.astimezone(zone or clinic_zone())
    return local.replace(fold=1 - local.fold).utcoffset() != local.utcoffset()


# Clock labels already written, for the life of the process: a page shows the same few
# dozen times of day over and over (the day diary's rows and blocks), and writing one in
# the locale's format costs more than the rest of its cell. By language and pattern, so
# each locale keeps its own, and by zone and offset for the hour the clocks repeat.
_CLOCK_LABELS: dict[tuple, str] = {}


def clock_label(moment: dt.datetime, zone: ZoneInfo | None = None) -> str:
    """A moment as the clinic's clock shows it, "10:30", naming the zone when the same
    wall-clock time happens twice that day: "01:15 BST", then "01:15 GMT"."""
    return clock_labels(zone)(moment)


def clock_labels(
    zone: ZoneInfo | None = None, *, name_repeated: bool = True
) -> Callable[[dt.datetime | dt.time], str]:
    """clock_label for the many moments of one page, the language and format looked up
    once (they cost more than finding a label already written). A time of day (opening
    hours) is written as it is; `name_repeated=False` writes a moment's wall clock alone,
    where the page places it by other means (the week grid's rows)."""
    zone = zone or clinic_zone()
    from .formats import clock, pattern

    language, written = get_language(), pattern("CLOCK_FORMAT")
    labels = _CLOCK_LABELS
    if len(labels) > 20_000:  # every minute of the day, a few times over
        labels.clear()

    def label(moment: dt.datetime | dt.time) -> str:
        if isinstance(moment, dt.time):
            local, at, twice = None, moment, None
        else:
            local = moment.astimezone(zone)
            at = local.time()
            repeated = name_repeated and is_repeated(local, zone)
            twice = (str(zone), local.utcoffset()) if repeated else None
        key = (language, written, at, twice)
        shown = labels.get(key)
        if shown is None:
            shown = clock(at)
            if twice is not None:
                shown = f"{shown} {local:%Z}"
            labels[key] = shown
        return shown

    return label


# The clinic's details are read on every page (the name in the header) and in every
# message: each process keeps the row it read, and reads it again after
# CLINIC_DETAILS_REFRESH_SECONDS, so a change made in one process shows in the others
# (other web workers, the Celery worker) within that time, and at once in its own.
_details: tuple[float, object] | None = None


def clinic_profile():
    """The clinic's details row (smpclinic.models.ClinicProfile), as this process last read it."""
    global _details
    from .models import ClinicProfile

    now = time.monotonic()
    refresh = getattr(settings, "CLINIC_DETAILS_REFRESH_SECONDS", 30)
    if _details is None or (refresh and now - _details[0] > refresh):
        _details = (now, ClinicProfile.objects.filter(pk=1).first() or ClinicProfile(pk=1))
    return _details[1]


def remember_clinic_profile(profile) -> None:
    """After the row is saved, or to start a process (or a test) with a known row."""
    global _details
    _details = (time.monotonic(), profile)


def clinic_name() -> str:
    return clinic_profile().name or settings.CLINIC_NAME


def clinic_logo_url() -> str:
    """The logo's address, changing with each new logo so no cache keeps an old one."""
    profile = clinic_profile()
    if not profile.logo_png:
        return ""
    from django.urls import reverse

    return reverse("clinic_logo", args=[int(profile.updated_at.timestamp())])


def clinic_context() -> dict:
    """Who and where the clinic is, and how to reach it when a visitor cannot go on alone."""
    profile = clinic_profile()
    return {
        "clinic_name": profile.name or settings.CLINIC_NAME,
        "clinic_phone": profile.phone or getattr(settings, "CLINIC_PHONE", ""),
        # Replies to the clinic's emails go to the sender address, so it reaches the clinic.
        "clinic_email": profile.email
        or getattr(settings, "CLINIC_EMAIL", "")
        or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        "clinic_address": profile.address or getattr(settings, "CLINIC_ADDRESS", ""),
        "clinic_website": profile.website,
        "clinic_privacy_url": profile.privacy_notice_url,
        "clinic_logo_url": (logo := clinic_logo_url()),
        # Emails need the whole address.
        "clinic_logo_link": f"{settings.SITE_URL}{logo}" if logo else "",
    }


# --- Changing the clinic's details ---------------------------------------------------------

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_BOX = (600, 200)


def logo_png(upload) -> bytes:
    """An uploaded logo (PNG, JPEG or WebP, at most 2 MB) as a PNG of at most 600 × 200
    pixels, with nothing of the original's metadata. ValidationError for anything else."""
    import io

    from django.core.exceptions import ValidationError
    from PIL import Image, UnidentifiedImageError

    if upload.size > LOGO_MAX_BYTES:
        raise ValidationError(
            gettext("The logo is larger than 2 MB: save it smaller and try again.")
        )
    try:
        with Image.open(upload, formats=["PNG", "JPEG", "WEBP"]) as img:
            if img.width * img.height > 40_000_000:
                raise ValidationError(gettext("The logo has too many pixels."))
            img.load()
            picture = img.convert("RGBA")
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        raise ValidationError(gettext("The logo must be a PNG, JPEG or WebP image.")) from error
    picture.thumbnail(LOGO_BOX, Image.Resampling.LANCZOS)
    clean = Image.new("RGBA", picture.size)
    clean.paste(picture)
    out = io.BytesIO()
    clean.save(out, format="PNG", optimize=True)
    return out.getvalue()


def clinic_profile_save(*, logo=None, remove_logo: bool = False, **fields):
    """Save the clinic's details (name, address, phone, email, website, privacy link) and,
    when given, a new logo (an upload) or its removal; every process sees them within
    CLINIC_DETAILS_REFRESH_SECONDS, this one at once."""
    from .models import ClinicProfile

    profile = ClinicProfile.current()
    for name, value in fields.items():
        setattr(profile, name, value)
    if logo is not None:
        profile.logo_png = logo_png(logo)
    elif remove_logo:
        profile.logo_png = b""
    profile.full_clean()
    profile.save()
    remember_clinic_profile(profile)
    return profile
