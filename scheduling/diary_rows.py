"""What the diary's grids (the week's, scheduling.week_grid, and the day's,
scheduling.calendar) read of the appointments they show: one query of plain rows with what
other apps flag (a deposit due), its SQL built once for each set of filters.

A busy day holds dozens of appointments and a week hundreds: a model instance for each of
an appointment's four related rows, and compiling the query on every view, cost more than
the rest of either page. The rooms' and services' names come with the diary's hours
(availability.grid_hours), so the rows need no join but to the client and the artist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from django.db.models import DateTimeField, IntegerField, Q
from django.urls import reverse

from accounts.models import User

from .availability import CARRIED_OVER, GridHours, _DiaryQuery, _Parameter
from .models import Appointment
from .page_parts import flag_values, flags_of


@dataclass(slots=True)
class DiaryAppointment:
    """What a diary grid shows of an appointment, read as one row of plain values."""

    pk: int
    artist_id: int
    room_id: int | None
    starts_at: dt.datetime
    ends_at: dt.datetime
    blocked_until: dt.datetime
    status: str
    updated_at: dt.datetime
    cancelled_late: bool
    cancellation_reason: str
    client_first_name: str
    client_last_name: str
    artist_first_name: str
    artist_last_name: str
    artist_email: str
    type_name: str
    type_colour: str
    type_is_video: bool
    room_name: str | None
    flags: list = field(default_factory=list)  # page_parts.flags_of

    @property
    def minutes(self) -> int:
        return int((self.ends_at - self.starts_at) / dt.timedelta(minutes=1))

    @property
    def client_name(self) -> str:
        return f"{self.client_first_name} {self.client_last_name}".strip()  # Client.full_name

    @property
    def artist_name(self) -> str:
        return f"{self.artist_first_name} {self.artist_last_name}".strip()  # User.get_full_name

    @property
    def artist_label(self) -> str:
        return self.artist_name or self.artist_email  # str(User)

    def artist(self) -> User:
        """The artist as a user (for an artist who has left the clinic, who has no lane)."""
        return User(
            pk=self.artist_id,
            first_name=self.artist_first_name,
            last_name=self.artist_last_name,
            email=self.artist_email,
        )

    def get_absolute_url(self) -> str:
        return reverse("scheduling:appointment_detail", args=[self.pk])


# What is read of each appointment (DiaryAppointment's fields up to the artist's), its
# service, then its flags.
_COLUMNS = (
    *("id", "artist_id", "room_id", "starts_at", "ends_at", "blocked_until", "status"),
    *("updated_at", "cancelled_late", "cancellation_reason"),
    *("client__first_name", "client__last_name"),
    *("artist__first_name", "artist__last_name", "artist__email", "type_id"),
)
_TYPE = len(_COLUMNS) - 1


@lru_cache(maxsize=32)
def _query(
    alias: str, *, artist: bool, room: bool, appointment_type: bool, carried_over: bool
) -> _DiaryQuery:
    """The appointments starting in [start, end), filtered by artist, room or type, and with
    `carried_over` those that started up to CARRIED_OVER earlier and still block `start`.
    Its SQL depends only on which filters are set (the flags are registered at start-up)."""
    if carried_over:
        appointments = Appointment.objects.filter(
            Q(starts_at__gte=_Parameter("start", DateTimeField()))
            | Q(blocked_until__gt=_Parameter("start", DateTimeField())),
            starts_at__gte=_Parameter("booked_from", DateTimeField()),
        )
    else:
        appointments = Appointment.objects.filter(
            starts_at__gte=_Parameter("start", DateTimeField())
        )
    appointments = appointments.filter(starts_at__lt=_Parameter("end", DateTimeField()))
    if artist:
        appointments = appointments.filter(artist_id=_Parameter("artist", IntegerField()))
    if room:
        appointments = appointments.filter(room_id=_Parameter("room", IntegerField()))
    if appointment_type:
        appointments = appointments.filter(type_id=_Parameter("appointment_type", IntegerField()))
    flags = flag_values()
    rows = (
        appointments.annotate(**flags)
        .order_by("starts_at", "artist_id", "id")
        .values_list(*_COLUMNS, *flags)
    )
    return _DiaryQuery.compiled(alias, rows)


def diary_appointments(
    hours: GridHours,
    *,
    start: dt.datetime,
    end: dt.datetime,
    artist_id: int | None = None,
    room_id: int | None = None,
    type_id: int | None = None,
    carried_over: bool = False,
) -> list[DiaryAppointment]:
    """The appointments starting in [start, end) (of this artist, room or type), in order
    of start, with their flags, the names of their service and room from `hours`. With
    `carried_over`, also those that started up to CARRIED_OVER before `start` and still
    block it, for judging free times (Diary.take_appointments): the caller leaves them
    out of what it shows."""
    query = _query(
        Appointment.objects.db,
        artist=artist_id is not None,
        room=room_id is not None,
        appointment_type=type_id is not None,
        carried_over=carried_over,
    )
    rows = query.rows(
        start=start,
        end=end,
        booked_from=start - CARRIED_OVER,
        artist=artist_id,
        room=room_id,
        appointment_type=type_id,
    )
    services, room_names = hours.services, hours.room_names
    flags_from = len(_COLUMNS)
    return [
        DiaryAppointment(
            *row[:_TYPE],
            *services[row[_TYPE]],
            room_names.get(row[2]),
            flags_of(row[flags_from:]),
        )
        for row in rows
    ]
