"""One policy for changing a booking: who acts, through which door, and what each app says.

Every change to an appointment (create, move, cancel, status change) goes through
scheduling.booking, which describes it as a `Change` and asks the registered
**checks** before writing, inside the same transaction. The first check that finds
a problem refuses the change with a `BookingRefused` (code, message, field); the
same actor gets the same answer whichever door they came through.

After the write, the registered **reactions** run in a fixed order:

    10  records the change creates in other apps (a consultation's record)
    50  state that follows the change (a plan's progress, aftercare)
    90  messages to the client (confirmation, reminders), last so that they see
        everything the earlier reactions wrote

A reaction runs inside the transaction unless registered with `on_commit=True`.

Apps register their own checks and reactions in `AppConfig.ready()`, so scheduling
imports none of them: consultations (treatment gates, the consultation record),
sessions_app (the gap between sessions, the plan's lead artist), aftercare (after a
session is logged). Scheduling registers its own: the client change-notice period,
who may set which status, and the booking's messages.

`BookingSource` stays the record of where a booking came from; `Channel` is for rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import models, transaction

from accounts.models import Role

from .availability import Problem

if TYPE_CHECKING:
    from accounts.models import User

    from .models import Appointment, AppointmentType


class ActorRole(models.TextChoices):
    CLIENT = "client", "Client"
    FRONT_DESK = "front_desk", "Front desk"
    ARTIST = "artist", "Artist"
    MANAGER = "manager", "Manager"
    SYSTEM = "system", "System"


class Channel(models.TextChoices):
    DIARY = "diary", "Diary"
    PORTAL = "portal", "Client portal"
    MANAGE_LINK = "manage_link", "Emailed link"
    API = "api", "API"
    ONLINE_BOOKING = "online_booking", "Online booking page"
    # A client's reply to a text message ("C" confirms): scheduling.sms_replies.
    TEXT_REPLY = "text_reply", "Text message reply"
    TASK = "task", "Task"


# The doors a client comes through; rules "for clients" hold on every one of them.
CLIENT_CHANNELS = frozenset(
    {Channel.PORTAL, Channel.MANAGE_LINK, Channel.API, Channel.ONLINE_BOOKING, Channel.TEXT_REPLY}
)

_ROLE_OF_USER = {
    Role.CLIENT: ActorRole.CLIENT,
    Role.FRONT_DESK: ActorRole.FRONT_DESK,
    Role.ARTIST: ActorRole.ARTIST,
    Role.MANAGER: ActorRole.MANAGER,
}


@dataclass(frozen=True)
class Actor:
    """Who is changing the booking: a role, and the signed-in user when there is one.

    A client using an emailed link is a client without a user.
    """

    role: str
    user: User | None = None

    @classmethod
    def of(cls, user: User | None) -> Actor:
        """The actor a signed-in user is; nobody signed in is the system."""
        if user is None:
            return cls(ActorRole.SYSTEM)
        return cls(_ROLE_OF_USER.get(user.role, ActorRole.SYSTEM), user)

    @classmethod
    def client(cls, user: User | None = None) -> Actor:
        return cls(ActorRole.CLIENT, user)

    @classmethod
    def system(cls) -> Actor:
        return cls(ActorRole.SYSTEM)

    @property
    def is_client(self) -> bool:
        return self.role == ActorRole.CLIENT

    @property
    def is_manager(self) -> bool:
        return self.role == ActorRole.MANAGER


class Action(models.TextChoices):
    CREATE = "create", "Book"
    MOVE = "move", "Move"
    CANCEL = "cancel", "Cancel"
    STATUS = "status", "Change status"


@dataclass
class Change:
    """One change to one appointment, as the checks see it before it is written.

    `appointment` is the row as it is now (for a new booking: unsaved, with its
    client, type and artist set). `starts_at`/`artist` are where it is going (create,
    move); `status` what it becomes (cancel, status). `context` carries what another
    app handed to the service for its own checks (e.g. the plan session being booked,
    a manager's reason to book closer than the gap). Checks may record findings in
    `marks` (e.g. "late": a client cancelling inside the notice period).
    """

    action: str
    appointment: Appointment
    actor: Actor
    channel: str
    now: dt.datetime
    starts_at: dt.datetime | None = None
    artist: User | None = None
    status: str | None = None
    context: Mapping[str, Any] = field(default_factory=dict)
    marks: dict[str, Any] = field(default_factory=dict)

    @property
    def by_client(self) -> bool:
        return self.actor.is_client

    @property
    def is_new(self) -> bool:
        return self.action == Action.CREATE


Check = Callable[[Change], Problem | None]


@dataclass(frozen=True)
class _Registered:
    name: str
    order: int
    fn: Callable
    actions: frozenset[str]
    on_commit: bool = False


_checks: list[_Registered] = []


def register_check(
    name: str, *, actions: Iterable[str], order: int = 50
) -> Callable[[Check], Check]:
    """Register `fn(change) -> Problem | None` for these actions (decorator).

    Registering the same name again replaces it (apps' ready() may run twice in tests).
    """

    def decorator(fn: Check) -> Check:
        _register(_checks, _Registered(name, order, fn, frozenset(actions)))
        return fn

    return decorator


def _register(registry: list[_Registered], entry: _Registered) -> None:
    registry[:] = [r for r in registry if r.name != entry.name]
    registry.append(entry)
    registry.sort(key=lambda r: r.order)


def check_change(change: Change) -> None:
    """Ask every check registered for this action; the first problem refuses the change."""
    from .booking import BookingRefused

    for entry in _checks:
        if change.action in entry.actions:
            problem = entry.fn(change)
            if problem is not None:
                raise BookingRefused(problem)


def first_problem(change: Change) -> Problem | None:
    """The refusal `check_change` would give, or None: for pages that ask before offering."""
    from .booking import BookingRefused

    try:
        check_change(change)
    except BookingRefused as refused:
        return refused.problem
    return None


# --- what a client is offered ------------------------------------------------------------
# A page that offers a client times to move to asks the same apps, once per page, what
# limits the checks above would hold them to, so that it offers only times they may take.


@dataclass(frozen=True)
class OfferLimit:
    """The times a client may move an appointment to: one artist's, inside a window."""

    artist_id: int | None = None
    earliest: dt.datetime | None = None
    latest: dt.datetime | None = None

    def allows(self, *, start: dt.datetime, artist_id: int) -> bool:
        return (
            (self.artist_id is None or artist_id == self.artist_id)
            and (self.earliest is None or start >= self.earliest)
            and (self.latest is None or start <= self.latest)
        )


OfferLimiter = Callable[["Appointment", Actor], "OfferLimit | None"]
_offer_limiters: list[_Registered] = []


def register_offer_limit(name: str, *, order: int = 50) -> Callable[[OfferLimiter], OfferLimiter]:
    """Register `fn(appointment, actor) -> OfferLimit | None` (decorator)."""

    def decorator(fn: OfferLimiter) -> OfferLimiter:
        _register(_offer_limiters, _Registered(name, order, fn, frozenset()))
        return fn

    return decorator


def offer_limits(appointment: Appointment, actor: Actor) -> list[OfferLimit]:
    """Every registered limit on the times this actor may move this appointment to."""
    limits = (entry.fn(appointment, actor) for entry in _offer_limiters)
    return [limit for limit in limits if limit is not None]


# --- terms a client accepts when booking ------------------------------------------------
# Another app may ask a client to accept terms when booking a type (the cancellation
# policy of a type that needs a deposit). The booking pages show them and pass what the
# client accepted in the change's context as "accepted_terms" (a list of Terms.key);
# the app's own check refuses a booking without them.


@dataclass(frozen=True)
class Terms:
    key: str  # names the exact version, e.g. "billing.cancellation:3"
    title: str
    text: str


TermsFn = Callable[["AppointmentType"], "Terms | None"]
_terms: list[_Registered] = []


def register_booking_terms(name: str, *, order: int = 50) -> Callable[[TermsFn], TermsFn]:
    """Register `fn(appointment_type) -> Terms | None` (decorator)."""

    def decorator(fn: TermsFn) -> TermsFn:
        _register(_terms, _Registered(name, order, fn, frozenset()))
        return fn

    return decorator


def booking_terms(appointment_type) -> list[Terms]:
    """The terms a client accepts to book this type (none for most)."""
    found = (entry.fn(appointment_type) for entry in _terms)
    return [terms for terms in found if terms is not None]


# --- what a client is told before cancelling ----------------------------------------------
# A page where a client cancels asks the apps what cancelling now would mean for them
# (a deposit kept under the policy they accepted), so they know before they confirm.

CancelNotice = Callable[["Appointment", dt.datetime], "str | None"]
_cancel_notices: list[_Registered] = []


def register_cancel_notice(name: str, *, order: int = 50) -> Callable[[CancelNotice], CancelNotice]:
    """Register `fn(appointment, now) -> str | None` (decorator)."""

    def decorator(fn: CancelNotice) -> CancelNotice:
        _register(_cancel_notices, _Registered(name, order, fn, frozenset()))
        return fn

    return decorator


def cancel_notices(appointment, now: dt.datetime) -> list[str]:
    found = (entry.fn(appointment, now) for entry in _cancel_notices)
    return [notice for notice in found if notice]


# --- reactions -----------------------------------------------------------------------------


class Event(models.TextChoices):
    BOOKED = "booked", "Booked"
    MOVED = "moved", "Moved"
    CANCELLED = "cancelled", "Cancelled"
    STATUS_CHANGED = "status_changed", "Status changed"
    SESSION_LOGGED = "session_logged", "Session logged"


@dataclass(frozen=True)
class Happened:
    """What a reaction is told: the event, the appointment, and what else it needs."""

    event: str
    appointment: Appointment | None = None
    change: Change | None = None
    moved_from: dt.datetime | None = None
    moved_from_ends: dt.datetime | None = None
    moved_from_artist: User | None = None
    subject: Any = None  # e.g. the SessionLog of SESSION_LOGGED


Reaction = Callable[[Happened], None]
_reactions: list[_Registered] = []


def register_reaction(
    name: str, *, events: Iterable[str], order: int = 50, on_commit: bool = False
) -> Callable[[Reaction], Reaction]:
    """Register `fn(happened)` to run after these events (decorator); see the module's order."""

    def decorator(fn: Reaction) -> Reaction:
        _register(_reactions, _Registered(name, order, fn, frozenset(events), on_commit))
        return fn

    return decorator


def react(happened: Happened) -> None:
    """Run the reactions registered for this event, in their order."""
    for entry in _reactions:
        if happened.event not in entry.actions:
            continue
        if entry.on_commit:
            transaction.on_commit(lambda fn=entry.fn: fn(happened))
        else:
            entry.fn(happened)


def registered() -> dict[str, list[str]]:
    """Names of the registered checks and reactions, in order (for the README and tests)."""
    return {
        "checks": [r.name for r in _checks],
        "offer_limits": [r.name for r in _offer_limiters],
        "terms": [r.name for r in _terms],
        "reactions": [r.name for r in _reactions],
    }
