"""Calendar (.ics) files: one appointment for staff or for its client, and artists' feeds.

Times are written in UTC, so every calendar program shows them in its own
zone without needing the clinic's. The UID stays the same for an appointment
all its life and SEQUENCE grows with each move, so a calendar that imported
the file before replaces the old time instead of adding a second event.

Files never carry a client's email, phone or notes: they end up synced to
phones and third-party calendar services. Staff files name the client; the
artists' feeds only give first name and last initial.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from smpclinic.clinic import clinic_context, clinic_name

from .models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentEvent,
    AppointmentEventKind,
    AppointmentStatus,
    CalendarFeed,
    new_feed_token,
)

PRODID = "-//SMP Clinic//Appointments//EN"
# What an artist's feed covers: recent history and the diary ahead.
FEED_PAST = dt.timedelta(days=30)
FEED_AHEAD = dt.timedelta(days=180)


# What makes a calendar replace its copy of an event: each move and the cancellation.
SEQUENCE_EVENTS = (AppointmentEventKind.MOVED, AppointmentEventKind.CANCELLED)


def calendar_host() -> str:
    """The host part of every UID: the clinic's own address (SITE_URL), so an appointment
    has one UID in the emailed file, a download and a feed, whatever address a request
    came in by."""
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def with_sequence(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    """Appointments with `ics_sequence` (how often each changed), in the same query."""
    return appointments.select_related("type", "artist", "room", "client").annotate(
        ics_sequence=Count("events", filter=Q(events__kind__in=SEQUENCE_EVENTS))
    )


def feed_appointments(artist_id: int, *, now: dt.datetime | None = None):
    """An artist's active appointments from 30 days ago to 180 days ahead (one query)."""
    now = now or timezone.now()
    return with_sequence(
        Appointment.objects.filter(
            artist_id=artist_id,
            status__in=ACTIVE_STATUSES,
            starts_at__gte=now - FEED_PAST,
            starts_at__lt=now + FEED_AHEAD,
        )
    ).order_by("starts_at", "id")


def clinic_place() -> str:
    """Where clinic appointments happen, as a calendar LOCATION."""
    clinic = clinic_context()
    address = clinic["clinic_address"]
    return f"{clinic['clinic_name']}, {address}" if address else clinic["clinic_name"]


def client_label(appointment: Appointment) -> str:
    """First name and last initial: enough for an artist's phone, no more."""
    client = appointment.client
    initial = f" {client.last_name[:1]}." if client.last_name else ""
    return f"{client.first_name}{initial}"


def _calendar(name: str = "") -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    if name:
        calendar.add("x-wr-calname", name)
    return calendar


