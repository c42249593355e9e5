"""The client's place on the waitlist, on the client record (clients.record)."""

from __future__ import annotations

from django.db.models import BigIntegerField

from clients.record import register_record_part
from smpclinic.prepared import Param, PreparedQuery

from .selectors import entries_of
from .services import entry_wants


@register_record_part
def waitlist_part(client, *, now) -> dict:
    """One query: the client's entries still waiting, with what each waits for in words."""
    return {
        "waitlist_entries": [
            (entry, entry_wants(entry)) for entry in _ENTRIES.fetch(client=client.pk)
        ]
    }


_ENTRIES = PreparedQuery(lambda: entries_of(Param("client", BigIntegerField())))
