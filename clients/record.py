"""The client record page: what each app knows about a client, gathered in one place.

The apps that hold a client's appointments, plans, consultations and photos sit above
clients, so clients does not import them: each registers a part of the record from its
`AppConfig.ready()` with `register_record_part(fn)`, where `fn(client, now=...)`
returns the context it adds (a fixed number of queries whatever the client's history).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

RecordPart = Callable[..., dict]
_parts: list[RecordPart] = []


def register_record_part(fn: RecordPart) -> RecordPart:
    if fn not in _parts:
        _parts.append(fn)
    return fn


def record_context(client, *, now: dt.datetime) -> dict:
    """Everything the registered parts add to the client record page."""
    context: dict = {}
    for part in _parts:
        context.update(part(client, now=now))
    return context
