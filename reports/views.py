"""The report page and its CSV downloads."""

from __future__ import annotations

import csv

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_safe

from accounts.access import health_practitioner_required, role_required
from accounts.models import Role
from sessions_app.models import HealingStatus

from . import selectors
from .forms import PeriodForm


def _figures(period: selectors.Period, user) -> dict:
    """Everything the page shows: an artist sees only their own appointments and
    consultations; the clinic-wide tables (new clients, per artist) are the manager's."""
    artist = user if user.role == Role.ARTIST else None
    figures = selectors.diary_figures(period, artist=artist)
    figures["conversion"] = selectors.conversion(period, artist=artist)
    if artist is None:
        figures["new_clients"] = selectors.new_clients_by_referral(period)
    else:
        del figures["per_artist"]
    return figures


def _csv_response(name: str, period: selectors.Period, rows: list[list]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    filename = f"{name}-{period.start:%Y%m%d}-{period.end:%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    csv.writer(response).writerows(rows)
    return response


REPORT_TABS = (
    ("report", "reports:report", gettext_lazy("Bookings"), (Role.MANAGER, Role.ARTIST)),
    ("money", "reports:money", gettext_lazy("Money"), (Role.MANAGER,)),
    (
        "utilisation",
        "reports:utilisation",
        gettext_lazy("Utilisation"),
        (Role.MANAGER, Role.ARTIST),
    ),
    (
        "outcomes",
        "reports:outcomes",
        gettext_lazy("Treatment outcomes"),
        (Role.MANAGER, Role.ARTIST),
    ),
)


def _tabs(user) -> list[tuple[str, str, str]]:
    """The report pages this person may open: (key, address, label)."""
    return [
        (key, reverse(name), label) for key, name, label, roles in REPORT_TABS if user.role in roles
    ]


def _period_context(form, period: selectors.Period, user) -> dict:
    return {
        "report_tabs": _tabs(user),
        "form": form,
        "period": period,
        "query": f"start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}",
        "start_value": f"{period.start:%Y-%m-%d}",
        "end_value": f"{period.end:%Y-%m-%d}",
    }


def _csv_rows(table: str, figures: dict) -> list[list]:
    if table == "deposits":
        return [
            ["deposits", "this period", "amount", "period before", "amount before"],
            *[
                [r.label, r.count_now, f"{r.amount_now:.2f}"]
                + [r.count_before, f"{r.amount_before:.2f}"]
                for r in figures[table]
            ],
        ]
    if table == "balances":
        now, before = figures[table]
        return [
            ["at the end of", "this period", "period before"],
            ["clients who owe", now.owing, before.owing],
            ["owed to the clinic", f"{now.owed:.2f}", f"{before.owed:.2f}"],
            ["clients in credit", now.in_credit, before.in_credit],
            ["credit held for clients", f"{now.credit:.2f}", f"{before.credit:.2f}"],
        ]
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
    """Bookings, conversion, attendance and new clients for a period."""
    form, period = _period_or_error(request, "reports/report.html")
    if not isinstance(period, selectors.Period):
        return period
    figures = _figures(period, request.user)
    table = request.GET.get("table", "")
    if request.GET.get("format") == "csv" and table in figures:
        return _csv_response(table, period, _csv_rows(table, figures))
    return render(
        request,
        "reports/report.html",
        {
            **_period_context(form, period, request.user),
            "own_only": request.user.role == Role.ARTIST,
            "type_bars": selectors.bars(figures["by_type"]),
            "source_bars": selectors.bars(figures["by_source"]),
            "referral_bars": selectors.bars(figures.get("new_clients", [])),
            **figures,
        },
    )


MONEY_TABLES = ("revenue", "deposits", "balances")


@require_safe
@role_required(Role.MANAGER)
def money(request):
    """Money taken by method, deposits by what became of them, and what clients owe and
    hold in credit (the manager's)."""
    form, period = _period_or_error(request, "reports/money.html")
    if not isinstance(period, selectors.Period):
        return period
    figures = {
        "revenue": selectors.revenue(period),
        "deposits": selectors.deposits(period),
        "balances": selectors.balances(period),
    }
    table = request.GET.get("table", "")
    if request.GET.get("format") == "csv" and table in MONEY_TABLES:
        return _csv_response(table, period, _csv_rows(table, figures))
    return render(
        request, "reports/money.html", {**_period_context(form, period, request.user), **figures}
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
    form, period = _period_or_error(request, "reports/utilisation.html")
    if not isinstance(period, selectors.Period):
        return period
    artist = request.user if request.user.role == Role.ARTIST else None
    use = selectors.utilisation(period, artist=artist)
    if request.GET.get("format") == "csv":
        return _csv_response("utilisation", period, _utilisation_rows(use))
    parts = [(use["artists"], gettext("By artist"), "use-artists", gettext("Artist"))]
    if artist is None:
        parts.append((use["rooms"], gettext("By room"), "use-rooms", gettext("Room")))
    parts.append((use["weeks"], gettext("By week"), "use-weeks", gettext("Week")))
    return render(
        request,
        "reports/utilisation.html",
        {**_period_context(form, period, request.user), "utilisation_parts": parts},
    )


def _utilisation_rows(use: dict) -> list[list]:
    rows = [["", "name", "booked hours", "available hours", "booked (%)"]]
    for part, label in (("artists", "artist"), ("rooms", "room"), ("weeks", "clinic")):
        rows += [[label, u.label, u.booked_hours, u.available_hours, u.percent] for u in use[part]]
    return rows


def _period_or_error(request, template: str):
    """The period asked for, or the page again with the form's errors (status 400)."""
    form = PeriodForm(request.GET, today=timezone.localdate())
    if not form.is_valid():
        typed = {
            "report_tabs": _tabs(request.user),
            "start_value": form["start"].value() or "",
            "end_value": form["end"].value() or "",
        }
        return form, render(request, template, {"form": form, **typed}, status=400)
    return form, selectors.Period(form.cleaned_data["start"], form.cleaned_data["end"])


def _outcome_figures(period: selectors.Period, artist) -> dict:
    plans_now, plans_before = selectors.completed_plans(period, artist=artist)
    sent, booked = selectors.recall_uptake(period, artist=artist)
    return {
        "plans": (plans_now, plans_before),
        "extra": selectors.extra_sessions_by_reason(period, artist=artist),
        "healing": selectors.healing_by_session(period, artist=artist),
        "check_ins": [
            (invited, answered, selectors.percent(answered.now, invited.now))
            for invited, answered in selectors.check_in_response(period, artist=artist)
        ],
        "recalls": (sent, booked, selectors.percent(booked.now, sent.now)),
    }


def _outcome_csv(table: str, figures: dict) -> list[list]:
    if table == "plans":
        now, before = figures["plans"]
        return [
            ["plans completed", "this period", "period before"],
            ["plans completed", now.completed, before.completed],
            ["sessions planned (average)", now.planned_each, before.planned_each],
            ["sessions held (average)", now.held_each, before.held_each],
            ["plans that needed extra sessions", now.with_extra, before.with_extra],
        ]
    if table == "extra":
        rows = [[row.label, row.now, row.before] for row in figures["extra"]]
        return [["extra sessions: why", "this period", "period before"], *rows]
    if table == "healing":
        statuses = [label for _, label in HealingStatus.choices]
        rows = [["region", "after session", *statuses, "judged"]]
        healing = figures["healing"]
        for part, name in ((healing["sessions"], "all regions"), (healing["regions"], None)):
            rows += [
                [name or row.label, row.after_session, *[n for _, n, _ in row.cells], row.judged]
                for row in part
            ]
        return rows
    if table == "check_ins":
        return [
            ["check-ins", "invited", "answered", "answered (%)"]
            + ["invited before", "answered before"],
            *[
                [i.label, i.now, a.now, share, i.before, a.before]
                for i, a, share in figures["check_ins"]
            ],
        ]
    sent, booked, share = figures["recalls"]
    return [
        ["touch-up recalls", "this period", "period before"],
        [sent.label, sent.now, sent.before],
        [booked.label, booked.now, booked.before],
        ["uptake (%)", share, selectors.percent(booked.before, sent.before)],
    ]


OUTCOME_TABLES = ("plans", "extra", "healing", "check_ins", "recalls")


@require_safe
@role_required(Role.MANAGER, Role.ARTIST)
def outcomes(request):
    """How treatment went: sessions per completed plan, healing by region and session,
    check-ins answered, touch-up recalls taken up. An artist sees the plans they lead."""
    form, period = _period_or_error(request, "reports/outcomes.html")
    if not isinstance(period, selectors.Period):
        return period
    artist = request.user if request.user.role == Role.ARTIST else None
    figures = _outcome_figures(period, artist)
    table = request.GET.get("table", "")
    if request.GET.get("format") == "csv" and table in OUTCOME_TABLES:
        return _csv_response(f"outcomes-{table}", period, _outcome_csv(table, figures))
    return render(
        request,
        "reports/outcomes.html",
        {
            **_period_context(form, period, request.user),
            "own_only": artist is not None,
            "healing_chart": selectors.healing_bars(figures["healing"]["sessions"]),
            "healing_legend": HealingStatus.choices,
            "recall_before_share": selectors.percent(
                figures["recalls"][1].before, figures["recalls"][0].before
            ),
            **figures,
        },
    )
