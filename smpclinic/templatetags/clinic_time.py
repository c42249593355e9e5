"""`clock`: a time as the clinic's clock shows it, unambiguous on the nights the clocks change.

`{{ appointment.starts_at|clock }}` is "10:30" on most days and "01:15 BST" or
"01:15 GMT" for the hour the clocks repeat when they go back. A plain `time`
(opening hours) is shown as it is. Loaded for every template (settings.TEMPLATES).
"""

import datetime as dt

from django import template
from django.utils import timezone

from smpclinic.clinic import clock_label

register = template.Library()


@register.filter
def clock(value) -> str:
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return f"{value:%H:%M}"
        return clock_label(value, timezone.get_current_timezone())
    if isinstance(value, dt.time):
        return f"{value:%H:%M}"
    return ""


@register.filter
def utc_offset(value) -> str:
    """A moment's UTC offset in clinic time, "+01:00" (for a free time's button)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).isoformat(timespec="minutes")[-6:]
    return ""
