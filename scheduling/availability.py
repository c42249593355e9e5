"""When can something be booked? One engine for the calendar, online booking and the API.

`Diary.load()` reads everything a date range needs in a fixed number of queries
(opening hours, closed days, artists and their hours, time off, appointments,
rooms), whatever the number of days, artists or appointments; `Diary.load_for_type()`
reads the same rows for one appointment type in one query, for free times and, through
`Diary.load_for_booking()`, for the one artist a booking names (scheduling.booking).
`Diary.problem()` then says why one proposed time cannot be booked, or None;
`free_slots()` offers only times for which `problem()` is None, so every offered
time can be booked.

All arithmetic is in UTC. Hours are wall-clock times in the clinic's zone and are
turned into UTC day by day, so a day when the clocks change keeps its 09:00
opening.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import connections
from django.db.models import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    Exists,
    Expression,
    F,
    IntegerField,
    OuterRef,
    Q,
    TimeField,
    Value,
    Window,
)
from django.db.models.functions import Cast, RowNumber
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Role, User
from smpclinic import formats
from smpclinic.clinic import clinic_zone, local_datetime

from .models import (
    ACTIVE_STATUSES,
    CLINIC_CHOSEN_SOURCES,
    Appointment,
    AppointmentType,
    ArtistHours,
    BookingPolicy,
    BookingSource,
    ClosedDay,
    OpeningHours,
    Room,
    TimeOff,
    TimeOffStatus,
)

UTC = dt.UTC
Interval = tuple[dt.datetime, dt.datetime]

# The diary's dates: far enough either way for any real booking, and clear of the
# limits of date arithmetic. A browser's date box sends anything from 0001-01-01 to
# 275760-09-13; at year 1 or 9999 adding a day, a length or a time zone overflows.
FIRST_DAY = dt.date(1900, 1, 1)
LAST_DAY = dt.date(2999, 12, 31)


def _outside_diary() -> str:
    first, last = (formats.show(d, "DATE_LONG_FORMAT") for d in (FIRST_DAY, LAST_DAY))
    return f"Choose a date between {first} and {last}."


# Written when shown, in the reader's locale.
OUTSIDE_DIARY = lazy(_outside_diary, str)()


def within_diary(day: dt.date) -> bool:
    """Whether the diary has this date (see FIRST_DAY and LAST_DAY)."""
    return FIRST_DAY <= day <= LAST_DAY


@dataclass(frozen=True)
class Slot:
    start: dt.datetime
    end: dt.datetime
    artist_id: int
    room_id: int | None


@dataclass(frozen=True)
class Problem:
    """Why a time cannot be booked: a code for programs, a sentence for people."""

    code: str
    message: str
    field: str = "starts_at"


def _intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out = []
    for s1, e1 in a:
        for s2, e2 in b:
            s, e = max(s1, s2), min(e1, e2)
            if s < e:
                out.append((s, e))
    return sorted(out)


class _Busy:
    """Disjoint, sorted busy intervals with an O(log n) overlap test."""

    def __init__(self, intervals: list[Interval]):
        merged: list[list[dt.datetime]] = []
        for s, e in sorted(intervals):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self.starts = [m[0] for m in merged]
        self.ends = [m[1] for m in merged]

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        return self.free_from(start, end) is not None

    def free_from(self, start: dt.datetime, end: dt.datetime) -> dt.datetime | None:
        """The end of the busy interval that [start, end) overlaps, or None if it is free."""
        i = bisect_left(self.starts, end) - 1
        return self.ends[i] if i >= 0 and self.ends[i] > start else None


# What each row of Diary.load_for_booking's single query is.
_TAKES_BOOKINGS, _OPENING, _CLOSED, _HOURS, _TIME_OFF, _BOOKED, _ROOM = range(7)
# And of grid_hours()'s: the services in use, the booking policy, and the rooms and
# services no longer in use (whose names the week's appointments may still show).
_SERVICE, _POLICY, _ROOM_OUT_OF_USE, _SERVICE_OUT_OF_USE = 7, 8, 9, 10
# Its columns, in order, with the type each has when a row leaves it empty.
_ROW_COLUMNS = {
    "artist": IntegerField(),
    "room": IntegerField(),
    "weekday": IntegerField(),
    "day": DateField(),
    "t1": TimeField(),
    "t2": TimeField(),
    "s": DateTimeField(),
    "e": DateTimeField(),
    "label": CharField(),
}


# grid_hours()'s rows: the same, with an artist's last name and email beside the first name
# (in `label`), and a service's colour and whether it is a video call beside its name.
_HOURS_ROW_COLUMNS = {
    **_ROW_COLUMNS,
    "last_name": CharField(),
    "email": CharField(),
    "video": BooleanField(),
}

# Appointments that started before a time may still block it: none is longer than 12
# hours plus its clean-up time.
CARRIED_OVER = dt.timedelta(hours=16)


def _rows(queryset, kind: int, *, typed: bool = False, layout=_ROW_COLUMNS, **columns):
    """`queryset` as rows of (kind, *layout), its own values in `columns`, for a UNION.

    `typed`: the UNION's first part, whose empty columns are typed NULLs (PostgreSQL takes
    a bare NULL for text, and would then refuse a date below it); the others' bare NULLs
    take the types set there."""
    filled = {
        f"row_{name}": columns.get(
            name,
            Cast(Value(None), output_field=empty) if typed else Value(None, output_field=empty),
        )
        for name, empty in layout.items()
    }
    return (
        queryset.order_by()
        .annotate(row_kind=Value(kind, output_field=IntegerField()), **filled)
        .values_list("row_kind", *filled)
    )


class _Parameter(Expression):
    """A value left open when the diary's query is built, given each time it runs."""

    def __init__(self, name: str, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]


