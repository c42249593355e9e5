"""Free times kept in the shared cache until something that changes them happens.

The public asks the same question again and again (which times are free for this type
on these days?) and the answer only changes when the diary does. So each day's answer
for a type (and artist) is computed once, without the notice and horizon that depend
on the moment of asking, and kept under a key that carries two *generations*: one for
that day, one for everything. `free_times_changed()` gives the days it is told about
(or everything) a new generation, so the old answers are never read again; it is
called, explicitly, by every function that books, moves, cancels or changes the status
of an appointment (with the old and the new days) and by those that edit opening hours,
closed days, time off, working hours, rooms, appointment types, the artists offering
them and the booking policy.

Invalidation is precise, never a time-based guess. The race between a reader and a
write is closed this way: a reader reads the generations *before* it reads the diary,
and stores its answer under them; a write gives new generations as it writes and again
once its transaction has committed. An answer computed from a diary read before the
commit is stored under generations the second change has already retired.

Notice and horizon are applied when an answer is read (`now` is not part of the key),
so no past or too-near time is ever offered from the cache.

The cache failing must never stop public booking: any error reading or writing it is
logged and the times are computed from the diary as if there were no cache.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Iterable

from django.core.cache import cache
from django.utils import timezone

from smpclinic.cache import TEAM_GENERATION, new_generation
from smpclinic.clinic import clinic_zone

from .availability import (
    LAST_DAY,
    Slot,
    free_slots,
    free_slots_without_notice,
    notice_window,
    within_diary,
)
from .models import AppointmentType, BookingPolicy, BookingSource

logger = logging.getLogger(__name__)

PREFIX = "free-times:1"
EVERYTHING = f"{PREFIX}:generation:all"
# An answer of an old generation is never read again; it is dropped after this long
# only to give its memory back.
KEEP_SECONDS = 2 * 24 * 3600
# More days than this changed at once: everything gets a new generation instead.
MAX_DAYS_AT_ONCE = 62
# The longest span the cache answers (the API's 31 days and the public week fit).
MAX_DAYS_CACHED = 62


def _day_key(day: dt.date) -> str:
    return f"{PREFIX}:generation:{day.isoformat()}"


def free_times_changed(*, days: Iterable[dt.date] = (), everything: bool = False) -> None:
    """The free times of these local dates (or of every date) may have changed.

    Marked now and again when the current transaction commits (see the module's note).
    Someone joining or leaving the team is marked by accounts (smpclinic.cache.team_changed)."""
    days = set(days)
    if everything or len(days) > MAX_DAYS_AT_ONCE:
        keys = [EVERYTHING]
    else:
        keys = [_day_key(day) for day in sorted(days)]
    if keys:
        new_generation(*keys)


def forget_all_free_times() -> None:
    """Never read any free times cached so far (outside any transaction: e.g. a new
    database restored under the same cache)."""
    try:
        cache.set(EVERYTHING, uuid.uuid4().hex, timeout=None)
    except Exception:
        logger.warning("Free times: could not mark a change in the cache", exc_info=True)


def days_between(start: dt.datetime, end: dt.datetime) -> list[dt.date]:
    """The clinic's local dates that [start, end] touches."""
    zone = clinic_zone()
    first = start.astimezone(zone).date()
    last = max(end.astimezone(zone).date(), first)
    if (last - first).days > MAX_DAYS_AT_ONCE:
        # Past the limit free_times_changed turns it into "everything" anyway.
        last = first + dt.timedelta(days=MAX_DAYS_AT_ONCE + 1)
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def dates_between(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every date from first to last (more than MAX_DAYS_AT_ONCE stands for everything)."""
    count = min((last - first).days, MAX_DAYS_AT_ONCE + 1) + 1
    return [first + dt.timedelta(days=n) for n in range(max(count, 1))]


def _generations(days: list[dt.date]) -> dict[str, str] | None:
    """The current generation of everything and of each day; made where missing."""
    keys = [EVERYTHING, TEAM_GENERATION, *(_day_key(day) for day in days)]
    found = cache.get_many(keys)
    missing = [key for key in keys if key not in found]
    if missing:
        for key in missing:
            cache.add(key, uuid.uuid4().hex, timeout=None)
        found = cache.get_many(keys)
        if any(key not in found for key in keys):
            return None  # the cache keeps nothing (unreachable): compute without it
    return found


def _answer_key(
    generations: dict[str, str],
    day: dt.date,
    appointment_type: AppointmentType,
    artist_id: int | None,
    slot_minutes: int,
) -> str:
    return ":".join(
        str(part)
        for part in (
            PREFIX,
            generations[EVERYTHING],
            generations[TEAM_GENERATION],
            generations[_day_key(day)],
            appointment_type.pk,
            appointment_type.default_minutes,
            appointment_type.buffer_after_minutes,
            int(appointment_type.needs_room),
            artist_id or "all",
            slot_minutes,
            clinic_zone().key,
            day.isoformat(),
        )
    )


def _compute_days(
    appointment_type: AppointmentType,
    days: list[dt.date],
    artist_id: int | None,
    policy: BookingPolicy,
) -> dict[dt.date, list[Slot]]:
    """Each of these days' free times without notice or horizon, in one diary read."""
    first, last = days[0], days[-1]
    slots = free_slots_without_notice(
        appointment_type=appointment_type,
        start_date=first,
        days=(last - first).days + 1,
        artist_id=artist_id,
        policy=policy,
    )
    zone = clinic_zone()
    by_day: dict[dt.date, list[Slot]] = {day: [] for day in days}
    for slot in slots:
        day = slot.start.astimezone(zone).date()
        if day in by_day:
            by_day[day].append(slot)
    return by_day


def cached_free_slots(
    *,
    appointment_type: AppointmentType,
    start_date: dt.date,
    days: int,
    artist_id: int | None = None,
    source: str = BookingSource.ONLINE,
    now: dt.datetime | None = None,
    policy: BookingPolicy | None = None,
) -> list[Slot]:
    """free_slots() for this type's usual length, answered from the cache where it can be.

    The same times free_slots() gives, in the same order. `policy` saves reading the
    booking policy again when the caller has it."""
    now = now or timezone.now()
    if (
        days < 1
        or days > MAX_DAYS_CACHED
        or not within_diary(start_date)
        or (LAST_DAY - start_date).days < days - 1
    ):
        return free_slots(
            appointment_type=appointment_type,
            start_date=start_date,
            days=days,
            artist_id=artist_id,
            source=source,
            now=now,
        )
    policy = policy or BookingPolicy.current()
    wanted = [start_date + dt.timedelta(days=n) for n in range(days)]
    by_day: dict[dt.date, list[Slot]] | None
    try:
        by_day = _from_cache(appointment_type, wanted, artist_id, policy)
    except Exception:
        logger.warning("Free times: the cache failed; computing without it", exc_info=True)
        by_day = None
    if by_day is None:
        by_day = _compute_days(appointment_type, wanted, artist_id, policy)
    earliest, latest = notice_window(source=source, now=now, policy=policy)
    earliest = max(earliest, now)
    return [
        slot
        for day in wanted
        for slot in by_day[day]
        if slot.start >= earliest and (latest is None or slot.start <= latest)
    ]


def _from_cache(
    appointment_type: AppointmentType,
    wanted: list[dt.date],
    artist_id: int | None,
    policy: BookingPolicy,
) -> dict[dt.date, list[Slot]] | None:
    generations = _generations(wanted)
    if generations is None:
        return None
    keys = {
        day: _answer_key(generations, day, appointment_type, artist_id, policy.slot_minutes)
        for day in wanted
    }
    found = cache.get_many(list(keys.values()))
    by_day = {day: found[key] for day, key in keys.items() if key in found}
    missing = [day for day in wanted if day not in by_day]
    if missing:
        computed = _compute_days(appointment_type, missing, artist_id, policy)
        by_day.update(computed)
        cache.set_many({keys[day]: computed[day] for day in missing}, timeout=KEEP_SECONDS)
    return by_day
