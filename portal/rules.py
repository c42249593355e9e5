"""What a client may change from the portal, and how.

Every change goes through the clinic's own services (scheduling.booking,
sessions_app.plans), so the diary's rules hold; this module adds the portal's:

- moves and cancellations only up to `PortalSettings.change_notice_hours` before the
  appointment (closer than that, the client calls the clinic);
- clients choose among the times offered online (the online notice and horizon);
- treatment sessions keep the gap to the plan's other sessions: no overrides here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from scheduling.availability import Problem, Slot, clinic_zone, free_slots
from scheduling.booking import BookingRefused, booking_cancel, booking_move
from scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    AppointmentType,
    BookingSource,
)
from sessions_app import plans
from sessions_app.models import SessionKind, TreatmentSession

from .models import PortalSettings

CHANGEABLE_STATUSES = (AppointmentStatus.BOOKED, AppointmentStatus.CONFIRMED)


def _refuse(code: str, message: str, field: str = "starts_at"):
    raise BookingRefused(Problem(code, message, field))


# --- notice ------------------------------------------------------------------------------


def change_deadline(appointment: Appointment, settings: PortalSettings | None = None):
    settings = settings or PortalSettings.current()
    return appointment.starts_at - dt.timedelta(hours=settings.change_notice_hours)


def may_change(
    appointment: Appointment,
    *,
    now: dt.datetime | None = None,
    settings: PortalSettings | None = None,
) -> bool:
    """Can the client still move or cancel this appointment themselves?"""
    now = now or timezone.now()
    return appointment.status in CHANGEABLE_STATUSES and now < change_deadline(
        appointment, settings
    )


def _check_may_change(appointment: Appointment) -> None:
    if appointment.status not in CHANGEABLE_STATUSES:
        _refuse("not_changeable", "This appointment can no longer be changed.", "appointment")
    hours = PortalSettings.current().change_notice_hours
    if not may_change(appointment):
        _refuse(
            "notice",
            f"Changes online close {hours} hours before the appointment: please call us.",
            "appointment",
        )


# --- treatment sessions and their gap ---------------------------------------------------


def session_type(session: TreatmentSession) -> AppointmentType:
    slug = plans.TOUCH_UP_TYPE if session.kind == SessionKind.TOUCH_UP else plans.TREATMENT_TYPE
    return AppointmentType.objects.get(slug=slug)


def gap_window(session: TreatmentSession) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The earliest and latest start that keep the gap to this session's neighbours."""
    gap = dt.timedelta(days=plans.TreatmentSettings.current().minimum_gap_days)
    before, after = plans._neighbours(session)
    return (
        before.starts_at + gap if before is not None else None,
        after.starts_at - gap if after is not None else None,
    )


def _within(start: dt.datetime, window) -> bool:
    earliest, latest = window
    return (earliest is None or start >= earliest) and (latest is None or start <= latest)


def session_of(appointment: Appointment) -> TreatmentSession | None:
    return TreatmentSession.objects.filter(appointment=appointment).select_related("plan").first()


def _check_gap(session: TreatmentSession, starts_at: dt.datetime, by: User) -> None:
    """The plan's gap rule, with no override, worded for the client."""
    try:
        plans._check_gap(session, starts_at, by, "")
    except BookingRefused as refusal:
        if refusal.problem.code != "gap":
            raise
        days = plans.TreatmentSettings.current().minimum_gap_days
        _refuse(
            "gap",
            f"Sessions are at least {days} days apart so your skin can settle. "
            "Please choose a later time (or call us).",
        )


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
    return [slot for slot in slots if _within(slot.start, window)]


def _is_offered(start: dt.datetime, **kwargs) -> bool:
    day = timezone.localdate(start, clinic_zone())
    return any(slot.start == start for slot in offered_slots(start_date=day, days=1, **kwargs))


# --- the client's changes ----------------------------------------------------------------


@transaction.atomic
def portal_move(*, appointment: Appointment, starts_at: dt.datetime, by: User) -> Appointment:
    """Move the client's own appointment to an offered time with the same artist."""
    appointment = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("type", "artist")
        .get(pk=appointment.pk)
    )
    _check_may_change(appointment)
    session = session_of(appointment)
    if session is not None:
        _check_gap(session, starts_at, by)
    return booking_move(
        appointment=appointment, starts_at=starts_at, source=BookingSource.ONLINE, by=by
    )


@transaction.atomic
def portal_cancel(*, appointment: Appointment, reason: str, by: User) -> Appointment:
    appointment = Appointment.objects.select_for_update(of=("self",)).get(pk=appointment.pk)
    _check_may_change(appointment)
    if not reason.strip():
        _refuse("reason_required", "Tell us briefly why you are cancelling.", "reason")
    return booking_cancel(appointment=appointment, reason=f"By the client: {reason}", by=by)


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
        _refuse("already_booked", "This session is already booked.")
    window = gap_window(session)
    if not _within(starts_at, window):
        _check_gap(session, starts_at, by)
    appointment_type = session_type(session)
    if not _is_offered(
        starts_at,
        appointment_type=appointment_type,
        artist_id=session.plan.lead_artist_id,
        minutes=session.planned_minutes,
        window=window,
    ):
        _refuse("not_offered", "Sorry, that time is not free any more. Please choose another.")
    try:
        appointment = plans.session_book(
            session=session, starts_at=starts_at, by=by, source=BookingSource.ONLINE
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
            session=session, starts_at=starts_at, by=by, source=BookingSource.FRONT_DESK
        )
    return Booked(appointment, already=False)
