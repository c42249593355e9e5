"""The report page and its CSV downloads."""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from accounts.access import health_practitioner_required, role_required
from accounts.models import Role

from . import selectors
from .forms import PeriodForm

TABLES = (
    "by_type",
    "by_source",
    "new_clients",
    "attendance",
    "conversion",
    "per_artist",
    "revenue",
)


def _figures(period: selectors.Period, user) -> dict:
    """Everything the page shows: an artist sees only their own appointments and
    consultations; the clinic-wide tables (new clients, per artist) are the manager's."""
    artist = user if user.role == Role.ARTIST else None
    now, before = selectors.attendance(period, artist=artist)
    figures = {
        "by_type": selectors.bookings_by_type(period, artist=artist),
        "by_source": selectors.bookings_by_source(period, artist=artist),
        "attendance": (now, before),
        "conversion": selectors.conversion(period, artist=artist),
    }
    if artist is None:
        figures["revenue"] = selectors.revenue(period)
        figures["new_clients"] = selectors.new_clients_by_referral(period)
        figures["per_artist"] = selectors.per_artist(period)
    return figures


def _csv_rows(table: str, figures: dict) -> list[list]:
    if table == "revenue":
        rows = [
            [r.label, f"{r.now:.2f}", f"{r.before:.2f}", f"{r.change:.2f}"] for r in figures[table]
        ]
        return [["taken less refunds", "this period", "period before", "change"], *rows]
    if table in ("by_type", "by_source", "new_clients"):
        rows = [[row.label, row.now, row.before, row.change] for row in figures[table]]
        return [["", "this period", "period before", "change"], *rows]
    if table == "attendance":
        now, before = figures["attendance"]
        return [
            ["", "this period", "period before"],
            ["appointments due", now.due, before.due],
            ["no-shows", now.no_shows, before.no_shows],
            ["late cancellations", now.late_cancellations, before.late_cancellations],
            ["missed (%)", now.rate, before.rate],
            ["booked hours lost", now.hours_lost, before.hours_lost],
        ]
    if table == "conversion":
        return [
            ["step", "this period", "% of held", "period before"],
            *[[row.label, row.now, share, row.before] for _, row, share in figures[table]],
        ]
    return [
        ["artist", "bookings", "no-shows", "late cancellations"],
        *[
            [r["artist"], r["bookings"], r["no_shows"], r["late_cancellations"]]
            for r in figures["per_artist"]
        ],
    ]


@require_safe
@role_required(Role.MANAGER, Role.ARTIST)
def report(request):
    form = PeriodForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        typed = {"start_value": form["start"].value() or "", "end_value": form["end"].value() or ""}
        return render(request, "reports/report.html", {"form": form, **typed}, status=400)
    period = selectors.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    figures = _figures(period, request.user)
    table = request.GET.get("table", "")
    if request.GET.get("format") == "csv" and table in figures:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"{table}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        csv.writer(response).writerows(_csv_rows(table, figures))
        return response
    query = f"start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"
    return render(
        request,
        "reports/report.html",
        {
            "form": form,
            "period": period,
            "query": query,
            "start_value": f"{period.start:%Y-%m-%d}",
            "end_value": f"{period.end:%Y-%m-%d}",
            "own_only": request.user.role == Role.ARTIST,
            "type_bars": selectors.bars(figures["by_type"]),
            "source_bars": selectors.bars(figures["by_source"]),
            "referral_bars": selectors.bars(figures.get("new_clients", [])),
            **figures,
        },
    )


@require_safe
@health_practitioner_required
def conversion_step(request, step: str):
    """The consultations behind one number of the conversion (they name clients: a health
    page, for the artists and the manager; an artist sees their own)."""
    steps = dict(selectors.CONVERSION_STEPS)
    if step not in steps:
        raise Http404("No such step.")
    form = PeriodForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        return render(request, "reports/report.html", {"form": form}, status=400)
    period = selectors.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    artist = request.user if request.user.role == Role.ARTIST else None
    return render(
        request,
        "reports/conversion_step.html",
        {
            "step": steps[step],
            "period": period,
            "query": f"start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}",
            "consultations": list(selectors.conversion_list(period, step, artist=artist)),
        },
    )


@require_safe
@role_required(Role.MANAGER, Role.ARTIST)
def utilisation(request):
    """Booked hours over working hours: a report of its own (it reads the diary's hours)."""
    form = PeriodForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        typed = {"start_value": form["start"].value() or "", "end_value": form["end"].value() or ""}
        return render(request, "reports/utilisation.html", {"form": form, **typed}, status=400)
    period = selectors.Period(form.cleaned_data["start"], form.cleaned_data["end"])
    artist = request.user if request.user.role == Role.ARTIST else None
    use = selectors.utilisation(period, artist=artist)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        name = f"utilisation-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        csv.writer(response).writerows(_utilisation_rows(use))
        return response
    parts = [(use["artists"], "By artist", "use-artists", "Artist")]
    if artist is None:
        parts.append((use["rooms"], "By room", "use-rooms", "Room"))
    parts.append((use["weeks"], "By week", "use-weeks", "Week"))
    return render(
        request,
        "reports/utilisation.html",
        {
            "form": form,
            "period": period,
            "query": f"start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}",
            "start_value": f"{period.start:%Y-%m-%d}",
            "end_value": f"{period.end:%Y-%m-%d}",
            "utilisation_parts": parts,
        },
    )


def _utilisation_rows(use: dict) -> list[list]:
    rows = [["", "name", "booked hours", "available hours", "booked (%)"]]
    for part, label in (("artists", "artist"), ("rooms", "room"), ("weeks", "clinic")):
        rows += [[label, u.label, u.booked_hours, u.available_hours, u.percent] for u in use[part]]
    return rows
