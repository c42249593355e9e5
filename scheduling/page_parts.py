"""Parts other apps add to the appointment page (e.g. the deposit, from billing), and
flags they add to appointments in the diary (e.g. "Deposit due").

The apps that build on the diary sit above scheduling, so it does not import them:
each registers `fn(appointment, user) -> dict | None` from its `AppConfig.ready()`.
The dict names the template that draws the part (`"template"`) and whatever it needs;
None leaves the part out. A part costs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


FlagsFn = Callable[[list[int]], "dict[int, list[Flag]]"]
_flaggers: list[FlagsFn] = []


def register_diary_flags(fn: FlagsFn) -> FlagsFn:
    """Register `fn(appointment_ids) -> {id: [Flag, ...]}`: one query for all of them."""
    if fn not in _flaggers:
        _flaggers.append(fn)
    return fn


def attach_flags(appointments: Iterable) -> None:
    """Set `.flags` on each appointment: what the registered apps say of it."""
    appointments = list(appointments)
    for appointment in appointments:
        appointment.flags = []
    if not appointments or not _flaggers:
        return
    by_id = {appointment.pk: appointment for appointment in appointments}
    for flagger in _flaggers:
        for pk, flags in flagger(list(by_id)).items():
            if pk in by_id:
                by_id[pk].flags.extend(flags)


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
