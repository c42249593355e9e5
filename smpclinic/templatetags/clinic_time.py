"""`clock`: a time as the clinic's clock shows it, unambiguous on the nights the clocks change.

`{{ appointment.starts_at|clock }}` is "10:30" on most days (in the locale's clock:
"10:30 AM" in en-us) and "01:15 BST" or "01:15 GMT" for the hour the clocks repeat
when they go back. A plain `time` (opening hours) is shown as it is. `input_time` is
the "HH:MM" an <input type="time"> takes. Loaded for every template (settings.TEMPLATES).
"""

import datetime as dt

from django import template
from django.utils import timezone

from smpclinic import formats
from smpclinic.clinic import clock_label

register = template.Library()


@register.filter
def clock(value) -> str:
    if isinstance(value, dt.datetime):
        if timezone.is_naive(value):
            return formats.clock(value)
        return clock_label(value, timezone.get_current_timezone())
    if isinstance(value, dt.time):
        return formats.clock(value)
    return ""


@register.filter
def input_time(value) -> str:
    """ "14:30" for an <input type="time">, whatever the locale; "" for anything else."""
    if isinstance(value, dt.datetime):
        value = formats.local(value).time()
    if isinstance(value, dt.time):
        return value.isoformat(timespec="minutes")
    return ""


@register.filter
def utc_offset(value) -> str:
    """A moment's UTC offset in clinic time, "+01:00" (for a free time's button)."""
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.localtime(value).isoformat(timespec="minutes")[-6:]
    return ""
