"""The day page's table, written in Python: a row per slot, a cell per artist (and lane).

A full day holds hundreds of cells; through the template engine each cost tens of
microseconds in tags, includes and lookups, most of the page's time (README, speed).
Here each cell's markup is written once, with every shown value escaped as the template
would, each URL reversed once per page, each clock written once per moment and each
label translated once per page (the same texts as the template's, so the catalogues
apply). The layout itself (which cell is free, busy or an appointment) is
scheduling.calendar.day_plan's.
"""

from __future__ import annotations

from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from smpclinic.clinic import clock_labels

from .calendar import DayPlan
from .models import AppointmentStatus
from .week_grid import _escape, flag_badge


def day_table_rows(plan: DayPlan, *, can_book: bool) -> SafeString:
    """The table body's rows (<tr>…</tr>, one per slot) for the day grid."""
    label_of = clock_labels(timezone.get_current_timezone())
    # Keyed by the moments as read from the database, in UTC: no two share a key, even
    # on the night the clocks go back.
    clocks: dict = {}

    def clock(moment) -> str:
        shown = clocks.get(moment)
        if shown is None:
            shown = clocks[moment] = _escape(label_of(moment))
        return shown

    appointment_path = _escape(reverse("scheduling:appointment_detail", args=[0])[:-2])
    book_path = _escape(reverse("scheduling:book"))
    status_labels = {value: _escape(label) for value, label in AppointmentStatus.choices}
    book_text = gettext("Book %(label)s with %(artist)s")
    away_text = gettext("%(artist)s away")
    video_text = gettext("· Video call")
    names: dict[int, str] = {}
    flag_markup: dict[int, str] = {}

    def name_of(artist) -> str:
        name = names.get(artist.pk)
        if name is None:
            name = names[artist.pk] = _escape(artist)
        return name

    out: list[str] = []
    for row in plan.rows:
        # Not clock(): the rows' starts are in the clinic's zone, where 01:15 BST and
        # 01:15 GMT compare equal.
        label = _escape(label_of(row.start))
        classes = ("diary-row-hour" if row.is_hour else "") + (
            " diary-row-now" if row.is_now else ""
        )
        shown = label if row.is_hour else f'<span class="diary-time-minor">{label}</span>'
        out.append(
            f'\n        <tr class="{classes}">\n'
            f'          <th scope="row" class="diary-time">{shown}</th>'
        )
        start = None  # as the booking form reads it from the URL
        for cell in row.cells:
            kind = cell.kind
            if kind == "appointment":
                out.append(
                    _appointment_cell(
                        cell, label, clock, appointment_path, status_labels, video_text, flag_markup
                    )
                )
            elif kind == "free":
                link = ""
                if can_book:
                    if start is None:  # the row's cells all start with it
                        start = _escape(quote(cell.start_param, safe=":"))
                    hidden = book_text % {"label": label, "artist": name_of(cell.artist)}
                    link = (
                        f'<a class="diary-free-link" href="{book_path}?start={start}'
                        f'&amp;artist={cell.artist.pk}"><span class="visually-hidden">'
                        f"{hidden}</span></a>"
                    )
                out.append(f'\n          <td class="diary-cell diary-free">{link}</td>')
            else:
                hidden = ""
                if kind == "away":
                    text = away_text % {"artist": name_of(cell.artist)}
                    hidden = f'<span class="visually-hidden">{text}</span>'
                out.append(
                    f'\n          <td class="diary-cell diary-{_escape(kind)}">{hidden}</td>'
                )
        out.append("\n        </tr>")
    return mark_safe("".join(out))  # noqa: S308 - every shown value is escaped above


def _appointment_cell(
    cell, label, clock, appointment_path, status_labels, video_text, flag_markup
) -> str:
    a = cell.appointment
    status = _escape(a.status)
    status_label = status_labels.get(a.status) or _escape(a.status)
    span = {1: " diary-span-1", 2: " diary-span-2"}.get(cell.rowspan, "")
    when = f"{clock(a.starts_at)}–{clock(a.ends_at)}"
    client = _escape(a.client_name)
    type_name = _escape(a.type_name)
    room = _escape(a.room_name) if a.room_id else ""
    where = f", {room}" if a.room_id else ""
    title = f"{when} {client}, {type_name}{where}, {status_label}"
    flags = [flag_badge(flag, flag_markup) for flag in a.flags]
    if a.room_id:
        detail = f"{type_name} · {room}"
    elif a.type_is_video:
        detail = f"{type_name} {video_text}"
    else:
        detail = type_name
    return (
        f'\n          <td rowspan="{cell.rowspan}" class="diary-cell diary-cell-appt">\n'
        f'            <a id="appointment-{a.pk}" href="{appointment_path}{a.pk}/" '
        f'class="diary-block diary-block-{status}{span}" data-artist="{cell.artist.pk}" '
        f'data-row="{label}" title="{title}" data-testid="appointment">\n'
        f'              <span class="diary-block-line">'
        f'<span class="diary-block-time">{when}</span> '
        f'<span class="badge diary-status diary-status-{status}">{status_label}</span>\n'
        f"{''.join(flags)}\n</span>\n"
        f'              <span class="diary-block-who"><strong>{client}</strong> '
        f'<span class="diary-block-detail">{detail}</span></span>\n'
        f"            </a>\n          </td>"
    )
