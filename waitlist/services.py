"""The waitlist's rules, in one place: adding and removing entries, which entries a freed
time suits, offering it a few clients at a time, and claiming it (once).

Views, the portal, the reactions to the diary and the beat task all call these.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Role
from scheduling.availability import within_diary
from scheduling.booking import BookingRefused, booking_create
from scheduling.models import ACTIVE_STATUSES, Appointment, AppointmentType, BookingSource
from scheduling.policy import Actor, Channel
from sessions_app import plans
from sessions_app.models import PlanStatus, SessionKind, TreatmentSession
from smpclinic import formats
from smpclinic.clinic import clinic_zone

from .models import (
    EntryStatus,
    FreedTime,
    Offer,
    OfferOrder,
    OfferStatus,
    WaitlistEntry,
    WaitlistSettings,
)

# A time that frees up sooner than this is not offered: nobody could get there.
SHORTEST_NOTICE = dt.timedelta(hours=2)
WEEKDAYS = (
    gettext_lazy("Mondays"),
    gettext_lazy("Tuesdays"),
    gettext_lazy("Wednesdays"),
    gettext_lazy("Thursdays"),
    gettext_lazy("Fridays"),
    gettext_lazy("Saturdays"),
    gettext_lazy("Sundays"),
)


# --- entries -------------------------------------------------------------------------------


def _clean_weekdays(weekdays) -> list[int]:
    try:
        days = sorted({int(day) for day in weekdays or ()})
    except (TypeError, ValueError) as error:
        raise ValidationError({"weekdays": gettext("Choose days of the week.")}) from error
    if any(not 0 <= day <= 6 for day in days):
        raise ValidationError({"weekdays": gettext("Choose days of the week.")})
    return days if len(days) < 7 else []


@transaction.atomic
def entry_add(
    *,
    client,
    appointment_type: AppointmentType,
    by=None,
    plan_session: TreatmentSession | None = None,
    artist=None,
    weekdays=(),
    earliest_time: dt.time | None = None,
    latest_time: dt.time | None = None,
    earliest_date: dt.date | None = None,
    latest_date: dt.date | None = None,
    priority: bool = False,
    note: str = "",
    today: dt.date | None = None,
) -> WaitlistEntry:
    """Put a client on the waitlist, or raise ValidationError saying what is wrong."""
    today = today or timezone.localdate()
    if not appointment_type.is_active:
        raise ValidationError(
            {"appointment_type": gettext("That kind of appointment is not offered.")}
        )
    if plan_session is not None:
        if plan_session.plan.client_id != client.pk:
            raise ValidationError({"plan_session": gettext("That session is not this client's.")})
        if plan_session.plan.status != PlanStatus.ACTIVE or plan_session.is_booked:
            raise ValidationError(
                {"plan_session": gettext("That session is already booked or finished.")}
            )
    if artist is not None and (artist.role != Role.ARTIST or not artist.is_active):
        raise ValidationError({"artist": gettext("Choose one of the clinic's artists.")})
    days = _clean_weekdays(weekdays)
    if earliest_time and latest_time and earliest_time >= latest_time:
        raise ValidationError(
            {"latest_time": gettext("The latest time comes before the earliest.")}
        )
    for name, day in (("earliest_date", earliest_date), ("latest_date", latest_date)):
        if day is not None and not within_diary(day):
            raise ValidationError({name: gettext("Choose a date within the diary.")})
    if latest_date is not None and latest_date < today:
        raise ValidationError({"latest_date": gettext("That date has passed.")})
    if earliest_date and latest_date and earliest_date > latest_date:
        raise ValidationError(
            {"latest_date": gettext("The latest date comes before the earliest.")}
        )
    waiting = WaitlistEntry.objects.select_for_update().filter(
        client=client, appointment_type=appointment_type, status=EntryStatus.WAITING
    )
    if plan_session is not None:
        waiting = waiting.filter(plan_session=plan_session)
    if waiting.exists():
        raise ValidationError(
            f"{client.first_name} is already on the waitlist for a "
            f"{appointment_type.name.lower()}: change that entry instead."
        )
    return WaitlistEntry.objects.create(
        client=client,
        appointment_type=appointment_type,
        plan_session=plan_session,
        artist=artist,
        weekdays=days,
        earliest_time=earliest_time,
        latest_time=latest_time,
        earliest_date=earliest_date,
        latest_date=latest_date,
        priority=priority,
        note=note.strip()[:300],
        created_by=by,
    )


@transaction.atomic
def entry_remove(entry: WaitlistEntry) -> WaitlistEntry:
    """Take a client off the waitlist; their open offers are withdrawn."""
    entry = WaitlistEntry.objects.select_for_update().get(pk=entry.pk)
    if entry.status != EntryStatus.WAITING:
        raise ValidationError(gettext("This entry is no longer on the waitlist."))
    entry.status = EntryStatus.REMOVED
    entry.save(update_fields=["status", "updated_at"])
    entry.offers.filter(status=OfferStatus.OFFERED).update(status=OfferStatus.WITHDRAWN)
    return entry


def entry_wants(entry: WaitlistEntry) -> str:
    """What the entry waits for, in words: "Tuesdays and Thursdays, 09:00–13:00, with Sam,
    from 3 March to 30 April"."""
    parts = []
    if entry.weekdays:
        names = [str(WEEKDAYS[day]) for day in entry.weekdays]
        parts.append(
            names[0]
            if len(names) == 1
            else gettext("%(days)s and %(last)s")
            % {"days": ", ".join(names[:-1]), "last": names[-1]}
        )
    else:
        parts.append(gettext("Any day"))
    if entry.earliest_time or entry.latest_time:
        start = formats.clock(entry.earliest_time) if entry.earliest_time else gettext("opening")
        end = formats.clock(entry.latest_time) if entry.latest_time else gettext("closing")
        parts.append(f"{start}–{end}")
    parts.append(
        gettext("with %(artist)s") % {"artist": entry.artist.get_full_name()}
        if entry.artist
        else gettext("any artist")
    )
    if entry.earliest_date and entry.latest_date:
        parts.append(
            gettext("from %(start)s to %(end)s")
            % {
                "start": formats.show(entry.earliest_date, "DAY_MONTH_FORMAT"),
                "end": formats.show(entry.latest_date, "DATE_MEDIUM_FORMAT"),
            }
        )
    elif entry.earliest_date:
        parts.append(
            gettext("from %(start)s")
            % {"start": formats.show(entry.earliest_date, "DATE_MEDIUM_FORMAT")}
        )
    elif entry.latest_date:
        parts.append(
            gettext("until %(end)s")
            % {"end": formats.show(entry.latest_date, "DATE_MEDIUM_FORMAT")}
        )
    return ", ".join(parts)


