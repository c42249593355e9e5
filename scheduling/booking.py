"""Booking, moving, cancelling and status changes: the only writes to the diary.

Views, the API, the online booking page, commands and tasks all call these.
Each is one transaction. The rules (hours, time off, notice, overlaps, rooms)
come from scheduling.availability, the same code that offers free times.

Each takes who is acting and through which door (`actor`, `channel`: see
scheduling.policy; by default what `by` and `source` imply) and asks the checks
registered by the apps that own the other rules (the client change-notice period,
the gap between sessions, the plan's artist, consultation gates, who may set which
status). What follows a change (the consultation record, aftercare, messages) is a
registered reaction. `now` (default: the present) lets the demo data and tests
record a visit that happened in the past through these same services.

No double booking: on SQLite the transaction takes the write lock when it
begins (IMMEDIATE mode), so the check and the insert cannot interleave with
another booking; bookings queue for that lock (the connection's timeout), and one
whose wait runs out raises OperationalError "database is locked", which the pages
answer with "try again" (smpclinic.database). On PostgreSQL the check gives the
friendly reason and the exclusion constraints catch the race the check cannot see.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from accounts.models import Role, User
from clients.models import Client
from clients.services import client_for_online_booking
from smpclinic import formats
from smpclinic.clinic import clinic_zone

from .availability import (
    OUTSIDE_DIARY,
    Diary,
    Problem,
    bookable_artists,
    free_slots,
    notice_window,
    within_diary,
)
from .availability_cache import days_between, free_times_changed
from .models import (
    CLINIC_CHOSEN_SOURCES,
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentKind,
    AppointmentStatus,
    AppointmentType,
    BookingPolicy,
    BookingSource,
    Room,
)
from .policy import Action, Actor, Change, Channel, Event, Happened, check_change, react
from .rules import attendance_problem

OVERLAP_CONSTRAINTS = {"appointment_artist_no_overlap", "appointment_room_no_overlap"}
# Refusals that mean "someone else has that time": the caller should pick another.
# Every other refusal means the time was never bookable.
CONFLICT_CODES = frozenset({"overlap", "room_taken", "no_room"})
DEADLOCK_DETECTED = "40P01"
# What a booker is told when SQLite stayed busy past its timeout (smpclinic.database).
# Marked only: the booking page shows it translated, the JSON API as it is.
BUSY_MESSAGE = gettext_noop(
    "Many people are booking at this moment and we could not save yours in time. "
    "Nothing was booked: please try again in a moment."
)
TREATMENT_KINDS = frozenset({AppointmentKind.TREATMENT, AppointmentKind.TOUCH_UP})

# Which status may follow which. Anything else is refused.
TRANSITIONS: dict[str, set[str]] = {
    AppointmentStatus.BOOKED: {
        AppointmentStatus.CONFIRMED,
        AppointmentStatus.ARRIVED,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.NO_SHOW,
    },
    AppointmentStatus.CONFIRMED: {
        AppointmentStatus.ARRIVED,
        AppointmentStatus.CANCELLED,
        AppointmentStatus.NO_SHOW,
    },
    AppointmentStatus.ARRIVED: {AppointmentStatus.COMPLETED},
    # A client marked as a no-show who turns up late after all.
    AppointmentStatus.NO_SHOW: {AppointmentStatus.ARRIVED},
    AppointmentStatus.COMPLETED: set(),
    AppointmentStatus.CANCELLED: set(),
}


# Only these can be moved; anything under way, over or cancelled stays where it was.
MOVABLE_STATUSES = frozenset({AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED})


# The channel a booking's source implies, when a caller names only the source.
CHANNEL_OF_SOURCE = {
    BookingSource.FRONT_DESK: Channel.DIARY,
    BookingSource.ONLINE: Channel.ONLINE_BOOKING,
    BookingSource.API: Channel.API,
    BookingSource.WAITLIST: Channel.MANAGE_LINK,
}


def status_changes_now(appointment: Appointment, *, now: dt.datetime | None = None) -> set[str]:
    """The statuses this appointment may take now: TRANSITIONS, less attendance that the
    rules refuse at this moment (scheduling.rules.attendance_problem)."""
    now = now or timezone.now()
    return {
        status
        for status in TRANSITIONS[appointment.status]
        if attendance_problem(appointment, status, now=now) is None
    }


def _who(by: User | None, actor: Actor | None, source: str | None = None, channel=None):
    """The actor and channel of a change: as given, else what `by` and `source` imply."""
    actor = actor or Actor.of(by)
    if channel is None:
        channel = CHANNEL_OF_SOURCE.get(source, Channel.DIARY) if source else Channel.DIARY
    return actor, channel


class BookingRefused(ValidationError):
    """A booking or move that breaks a rule; `code` says which, `field` where."""

    def __init__(self, problem: Problem):
        self.problem = problem
        super().__init__({problem.field: [ValidationError(problem.message, code=problem.code)]})

    @property
    def reason(self) -> str:
        return self.problem.code

    @property
    def text(self) -> str:
        return self.problem.message


def _refuse(code: str, message: str, field: str = "starts_at"):
    raise BookingRefused(Problem(code, message, field))


def _check_within_diary(starts_at: dt.datetime) -> None:
    """Checked first, before any arithmetic: at year 1 or 9999 it would overflow."""
    if not within_diary(starts_at.date()):
        _refuse("outside_diary", OUTSIDE_DIARY)


def _is_overlap_violation(error: IntegrityError) -> bool:
    cause = error.__cause__
    name = getattr(getattr(cause, "diag", None), "constraint_name", None)
    return name in OVERLAP_CONSTRAINTS


def _check_artist(artist: User) -> None:
    if not artist.is_active or artist.role != Role.ARTIST:
        _refuse("not_an_artist", _("Choose one of the clinic's artists."), "artist")


def _check_length(appointment_type: AppointmentType, minutes: int) -> None:
    if not appointment_type.min_minutes <= minutes <= appointment_type.max_minutes:
        _refuse(
            "length",
            f"A {appointment_type.name.lower()} lasts between {appointment_type.min_minutes} "
            f"and {appointment_type.max_minutes} minutes.",
            "minutes",
        )


def _outside_hours_allowed(by: User | None, note: str) -> bool:
    if not note:
        return False
    if by is None or by.role != Role.MANAGER:
        _refuse(
            "override_not_allowed",
            _("Only a manager can book outside the usual hours."),
            "outside_hours_note",
        )
    return True


def _judge(
    *,
    appointment_type: AppointmentType,
    artist: User,
    room: Room | None,
    starts_at: dt.datetime,
    minutes: int,
    source: str,
    by: User | None,
    outside_hours_note: str,
    now: dt.datetime,
    policy: BookingPolicy,
    exclude_appointment_id: int | None = None,
    choosing_artist: bool = True,
) -> tuple[dt.datetime, dt.datetime, Room | None]:
    """Check every rule for this time; returns (ends_at, blocked_until, room).

    `policy`: the clinic's booking policy, read once by the caller.
    `choosing_artist`: the artist is being chosen (a new booking, or a move to another
    artist), so they must offer this type; a move that keeps its artist keeps them."""
    if timezone.is_naive(starts_at):
        _refuse("naive_time", _("Give the time with its time zone."))
    _check_artist(artist)
    _check_length(appointment_type, minutes)
    if appointment_type.needs_room and room is not None and not room.is_active:
        _refuse("room_closed", f"{room.name} is not in use.", "room")
    if not appointment_type.needs_room:
        room = None
    earliest, latest = notice_window(source=source, now=now, policy=policy)
    ends_at = starts_at + dt.timedelta(minutes=minutes)
    blocked_until = ends_at + dt.timedelta(minutes=appointment_type.buffer_after_minutes)
    diary = Diary.load_for_booking(
        start=starts_at - dt.timedelta(days=1),
        end=blocked_until + dt.timedelta(days=1),
        artist=artist,
        appointment_type=appointment_type,
        choosing_artist=choosing_artist,
        exclude_appointment_id=exclude_appointment_id,
    )
    if not diary.artists:
        _refuse(
            "not_offered",
            f"{artist} does not take this kind of appointment ({appointment_type.name}). "
            "Choose another artist.",
            "artist",
        )
    problem = diary.problem(
        artist_id=artist.pk,
        start=starts_at,
        end=ends_at,
        block_end=blocked_until,
        needs_room=appointment_type.needs_room,
        room=room,
        now=now,
        earliest=earliest,
        latest=latest,
        outside_hours_allowed=_outside_hours_allowed(by, outside_hours_note),
    )
    if problem is not None:
        raise BookingRefused(problem)
    # Clients choose among offered times, which fall on the clinic's marks.
    if source not in CLINIC_CHOSEN_SOURCES:
        local = starts_at.astimezone(clinic_zone())
        if (local.hour * 60 + local.minute) % policy.slot_minutes:
            hour = local.replace(minute=0, second=0, microsecond=0, tzinfo=None)
            _refuse(
                "off_grid",
                f"Appointments start on the {policy.slot_minutes}-minute marks "
                f"(e.g. {formats.clock(hour)}, "
                f"{formats.clock(hour + dt.timedelta(minutes=policy.slot_minutes))}).",
            )
    if appointment_type.needs_room and room is None:
        room = diary.free_room(starts_at, blocked_until)
    return ends_at, blocked_until, room


def _free_times_changed(appointment: Appointment, *, was: tuple | None = None) -> None:
    """The days this appointment holds (and held, when it moved) may have other free times."""
    days = days_between(appointment.starts_at, appointment.blocked_until)
    if was is not None:
        days += days_between(*was)
    free_times_changed(days=days)


def _save_or_refuse(appointment: Appointment) -> None:
    """Save, turning a lost race for the time into a refusal.

    No savepoint of its own: every caller is atomic and lets the refusal out, so the
    caller's transaction (or its savepoint, when nested) is what rolls back."""
    taken = _("Someone has just booked that time. Please choose another.")
    try:
        appointment.save()
    except IntegrityError as error:
        if _is_overlap_violation(error):
            _refuse("overlap", taken)
        raise
    except OperationalError as error:
        # PostgreSQL checks an exclusion constraint after inserting the row, so two
        # bookings racing for one time can each wait for the other's row; it then
        # aborts one with "deadlock detected" rather than a violation.
        if getattr(error.__cause__, "sqlstate", None) == DEADLOCK_DETECTED:
            _refuse("overlap", taken)
        raise
    _free_times_changed(appointment)