@dataclass(frozen=True)
class _DiaryQuery:
    """Diary.load_for_type's query for one shape, compiled once: its SQL, its parameters
    (the open ones are _Parameter) and its columns, for the database's converters."""

    alias: str
    query: object
    sql: str
    params: tuple
    columns: tuple

    @classmethod
    def compiled(cls, alias: str, queryset) -> _DiaryQuery:
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()
        columns = tuple(s[0] for s in compiler.select[: compiler.col_count])
        return cls(alias, queryset.query, sql, tuple(params), columns)

    def rows(self, **values) -> list[tuple]:
        connection = connections[self.alias]
        params = [
            p.output_field.get_db_prep_value(values[p.name], connection)
            if isinstance(p, _Parameter)
            else p
            for p in self.params
        ]
        with connection.cursor() as cursor:
            cursor.execute(self.sql, params)
            rows = cursor.fetchall()
        compiler = self.query.get_compiler(connection=connection)
        converters = compiler.get_converters(self.columns)
        if converters:
            return [tuple(row) for row in compiler.apply_converters(rows, converters)]
        return rows


def _hours_parts(rows, for_the_artist=lambda queryset: queryset, *, closed_reason=False):
    """What both diary UNIONs read alike, as `rows(queryset, kind, **columns)` makes each
    part: opening hours, closed days (with their reasons), the artists' hours and their
    approved time off."""
    return [
        rows(
            OpeningHours.objects.all(),
            _OPENING,
            weekday=F("weekday"),
            t1=F("opens"),
            t2=F("closes"),
        ),
        rows(
            ClosedDay.objects.filter(
                date__gte=_Parameter("first_day", DateField()),
                date__lte=_Parameter("last_day", DateField()),
            ),
            _CLOSED,
            day=F("date"),
            **({"label": F("reason")} if closed_reason else {}),
        ),
        rows(
            for_the_artist(ArtistHours.objects.all()),
            _HOURS,
            artist=F("artist_id"),
            weekday=F("weekday"),
            t1=F("starts"),
            t2=F("ends"),
        ),
        rows(
            for_the_artist(
                TimeOff.objects.filter(
                    status=TimeOffStatus.APPROVED,
                    starts_at__lt=_Parameter("end", DateTimeField()),
                    ends_at__gt=_Parameter("start", DateTimeField()),
                )
            ),
            _TIME_OFF,
            artist=F("artist_id"),
            s=F("starts_at"),
            e=F("ends_at"),
        ),
    ]


@lru_cache(maxsize=256)
def _diary_query(
    alias: str,
    *,
    type_pk: int | None,
    needs_room: bool,
    choosing_artist: bool,
    one_artist: bool,
    excluding: bool,
) -> _DiaryQuery:
    """The UNION behind Diary.load_for_type for this shape. Building and compiling it
    costs several times what running it does, and its SQL depends only on the shape."""
    appointment_type = AppointmentType(pk=type_pk, needs_room=needs_room)

    def for_the_artist(queryset, field: str = "artist_id"):
        if one_artist:
            return queryset.filter(**{field: _Parameter("artist", IntegerField())})
        return queryset

    appointments = Appointment.objects.filter(
        status__in=ACTIVE_STATUSES,
        starts_at__lt=_Parameter("end", DateTimeField()),
        starts_at__gte=_Parameter("booked_from", DateTimeField()),
        blocked_until__gt=_Parameter("start", DateTimeField()),
    )
    if excluding:
        appointments = appointments.exclude(pk=_Parameter("excluded", IntegerField()))
    parts = [
        _rows(
            for_the_artist(bookable_artists(appointment_type if choosing_artist else None), "pk"),
            _TAKES_BOOKINGS,
            typed=True,
            artist=F("pk"),
            weekday=Window(
                RowNumber(),
                order_by=[F("first_name").asc(), F("last_name").asc(), F("pk").asc()],
            ),
        ),
        *_hours_parts(_rows, for_the_artist),
        _rows(
            appointments,
            _BOOKED,
            artist=F("artist_id"),
            room=F("room_id"),
            s=F("starts_at"),
            e=F("blocked_until"),
        ),
    ]
    if needs_room:
        parts.append(
            _rows(
                _rooms_for(appointment_type, distinct=False),
                _ROOM,
                room=F("pk"),
                weekday=Window(RowNumber(), order_by=[F("name").asc(), F("pk").asc()]),
                label=F("name"),
            )
        )
    return _DiaryQuery.compiled(alias, parts[0].union(*parts[1:], all=True))


