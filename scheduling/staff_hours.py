"""Staff working hours, time off and the appointment types each artist offers.

The rules behind the team pages (scheduling/team_views.py) and the "My hours" page, in
plain functions: a week of working hours is checked as a whole (each range ends after
it starts, falls inside the clinic's opening hours and overlaps no other range that
day) and saved row by row, so the change history sees each row added or removed; time
off a member of staff asks for waits for the manager, and only approved time off keeps
clients out of their diary (scheduling.availability reads it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Role, User
from smpclinic import formats

from .availability_cache import days_between, free_times_changed
from .models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentType,
    ArtistHours,
    OpeningHours,
    TimeOff,
    TimeOffKind,
    TimeOffStatus,
    Weekday,
)

Span = tuple[dt.time, dt.time]
# weekday -> the ranges typed for it, in order; (None, None) is a row left empty.
WeekHours = dict[int, list[tuple[dt.time | None, dt.time | None]]]

# Whose working hours the manager keeps: an artist's decide when clients can be booked
# with them; the front desk's are their rota. A manager's day is their own.
HOURS_ROLES = frozenset({Role.ARTIST, Role.FRONT_DESK})


def range_key(weekday: int, index: int) -> str:
    """The name one range of a week goes by, in forms and in refusals."""
    return f"hours_{weekday}_{index}"


# --- Working hours --------------------------------------------------------------------


def opening_spans() -> dict[int, list[Span]]:
    """The clinic's opening hours per weekday, touching rows merged."""
    spans: dict[int, list[Span]] = {}
    for weekday, opens, closes in OpeningHours.objects.values_list("weekday", "opens", "closes"):
        spans.setdefault(weekday, []).append((opens, closes))
    for weekday, rows in spans.items():
        merged: list[Span] = []
        for opens, closes in sorted(rows):
            if merged and opens <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], closes))
            else:
                merged.append((opens, closes))
        spans[weekday] = merged
    return spans


def within_opening(weekday: int, starts: dt.time, ends: dt.time, spans: dict) -> bool:
    return any(opens <= starts and ends <= closes for opens, closes in spans.get(weekday, []))


def spans_in_words(spans: list[Span]) -> str:
    return ", ".join(formats.clock_span(opens, closes) for opens, closes in spans)


def hours_problems(week: WeekHours, *, spans: dict | None = None) -> dict[str, str]:
    """What is wrong with a week of working hours, by range (see range_key); empty when
    it can be saved. Empty rows are ignored."""
    spans = opening_spans() if spans is None else spans
    problems: dict[str, str] = {}
    for weekday, ranges in week.items():
        name = Weekday(weekday).label
        kept: list[tuple[int, dt.time, dt.time]] = []
        for index, (starts, ends) in enumerate(ranges):
            key = range_key(weekday, index)
            if starts is None and ends is None:
                continue
            if starts is None or ends is None:
                problems[key] = "Give both a start and an end time, or leave both empty."
                continue
            if ends <= starts:
                problems[key] = "The end must be after the start."
                continue
            if not within_opening(weekday, starts, ends, spans):
                open_then = spans.get(weekday, [])
                problems[key] = (
                    f"The clinic is open {spans_in_words(open_then)} on {name}s: working "
                    "hours must fall within the opening hours."
                    if open_then
                    else f"The clinic is closed on {name}s."
                )
                continue
            clash = next((k for k in kept if starts < k[2] and k[1] < ends), None)
            if clash is not None:
                problems[key] = (
                    f"This overlaps {formats.clock_span(clash[1], clash[2])} on the same day."
                )
                continue
            kept.append((index, starts, ends))
    return problems


def week_hours(member: User) -> dict[int, list[Span]]:
    """A member's working hours per weekday, earliest first (one query)."""
    week: dict[int, list[Span]] = {}
    for weekday, starts, ends in (
        ArtistHours.objects.filter(artist=member)
        .order_by("weekday", "starts")
        .values_list("weekday", "starts", "ends")
    ):
        week.setdefault(weekday, []).append((starts, ends))
    return week


def week_in_words(week: dict[int, list[Span]]) -> list[tuple[str, str, bool]]:
    """Each weekday, its hours as people read them and whether they work that day:
    ("Monday", "09:00–13:00, 14:00–18:00", True), or ("Sunday", "Not working", False)."""
    return [
        (day.label, spans_in_words(week[day.value]), True)
        if week.get(day.value)
        else (day.label, gettext("Not working"), False)
        for day in Weekday
    ]


def keeps_hours(member: User) -> bool:
    return member.role in HOURS_ROLES


@transaction.atomic
def week_hours_save(*, member: User, week: WeekHours) -> tuple[int, int]:
    """Replace a member's working hours with the week given, after checking it whole.

    Rows that stay as they were are left alone; the others are deleted or created one
    by one (normal saves, so the change history records each). Returns (added, removed).
    Raises ValidationError keyed by range (range_key) and nothing is changed.
    """
    if not keeps_hours(member):
        raise ValidationError(gettext("Working hours are kept for artists and the front desk."))
    problems = hours_problems(week)
    if problems:
        raise ValidationError(problems)
    wanted = {
        (weekday, starts, ends)
        for weekday, ranges in week.items()
        for starts, ends in ranges
        if starts is not None and ends is not None
    }
    # Locked: two managers saving the same week at once end with one of the two weeks.
    User.objects.select_for_update().filter(pk=member.pk).first()
    removed = 0
    have = set()
    for row in ArtistHours.objects.filter(artist=member):
        key = (row.weekday, row.starts, row.ends)
        if key in wanted and key not in have:
            have.add(key)
        else:
            row.delete()
            removed += 1
    added = 0
    for weekday, starts, ends in sorted(wanted - have):
        ArtistHours(artist=member, weekday=weekday, starts=starts, ends=ends).save()
        added += 1
    if added or removed:
        free_times_changed(everything=True)
    return added, removed