def _event(
    appointment: Appointment,
    *,
    host: str,
    summary: str,
    location: str,
    description: str = "",
    url: str = "",
    now: dt.datetime | None = None,
) -> Event:
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@{host}")
    event.add("dtstamp", (now or timezone.now()).astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
    event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
    event.add("summary", summary)
    if location:
        event.add("location", location)
    if description:
        event.add("description", description)
    if url:
        event.add("url", url)
    event.add("sequence", _sequence(appointment))
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if appointment.updated_at:
        event.add("last-modified", appointment.updated_at.astimezone(dt.UTC))
    return event


def _sequence(appointment: Appointment) -> int:
    annotated = getattr(appointment, "ics_sequence", None)
    if annotated is not None:
        return annotated
    return appointment.events.filter(kind__in=SEQUENCE_EVENTS).count()


def _staff_location(appointment: Appointment) -> str:
    if appointment.type.is_video:
        return appointment.meeting_link or "Video call"
    return str(appointment.room) if appointment.room_id else ""


def staff_calendar(appointment: Appointment, *, host: str, url: str = "") -> Calendar:
    """One appointment as staff see it: type and client's name, room or meeting link."""
    calendar = _calendar()
    calendar.add_component(
        _event(
            appointment,
            host=host,
            summary=f"{appointment.type} – {appointment.client.full_name}",
            location=_staff_location(appointment),
            description=f"With {appointment.artist.get_full_name()}. "
            f"Status: {appointment.get_status_display()}.",
            url=url,
        )
    )
    return calendar


def _client_texts(
    appointment: Appointment, clinic: str, manage_url: str
) -> tuple[str, str, list[str]]:
    """The client's file's summary, location and description lines, in the language active
    (the client's: a reminder is composed in it, and the pages that give the file use it)."""
    if appointment.type.is_video:
        location = appointment.meeting_link or _("Video call (the clinic sends the link)")
    else:
        location = clinic_place()
    lines = [
        _("With %(artist)s at %(clinic)s.")
        % {"artist": appointment.artist.first_name, "clinic": clinic}
    ]
    if appointment.type.is_video and appointment.meeting_link:
        lines.append(_("Join the call: %(link)s") % {"link": appointment.meeting_link})
    if manage_url:
        lines.append(_("Change or cancel: %(link)s") % {"link": manage_url})
    summary = _("%(appointment_type)s at %(clinic)s") % {
        "appointment_type": appointment.type.client_name,
        "clinic": clinic,
    }
    return summary, location, lines


def client_calendar(
    appointment: Appointment, *, host: str, manage_url: str = "", now: dt.datetime | None = None
) -> Calendar:
    """One appointment as its client sees it: no other person's details."""
    summary, location, lines = _client_texts(appointment, clinic_name(), manage_url)
    calendar = _calendar()
    calendar.add_component(
        _event(
            appointment,
            host=host,
            summary=summary,
            location=location,
            description="\n".join(lines),
            url=manage_url,
            now=now,
        )
    )
    return calendar


# --- the client's file, written directly -------------------------------------------------
# Every reminder about an appointment carries its client's file, hundreds a second when
# they fall due together; icalendar spends about a millisecond on each (building its
# objects, then folding every line character by character). `client_calendar_text` writes
# the same bytes straight away: the properties in icalendar's order (its canonical ones
# first, then alphabetical), TEXT escaped and lines folded by the same rules (RFC 5545).
# The tests compare the two on awkward values.

_ICS_LIMIT = 75


def _ics_text(value: str) -> str:
    """A TEXT value escaped as icalendar escapes it (the order matters)."""
    return (
        value.replace(r"\N", "\n")
        .replace("\\", "\\\\")
        .replace(";", r"\;")
        .replace(",", r"\,")
        .replace("\r\n", r"\n")
        .replace("\n", r"\n")
        .replace("\r", r"\n")
    )


def _ics_fold(line: str) -> str:
    """A content line folded as icalendar folds it: under 75 octets a line, never splitting
    a backslash or caret escape across the fold."""
    if len(line) < _ICS_LIMIT and (line.isascii() or len(line.encode()) < _ICS_LIMIT):
        return line
    if line.isascii():
        # One octet a character: whole pieces of 74, one shorter where it would end on an
        # escape's backslash or caret (which then starts the next).
        folded, start = [], 0
        while len(line) - start >= _ICS_LIMIT:
            end = start + _ICS_LIMIT - 1
            if line[end - 1] in "\\^":
                end -= 1
            folded.append(line[start:end])
            start = end
        folded.append(line[start:])
        return "\r\n ".join(folded)
    folded, current, count = [], [], 0
    for char in line:
        size = 1 if char < "\x80" else len(char.encode())
        if current and count + size >= _ICS_LIMIT:
            if len(current) > 1 and current[-1] in "\\^":
                carried = current.pop()
                folded.append("".join(current))
                current, count = [carried], len(carried.encode())
            else:
                folded.append("".join(current))
                current, count = [], 0
        current.append(char)
        count += size
    if current:
        folded.append("".join(current))
    return "\r\n ".join(folded)


def _ics_moment(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def client_calendar_text(
    appointment: Appointment,
    *,
    host: str,
    manage_url: str = "",
    now: dt.datetime | None = None,
) -> str:
    """`client_calendar(...).to_ical().decode()`, written directly (the same text); `now`
    is the moment stamped in the file (DTSTAMP)."""
    summary, location, lines = _client_texts(appointment, clinic_name(), manage_url)
    if any(c in manage_url for c in "\r\n"):
        # icalendar refuses a link with a line break in it; let it say so, as before.
        calendar = client_calendar(appointment, host=host, manage_url=manage_url, now=now)
        return calendar.to_ical().decode()
    # The event's properties in icalendar's order: SUMMARY, DTSTART, DTEND, DTSTAMP, UID,
    # SEQUENCE, then the others alphabetically.
    properties = [
        f"SUMMARY:{_ics_text(summary)}",
        f"DTSTART:{_ics_moment(appointment.starts_at)}",
        f"DTEND:{_ics_moment(appointment.ends_at)}",
        f"DTSTAMP:{_ics_moment(now or timezone.now())}",
        f"UID:{_ics_text(f'appointment-{appointment.pk}@{host}')}",
        f"SEQUENCE:{_sequence(appointment)}",
        f"DESCRIPTION:{_ics_text(chr(10).join(lines))}",
    ]
    if appointment.updated_at:
        properties.append(f"LAST-MODIFIED:{_ics_moment(appointment.updated_at)}")
    if location:
        properties.append(f"LOCATION:{_ics_text(location)}")
    cancelled = appointment.status == AppointmentStatus.CANCELLED
    properties.append("STATUS:" + ("CANCELLED" if cancelled else "CONFIRMED"))
    if manage_url:
        properties.append(f"URL:{manage_url}")
    content = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{_ics_text(PRODID)}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        *properties,
        "END:VEVENT",
        "END:VCALENDAR",
        "",
    ]
    return "\r\n".join(_ics_fold(line) for line in content)


def artist_feed_calendar(artist, appointments, *, host: str) -> Calendar:
    """An artist's diary for their own calendar app; clients as first name + initial."""
    calendar = _calendar(f"{clinic_name()} – {artist.first_name}'s appointments")
    # Ask calendar apps to look for changes hourly (many still choose their own pace).
    calendar.add("refresh-interval", dt.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    for appointment in appointments:
        calendar.add_component(
            _event(
                appointment,
                host=host,
                summary=f"{appointment.type} – {client_label(appointment)}",
                location=_staff_location(appointment),
            )
        )
    return calendar


def feed_renew(*, artist) -> CalendarFeed:
    """Give the artist a feed URL; a new token revokes the old URL at once."""
    feed, created = CalendarFeed.objects.get_or_create(artist=artist)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
    return feed


def feed_revoke(*, artist) -> None:
    """Turn the artist's feed off: the URL stops working."""
    CalendarFeed.objects.filter(artist=artist).delete()


def number_calendar_files(reminders) -> None:
    """Give a batch of reminders' appointments their SEQUENCE in one query, as
    `with_sequence` does for a queryset (registered with the reminder dispatcher)."""
    appointments = {r.appointment_id: r.appointment for r in reminders if r.appointment_id}
    if not appointments:
        return
    changes = dict(
        AppointmentEvent.objects.filter(appointment_id__in=appointments, kind__in=SEQUENCE_EVENTS)
        .values_list("appointment_id")
        .annotate(n=Count("pk"))
    )
    for pk, appointment in appointments.items():
        appointment.ics_sequence = changes.get(pk, 0)
