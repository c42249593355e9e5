"""The week as a time grid: days across, time down, a lane per artist (or per room) in
each day, appointments drawn at their real time and length, with closed hours, time off and
clean-up buffers shaded, and today's current time marked.

Like the day grid (scheduling.calendar), nothing here decides whether a time can be booked
or an appointment moved there: the booking services do, when the front desk drops a block.
This module only lays the week out, in a fixed number of queries whatever it holds. The grid
is laid in rows of GRID_MINUTES of the wall clock; the stylesheet (diary.css) places a block
by the classes `wg-r<first row>` and `wg-s<rows spanned>`, so the page needs no inline style
(the Content-Security-Policy allows none).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from html import escape as html_escape

from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

from accounts.models import User
from smpclinic import formats
from smpclinic.clinic import clinic_zone, clock_labels, local_datetime

from .availability import Diary, grid_hours
from .booking import MOVABLE_STATUSES
from .calendar import ARTIST_COLOURS, _opening, week_start
from .diary_rows import DiaryAppointment, diary_appointments
from .models import (
    AppointmentStatus,
    AppointmentType,
    Room,
)

GRID_MINUTES = 5
# The stylesheet has classes for this many rows (24 hours of 5 minutes).
MAX_ROWS = 24 * 60 // GRID_MINUTES
BY_ARTIST, BY_ROOM = "artist", "room"


@dataclass
class Block:
    """An appointment in its lane, with what the page prints precomputed."""

    appointment: DiaryAppointment
    row: int
    span: int
    buffer_span: int
    colour: int
    when: str  # "10:00–10:45"
    movable: bool
    column: int = 1  # side by side when two share a time (a no-show and a walk-in)
    html: str = ""  # its markup, escaped (render_blocks)

    @property
    def buffer_row(self) -> int:
        return self.row + self.span


@dataclass
class Shade:
    row: int
    span: int
    kind: str  # "closed" (outside hours), "away" (time off)


@dataclass
class Lane:
    key: str  # "a3", "r2"
    label: str
    short: str
    artist_id: int | None
    room_id: int | None
    colour: int | None
    blocks: list[Block] = field(default_factory=list)
    shades: list[Shade] = field(default_factory=list)
    columns: int = 1
    html: str = ""  # its shades and blocks' markup, escaped (render_blocks)


@dataclass
class GridDay:
    day: dt.date
    is_today: bool
    is_closed: bool
    closed_reason: str
    opening: list[tuple[dt.time, dt.time]]
    lanes: list[Lane]
    away: list[User] = field(default_factory=list)
    cancelled: int = 0
    now_row: int | None = None
    head_html: str = ""  # the day, its hours and notes (render_blocks)
    heads_html: str = ""  # its lanes' heads (render_blocks)
    lanes_html: str = ""  # its lanes (render_blocks)

    @property
    def appointment_count(self) -> int:
        return sum(len(lane.blocks) for lane in self.lanes)

    @property
    def iso(self) -> str:
        return self.day.isoformat()


@dataclass
class ArtistKey:
    artist: User
    colour: int


@dataclass
class WeekGrid:
    first_day: dt.date  # the clinic's first day of the week (smpclinic.formats)
    days: list[GridDay]
    by: str
    rows: int
    first_minute: int  # of the wall clock, where row 1 starts
    hours: list[tuple[int, str]]  # (row, "09:00") for each hour line
    slot_minutes: int
    artists: list[ArtistKey]
    rooms: list[Room]
    types: list[AppointmentType]
    selected_artist: User | None
    selected_room: Room | None
    selected_type: AppointmentType | None

    @property
    def service_keys(self) -> list[AppointmentType]:
        """The services with a stripe of their own, for the diary's key."""
        return [t for t in self.types if t.colour]

    @property
    def last_day(self) -> dt.date:
        return self.first_day + dt.timedelta(days=6)

    @property
    def previous(self) -> dt.date:
        return self.first_day - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.first_day + dt.timedelta(days=7)

    @property
    def appointment_count(self) -> int:
        return sum(day.appointment_count for day in self.days)

    @property
    def grid_minutes(self) -> int:
        return GRID_MINUTES

    @property
    def hour12(self) -> bool:
        """Whether the locale's clock is a 12-hour one (for the grid's script)."""
        return formats.hour12()

    @property
    def one_day(self) -> bool:
        return len(self.days) == 1


