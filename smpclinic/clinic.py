"""Clinic-wide facts every app needs: the clinic's time zone and how to reach it.

They live here, below every app, so that an app that needs the clinic's clock or
contact details does not import the diary (or anything else) to get them.
"""

from __future__ import annotations

import datetime as dt
from email.utils import parseaddr
from zoneinfo import ZoneInfo

from django.conf import settings


def clinic_zone() -> ZoneInfo:
    """The clinic's time zone: times are stored in UTC and shown in this zone."""
    return ZoneInfo(settings.TIME_ZONE)


def local_datetime(day: dt.date, at: dt.time, zone: ZoneInfo) -> dt.datetime:
    """A wall-clock time on a day in the clinic's zone, as an aware UTC datetime."""
    return dt.datetime.combine(day, at, tzinfo=zone).astimezone(dt.UTC)


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


def clock_label(moment: dt.datetime, zone: ZoneInfo | None = None) -> str:
    """A moment as the clinic's clock shows it, "10:30", naming the zone when the same
    wall-clock time happens twice that day: "01:15 BST", then "01:15 GMT"."""
    zone = zone or clinic_zone()
    local = moment.astimezone(zone)
    if is_repeated(local, zone):
        return f"{local:%H:%M %Z}"
    return f"{local:%H:%M}"


def clinic_context() -> dict:
    """Who and where the clinic is, and how to reach it when a visitor cannot go on alone."""
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": getattr(settings, "CLINIC_PHONE", ""),
        # Replies to the clinic's emails go to the sender address, so it reaches the clinic.
        "clinic_email": getattr(settings, "CLINIC_EMAIL", "")
        or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        "clinic_address": getattr(settings, "CLINIC_ADDRESS", ""),
    }