@lru_cache(maxsize=4)
def _hours_query(alias: str) -> _DiaryQuery:
    """The UNION behind grid_hours(), compiled once (as _diary_query)."""

    def rows(queryset, kind: int, **columns):
        return _rows(
            queryset, kind, typed=kind == _TAKES_BOOKINGS, layout=_HOURS_ROW_COLUMNS, **columns
        )

    parts = [
        rows(
            bookable_artists(),
            _TAKES_BOOKINGS,
            artist=F("pk"),
            weekday=Window(
                RowNumber(),
                order_by=[F("first_name").asc(), F("last_name").asc(), F("pk").asc()],
            ),
            label=F("first_name"),
            last_name=F("last_name"),
            email=F("email"),
        ),
        *_hours_parts(rows, closed_reason=True),
        rows(
            _rooms_for(None),
            _ROOM,
            room=F("pk"),
            weekday=Window(RowNumber(), order_by=[F("name").asc(), F("pk").asc()]),
            label=F("name"),
        ),
        rows(
            AppointmentType.objects.filter(is_active=True),
            _SERVICE,
            room=F("pk"),
            weekday=Window(RowNumber(), order_by=[F("position").asc(), F("name").asc()]),
            label=F("name"),
            last_name=F("colour"),
            video=F("is_video"),
        ),
        # The day's grid asks the front desk's notice too (in the `artist` column).
        rows(
            BookingPolicy.objects.filter(pk=1),
            _POLICY,
            weekday=F("slot_minutes"),
            artist=F("staff_notice_minutes"),
        ),
        rows(Room.objects.filter(is_active=False), _ROOM_OUT_OF_USE, room=F("pk"), label=F("name")),
        rows(
            AppointmentType.objects.filter(is_active=False),
            _SERVICE_OUT_OF_USE,
            room=F("pk"),
            label=F("name"),
            last_name=F("colour"),
            video=F("is_video"),
        ),
    ]
    return _DiaryQuery.compiled(alias, parts[0].union(*parts[1:], all=True))


class _HoursRows:
    """The rows both diary UNIONs read alike (_hours_parts), folded as they come: the
    clinic's hours, closed days (with their reasons, where read), and the hours and
    approved time off of the artists who take bookings."""

    def __init__(self, bookable: set[int]):
        self.bookable = bookable
        self.opening: dict[int, list] = defaultdict(list)
        self.closed: dict[dt.date, str | None] = {}
        self.hours: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        self.off: dict[int, list[Interval]] = defaultdict(list)

    def take(self, kind, artist, weekday, day, t1, t2, s, e, label) -> bool:
        """Fold in one row; False when it is of another kind."""
        if kind == _OPENING:
            self.opening[weekday].append((t1, t2))
        elif kind == _CLOSED:
            self.closed[day] = label
        elif kind == _HOURS:
            if artist in self.bookable:
                self.hours[artist][weekday].append((t1, t2))
        elif kind == _TIME_OFF:
            if artist in self.bookable:
                self.off[artist].append((s, e))
        else:
            return False
        return True

    def diary(self, *, start, end, zone, artists: list[User], rooms: list[Room]) -> Diary:
        """The diary of these hours, with nothing booked yet (Diary.book)."""
        return Diary(
            start=start,
            end=end,
            zone=zone,
            opening={weekday: sorted(spans) for weekday, spans in self.opening.items()},
            closed_days=set(self.closed),
            artists=artists,
            artist_hours={
                artist: {w: sorted(spans) for w, spans in days.items()}
                for artist, days in self.hours.items()
            },
            time_off={k: _Busy(v) for k, v in self.off.items()},
            artist_busy={},
            rooms=rooms,
            room_busy={},
        )


def bookable_artists(appointment_type: AppointmentType | None = None):
    """The artists who take bookings (of this type, when one is given): the one place
    the diary chooses whom it may offer or book."""
    artists = User.objects.filter(role=Role.ARTIST, is_active=True)
    if appointment_type is not None:
        artists = artists.exclude(appointment_types_not_offered=appointment_type)
    return artists