# --- matching ------------------------------------------------------------------------------


def needed_minutes(entry: WaitlistEntry) -> int:
    if entry.plan_session is not None:
        return entry.plan_session.planned_minutes
    return entry.appointment_type.default_minutes


def _session_may_go_there(session: TreatmentSession, starts_at: dt.datetime) -> bool:
    """The plan's order (every earlier session booked or held) and the gap to its
    neighbours (sessions_app.plans.gap_window, the one definition of the gap)."""
    if session.is_booked or session.plan.status != PlanStatus.ACTIVE:
        return False
    earlier = session.plan.sessions.filter(number__lt=session.number).exclude(
        kind=SessionKind.TOUCH_UP
    )
    if earlier.exclude(appointment__status__in=ACTIVE_STATUSES).exists():
        return False
    return plans.within_window(starts_at, plans.gap_window(session))


def suits(entry: WaitlistEntry, freed: FreedTime) -> bool:
    """Whether this freed time suits what the entry waits for (its days, hours, dates,
    artist, length, and the plan's order and gap)."""
    if entry.client_id == getattr(freed.freed_by, "client_id", None):
        return False
    if entry.artist_id is not None and entry.artist_id != freed.artist_id:
        return False
    minutes = needed_minutes(entry)
    if minutes > freed.minutes:
        return False
    local = freed.starts_at.astimezone(clinic_zone())
    if entry.weekdays and local.weekday() not in entry.weekdays:
        return False
    if entry.earliest_date and local.date() < entry.earliest_date:
        return False
    if entry.latest_date and local.date() > entry.latest_date:
        return False
    ends = local + dt.timedelta(minutes=minutes)
    if entry.earliest_time and local.time() < entry.earliest_time:
        return False
    if entry.latest_time and (ends.date() > local.date() or ends.time() > entry.latest_time):
        return False
    if entry.plan_session is not None:
        return _session_may_go_there(entry.plan_session, freed.starts_at)
    return True


