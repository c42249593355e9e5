"""Parts other apps add to the appointment page (e.g. the deposit, from billing).

The apps that build on the diary sit above scheduling, so it does not import them:
each registers `fn(appointment, user) -> dict | None` from its `AppConfig.ready()`.
The dict names the template that draws the part (`"template"`) and whatever it needs;
None leaves the part out. A part costs a fixed number of queries.
"""

from __future__ import annotations

from collections.abc import Callable

AppointmentPart = Callable[..., "dict | None"]
_parts: list[AppointmentPart] = []


def register_appointment_part(fn: AppointmentPart) -> AppointmentPart:
    if fn not in _parts:
        _parts.append(fn)
    return fn


def appointment_parts(appointment, user) -> list[dict]:
    found = (part(appointment, user) for part in _parts)
    return [part for part in found if part]
