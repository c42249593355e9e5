"""Links built fast, for lists with one or two per row."""

from __future__ import annotations

from django.urls import reverse


def url_with_id(name: str):
    """pk -> the URL named `name` for that pk, reversed once (a day's list has two links
    a row, and reversing costs more than the rest of the row)."""
    before, after = reverse(name, args=[987654321]).split("987654321")
    return lambda pk: f"{before}{pk}{after}"