def _waiting(freed: FreedTime):
    """Entries waiting that could fit this time, narrowed by the database; `suits` decides."""
    local_day = freed.starts_at.astimezone(clinic_zone()).date()
    return (
        WaitlistEntry.objects.filter(status=EntryStatus.WAITING)
        .filter(Q(artist__isnull=True) | Q(artist_id=freed.artist_id))
        .filter(Q(earliest_date__isnull=True) | Q(earliest_date__lte=local_day))
        .filter(Q(latest_date__isnull=True) | Q(latest_date__gte=local_day))
        .select_related(
            "client",
            "appointment_type",
            "artist",
            "plan_session__plan",
            "plan_session__appointment",
        )
    )


def matching_entries(freed: FreedTime) -> list[WaitlistEntry]:
    """The entries this time suits, in the clinic's order (first come, or priority first)."""
    entries = [entry for entry in _waiting(freed) if suits(entry, freed)]
    if WaitlistSettings.current().order == OfferOrder.PRIORITY:
        entries.sort(key=lambda entry: (not entry.priority, entry.created_at, entry.pk))
    else:
        entries.sort(key=lambda entry: (entry.created_at, entry.pk))
    return entries


# --- freed times and offers ----------------------------------------------------------------


def _quarter_after(moment: dt.datetime) -> dt.datetime:
    """The first quarter hour at or after this moment."""
    moment = moment.replace(second=0, microsecond=0)
    return moment + dt.timedelta(minutes=(-moment.minute) % 15)


def time_freed(
    *,
    appointment: Appointment,
    why: str,
    starts_at: dt.datetime | None = None,
    ends_at: dt.datetime | None = None,
    artist=None,
    now: dt.datetime | None = None,
) -> FreedTime | None:
    """This time of the appointment (by default its own; what is left of it for a no-show
    marked early; where it was, for a move) is free: keep it and offer it to the first
    clients waiting. Only what starts at least SHORTEST_NOTICE from now is offered; None
    when nothing is left to offer."""
    now = now or timezone.now()
    ends_at = ends_at or appointment.ends_at
    starts_at = max(starts_at or appointment.starts_at, _quarter_after(now + SHORTEST_NOTICE))
    if ends_at - starts_at < dt.timedelta(minutes=15):
        return None
    freed = FreedTime.objects.create(
        artist_id=artist.pk if artist is not None else appointment.artist_id,
        room_id=appointment.room_id,
        starts_at=starts_at,
        ends_at=ends_at,
        freed_by=appointment,
        why=why[:100],
        created_at=now,
    )
    offer_next(freed, now=now)
    return freed


def _make_offer(freed: FreedTime, entry: WaitlistEntry, *, now, by=None) -> Offer:
    from .messages import offer_sent_for

    hours = WaitlistSettings.current().offer_hours
    expires = min(now + dt.timedelta(hours=hours), freed.starts_at - SHORTEST_NOTICE)
    offer = Offer.objects.create(
        freed=freed, entry=entry, offered_at=now, expires_at=max(expires, now), offered_by=by
    )
    offer_sent_for(offer)
    return offer


