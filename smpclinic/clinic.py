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