# --- Time off -------------------------------------------------------------------------


def _may_act_for(by: User, member: User) -> bool:
    return by.is_manager or by.pk == member.pk


@transaction.atomic
def time_off_add(
    *,
    member: User,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    kind: str,
    note: str = "",
    by: User,
    now: dt.datetime | None = None,
) -> TimeOff:
    """Time off for a member of staff. The manager's entries are approved at once; a
    member asking for their own is a request, which blocks nothing until approved."""
    if not member.is_clinic_staff or not _may_act_for(by, member):
        raise PermissionDenied("Only the manager adds time off for someone else.")
    now = now or timezone.now()
    errors = {}
    if kind not in TimeOffKind.values:
        errors["kind"] = "Choose what kind of time off it is."
    if ends_at <= starts_at:
        errors["ends_at"] = "The time off must end after it starts."
    approved = by.is_manager
    if not approved and ends_at <= now:
        errors["ends_at"] = "That time has passed: ask for time off that is still ahead."
    if errors:
        raise ValidationError(errors)
    time_off = TimeOff(
        artist=member,
        starts_at=starts_at,
        ends_at=ends_at,
        kind=kind,
        note=note.strip(),
        status=TimeOffStatus.APPROVED if approved else TimeOffStatus.REQUESTED,
    )
    time_off.save()
    if approved:
        _time_off_changed(time_off)
    return time_off


def _time_off_changed(time_off: TimeOff) -> None:
    free_times_changed(days=days_between(time_off.starts_at, time_off.ends_at))


@transaction.atomic
def time_off_decide(*, time_off: TimeOff, approve: bool, by: User) -> TimeOff:
    """The manager approves or declines a request, once."""
    if not by.is_manager:
        raise PermissionDenied("Only the manager approves time off.")
    current = TimeOff.objects.select_for_update().get(pk=time_off.pk)
    if current.status != TimeOffStatus.REQUESTED:
        raise ValidationError(
            f"This request has been {current.get_status_display().lower()} already."
        )
    current.status = TimeOffStatus.APPROVED if approve else TimeOffStatus.DECLINED
    current.save(update_fields=["status"])
    if approve:
        _time_off_changed(current)
    return current


@transaction.atomic
def time_off_remove(*, time_off: TimeOff, by: User) -> None:
    """The manager removes any time off; a member withdraws their own request while it
    still waits (approved time off is the manager's to take back)."""
    if not by.is_manager:
        if time_off.artist_id != by.pk:
            raise PermissionDenied("Only the manager removes someone else's time off.")
        if time_off.status != TimeOffStatus.REQUESTED:
            raise ValidationError(
                "Only a request that is still waiting can be withdrawn: ask the manager."
            )
    time_off.delete()
    if time_off.status == TimeOffStatus.APPROVED:
        _time_off_changed(time_off)


def time_off_ahead(member: User, *, now: dt.datetime | None = None) -> list[TimeOff]:
    """A member's time off and requests that have not ended yet, soonest first."""
    now = now or timezone.now()
    return list(TimeOff.objects.filter(artist=member, ends_at__gt=now).order_by("starts_at", "pk"))


def time_off_requests_waiting() -> list[TimeOff]:
    """Every request waiting for the manager, soonest first (one query)."""
    return list(
        TimeOff.objects.filter(status=TimeOffStatus.REQUESTED)
        .select_related("artist")
        .order_by("starts_at", "pk")
    )


def appointments_during(time_off: TimeOff) -> int:
    """How many active appointments the member has during this time off: approving it
    does not move them, so the manager is told."""
    return Appointment.objects.filter(
        Q(artist_id=time_off.artist_id)
        & Q(status__in=ACTIVE_STATUSES)
        & Q(starts_at__lt=time_off.ends_at)
        & Q(ends_at__gt=time_off.starts_at)
    ).count()


# --- The appointment types an artist offers ---------------------------------------------


def offered_types(artist: User) -> list[AppointmentType]:
    """The active appointment types this artist takes (one query)."""
    return list(
        AppointmentType.objects.filter(is_active=True)
        .exclude(not_offered_by=artist)
        .order_by("position", "name")
    )


@transaction.atomic
def offered_types_set(*, artist: User, offered: Iterable[AppointmentType]) -> None:
    """Say which of the active appointment types an artist takes; the others they no
    longer do (appointments already booked stay)."""
    if artist.role != Role.ARTIST:
        raise ValidationError(gettext("Only artists take appointments."))
    offered_ids = {t.pk for t in offered}
    for appointment_type in AppointmentType.objects.filter(is_active=True):
        if appointment_type.pk in offered_ids:
            appointment_type.not_offered_by.remove(artist)
        else:
            appointment_type.not_offered_by.add(artist)
    free_times_changed(everything=True)