def _minute_of(moment: dt.datetime, zone) -> int:
    local = moment.astimezone(zone)
    return local.hour * 60 + local.minute


def _initials(name: str) -> str:
    return "".join(part[0] for part in name.split()[:2]).upper() or "?"


def _columns(blocks: list[Block]) -> int:
    """Side-by-side columns so blocks that share rows (a no-show and a walk-in) both show."""
    ends: list[int] = []
    for block in sorted(blocks, key=lambda b: (b.row, b.appointment.pk)):
        for n, end in enumerate(ends):
            if end <= block.row:
                ends[n] = block.row + block.span
                block.column = n + 1
                break
        else:
            ends.append(block.row + block.span)
            block.column = len(ends)
    return max(len(ends), 1)


def week_grid(
    *,
    day: dt.date,
    by: str = BY_ARTIST,
    artist_id: int | None = None,
    room_id: int | None = None,
    type_id: int | None = None,
    only_day: bool = False,
    now: dt.datetime | None = None,
) -> WeekGrid:
    """The clinic's week (from its first day: smpclinic.formats) around `day` (or `day`
    alone) as a time grid: the diary's hours, the services and the booking policy read
    once (grid_hours), the appointments with their flags once."""
    now = now or timezone.now()
    zone = clinic_zone()
    week_first_day = week_start(day)
    first_day, length = (day, 1) if only_day else (week_first_day, 7)
    start = local_datetime(first_day, dt.time(0), zone)
    end = local_datetime(first_day + dt.timedelta(days=length), dt.time(0), zone)
    read = grid_hours(start=start, end=end)
    diary, types = read.diary, read.types
    selected_type = next((t for t in types if t.pk == type_id), None)
    selected_artist = next((a for a in diary.artists if a.pk == artist_id), None)
    selected_room = next((r for r in diary.rooms if r.pk == room_id), None)

    # The flags other apps add (a deposit due) come in the same rows.
    everything = diary_appointments(
        read,
        start=start,
        end=end,
        artist_id=selected_artist and selected_artist.pk,
        room_id=selected_room and selected_room.pk,
        type_id=selected_type and selected_type.pk,
    )
    shown = [a for a in everything if a.status != AppointmentStatus.CANCELLED]

    colours = {artist.pk: n % ARTIST_COLOURS for n, artist in enumerate(diary.artists)}
    keys = [ArtistKey(artist, colours[artist.pk]) for artist in diary.artists]
    for appointment in shown:
        if appointment.artist_id not in colours:  # someone who has left: a colour of their own
            colours[appointment.artist_id] = len(colours) % ARTIST_COLOURS
            keys.append(ArtistKey(appointment.artist(), colours[appointment.artist_id]))

    # The grid covers the week's opening hours, stretched to fit any appointment outside them.
    dates = [first_day + dt.timedelta(days=n) for n in range(length)]
    openings = {date: _opening(diary, date) for date in dates}
    minutes = [s.hour * 60 + s.minute for date in dates for s, _ in openings[date]]
    minutes += [e.hour * 60 + e.minute for date in dates for _, e in openings[date]]
    # Each appointment's start and end on the clinic's clock, worked out once.
    local_times = [(a.starts_at.astimezone(zone), a.ends_at.astimezone(zone)) for a in everything]
    for appointment, (local_start, _local_end) in zip(everything, local_times, strict=True):
        if appointment.status != AppointmentStatus.CANCELLED:
            first = local_start.hour * 60 + local_start.minute
            minutes += [first, min(first + appointment.minutes, 24 * 60)]
    first_minute = (min(minutes, default=9 * 60) // 60) * 60
    last_minute = min(-(-max(minutes, default=18 * 60) // 60) * 60, 24 * 60)
    rows = max((last_minute - first_minute) // GRID_MINUTES, 1)

    def row_of(minute: int) -> int:
        return min(max((minute - first_minute) // GRID_MINUTES + 1, 1), rows)

    def span_of(first: int, length: int) -> int:
        return max(min(-(-length // GRID_MINUTES), rows - first + 1), 1)

    # The lanes of each day: an artist each (or the one chosen), or a room each.
    if by == BY_ROOM:
        lane_rooms = [selected_room] if selected_room else list(diary.rooms)
    else:
        lane_artists = [selected_artist] if selected_artist else [key.artist for key in keys]
        lane_names = [
            (artist.pk, artist.get_full_name(), _initials(artist.get_full_name()))
            for artist in lane_artists
        ]
    reasons = read.closed_reasons
    staff = {artist.pk for artist in diary.artists}
    now_local = now.astimezone(zone)
    days: list[GridDay] = []
    by_day_lane: dict[tuple[dt.date, str], Lane] = {}
    for date in dates:
        opening = openings[date]
        if by == BY_ROOM:
            lanes = [
                Lane(f"r{room.pk}", room.name, room.name, None, room.pk, None)
                for room in lane_rooms
            ]
        else:
            lanes = [
                Lane(f"a{pk}", name, initials, pk, None, colours[pk])
                for pk, name, initials in lane_names
            ]
        grid_day = GridDay(
            day=date,
            is_today=date == now_local.date(),
            is_closed=not opening,
            closed_reason=reasons.get(date, ""),
            opening=opening,
            lanes=lanes,
        )
        for lane in lanes:
            _shade(lane, diary, staff, date, first_minute, last_minute, row_of, span_of, zone)
            by_day_lane[(date, lane.key)] = lane
        for artist in diary.artists:
            if selected_artist is not None and artist.pk != selected_artist.pk:
                continue
            off = diary.time_off.get(artist.pk)
            if off and any(off.overlaps(s, e) for s, e in diary.windows(artist.pk, date)):
                grid_day.away.append(artist)
        if grid_day.is_today:
            minute = now_local.hour * 60 + now_local.minute
            if first_minute <= minute < last_minute:
                grid_day.now_row = row_of(minute)
        days.append(grid_day)
    day_of = {grid_day.day: grid_day for grid_day in days}
    clock = clock_labels(name_repeated=False)

    for appointment, (local_start, local_end) in zip(everything, local_times, strict=True):
        grid_day = day_of[local_start.date()]
        if appointment.status == AppointmentStatus.CANCELLED:
            grid_day.cancelled += 1
            continue
        key = f"r{appointment.room_id}" if by == BY_ROOM else f"a{appointment.artist_id}"
        lane = by_day_lane.get((grid_day.day, key))
        if lane is None:
            if by == BY_ROOM:
                continue  # a video consultation has no room: the artist lanes show it
            # An artist who has left the clinic still has this appointment: a lane for it.
            lane = Lane(
                key,
                appointment.artist_name,
                _initials(appointment.artist_name),
                appointment.artist_id,
                None,
                colours[appointment.artist_id],
            )
            grid_day.lanes.append(lane)
            by_day_lane[(grid_day.day, key)] = lane
        first = row_of(local_start.hour * 60 + local_start.minute)
        length = appointment.minutes
        buffer = int((appointment.blocked_until - appointment.ends_at).total_seconds() // 60)
        span = span_of(first, length)
        lane.blocks.append(
            Block(
                appointment=appointment,
                row=first,
                span=span,
                buffer_span=span_of(first + span, buffer) if buffer > 0 else 0,
                colour=colours[appointment.artist_id],
                when=f"{clock(local_start)}–{clock(local_end)}",
                movable=appointment.status in MOVABLE_STATUSES,
            )
        )
    for grid_day in days:
        for lane in grid_day.lanes:
            lane.columns = _columns(lane.blocks)

    hours = [
        (row_of(minute), formats.show(dt.time(minute // 60), "HOUR_FORMAT"))
        for minute in range(first_minute, last_minute, 60)
    ]
    return WeekGrid(
        first_day=week_first_day,
        days=days,
        by=by,
        rows=rows,
        first_minute=first_minute,
        hours=hours,
        slot_minutes=read.slot_minutes,
        artists=keys,
        rooms=list(diary.rooms),
        types=types,
        selected_artist=selected_artist,
        selected_room=selected_room,
        selected_type=selected_type,
    )


def _shade(
    lane: Lane,
    diary: Diary,
    staff: set[int],
    date,
    first_minute,
    last_minute,
    row_of,
    span_of,
    zone,
):
    """Closed hours (the lane's artist not working, or the clinic closed) and time off.
    `staff`: the ids of the diary's artists (an artist who has left has no hours)."""
    if lane.artist_id is not None and lane.artist_id in staff:
        windows = diary.windows(lane.artist_id, date)
    elif lane.room_id is not None and date not in diary.closed_days:
        windows = [
            (local_datetime(date, s, zone), local_datetime(date, e, zone))
            for s, e in diary.opening.get(date.weekday(), [])
        ]
    else:
        windows = []
    open_spans = sorted(
        (max(_minute_of(s, zone), first_minute), min(_minute_of(e, zone), last_minute))
        for s, e in windows
    )
    at = first_minute
    for s, e in open_spans + [(last_minute, last_minute)]:
        if s > at:
            lane.shades.append(Shade(row_of(at), span_of(row_of(at), s - at), "closed"))
        at = max(at, e)
    off = diary.time_off.get(lane.artist_id) if lane.artist_id is not None else None
    if off is not None:
        day_start = local_datetime(date, dt.time(0), zone)
        day_end = local_datetime(date + dt.timedelta(days=1), dt.time(0), zone)
        for s, e in zip(off.starts, off.ends, strict=True):
            s, e = max(s, day_start), min(e, day_end)
            if s >= e:
                continue
            first = max(_minute_of(s, zone), first_minute)
            last = min(_minute_of(e, zone) if e < day_end else 24 * 60, last_minute)
            if last > first:
                lane.shades.append(
                    Shade(row_of(first), span_of(row_of(first), last - first), "away")
                )


def _escape(value) -> str:
    """What Django's escaping gives for plain text (its `escape` is this, behind a lazy-string
    wrapper that costs more than the escaping on a week of blocks)."""
    return html_escape(str(value))


def flag_badge(flag, written: dict) -> str:
    """A flag's badge on a diary block, written once a page (`written`, by flag)."""
    markup = written.get(id(flag))
    if markup is None:
        markup = written[id(flag)] = (
            f' <span class="badge text-bg-{_escape(flag.tone)} diary-flag" '
            f'data-testid="diary-flag">{_escape(flag.label)}</span>'
        )
    return markup


def render_blocks(
    plan: WeekGrid, *, can_move: bool, appointment_path: str, artist_filter: int | None = None
) -> None:
    """Write each block's markup once, in Python, and each lane's (its head; its shaded hours,
    the current time and its blocks): the week holds hundreds of appointments and shades, and
    the template engine costs about a millisecond for each block, a fifth of one for each
    shade and a tenth for each lane (README, speed). Everything shown is escaped here as the
    template would, and marked safe once a day. `artist_filter`: the artist the days' links
    keep to."""
    zone_note = plan.by == BY_ROOM
    # Each label translated once, not once a block (get_status_display hashes every
    # status's lazy label to look one up).
    status_labels = {value: _escape(label) for value, label in AppointmentStatus.choices}
    flag_markup: dict[int, str] = {}
    path = _escape(appointment_path)
    clock = clock_labels(name_repeated=False)
    # Names, services and statuses recur all week: each escaped once.
    escaped: dict[str, str] = {}

    def once(value: str) -> str:
        written = escaped.get(value)
        if written is None:
            written = escaped[value] = _escape(value)
        return written

    for grid_day in plan.days:
        day = grid_day.day.isoformat()
        for lane in grid_day.lanes:
            for block in lane.blocks:
                a = block.appointment
                movable = can_move and block.movable
                classes = (
                    f"wg-block wg-r{block.row} wg-s{block.span} wg-c{block.column} "
                    f"artist-colour-{block.colour} diary-week-{once(a.status)}"
                )
                if a.type_colour:
                    classes += f" service-colour-{once(a.type_colour)}"
                detail = a.type_name
                if zone_note:
                    detail += f" · {a.artist_name}"
                elif a.room_id:
                    detail += f" · {a.room_name}"
                inner = [
                    f'<span class="diary-block-time">{block.when}</span> ',
                    f"<strong>{_escape(a.client_name)}</strong> ",
                    f'<span class="wg-detail">{once(detail)}</span>',
                ]
                if not zone_note:
                    name = once(a.artist_name)
                    inner.append(f' <span class="visually-hidden">{name}</span>')
                if a.status != AppointmentStatus.BOOKED:
                    label = status_labels[a.status]
                    inner.append(f' <span class="wg-status">{label}</span>')
                inner.extend(flag_badge(flag, flag_markup) for flag in a.flags)
                if movable:
                    inner.append('<span class="wg-resize" aria-hidden="true"></span>')
                # Only text is escaped: the numbers and the fixed words need none.
                room = f' data-room="{a.room_id}"' if a.room_id is not None else ""
                drag = ' data-movable draggable="false"' if movable else ""
                attrs = (
                    f'href="{path}{a.pk}/" class="{classes}" data-testid="appointment" '
                    f'data-id="{a.pk}" data-day="{day}" data-artist="{a.artist_id}"{room} '
                    f'data-row="{block.row}" data-span="{block.span}" '
                    f'data-version="{_escape(a.updated_at.isoformat())}"{drag}'
                )
                buffer = (
                    f'<div class="wg-buffer wg-r{block.buffer_row} wg-s{block.buffer_span} '
                    f'wg-c{block.column}"></div>'
                    if block.buffer_span
                    else ""
                )
                block.html = f"{buffer}<a {attrs}>{''.join(inner)}</a>"
            shades = "".join(
                f'<div class="wg-shade wg-{shade.kind} wg-r{shade.row} wg-s{shade.span}"></div>'
                for shade in lane.shades
            )
            now = f'<div class="wg-now wg-r{grid_day.now_row}"></div>' if grid_day.now_row else ""
            blocks = "".join(block.html for block in lane.blocks)
            lane.html = f"{shades}{now}{blocks}"
        # The lanes' heads and the lanes themselves: seventy a week by artist.
        heads, lanes = [], []
        for lane in grid_day.lanes:
            colour = f" artist-colour-{lane.colour}" if lane.colour is not None else ""
            label = once(lane.label)
            heads.append(
                f'<span class="wg-lane-head{colour}" title="{label}">'
                f'<span aria-hidden="true">{once(lane.short)}</span>'
                f'<span class="visually-hidden">{label}</span></span>'
            )
            artist = f' data-artist="{lane.artist_id}"' if lane.artist_id else ""
            room = f' data-room="{lane.room_id}"' if lane.room_id else ""
            key = once(lane.key)
            lanes.append(
                f'\n        <div class="wg-lane wg-cols-{lane.columns}" data-lane="{key}" '
                f'data-day="{day}"{artist}{room} data-label="{label}">\n'
                f'          <div class="wg-fill wg-r1 wg-s{plan.rows}"></div>\n'
                f"          {lane.html}\n        </div>\n        "
            )
        grid_day.heads_html = mark_safe("".join(heads))  # noqa: S308 - escaped above
        grid_day.head_html = _day_head(grid_day, artist_filter, clock)
        grid_day.lanes_html = mark_safe("".join(lanes))  # noqa: S308 - escaped above


def _day_head(grid_day: GridDay, artist_filter: int | None, clock) -> str:
    """A day's head: the day (a link to its page), its opening hours or why it is closed,
    what was cancelled and who is away; written as the template wrote it, a week's seven
    heads cost the template engine more than the rest of the grid."""
    link = reverse("scheduling:day", args=[grid_day.day])
    if artist_filter:
        link += f"?artist={artist_filter}"
    today = (
        f' <span class="badge diary-today-badge">{_escape(gettext("Today"))}</span>'
        if grid_day.is_today
        else ""
    )
    label = _escape(date_format(grid_day.day, "DAY_SHORT_FORMAT"))
    if grid_day.is_closed:
        hours = _escape(gettext("Closed"))
        if grid_day.closed_reason:
            hours += f": {_escape(grid_day.closed_reason)}"
    else:
        hours = ", ".join(
            f"{_escape(clock(opens))}–{_escape(clock(closes))}"
            for opens, closes in grid_day.opening
        )
    count = grid_day.appointment_count
    notes = ""
    if grid_day.cancelled:
        notes = gettext("%(cancelled)s cancelled") % {"cancelled": grid_day.cancelled}
    elif not count and not grid_day.is_closed:
        notes = _escape(gettext("No appointments"))
    for n, artist in enumerate(grid_day.away):
        if n:
            notes += ", "
        elif grid_day.cancelled or not count:
            notes += " · "
        away = gettext("%(artist)s away") % {"artist": _escape(str(artist))}
        notes += f'<span class="diary-away-note">{away}</span>'
    iso = grid_day.iso
    return mark_safe(  # noqa: S308 - escaped above
        f'<h2 class="h6 mb-0" id="day-{iso}"><a href="{_escape(link)}">{label}</a>{today}</h2>\n'
        f'        <div class="small text-muted">{hours}</div>\n'
        f'        <div class="small text-muted">{notes}&nbsp;</div>'
    )