@dataclass
class GridHours:
    """What a grid of the diary (the week's, the day's) is drawn on: the diary's hours,
    why each closed day is closed, the services in use, the booking policy (its step and
    the front desk's notice), and every room's name and service's name, colour and
    whether it is a video call, in use or not (an appointment keeps its own), so the
    appointments need not be read with them."""

    diary: Diary
    closed_reasons: dict[dt.date, str]
    types: list[AppointmentType]
    policy: BookingPolicy
    room_names: dict[int, str]
    services: dict[int, tuple[str, str, bool]]  # (name, colour, is a video call)

    @property
    def slot_minutes(self) -> int:
        return self.policy.slot_minutes


def grid_hours(*, start: dt.datetime, end: dt.datetime) -> GridHours:
    """Read in one query what Diary.load(with_appointments=False) reads (every artist who
    takes bookings, with their names; the clinic's hours, closed days, the artists'
    hours, their approved time off, the rooms in use), why each closed day is closed, the
    services in use (in their order) and the booking policy. Its SQL is built once
    (_hours_query); its artists, rooms and services carry what the grid shows of them."""
    zone = clinic_zone()
    database = Room.objects.db
    rows = _hours_query(database).rows(
        first_day=start.astimezone(zone).date() - dt.timedelta(days=1),
        last_day=end.astimezone(zone).date() + dt.timedelta(days=1),
        start=start,
        end=end,
    )
    # from_db takes the values in the model's order of fields.
    artists = [
        User.from_db(database, ["id", "email", "first_name", "last_name"], values)
        for _position, *values in sorted(
            (row[3], row[1], row[11], row[9], row[10]) for row in rows if row[0] == _TAKES_BOOKINGS
        )
    ]
    rooms = [
        Room.from_db(database, ["id", "name", "is_active"], (room_id, name, True))
        for _position, room_id, name in sorted(
            (row[3], row[2], row[9]) for row in rows if row[0] == _ROOM
        )
    ]
    types = [
        AppointmentType.from_db(database, ["id", "name", "is_video", "colour"], values)
        for _position, *values in sorted(
            (row[3], row[2], row[9], row[12], row[10]) for row in rows if row[0] == _SERVICE
        )
    ]
    folded = _HoursRows({a.pk for a in artists})
    policy = None
    room_names = {room.pk: room.name for room in rooms}
    services = {service.pk: (service.name, service.colour, service.is_video) for service in types}
    for kind, artist, room, weekday, day, t1, t2, s, e, label, *names in rows:
        if folded.take(kind, artist, weekday, day, t1, t2, s, e, label):
            continue
        if kind == _POLICY:
            # The policy's other fields are read if asked for (none of the grids does).
            policy = BookingPolicy.from_db(
                database, ["id", "slot_minutes", "staff_notice_minutes"], (1, weekday, artist)
            )
        elif kind == _ROOM_OUT_OF_USE:
            room_names[room] = label
        elif kind == _SERVICE_OUT_OF_USE:
            services[room] = (label, names[0], names[2])
    diary = folded.diary(start=start, end=end, zone=zone, artists=artists, rooms=rooms)
    if policy is None:  # a new clinic: the policy is made on first use
        policy = BookingPolicy.current()
    return GridHours(diary, folded.closed, types, policy, room_names, services)


