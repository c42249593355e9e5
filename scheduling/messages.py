"""The diary's messages: a booking's confirmation, its reminders, a move and a cancellation.

Declared here (what each says, whether it is still wanted, the calendar file, when
it goes) and registered with the outbox from SchedulingConfig.ready(); written by the
booking policy's reactions (scheduling.rules) in the transaction of the change.
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop, pgettext_lazy

from reminders.kinds import (
    HOURS_BEFORE,
    NotWanted,
    Timing,
    due_times,
    reason,
    reason_value,
    register_kind,
)
from reminders.models import Reminder, ReminderKind
from reminders.outbox import cancel_pending, schedule, schedule_new
from reminders.wording import site_host, site_url, when_text

from .models import Appointment, AppointmentStatus

APPOINTMENT_PLACEHOLDERS = {
    "when": gettext_lazy('the appointment time, e.g. "Tuesday 3 March at 10:15"'),
    "appointment_type": gettext_lazy("e.g. Consultation, Treatment session"),
    "artist": gettext_lazy("the artist's first name"),
    "place": gettext_lazy("the clinic's address and room, or the video call link"),
    "manage_url": gettext_lazy("private link to change or cancel the appointment"),
}

# Why a message about an appointment is not sent: kept in English on the reminder, shown to
# staff in their language (reminders.kinds.reason_shown).
GONE = reason(gettext_noop("The appointment no longer exists."))
WAS_CANCELLED = reason(gettext_noop("The %(what)s was cancelled."))
PASSED = reason(gettext_noop("The %(what)s has already started or passed."))
NOT_ACTIVE = reason(gettext_noop("The %(what)s is %(status)s."))
MOVED = reason(gettext_noop("The appointment moved."))
APPOINTMENT_CANCELLED = reason(gettext_noop("The appointment was cancelled."))
NO_LONGER_CANCELLED = reason(gettext_noop("The appointment is no longer cancelled."))
TIME_PASSED = reason(gettext_noop("The appointment's time has passed."))
reason_value("appointment", pgettext_lazy("not sent because", "appointment"))
# The status in English whatever language is active when the reason is written.
STATUS_WORDS = {
    status.value: reason_value(status.name.lower().replace("_", "-"), status.label)
    for status in AppointmentStatus
}


# --- values ---------------------------------------------------------------------------------


def appointment_of(reminder: Reminder, pk: int | None = None) -> Appointment:
    """The appointment a reminder is about (or `pk`), with its type, artist and room."""
    if pk is None and reminder.appointment_id and Reminder.appointment.is_cached(reminder):
        # The dispatcher loads the appointment with its type, artist and room.
        return reminder.appointment
    pk = pk or reminder.appointment_id
    appointment = (
        Appointment.objects.select_related("type", "artist", "room").filter(pk=pk).first()
        if pk
        else None
    )
    if appointment is None:
        raise NotWanted(GONE)
    return appointment


def place_text(appointment: Appointment, clinic: dict[str, str]) -> str:
    if appointment.type.is_video:
        return appointment.meeting_link or "Video call (we will send you the link before it starts)"
    place = clinic["clinic_name"]
    if clinic.get("clinic_address"):
        place += f", {clinic['clinic_address']}"
    if appointment.room_id:
        place += f" ({appointment.room.name})"
    return place


def require_upcoming(appointment: Appointment, what: str = "appointment") -> None:
    """NotWanted unless the appointment is still on and still ahead."""
    if appointment.status == AppointmentStatus.CANCELLED:
        raise NotWanted(WAS_CANCELLED, what=what)
    if appointment.starts_at <= timezone.now():
        raise NotWanted(PASSED, what=what)
    if not appointment.is_active:
        raise NotWanted(NOT_ACTIVE, what=what, status=STATUS_WORDS[appointment.status])


def appointment_values(appointment: Appointment, clinic: dict[str, str]) -> dict[str, str]:
    from .tokens import manage_token_for

    return {
        "when": when_text(appointment.starts_at),
        "appointment_type": appointment.type.name_in_sentence(),
        "artist": appointment.artist.first_name,
        "place": place_text(appointment, clinic),
        "manage_url": site_url(reverse("booking:manage", args=[manage_token_for(appointment)])),
    }


def calendar_file(appointment: Appointment, manage_url: str) -> tuple[str, str, str]:
    """The appointment as an .ics attachment (filename, content, mimetype)."""
    from .ics import client_calendar_text

    return (
        f"{appointment.type.slug}.ics",
        client_calendar_text(appointment, host=site_host(), manage_url=manage_url),
        "text/calendar; method=PUBLISH",
    )


def _upcoming_with_calendar(reminder: Reminder, clinic) -> tuple[dict, Appointment, tuple]:
    appointment = appointment_of(reminder)
    require_upcoming(appointment)
    values = appointment_values(appointment, clinic)
    return values, appointment, (calendar_file(appointment, values["manage_url"]),)


def confirmation_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    values, _, attachments = _upcoming_with_calendar(reminder, clinic)
    return values, attachments


def moved_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    values, _, attachments = _upcoming_with_calendar(reminder, clinic)
    try:
        values["previous_when"] = when_text(
            dt.datetime.fromisoformat((reminder.data or {}).get("moved_from"))
        )
    except (TypeError, ValueError):
        values["previous_when"] = ""
    return values, attachments


def reminder_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    from .confirm_tokens import confirm_token_for

    values, appointment, attachments = _upcoming_with_calendar(reminder, clinic)
    values["confirm_url"] = (
        site_url(reverse("confirm:appointment", args=[confirm_token_for(appointment)]))
        if appointment.status == AppointmentStatus.BOOKED
        else ""
    )
    return values, attachments


def cancelled_values(reminder: Reminder, clinic) -> tuple[dict, tuple]:
    appointment = appointment_of(reminder)
    if appointment.status != AppointmentStatus.CANCELLED:
        raise NotWanted(NO_LONGER_CANCELLED)
    if appointment.starts_at <= timezone.now():
        raise NotWanted(TIME_PASSED)
    return {
        "when": when_text(appointment.starts_at),
        "appointment_type": appointment.type.name_in_sentence(),
        "artist": appointment.artist.first_name,
        "reason": str((reminder.data or {}).get("reason") or appointment.cancellation_reason or ""),
        "book_url": site_url(reverse("booking:start")),
    }, ()


def register() -> None:
    register_kind(
        ReminderKind.BOOKING_CONFIRMATION,
        label=gettext_lazy("Booking confirmation"),
        owner="scheduling",
        service=True,
        placeholders=APPOINTMENT_PLACEHOLDERS,
        values=confirmation_values,
        button=("manage_url", gettext_lazy("Change or cancel")),
    )
    register_kind(
        ReminderKind.APPOINTMENT_MOVED,
        label=gettext_lazy("Appointment moved"),
        owner="scheduling",
        service=True,
        placeholders={
            **APPOINTMENT_PLACEHOLDERS,
            "previous_when": gettext_lazy("the time the appointment had before it moved"),
        },
        values=moved_values,
        button=("manage_url", gettext_lazy("See or change the appointment")),
    )
    register_kind(
        ReminderKind.APPOINTMENT_CANCELLED,
        label=gettext_lazy("Appointment cancelled"),
        owner="scheduling",
        service=True,
        placeholders={
            "when": APPOINTMENT_PLACEHOLDERS["when"],
            "appointment_type": APPOINTMENT_PLACEHOLDERS["appointment_type"],
            "artist": APPOINTMENT_PLACEHOLDERS["artist"],
            "reason": gettext_lazy("why the appointment was cancelled"),
            "book_url": gettext_lazy("link to book online"),
        },
        values=cancelled_values,
        button=("book_url", gettext_lazy("Book a new time")),
    )
    register_kind(
        ReminderKind.APPOINTMENT_REMINDER,
        label=gettext_lazy("Appointment reminder"),
        owner="scheduling",
        placeholders={
            **APPOINTMENT_PLACEHOLDERS,
            "confirm_url": gettext_lazy("private link to confirm the appointment"),
        },
        values=reminder_values,
        timing=Timing(
            unit=HOURS_BEFORE,
            anchor=gettext_lazy("the appointment"),
            default=(48, 24),
            several=True,
            maximum=720,
        ),
        button=("confirm_url", gettext_lazy("Confirm my appointment")),
    )


# --- writing them ---------------------------------------------------------------------------


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%MZ")


def _reminders_before(appointment: Appointment) -> list[tuple[str, dt.datetime, int]]:
    """(key, due_at, hours) of the reminders before an appointment, at the hours the clinic
    set, keyed by its start time so a moved appointment gets new ones and the old ones are
    cancelled. Those whose moment has passed (booked at short notice) are left out."""
    now = timezone.now()
    return [
        (f"appt:{appointment.pk}:{_stamp(appointment.starts_at)}:{hours}h", due_at, hours)
        for hours, due_at in due_times(ReminderKind.APPOINTMENT_REMINDER, appointment.starts_at)
        if due_at > now
    ]


def appointment_reminders(appointment: Appointment) -> None:
    """The reminders before an appointment (see _reminders_before); one it had before at
    this very time (moved away and back) comes back."""
    for key, due_at, hours in _reminders_before(appointment):
        schedule(
            key=key,
            client=appointment.client,
            kind=ReminderKind.APPOINTMENT_REMINDER,
            due_at=due_at,
            appointment=appointment,
            data={"hours_before": hours},
            revive=True,
        )


def appointment_booked(appointment: Appointment) -> None:
    """A new booking: its confirmation now, and its reminders before it.

    A booking entered after the fact (its time already past) sends nothing.
    """
    if appointment.starts_at <= timezone.now():
        return
    # A new appointment has no messages yet: all of them are written in one query.
    schedule_new(
        [
            Reminder(
                key=f"appt:{appointment.pk}:confirmation",
                client=appointment.client,
                kind=ReminderKind.BOOKING_CONFIRMATION,
                due_at=timezone.now(),
                appointment=appointment,
            ),
            *(
                Reminder(
                    key=key,
                    client=appointment.client,
                    kind=ReminderKind.APPOINTMENT_REMINDER,
                    due_at=due_at,
                    appointment=appointment,
                    data={"hours_before": hours},
                )
                for key, due_at, hours in _reminders_before(appointment)
            ),
        ]
    )


def appointment_moved(appointment: Appointment, *, moved_from: dt.datetime) -> None:
    """A moved booking: the old reminders are cancelled, new ones follow the new time."""
    if appointment.starts_at == moved_from:
        return
    cancel_pending(
        MOVED,
        appointment=appointment,
        kind=ReminderKind.APPOINTMENT_REMINDER,
    )
    schedule(
        key=f"appt:{appointment.pk}:moved:{_stamp(appointment.starts_at)}",
        client=appointment.client,
        kind=ReminderKind.APPOINTMENT_MOVED,
        due_at=timezone.now(),
        appointment=appointment,
        data={"moved_from": moved_from.isoformat()},
    )
    appointment_reminders(appointment)


def appointment_cancelled(appointment: Appointment) -> None:
    """A cancelled booking: nothing more is sent about it except the cancellation notice."""
    cancel_pending(APPOINTMENT_CANCELLED, appointment=appointment)
    schedule(
        key=f"appt:{appointment.pk}:cancelled",
        client=appointment.client,
        kind=ReminderKind.APPOINTMENT_CANCELLED,
        due_at=timezone.now(),
        appointment=appointment,
        data={"reason": appointment.cancellation_reason},
    )
