"""What a client may change from the portal, and how.

Every change goes through the clinic's own services (scheduling.booking,
sessions_app.plans) as the client, through the portal; the rules are the booking
policy's (scheduling.policy), the same on the emailed manage link and the API:

- moves only up to `BookingPolicy.change_notice_hours` before the appointment (closer
  than that, the client calls the clinic); a cancellation inside that period is
  accepted and recorded as late (scheduling.rules);
- clients choose among the times offered online (the online notice and horizon);
- treatment sessions keep the gap to the plan's other sessions and the plan's
  artist: no overrides here (sessions_app.booking_rules).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from scheduling.availability import Problem, Slot, free_slots
from scheduling.booking import BookingRefused, booking_cancel, booking_move
from scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentType,
    BookingSource,
)
from scheduling.policy import Actor, Channel
from scheduling.rules import client_may_move
from sessions_app import plans
from sessions_app.booking_rules import client_gap_problem
from sessions_app.models import SessionKind, TreatmentSession, TreatmentSettings
from smpclinic import formats
from smpclinic.clinic import clinic_zone

# The client's notice period is the booking policy's (one definition, every client door).
may_change = client_may_move


def _refuse(code: str, message: str, field: str = "starts_at"):
    raise BookingRefused(Problem(code, message, field))


# --- treatment sessions and their gap ---------------------------------------------------


def session_type(session: TreatmentSession) -> AppointmentType:
    slug = plans.TOUCH_UP_TYPE if session.kind == SessionKind.TOUCH_UP else plans.TREATMENT_TYPE
    return AppointmentType.objects.get(slug=slug)


# --- offered times -----------------------------------------------------------------------


def offered_slots(
    *,
    appointment_type: AppointmentType,
    artist_id: int,
    minutes: int,
    start_date: dt.date,
    days: int,
    window=(None, None),
    exclude_appointment_id: int | None = None,
) -> list[Slot]:
    """Free times with this artist for this length, as offered online, inside `window`."""
    slots = free_slots(
        appointment_type=appointment_type,
        start_date=start_date,
        days=days,
        artist_id=artist_id,
        minutes=minutes,
        source=BookingSource.ONLINE,
        exclude_appointment_id=exclude_appointment_id,
    )
    return [slot for slot in slots if plans.within_window(slot.start, window)]


def _is_offered(start: dt.datetime, **kwargs) -> bool:
    day = timezone.localdate(start, clinic_zone())
    return any(slot.start == start for slot in offered_slots(start_date=day, days=1, **kwargs))


# --- the client's changes ----------------------------------------------------------------


@transaction.atomic
def move_limits(appointment: Appointment) -> str:
    """Why a treatment session can only move within some days, in the client's words ("" when
    it can go anywhere the diary is free)."""
    session = plans.session_of(appointment)
    if session is None:
        return ""
    earliest, latest = plans.gap_window(session)
    if earliest is None and latest is None:
        return ""
    days = TreatmentSettings.current().minimum_gap_days

    def day(moment: dt.datetime) -> str:
        local = timezone.localtime(moment, clinic_zone())
        return formats.show(local, "DAY_LONG_FORMAT")

    if earliest is not None and latest is not None:
        where = f"between {day(earliest)} and {day(latest)}"
    elif earliest is not None:
        where = f"from {day(earliest)}"
    else:
        where = f"until {day(latest)}"
    return (
        f"Session {session.number} needs at least {days} days between it and your other "
        f"sessions, so it can move {where}. Only times in those days are shown."
    )


def portal_move(*, appointment: Appointment, starts_at: dt.datetime, by: User) -> Appointment:
    """Move the client's own appointment to an offered time with the same artist."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("type", "artist")
        .get(pk=appointment.pk)
    )
    return booking_move(
        appointment=appointment,
        starts_at=starts_at,
        source=BookingSource.ONLINE,
        by=by,
        actor=Actor.client(by),
        channel=Channel.PORTAL,
    )


@transaction.atomic
def portal_cancel(*, appointment: Appointment, reason: str, by: User) -> Appointment:
    """Cancel the client's own appointment; inside the notice period it is recorded as late."""
    if not reason.strip():
        _refuse("reason_required", _("Tell us briefly why you are cancelling."), "reason")
    return booking_cancel(
        appointment=appointment,
        reason=f"By the client: {reason}",
        by=by,
        actor=Actor.client(by),
        channel=Channel.PORTAL,
    )


@dataclass(frozen=True)
class Booked:
    appointment: Appointment
    already: bool  # the same request arrived twice: this is the first one's booking


def portal_book_session(*, session: TreatmentSession, starts_at: dt.datetime, by: User) -> Booked:
    """Book the plan's next session at an offered time, with the lead artist.

    Times are those offered online (online notice, the clinic's marks) and inside the
    gap to the plan's other sessions; there is no override from the portal. The same
    request sent twice books once.
    """
    session = TreatmentSession.objects.select_related(
        "appointment", "plan__lead_artist", "plan__client"
    ).get(pk=session.pk)
    held = session.appointment
    if held is not None and held.status in ACTIVE_STATUSES:
        if held.starts_at == starts_at:
            return Booked(held, already=True)
        _refuse("already_booked", _("This session is already booked."))
    window = plans.gap_window(session)
    if not plans.within_window(starts_at, window):
        raise BookingRefused(client_gap_problem())
    appointment_type = session_type(session)
    if not _is_offered(
        starts_at,
        appointment_type=appointment_type,
        artist_id=session.plan.lead_artist_id,
        minutes=session.planned_minutes,
        window=window,
    ):
        _refuse("not_offered", _("Sorry, that time is not free any more. Please choose another."))
    try:
        appointment = plans.session_book(
            session=session,
            starts_at=starts_at,
            by=by,
            source=BookingSource.ONLINE,
            actor=Actor.client(by),
            channel=Channel.PORTAL,
        )
    except BookingRefused as refusal:
        if refusal.problem.code == "already_booked":
            # A second click that waited for the first: answer with the first's booking.
            session.refresh_from_db()
            held = session.appointment
            if held is not None and held.status in ACTIVE_STATUSES and held.starts_at == starts_at:
                return Booked(held, already=True)
            raise
        if refusal.problem.code != "type_not_online":
            raise
        # Treatment types are not offered to the public, so the diary refuses an
        # "online" treatment booking. The client books their own planned session at a
        # time checked above against the online notice, so it is booked as the desk
        # would book it (the diary's event names the client as the one who booked).
        appointment = plans.session_book(
            session=session,
            starts_at=starts_at,
            by=by,
            source=BookingSource.FRONT_DESK,
            actor=Actor.client(by),
            channel=Channel.PORTAL,
        )
    return Booked(appointment, already=False)