@dataclass
class Diary:
    """Everything needed to judge times between `start` and `end` (UTC)."""

    start: dt.datetime
    end: dt.datetime
    zone: ZoneInfo
    opening: dict[int, list[tuple[dt.time, dt.time]]]
    closed_days: set[dt.date]
    artists: list[User]
    artist_hours: dict[int, dict[int, list[tuple[dt.time, dt.time]]]]
    time_off: dict[int, _Busy]
    artist_busy: dict[int, _Busy]
    rooms: list[Room]
    room_busy: dict[int, _Busy]
    _windows: dict[tuple[int, dt.date], list[Interval]] = field(default_factory=dict)
    _rooms_busy: list[tuple[Room, _Busy | None]] = field(init=False)

    def __post_init__(self):
        # Looked up once: free_room runs for every candidate time.
        self._rooms_busy = [(room, self.room_busy.get(room.pk)) for room in self.rooms]

    def take_appointments(self, appointments) -> None:
        """Judge with these appointments booked (each with artist_id, room_id, status,
        starts_at and blocked_until, read as load() reads them: from CARRIED_OVER before
        `start`), for a diary read without them (grid_hours). Only the active ones keep the
        artist and the room busy, until their clean-up ends."""
        self.book(
            (a.artist_id, a.room_id, a.starts_at, a.blocked_until)
            for a in appointments
            if a.status in ACTIVE_STATUSES and a.blocked_until > self.start
        )

    def book(self, blocks) -> None:
        """Judge with these (artist id, room id, start, blocked until) taken: the artist's
        time, and the room's when the diary has the room."""
        busy: dict[int, list[Interval]] = defaultdict(list)
        room_busy: dict[int, list[Interval]] = defaultdict(list)
        room_ids = {room.pk for room in self.rooms}
        for artist_id, room_id, start, blocked_until in blocks:
            busy[artist_id].append((start, blocked_until))
            if room_id is not None and room_id in room_ids:
                room_busy[room_id].append((start, blocked_until))
        self.artist_busy = {k: _Busy(v) for k, v in busy.items()}
        self.room_busy = {k: _Busy(v) for k, v in room_busy.items()}
        self.__post_init__()

    @classmethod
    def load(
        cls,
        *,
        start: dt.datetime,
        end: dt.datetime,
        artist_ids: list[int] | None = None,
        with_rooms: bool = True,
        exclude_appointment_id: int | None = None,
        with_appointments: bool = True,
        for_type: AppointmentType | None = None,
        appointment_type: AppointmentType | None = None,
    ) -> Diary:
        """Read the diary for [start, end) in six queries at most (five without the
        appointments, for what needs only the hours, e.g. a report's working hours).

        `for_type` keeps only the rooms that type may use (all when it names none); with
        `appointment_type`, only the artists who offer it are in the diary."""
        zone = clinic_zone()
        artists_qs = bookable_artists(appointment_type).order_by("first_name", "last_name", "id")
        if artist_ids is not None:
            artists_qs = artists_qs.filter(pk__in=artist_ids)
        artists = list(artists_qs)
        ids = [a.pk for a in artists]

        opening: dict[int, list] = defaultdict(list)
        for row in OpeningHours.objects.values_list("weekday", "opens", "closes"):
            opening[row[0]].append((row[1], row[2]))

        # Local dates covering the range (a UTC range can touch two local dates).
        first_day = start.astimezone(zone).date() - dt.timedelta(days=1)
        last_day = end.astimezone(zone).date() + dt.timedelta(days=1)
        closed = set(
            ClosedDay.objects.filter(date__range=(first_day, last_day)).values_list(
                "date", flat=True
            )
        )

        hours: dict[int, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        for artist_id, weekday, s, e in ArtistHours.objects.filter(artist_id__in=ids).values_list(
            "artist_id", "weekday", "starts", "ends"
        ):
            hours[artist_id][weekday].append((s, e))

        # Only approved time off keeps clients out: a request waits for the manager.
        off: dict[int, list[Interval]] = defaultdict(list)
        for artist_id, s, e in TimeOff.objects.filter(
            artist_id__in=ids, status=TimeOffStatus.APPROVED, starts_at__lt=end, ends_at__gt=start
        ).values_list("artist_id", "starts_at", "ends_at"):
            off[artist_id].append((s, e))

        rooms = list(_rooms_for(for_type).order_by("name", "id")) if with_rooms else []

        # Appointments that started before `start` may still block it: no
        # appointment is longer than 12 hours plus its buffer.
        appointments = Appointment.objects.filter(
            status__in=ACTIVE_STATUSES,
            starts_at__lt=end,
            starts_at__gte=start - CARRIED_OVER,
            blocked_until__gt=start,
        )
        if exclude_appointment_id is not None:
            appointments = appointments.exclude(pk=exclude_appointment_id)
        diary = cls(
            start=start,
            end=end,
            zone=zone,
            opening=dict(opening),
            closed_days=closed,
            artists=artists,
            artist_hours={k: dict(v) for k, v in hours.items()},
            time_off={k: _Busy(v) for k, v in off.items()},
            artist_busy={},
            rooms=rooms,
            room_busy={},
        )
        if with_appointments:
            diary.book(
                appointments.values_list("artist_id", "room_id", "starts_at", "blocked_until")
            )
        return diary

    @classmethod
    def load_for_booking(
        cls,
        *,
        start: dt.datetime,
        end: dt.datetime,
        artist: User,
        appointment_type: AppointmentType,
        choosing_artist: bool = True,
        exclude_appointment_id: int | None = None,
    ) -> Diary:
        """The diary one booking of one artist is judged against, in one query: the same
        rows load() reads, for this artist only (see load_for_type)."""
        diary = cls.load_for_type(
            start=start,
            end=end,
            appointment_type=appointment_type,
            artist_id=artist.pk,
            choosing_artist=choosing_artist,
            exclude_appointment_id=exclude_appointment_id,
        )
        diary.artists = [artist] if diary.artists else []
        return diary

    @classmethod
    def load_for_type(
        cls,
        *,
        start: dt.datetime,
        end: dt.datetime,
        appointment_type: AppointmentType,
        artist_id: int | None = None,
        choosing_artist: bool = True,
        exclude_appointment_id: int | None = None,
    ) -> Diary:
        """The diary for times of one type between `start` and `end`, for one artist or
        all of them, in one query: the same rows load() reads with `for_type` (and
        `appointment_type` when `choosing_artist`).

        Which artists take bookings (of this type, when `choosing_artist`), the clinic's
        hours, closed days, the artists' hours, their approved time off, the
        appointments in [start, end) and the rooms the type may use come back together
        in one UNION ALL of uniform rows, whose SQL is built once per shape
        (_diary_query). The diary judges exactly as load()'s does; its artists carry
        only their id (in load()'s order)."""
        zone = clinic_zone()
        query = _diary_query(
            Room.objects.db,
            type_pk=appointment_type.pk,
            needs_room=appointment_type.needs_room,
            choosing_artist=choosing_artist,
            one_artist=artist_id is not None,
            excluding=exclude_appointment_id is not None,
        )
        rows = query.rows(
            artist=artist_id,
            excluded=exclude_appointment_id,
            first_day=start.astimezone(zone).date() - dt.timedelta(days=1),
            last_day=end.astimezone(zone).date() + dt.timedelta(days=1),
            start=start,
            end=end,
            booked_from=start - CARRIED_OVER,
        )
        database = Room.objects.db
        rooms = [
            Room.from_db(database, ["id", "name", "is_active"], (room_id, name, True))
            for _position, room_id, name in sorted(
                (row[3], row[2], row[9]) for row in rows if row[0] == _ROOM
            )
        ]
        artists = [
            User.from_db(database, ["id"], (artist,))
            for _position, artist in sorted(
                (row[3], row[1]) for row in rows if row[0] == _TAKES_BOOKINGS
            )
        ]
        folded = _HoursRows({a.pk for a in artists})
        booked = []
        for kind, artist, room_id, weekday, day, t1, t2, s, e, label in rows:
            if kind == _BOOKED:
                booked.append((artist, room_id, s, e))
            else:
                folded.take(kind, artist, weekday, day, t1, t2, s, e, label)
        diary = folded.diary(start=start, end=end, zone=zone, artists=artists, rooms=rooms)
        diary.book(booked)
        return diary

    # --- working windows -------------------------------------------------------

    def working_minutes(self, artist_id: int, day: dt.date) -> int:
        """How long this artist works on a local date: their hours within the clinic's,
        less time off."""
        off = self.time_off.get(artist_id)
        total = 0
        for start, end in self.windows(artist_id, day):
            minutes = (end - start).total_seconds() / 60
            if off is not None:
                for off_start, off_end in zip(off.starts, off.ends, strict=True):
                    overlap = (min(end, off_end) - max(start, off_start)).total_seconds() / 60
                    minutes -= max(0, overlap)
            total += max(0, minutes)
        return int(total)

    def open_minutes(self, day: dt.date) -> int:
        """How long the clinic is open on a local date (a room's available time)."""
        if day in self.closed_days:
            return 0
        return int(
            sum(
                (
                    local_datetime(day, e, self.zone) - local_datetime(day, s, self.zone)
                ).total_seconds()
                / 60
                for s, e in self.opening.get(day.weekday(), [])
            )
        )

    def windows(self, artist_id: int, day: dt.date) -> list[Interval]:
        """When the clinic is open and this artist works on a local date, in UTC."""
        key = (artist_id, day)
        if key not in self._windows:
            if day in self.closed_days:
                result: list[Interval] = []
            else:
                weekday = day.weekday()
                clinic = [
                    (local_datetime(day, s, self.zone), local_datetime(day, e, self.zone))
                    for s, e in self.opening.get(weekday, [])
                ]
                artist = [
                    (local_datetime(day, s, self.zone), local_datetime(day, e, self.zone))
                    for s, e in self.artist_hours.get(artist_id, {}).get(weekday, [])
                ]
                result = _intersect(clinic, artist)
            self._windows[key] = result
        return self._windows[key]

    def _within_hours(
        self, artist_id: int, start: dt.datetime, end: dt.datetime, day: dt.date
    ) -> bool:
        return any(s <= start and end <= e for s, e in self.windows(artist_id, day))

    def free_room(self, start: dt.datetime, block_end: dt.datetime) -> Room | None:
        for room, busy in self._rooms_busy:
            if busy is None or not busy.overlaps(start, block_end):
                return room
        return None

    # --- the rules ---------------------------------------------------------------

    def problem(
        self,
        *,
        artist_id: int,
        start: dt.datetime,
        end: dt.datetime,
        block_end: dt.datetime,
        needs_room: bool,
        room: Room | None = None,
        now: dt.datetime,
        earliest: dt.datetime,
        latest: dt.datetime | None = None,
        outside_hours_allowed: bool = False,
    ) -> Problem | None:
        """Why [start, end) (blocking until block_end) cannot be booked, or None."""
        return self.judge(
            artist_id=artist_id,
            start=start,
            end=end,
            block_end=block_end,
            needs_room=needs_room,
            room=room,
            now=now,
            earliest=earliest,
            latest=latest,
            outside_hours_allowed=outside_hours_allowed,
        )[0]

    def judge(
        self,
        *,
        artist_id: int,
        start: dt.datetime,
        end: dt.datetime,
        block_end: dt.datetime,
        needs_room: bool,
        room: Room | None = None,
        now: dt.datetime,
        earliest: dt.datetime,
        latest: dt.datetime | None = None,
        outside_hours_allowed: bool = False,
        day: dt.date | None = None,
    ) -> tuple[Problem | None, Room | None]:
        """problem(), and the room the time would use when there is none.

        `day` is the local date of `start` when the caller knows it already.
        """
        if start < now:
            return Problem("past", _("That time is in the past.")), None
        if start < earliest:
            local = timezone.localtime(earliest, self.zone)
            return Problem(
                "short_notice",
                "That is too short notice: the earliest time is "
                f"{formats.show(local, 'DAY_SHORT_CLOCK_FORMAT')}.",
            ), None
        if latest is not None and start > latest:
            return Problem(
                "too_far_ahead", _("That is further ahead than bookings are taken.")
            ), None
        if not outside_hours_allowed:
            day = day or start.astimezone(self.zone).date()
            if day in self.closed_days:
                return Problem("closed", _("The clinic is closed that day.")), None
            if not self._within_hours(artist_id, start, end, day):
                return Problem(
                    "outside_hours",
                    _("That is outside the clinic's opening hours or the artist's working hours."),
                ), None
            off = self.time_off.get(artist_id)
            if off is not None and off.overlaps(start, end):
                return Problem("time_off", _("The artist is away at that time."), "artist"), None
        busy = self.artist_busy.get(artist_id)
        if busy is not None and busy.overlaps(start, block_end):
            return Problem(
                "overlap",
                _("The artist already has an appointment then (clean-up time included)."),
            ), None
        if needs_room:
            if room is not None:
                if all(room.pk != usable.pk for usable in self.rooms):
                    refused = f"{room.name} is not used for this appointment."
                    return Problem("room_not_for_type", refused, "room"), None
                room_busy = self.room_busy.get(room.pk)
                if room_busy is not None and room_busy.overlaps(start, block_end):
                    taken = Problem("room_taken", f"{room.name} is already booked then.", "room")
                    return taken, None
                return None, room
            found = self.free_room(start, block_end)
            if found is None:
                return Problem("no_room", _("No treatment room is free then."), "room"), None
            return None, found
        return None, None


def _rooms_for(appointment_type: AppointmentType | None, *, distinct: bool = True):
    """The rooms in use an appointment type may take: those it names, or all of them.

    `distinct=False`: without the join that needs DISTINCT (e.g. to number the rooms)."""
    rooms = Room.objects.filter(is_active=True)
    if appointment_type is None or appointment_type.pk is None:
        return rooms
    named = AppointmentType.rooms.through.objects.filter(appointmenttype_id=appointment_type.pk)
    if not distinct:
        return rooms.filter(Exists(named.filter(room_id=OuterRef("pk"))) | ~Exists(named))
    return rooms.filter(Q(services=appointment_type) | ~Exists(named)).distinct()


def notice_window(
    *, source: str, now: dt.datetime, policy: BookingPolicy
) -> tuple[dt.datetime, dt.datetime | None]:
    """The earliest and latest start a booking from this source may have."""
    if source in CLINIC_CHOSEN_SOURCES:
        return now + dt.timedelta(minutes=policy.staff_notice_minutes), None
    return (
        now + dt.timedelta(hours=policy.online_notice_hours),
        now + dt.timedelta(days=policy.online_horizon_days),
    )


def _aligned(t: dt.datetime, zone: ZoneInfo, step: int) -> dt.datetime:
    """The first start at or after t on the clinic's step (e.g. every 15 minutes)."""
    local = t.astimezone(zone)
    minutes = local.hour * 60 + local.minute
    extra = (-minutes) % step
    if extra == 0 and local.second == 0 and local.microsecond == 0:
        return t
    bumped = local.replace(second=0, microsecond=0) + dt.timedelta(minutes=extra or step)
    return bumped.astimezone(UTC)


def free_slots(
    *,
    appointment_type: AppointmentType,
    start_date: dt.date,
    days: int,
    artist_id: int | None = None,
    minutes: int | None = None,
    source: str = BookingSource.ONLINE,
    now: dt.datetime | None = None,
    exclude_appointment_id: int | None = None,
) -> list[Slot]:
    """Free start times for a type over `days` local dates from `start_date`.

    One artist or all of them. Each slot carries the artist and, for types that
    need one, the room that would be used.
    """
    if not within_diary(start_date) or (LAST_DAY - start_date).days < days - 1:
        return []  # nothing is bookable there, and the arithmetic below would overflow
    now = now or timezone.now()
    policy = BookingPolicy.current()
    earliest, latest = notice_window(source=source, now=now, policy=policy)
    return _free_slots(
        appointment_type=appointment_type,
        start_date=start_date,
        days=days,
        artist_id=artist_id,
        minutes=minutes,
        now=now,
        earliest=earliest,
        latest=latest,
        policy=policy,
        exclude_appointment_id=exclude_appointment_id,
    )


def free_slots_without_notice(
    *,
    appointment_type: AppointmentType,
    start_date: dt.date,
    days: int,
    artist_id: int | None = None,
    policy: BookingPolicy,
) -> list[Slot]:
    """free_slots() for the type's usual length as if asked long before: no notice and no
    horizon. Keeping those after it that start no earlier than the notice allows and no
    later than the horizon gives exactly free_slots()'s answer (every start is on the
    clinic's step, whatever the moment of asking), which is what the cache keeps
    (scheduling.availability_cache)."""
    if not within_diary(start_date) or (LAST_DAY - start_date).days < days - 1:
        return []
    long_before = local_datetime(start_date, dt.time(0), clinic_zone()) - dt.timedelta(days=1)
    return _free_slots(
        appointment_type=appointment_type,
        start_date=start_date,
        days=days,
        artist_id=artist_id,
        minutes=None,
        now=long_before,
        earliest=long_before,
        latest=None,
        policy=policy,
        exclude_appointment_id=None,
    )


def _free_slots(
    *,
    appointment_type: AppointmentType,
    start_date: dt.date,
    days: int,
    artist_id: int | None,
    minutes: int | None,
    now: dt.datetime,
    earliest: dt.datetime,
    latest: dt.datetime | None,
    policy: BookingPolicy,
    exclude_appointment_id: int | None,
) -> list[Slot]:
    zone = clinic_zone()
    range_start = local_datetime(start_date, dt.time(0), zone)
    range_end = local_datetime(start_date + dt.timedelta(days=days), dt.time(0), zone)
    diary = Diary.load_for_type(
        start=range_start,
        end=range_end + dt.timedelta(hours=13),
        appointment_type=appointment_type,
        artist_id=artist_id,
        exclude_appointment_id=exclude_appointment_id,
    )
    return offered_slots(
        diary,
        appointment_type=appointment_type,
        start_date=start_date,
        days=days,
        minutes=minutes,
        now=now,
        earliest=earliest,
        latest=latest,
        policy=policy,
    )


def offered_slots(
    diary: Diary,
    *,
    appointment_type: AppointmentType,
    start_date: dt.date,
    days: int,
    minutes: int | None,
    now: dt.datetime,
    earliest: dt.datetime,
    latest: dt.datetime | None,
    policy: BookingPolicy,
) -> list[Slot]:
    """The free start times a diary offers for a type over `days` local dates: every
    time on the clinic's step for which the diary finds no problem."""
    zone = diary.zone
    minutes = minutes or appointment_type.default_minutes
    length = dt.timedelta(minutes=minutes)
    block = length + dt.timedelta(minutes=appointment_type.buffer_after_minutes)
    step = dt.timedelta(minutes=policy.slot_minutes)
    slots: list[Slot] = []
    for offset in range(days):
        day = start_date + dt.timedelta(days=offset)
        for artist in diary.artists:
            for window_start, window_end in diary.windows(artist.pk, day):
                start = _aligned(max(window_start, earliest), zone, policy.slot_minutes)
                busy = diary.artist_busy.get(artist.pk)
                while start + length <= window_end:
                    if latest is not None and start > latest:
                        break
                    end = start + length
                    problem, room = diary.judge(
                        artist_id=artist.pk,
                        start=start,
                        end=end,
                        block_end=start + block,
                        needs_room=appointment_type.needs_room,
                        now=now,
                        earliest=earliest,
                        latest=latest,
                        day=day,
                    )
                    if problem is None:
                        slots.append(Slot(start, end, artist.pk, room.pk if room else None))
                    elif problem.code == "overlap":
                        # Every start before the appointment in the way ends overlaps it too.
                        free_from = busy.free_from(start, start + block)
                        start = max(start + step, _aligned(free_from, zone, policy.slot_minutes))
                        continue
                    start += step
    slots.sort(key=lambda s: (s.start, s.artist_id))
    return slots