@transaction.atomic
def offer_next(freed: FreedTime, *, now: dt.datetime | None = None) -> list[Offer]:
    """Offer the time to the next clients waiting (a few at a time), when nobody holds a
    live offer for it any more. Returns the offers made."""
    now = now or timezone.now()
    freed = FreedTime.objects.select_for_update().get(pk=freed.pk)
    if freed.status != FreedTime.Status.OPEN:
        return []
    if freed.starts_at < now + SHORTEST_NOTICE:
        freed.status = FreedTime.Status.CLOSED
        freed.save(update_fields=["status"])
        return []
    live = freed.offers.filter(status=OfferStatus.OFFERED, expires_at__gt=now)
    if live.exists():
        return []
    offered_before = set(freed.offers.values_list("entry_id", flat=True))
    batch = [e for e in matching_entries(freed) if e.pk not in offered_before]
    batch = batch[: WaitlistSettings.current().offers_at_once]
    return [_make_offer(freed, entry, now=now) for entry in batch]


@transaction.atomic
def offer_by_hand(
    freed: FreedTime, entry: WaitlistEntry, *, by, now: dt.datetime | None = None
) -> Offer:
    """Staff offer a freed time to one client on the waitlist (whoever else holds it)."""
    now = now or timezone.now()
    freed = FreedTime.objects.select_for_update().get(pk=freed.pk)
    if freed.status != FreedTime.Status.OPEN or freed.starts_at < now + SHORTEST_NOTICE:
        raise ValidationError(gettext("This time is no longer free to offer."))
    if entry.status != EntryStatus.WAITING:
        raise ValidationError("This client is no longer on the waitlist.")
    if freed.offers.filter(entry=entry).exists():
        raise ValidationError(f"{entry.client.first_name} has already been offered this time.")
    if needed_minutes(entry) > freed.minutes:
        raise ValidationError("The time is too short for what this client waits for.")
    return _make_offer(freed, entry, now=now, by=by)


def tidy_entries(*, today: dt.date) -> int:
    """Entries that can no longer be met leave the waitlist: their last date has passed, or
    the plan session they wait for has been booked another way. Returns how many."""
    stale = WaitlistEntry.objects.filter(status=EntryStatus.WAITING).filter(
        Q(latest_date__lt=today) | Q(plan_session__appointment__status__in=ACTIVE_STATUSES)
    )
    ids = list(stale.values_list("pk", flat=True))
    WaitlistEntry.objects.filter(pk__in=ids).update(status=EntryStatus.REMOVED)
    Offer.objects.filter(entry_id__in=ids, status=OfferStatus.OFFERED).update(
        status=OfferStatus.WITHDRAWN
    )
    return len(ids)


def expire_and_offer_next(*, now: dt.datetime | None = None) -> int:
    """Offers past their time expire, and each open time nobody holds goes to the next
    clients waiting; times too close to offer close; entries that can no longer be met
    leave the waitlist. Returns the offers made."""
    now = now or timezone.now()
    tidy_entries(today=now.astimezone(clinic_zone()).date())
    Offer.objects.filter(status=OfferStatus.OFFERED, expires_at__lte=now).update(
        status=OfferStatus.EXPIRED
    )
    FreedTime.objects.filter(
        status=FreedTime.Status.OPEN, starts_at__lt=now + SHORTEST_NOTICE
    ).update(status=FreedTime.Status.CLOSED)
    made = 0
    for freed in FreedTime.objects.filter(status=FreedTime.Status.OPEN).exclude(
        offers__status=OfferStatus.OFFERED
    ):
        made += len(offer_next(freed, now=now))
    return made


# --- claiming ------------------------------------------------------------------------------