def _event(
    appointment: Appointment, kind: str, by: User | None, at: dt.datetime, **fields
) -> AppointmentEvent:
    return AppointmentEvent.objects.create(
        appointment=appointment, kind=kind, by=by, at=at, **fields
    )


def _book(
    *,
    client: Client,
    appointment_type: AppointmentType,
    artist: User,
    starts_at: dt.datetime,
    minutes: int | None = None,
    room: Room | None = None,
    source: str = BookingSource.FRONT_DESK,
    by: User | None = None,
    notes: str = "",
    outside_hours_note: str = "",
    actor: Actor | None = None,
    channel: str | None = None,
    context: dict | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Book an appointment, or raise BookingRefused saying why not.

    `actor` and `channel` say who books and through which door (by default what
    `by` and `source` imply); the registered checks (scheduling.policy) see them,
    with `context` (what the calling app hands its own checks). `now` is the
    moment the booking is made: the demo data and tests record past visits with it.
    """
    actor, channel = _who(by, actor, source, channel)
    now = now or timezone.now()
    _check_within_diary(starts_at)
    if not appointment_type.is_active:
        _refuse("type_inactive", _("That kind of appointment is no longer offered."), "type")
    # A signed-in client booking a session of their own plan (the portal) is not a public
    # booking: treatment types are not offered to the public, but are to them.
    own_booking = by is not None and by.role == Role.CLIENT and client.user_id == by.pk
    if (
        source not in CLINIC_CHOSEN_SOURCES
        and not appointment_type.online_bookable
        and not own_booking
    ):
        _refuse("type_not_online", _("That kind of appointment cannot be booked online."), "type")
    minutes = minutes or appointment_type.default_minutes
    starts_at = starts_at.astimezone(dt.UTC).replace(second=0, microsecond=0)
    appointment = Appointment(
        client=client,
        type=appointment_type,
        artist=artist,
        starts_at=starts_at,
        source=source,
        booked_by=by,
        notes=notes,
        outside_hours_note=outside_hours_note,
        created_at=now,
    )
    change = Change(
        action=Action.CREATE,
        appointment=appointment,
        actor=actor,
        channel=channel,
        now=now,
        starts_at=starts_at,
        artist=artist,
        context=context or {},
    )
    check_change(change)
    policy = BookingPolicy.current()
    ends_at, blocked_until, room = _judge(
        appointment_type=appointment_type,
        artist=artist,
        room=room,
        starts_at=starts_at,
        minutes=minutes,
        source=source,
        by=by,
        outside_hours_note=outside_hours_note,
        now=now,
        policy=policy,
    )
    appointment.room = room
    appointment.ends_at, appointment.blocked_until = ends_at, blocked_until
    appointment.meeting_link = policy.video_meeting_url if appointment_type.is_video else ""
    _save_or_refuse(appointment)
    _event(
        appointment,
        AppointmentEventKind.CREATED,
        by,
        now,
        to_starts_at=starts_at,
        to_status=appointment.status,
        detail=f"Booked ({appointment.get_source_display().lower()})",
    )
    react(Happened(Event.BOOKED, appointment=appointment, change=change))
    return appointment


# The service: _book in a transaction of its own (a savepoint inside a caller's).
# _book_for_public runs _book in the transaction it already has for the client record.
booking_create = transaction.atomic(_book)


def _artists_to_try(
    *, appointment_type: AppointmentType, starts_at: dt.datetime, source: str
) -> list[User]:
    """Artists offered this start first (in the order free_slots offers them), then the rest.

    The rest are tried only so that a refusal can say why nobody is free.
    """
    offered = [
        slot.artist_id
        for slot in free_slots(
            appointment_type=appointment_type,
            start_date=timezone.localdate(starts_at, clinic_zone()),
            days=1,
            source=source,
        )
        if slot.start == starts_at
    ]
    rank = {artist_id: position for position, artist_id in enumerate(offered)}
    artists = bookable_artists(appointment_type).order_by("pk")
    return sorted(artists, key=lambda artist: rank.get(artist.pk, len(rank)))


def booking_create_for_public(
    *,
    appointment_type: AppointmentType,
    starts_at: dt.datetime,
    first_name: str,
    last_name: str,
    email: str,
    phone="",
    contact_consent: bool = False,
    language: str = "",
    artist: User | None = None,
    note: str = "",
    source: str = BookingSource.ONLINE,
    by: User | None = None,
    actor: Actor | None = None,
    channel: str | None = None,
    context: dict | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """A booking made by a member of the public, online or through the API.

    Finds or creates the client (never revealing which), picks the first artist
    free at that time unless one is asked for, and books. One transaction: a
    refused booking leaves nothing behind, not even a new client record.
    Raises BookingRefused, or ValidationError when the same new contact details
    are being saved by another booking at that very moment.
    """
    starts_at = starts_at.astimezone(dt.UTC).replace(second=0, microsecond=0)
    # The order to try artists in is only a preference, read before the transaction:
    # on SQLite every booking queues for the write lock, so it is held only for the
    # checks that decide (each candidate is judged again inside it).
    candidates = (
        [artist]
        if artist is not None
        else _artists_to_try(appointment_type=appointment_type, starts_at=starts_at, source=source)
    )
    return _book_for_public(
        candidates,
        asked_for_artist=artist is not None,
        appointment_type=appointment_type,
        starts_at=starts_at,
        client_details={
            "first_name": first_name,
            "last_name": last_name,
            "email": email,
            "phone": phone,
            "contact_consent": contact_consent,
            "language": language,
        },
        note=note,
        source=source,
        by=by,
        actor=actor or Actor.client(by if by is not None and by.role == Role.CLIENT else None),
        channel=channel,
        context=context,
        now=now,
    )


@transaction.atomic
def _book_for_public(
    candidates: list[User],
    *,
    asked_for_artist: bool,
    appointment_type: AppointmentType,
    starts_at: dt.datetime,
    client_details: dict,
    note: str,
    source: str,
    by: User | None,
    actor: Actor,
    channel: str | None,
    context: dict | None,
    now: dt.datetime | None,
) -> Appointment:
    client = client_for_online_booking(**client_details)

    def book(with_artist: User) -> Appointment:
        return _book(
            client=client,
            appointment_type=appointment_type,
            artist=with_artist,
            starts_at=starts_at,
            source=source,
            by=by,
            notes=note,
            actor=actor,
            channel=channel,
            context=context,
            now=now,
        )

    if asked_for_artist:
        # A refusal ends the whole booking, client record and all: no savepoint needed.
        return book(candidates[0])
    refusals: list[BookingRefused] = []
    for candidate in candidates:
        try:
            # A refused try must leave nothing behind for the next artist's.
            with transaction.atomic():
                return book(candidate)
        except BookingRefused as refused:
            refusals.append(refused)
            if refused.problem.code == "no_room":
                # Every room is taken then: no other artist can have this time either.
                break
    if not refusals:
        _refuse("no_artist", _("The clinic has no artists taking bookings."), "artist")
    # Someone else holding the time is a more useful answer than "outside hours"
    # from an artist who does not work that day.
    raise next((r for r in refusals if r.problem.code in CONFLICT_CODES), refusals[0])


def _locked(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("type", "artist", "room", "client")
        .get(pk=appointment.pk)
    )


@transaction.atomic
def booking_move(
    *,
    appointment: Appointment,
    starts_at: dt.datetime,
    artist: User | None = None,
    room: Room | None = None,
    minutes: int | None = None,
    by: User | None = None,
    source: str = BookingSource.FRONT_DESK,
    outside_hours_note: str = "",
    actor: Actor | None = None,
    channel: str | None = None,
    context: dict | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move an appointment to another time (and artist or room); see booking_create."""
    actor, channel = _who(by, actor, source, channel)
    now = now or timezone.now()
    _check_within_diary(starts_at)
    current = _locked(appointment)
    if current.status not in MOVABLE_STATUSES and not actor.is_client:
        _refuse("not_movable", f"A {current.get_status_display().lower()} appointment cannot move.")
    artist = artist or current.artist
    minutes = minutes or current.minutes
    starts_at = starts_at.astimezone(dt.UTC).replace(second=0, microsecond=0)
    change = Change(
        action=Action.MOVE,
        appointment=current,
        actor=actor,
        channel=channel,
        now=now,
        starts_at=starts_at,
        artist=artist,
        context=context or {},
    )
    check_change(change)
    ends_at, blocked_until, room = _judge(
        policy=BookingPolicy.current(),
        appointment_type=current.type,
        artist=artist,
        room=room,
        starts_at=starts_at,
        minutes=minutes,
        source=source,
        by=by,
        outside_hours_note=outside_hours_note,
        now=now,
        exclude_appointment_id=current.pk,
        choosing_artist=artist.pk != current.artist_id,
    )
    before = (current.starts_at, current.artist, current.room, current.ends_at)
    held_before = (current.starts_at, current.blocked_until)
    current.starts_at, current.ends_at, current.blocked_until = starts_at, ends_at, blocked_until
    current.artist, current.room = artist, room
    if outside_hours_note:
        current.outside_hours_note = outside_hours_note
    _save_or_refuse(current)
    _free_times_changed(current, was=held_before)
    changes = []
    if before[1] != artist:
        changes.append(f"artist {before[1]} → {artist}")
    if before[2] != room:
        changes.append(f"room {before[2] or '—'} → {room or '—'}")
    _event(
        current,
        AppointmentEventKind.MOVED,
        by,
        now,
        from_starts_at=before[0],
        to_starts_at=starts_at,
        detail="; ".join(changes),
    )
    react(
        Happened(
            Event.MOVED,
            appointment=current,
            change=change,
            moved_from=before[0],
            moved_from_ends=before[3],
            moved_from_artist=before[1],
        )
    )
    appointment.refresh_from_db()
    return current


@transaction.atomic
def appointment_set_status(
    *,
    appointment: Appointment,
    status: str,
    by: User | None = None,
    reason: str = "",
    actor: Actor | None = None,
    channel: str | None = None,
    context: dict | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    """Change the status along the allowed transitions (see TRANSITIONS).

    A client's cancellation inside the change-notice period is accepted and
    recorded as late (`cancelled_late`, and "Late cancellation" in its history):
    see scheduling.rules.
    """
    actor, channel = _who(by, actor, None, channel)
    now = now or timezone.now()
    current = _locked(appointment)
    status = AppointmentStatus(status)
    if status not in TRANSITIONS[current.status]:
        _refuse(
            "transition",
            f"A {current.get_status_display().lower()} appointment cannot become "
            f"{status.label.lower()}.",
            "status",
        )
    if status == AppointmentStatus.CANCELLED and not reason.strip():
        _refuse(
            "reason_required", _("Say why the appointment is cancelled."), "cancellation_reason"
        )
    cancelling = status == AppointmentStatus.CANCELLED
    change = Change(
        action=Action.CANCEL if cancelling else Action.STATUS,
        appointment=current,
        actor=actor,
        channel=channel,
        now=now,
        status=status,
        context=context or {},
    )
    check_change(change)
    before = current.status
    current.status = status
    detail = reason.strip()
    if cancelling:
        current.cancellation_reason = detail[:300]
        if change.marks.get("late"):
            current.cancelled_late = True
            detail = f"Late cancellation (inside the notice period): {detail}"
    if status == AppointmentStatus.ARRIVED and before == AppointmentStatus.NO_SHOW:
        # Turning up late: hold the time again (it must still be free).
        _save_or_refuse(current)
    else:
        current.save()
        _free_times_changed(current)
    _event(
        current,
        AppointmentEventKind.CANCELLED if cancelling else AppointmentEventKind.STATUS,
        by,
        now,
        from_status=before,
        to_status=status,
        detail=detail[:500],
    )
    react(
        Happened(
            Event.CANCELLED if cancelling else Event.STATUS_CHANGED,
            appointment=current,
            change=change,
        )
    )
    appointment.refresh_from_db()
    return current


def booking_cancel(
    *,
    appointment: Appointment,
    reason: str,
    by: User | None = None,
    actor: Actor | None = None,
    channel: str | None = None,
    now: dt.datetime | None = None,
) -> Appointment:
    return appointment_set_status(
        appointment=appointment,
        status=AppointmentStatus.CANCELLED,
        by=by,
        reason=reason,
        actor=actor,
        channel=channel,
        now=now,
    )


def no_show_count(client: Client) -> int:
    return Appointment.objects.filter(client=client, status=AppointmentStatus.NO_SHOW).count()
