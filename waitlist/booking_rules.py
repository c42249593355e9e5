"""What the diary's changes mean for the waitlist, registered with scheduling.policy: a
cancelled appointment, one moved away and a no-show marked before its end free their time,
and the first clients waiting are offered it."""

from __future__ import annotations

from django.utils import timezone

from scheduling.models import AppointmentStatus
from scheduling.policy import Event, Happened, register_reaction

from . import services


@register_reaction(
    "waitlist.offer_freed_time",
    events=[Event.CANCELLED, Event.MOVED, Event.STATUS_CHANGED],
    order=95,
)
def offer_freed_time(happened: Happened) -> None:
    appointment = happened.appointment
    now = happened.change.now if happened.change is not None else timezone.now()
    if happened.event == Event.CANCELLED:
        services.time_freed(appointment=appointment, why="Cancelled", now=now)
    elif happened.event == Event.MOVED and happened.moved_from is not None:
        same_artist = happened.moved_from_artist == appointment.artist
        overlaps = (
            happened.moved_from < appointment.ends_at
            and appointment.starts_at < happened.moved_from_ends
        )
        if same_artist and overlaps:
            return  # moved within its own time: nothing whole freed up
        services.time_freed(
            appointment=appointment,
            why="Moved",
            starts_at=happened.moved_from,
            ends_at=happened.moved_from_ends,
            artist=happened.moved_from_artist,
            now=now,
        )
    elif (
        happened.event == Event.STATUS_CHANGED
        and appointment.status == AppointmentStatus.NO_SHOW
        and appointment.ends_at > now
    ):
        services.time_freed(appointment=appointment, why="No-show", starts_at=now, now=now)
