"""What the day page shows: a time grid per artist (the week's grid is scheduling.week_grid).

Nothing here decides whether a time can be booked: the grid asks
`availability.Diary` (working windows, time off, overlaps, notice) for each
cell, so a free cell on the page is a time the booking rules accept. This
module only lays the answers out, in the clinic's wall-clock time.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from django.utils import timezone

from accounts.models import User
from smpclinic import formats
from smpclinic.clinic import clinic_zone, local_datetime, wall_instants

from .availability import Diary, grid_hours, notice_window
from .diary_rows import DiaryAppointment, diary_appointments
from .models import (
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentStatus,
    BookingSource,
)

# Distinct colours for artists in the week grid (diary.css has one class each).
ARTIST_COLOURS = 8

# How a problem from Diary.problem() looks in an empty cell of the day grid.
_CELL_KIND_FOR_PROBLEM = {
    "past": "past",
    "short_notice": "past",
    "closed": "closed",
    "outside_hours": "closed",
    "time_off": "away",
}


@dataclass
class Cell:
    """One cell of the day grid: an appointment block or an empty time."""

    kind: str  # appointment, free, busy, past, away, closed
    artist: User
    start: dt.datetime  # in the clinic's zone
    appointment: DiaryAppointment | None = None
    rowspan: int = 1

    @property
    def start_param(self) -> str:
        """The start as the booking form reads it from the URL: clinic time with its UTC
        offset, so the first and the second 01:15 of the night the clocks go back differ."""
        return self.start.isoformat(timespec="minutes")


@dataclass
class Row:
    start: dt.datetime  # in the clinic's zone
    is_hour: bool
    is_now: bool
    cells: list[Cell] = field(default_factory=list)


@dataclass
class Column:
    artist: User
    lanes: int = 1
    working: bool = True  # has working hours inside the clinic's hours that day
    away: bool = False  # has time off during them


@dataclass
class DayPlan:
    day: dt.date
    is_today: bool
    is_closed: bool
    closed_reason: str
    opening: list[tuple[dt.time, dt.time]]
    columns: list[Column]
    rows: list[Row]
    appointments: list[DiaryAppointment]  # shown in the grid
    cancelled: list[DiaryAppointment]
    slot_minutes: int

    @property
    def previous(self) -> dt.date:
        return self.day - dt.timedelta(days=1)

    @property
    def next(self) -> dt.date:
        return self.day + dt.timedelta(days=1)


def week_start(day: dt.date) -> dt.date:
    """The first day of the clinic's week a date falls in (Monday, or Sunday in the US:
    smpclinic.formats.first_weekday)."""
    return formats.week_start(day)


def _opening(diary: Diary, day: dt.date) -> list[tuple[dt.time, dt.time]]:
    if day in diary.closed_days:
        return []
    return sorted(diary.opening.get(day.weekday(), []))


def _row_starts(
    day: dt.date, first: dt.datetime, last: dt.datetime, step: int, zone
) -> list[dt.datetime]:
    """The day grid's row starts (UTC, in order) covering [first, last).

    A row every `step` minutes of the wall clock, one per real moment: a time the
    clocks skip has none, one they repeat has two (01:15 BST, then 01:15 GMT).
    """
    every = _slot_moments(day, step, zone)
    if not every:
        return []
    first_row = max(bisect_right(every, first) - 1, 0)
    last_row = max(bisect_left(every, last), first_row + 1)
    return list(every[first_row:last_row])


@lru_cache(maxsize=64)
def _slot_moments(day: dt.date, step: int, zone) -> tuple[dt.datetime, ...]:
    """Every moment (UTC, in order) a slot of the wall clock starts at on this day: the
    same for every view of the day, and working them out cost a tenth of the page."""
    every = set()
    for minute in range(0, 24 * 60, step):
        wall = dt.time(minute // 60, minute % 60)
        every.update(moment.astimezone(dt.UTC) for moment in wall_instants(day, wall, zone))
    return tuple(sorted(every))


def _lanes(blocks: list[tuple[int, int, DiaryAppointment]]) -> tuple[list[int], int]:
    """Side-by-side lanes so blocks that share rows (a no-show and a walk-in) both show."""
    lane_ends: list[int] = []
    lanes = []
    for first, last, _ in blocks:
        for lane, end in enumerate(lane_ends):
            if end <= first:
                lane_ends[lane] = last
                lanes.append(lane)
                break
        else:
            lane_ends.append(last)
            lanes.append(len(lane_ends) - 1)
    return lanes, max(len(lane_ends), 1)


def day_plan(*, day: dt.date, artist_id: int | None = None, now: dt.datetime | None = None):
    """The day grid: a column per active artist, a row per slot of the opening hours.

    Reads the diary's hours, the booking policy and the services once (grid_hours), and
    the day's appointments with their flags once (with those from the evening before that
    still block its first hours), so the page costs the same two queries for one
    appointment or a thousand.
    """
    now = now or timezone.now()
    zone = clinic_zone()
    start = local_datetime(day, dt.time(0), zone)
    end = local_datetime(day + dt.timedelta(days=1), dt.time(0), zone)
    read = grid_hours(start=start, end=end)
    diary, policy = read.diary, read.policy
    step = policy.slot_minutes
    if artist_id is not None:
        diary.artists = [a for a in diary.artists if a.pk == artist_id]
    everything = diary_appointments(
        read, start=start, end=end, artist_id=artist_id, carried_over=True
    )
    # Free cells ask about the artist only: which room a booking takes depends
    # on its type, and the booking form checks that.
    diary.take_appointments(everything)
    everything = [a for a in everything if a.starts_at >= start]
    shown = [a for a in everything if a.status != AppointmentStatus.CANCELLED]
    cancelled = [a for a in everything if a.status == AppointmentStatus.CANCELLED]
    opening = _opening(diary, day)

    # A column per active artist, plus anyone who still has appointments that
    # day but no longer works here, so no appointment is ever hidden.
    artists = list(diary.artists)
    known = {a.pk for a in artists}
    for appointment in shown:
        if appointment.artist_id not in known:
            artists.append(appointment.artist())
            known.add(appointment.artist_id)

    # The grid covers the opening hours, stretched to fit any appointment
    # booked outside them: from the row the earliest starts in to the row the
    # latest ends in, as real moments (UTC), so a day the clocks change is as long
    # as it really is.
    spans = [(local_datetime(day, s, zone), local_datetime(day, e, zone)) for s, e in opening]
    spans += [(max(a.starts_at, start), min(a.ends_at, end)) for a in shown]
    now_local = now.astimezone(zone)
    is_today = now_local.date() == day
    rows: list[Row] = []
    columns: list[Column] = []
    if spans:
        row_starts = _row_starts(
            day, min(s for s, _ in spans), max(e for _, e in spans), step, zone
        )
        length = dt.timedelta(minutes=step)
        for row_start in row_starts:
            local = row_start.astimezone(zone)
            rows.append(
                Row(
                    start=local,
                    is_hour=local.minute == 0,
                    is_now=is_today and row_start <= now < row_start + length,
                )
            )
        earliest, _ = notice_window(source=BookingSource.FRONT_DESK, now=now, policy=policy)
        staff = {a.pk for a in diary.artists}
        theirs: dict[int, list[DiaryAppointment]] = defaultdict(list)
        for appointment in shown:
            theirs[appointment.artist_id].append(appointment)
        for artist in artists:
            columns.append(
                _fill_column(
                    diary,
                    artist,
                    day,
                    theirs[artist.pk],
                    rows,
                    row_starts,
                    step,
                    now,
                    earliest,
                    working_here=artist.pk in staff,
                )
            )
    return DayPlan(
        day=day,
        is_today=is_today,
        is_closed=not opening,
        closed_reason=read.closed_reasons.get(day, ""),
        opening=opening,
        columns=columns,
        rows=rows,
        appointments=shown,
        cancelled=cancelled,
        slot_minutes=step,
    )


def _fill_column(
    diary: Diary,
    artist: User,
    day: dt.date,
    theirs: list[DiaryAppointment],
    rows: list[Row],
    row_starts: list[dt.datetime],
    step: int,
    now: dt.datetime,
    earliest: dt.datetime,
    *,
    working_here: bool,
) -> Column:
    """Add this artist's cells to every row; returns the column's header data.
    `theirs`: the artist's appointments shown that day; `working_here`: whether the artist
    takes bookings (one who has left has no hours)."""
    row_count = len(rows)
    blocks = []
    for appointment in theirs:
        # Rows by the real moments they start at, so the clocks changing moves nothing.
        first = bisect_right(row_starts, appointment.starts_at) - 1
        last = bisect_left(row_starts, appointment.ends_at)
        first = min(max(first, 0), row_count - 1)
        blocks.append((first, min(max(last, first + 1), row_count), appointment))
    lanes, lane_count = _lanes(blocks)
    starts = {
        (first, lane): (last - first, a)
        for (first, last, a), lane in zip(blocks, lanes, strict=True)
    }
    covered = {
        (row, lane)
        for (first, last, _), lane in zip(blocks, lanes, strict=True)
        for row in range(first + 1, last)
    }
    artist_id = artist.pk
    windows = diary.windows(artist_id, day) if working_here else []
    away = diary.time_off.get(artist_id)
    column = Column(
        artist=artist,
        lanes=lane_count,
        working=bool(windows),
        away=any(away.overlaps(s, e) for s, e in windows) if away else False,
    )
    length = dt.timedelta(minutes=step)
    for index, row in enumerate(rows):
        slot_start = row_starts[index]
        kind = None
        for lane in range(lane_count):
            if (index, lane) in covered:
                continue
            if (index, lane) in starts:
                rowspan, appointment = starts[(index, lane)]
                row.cells.append(
                    Cell("appointment", artist, row.start, appointment=appointment, rowspan=rowspan)
                )
                continue
            if kind is None:
                kind = _empty_kind(diary, artist_id, windows, slot_start, length, now, earliest)
            row.cells.append(Cell(kind, artist, row.start))
    return column


def _empty_kind(diary, artist_id, windows, start, length, now, earliest) -> str:
    end = start + length
    if not any(s <= start and end <= e for s, e in windows):
        return "closed"
    problem = diary.problem(
        artist_id=artist_id,
        start=start,
        end=end,
        block_end=end,
        needs_room=False,
        now=now,
        earliest=earliest,
    )
    if problem is None:
        return "free"
    return _CELL_KIND_FOR_PROBLEM.get(problem.code, "busy")


# --- history ----------------------------------------------------------------------


def _when(moment: dt.datetime | None) -> str:
    if moment is None:
        return "—"
    local = timezone.localtime(moment, clinic_zone())
    return f"{formats.show(local, 'DAY_SHORT_FORMAT')} {formats.clock(local)}"


def _status_label(value: str) -> str:
    try:
        return AppointmentStatus(value).label.lower()
    except ValueError:
        return value or "—"


@dataclass
class HistoryLine:
    text: str
    by: str
    at: dt.datetime


def describe_event(event: AppointmentEvent) -> HistoryLine:
    """One line of an appointment's history, in the clinic's time."""
    if event.kind == AppointmentEventKind.CREATED:
        text = f"{event.detail or 'Booked'} for {_when(event.to_starts_at)}"
    elif event.kind == AppointmentEventKind.MOVED:
        text = f"Moved from {_when(event.from_starts_at)} to {_when(event.to_starts_at)}"
        if event.detail:
            text += f" ({event.detail})"
    elif event.kind == AppointmentEventKind.CANCELLED:
        text = "Cancelled"
        if event.detail:
            text += f": {event.detail}"
    elif event.kind == AppointmentEventKind.STATUS:
        text = f"Marked {_status_label(event.to_status)} (was {_status_label(event.from_status)})"
        if event.detail:
            text += f": {event.detail}"
    else:
        text = event.get_kind_display()
        if event.detail:
            text += f": {event.detail}"
    return HistoryLine(text=text, by=str(event.by) if event.by else "", at=event.at)
