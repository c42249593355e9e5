"""Parts other apps add to the appointment page (e.g. the deposit, from billing), and
flags they add to appointments in the diary (e.g. "Deposit due").

The apps that build on the diary sit above scheduling, so it does not import them:
each registers `fn(appointment, user) -> dict | None` from its `AppConfig.ready()`.
The dict names the template that draws the part (`"template"`) and whatever it needs;
None leaves the part out. A part costs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Expression

from .models import Appointment

AppointmentPart = Callable[..., "dict | None"]
_parts: list[AppointmentPart] = []


def register_appointment_part(fn: AppointmentPart) -> AppointmentPart:
    if fn not in _parts:
        _parts.append(fn)
    return fn


def appointment_parts(appointment, user) -> list[dict]:
    found = (part(appointment, user) for part in _parts)
    return [part for part in found if part]


# --- flags in the diary --------------------------------------------------------------------


@dataclass(frozen=True)
class Flag:
    label: str
    tone: str = "secondary"  # a Bootstrap colour: warning, success, danger, secondary


@dataclass(frozen=True)
class DiaryFlags:
    """What an app flags on the diary's appointments: a value read with each appointment
    (`value()`, an expression on Appointment, e.g. its deposit's status through a join)
    and the flags each value means (`flags(value)`). Read with the appointments, flags
    cost the diary no query of their own (scheduling.week_grid), or one for any number
    of appointments (attach_flags)."""

    value: Callable[[], Expression]
    flags: Callable[[object], list[Flag]]


_flaggers: list[DiaryFlags] = []


def register_diary_flags(flagger: DiaryFlags) -> DiaryFlags:
    """Register what an app flags; from its `AppConfig.ready()`, so the set is fixed once
    the clinic runs (the week's query is built once with it)."""
    if flagger not in _flaggers:
        _flaggers.append(flagger)
    return flagger


def flag_values() -> dict[str, Expression]:
    """The registered flags' values, as annotations to read with the appointments;
    flags_of() says what one appointment's values (in this order) mean."""
    return {f"flag_value_{n}": flagger.value() for n, flagger in enumerate(_flaggers)}


def flags_of(values: Sequence) -> list[Flag]:
    flags: list[Flag] = []
    for flagger, value in zip(_flaggers, values, strict=True):
        flags.extend(flagger.flags(value))
    return flags


def attach_flags(appointments: Iterable) -> None:
    """Set `.flags` on each appointment: what the registered apps say of it, in one query
    for all of them."""
    appointments = list(appointments)
    for appointment in appointments:
        appointment.flags = []
    if not appointments or not _flaggers:
        return
    by_id = {appointment.pk: appointment for appointment in appointments}
    values = flag_values()
    rows = (
        Appointment.objects.filter(pk__in=list(by_id)).annotate(**values).values_list("pk", *values)
    )
    for pk, *row in rows:
        by_id[pk].flags = flags_of(row)


# --- what a client is told about an appointment -------------------------------------------


@dataclass(frozen=True)
class ClientNote:
    """A line on the client's own view of an appointment (the emailed link, the portal),
    with an optional link, e.g. "Please pay your deposit of £50.00 by …  [Pay now]"."""

    text: str
    url: str = ""
    link: str = ""
    tone: str = "info"  # a Bootstrap alert colour


ClientNotesFn = Callable[[list], "dict[int, ClientNote]"]
_client_notes: list[ClientNotesFn] = []


def register_client_notes(fn: ClientNotesFn) -> ClientNotesFn:
    """Register `fn(appointments) -> {appointment id: ClientNote}`: one query for all."""
    if fn not in _client_notes:
        _client_notes.append(fn)
    return fn


def client_notes_for(appointments) -> dict[int, list[ClientNote]]:
    """Each appointment's notes, a fixed number of queries however many there are."""
    appointments = list(appointments)
    notes: dict[int, list[ClientNote]] = {a.pk: [] for a in appointments}
    if not appointments:
        return notes
    for fn in _client_notes:
        for pk, note in fn(appointments).items():
            notes.setdefault(pk, []).append(note)
    return notes


def client_notes(appointment) -> list[ClientNote]:
    return client_notes_for([appointment])[appointment.pk]