class ClaimRefused(Exception):
    """Why an offer cannot be claimed: `code` (claimed, gone, expired, withdrawn, refused)
    and a message for the client."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _refused(offer_pk: int, status: str, code: str, message: str) -> ClaimRefused:
    Offer.objects.filter(pk=offer_pk, status=OfferStatus.OFFERED).update(status=status)
    return ClaimRefused(code, message)


GONE = "Someone else took this time a moment before you. You are still on our waitlist."


def claim(offer: Offer, *, now: dt.datetime | None = None) -> Appointment:
    """The client takes the offered time: it is booked for them, once. The first claim
    wins (a conditional update of the freed time lets exactly one through); every other
    gets ClaimRefused("gone"), and nothing is half-changed."""
    now = now or timezone.now()
    try:
        return _claim(offer.pk, now)
    except ClaimRefused as refused:
        if refused.code in ("gone", "expired"):
            # Recorded outside the claim's transaction, which was rolled back.
            status = OfferStatus.GONE if refused.code == "gone" else OfferStatus.EXPIRED
            raise _refused(offer.pk, status, refused.code, refused.message) from None
        raise


@transaction.atomic
def _claim(offer_pk: int, now: dt.datetime) -> Appointment:
    offer = Offer.objects.select_related("freed", "entry").get(pk=offer_pk)
    freed, entry = offer.freed, offer.entry
    if offer.status == OfferStatus.CLAIMED:
        raise ClaimRefused("claimed", "You have already booked this time.")
    if offer.status == OfferStatus.WITHDRAWN or entry.status != EntryStatus.WAITING:
        raise ClaimRefused("withdrawn", "This offer was withdrawn.")
    if offer.status == OfferStatus.GONE or freed.status != FreedTime.Status.OPEN:
        raise ClaimRefused("gone", GONE)
    if offer.status == OfferStatus.EXPIRED or offer.expires_at <= now:
        raise ClaimRefused(
            "expired", "This offer has expired. You are still on our waitlist for the next one."
        )
    # Exactly one claim passes this, whatever the database and however many at once.
    if not FreedTime.objects.filter(pk=freed.pk, status=FreedTime.Status.OPEN).update(
        status=FreedTime.Status.CLAIMED
    ):
        raise ClaimRefused("gone", GONE)
    try:
        appointment = _book(entry, freed, now)
    except BookingRefused as refused:
        raise ClaimRefused(
            "refused", f"This time can no longer be booked: {refused.text}"
        ) from None
    FreedTime.objects.filter(pk=freed.pk).update(booked=appointment)
    Offer.objects.filter(pk=offer.pk).update(status=OfferStatus.CLAIMED, answered_at=now)
    freed.offers.filter(status=OfferStatus.OFFERED).exclude(pk=offer.pk).update(
        status=OfferStatus.GONE
    )
    WaitlistEntry.objects.filter(pk=entry.pk).update(
        status=EntryStatus.BOOKED, booked=appointment, updated_at=now
    )
    Offer.objects.filter(entry=entry, status=OfferStatus.OFFERED).update(
        status=OfferStatus.WITHDRAWN
    )
    return appointment


def _book(entry: WaitlistEntry, freed: FreedTime, now: dt.datetime) -> Appointment:
    actor, channel = Actor.client(entry.client.user), Channel.MANAGE_LINK
    if entry.plan_session is not None:
        return plans.session_book(
            session=entry.plan_session,
            starts_at=freed.starts_at,
            artist=freed.artist,
            source=BookingSource.WAITLIST,
            actor=actor,
            channel=channel,
            now=now,
        )
    return booking_create(
        client=entry.client,
        appointment_type=entry.appointment_type,
        artist=freed.artist,
        starts_at=freed.starts_at,
        minutes=needed_minutes(entry),
        room=freed.room,
        source=BookingSource.WAITLIST,
        actor=actor,
        channel=channel,
        notes="Booked from the waitlist",
        now=now,
    )
