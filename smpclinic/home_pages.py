"""What the artist's and the manager's home pages show, put together from the apps' selectors.

Each rule lives in the app that owns it (README, "one place per rule"); this module only
composes them for a page, each part in a fixed number of queries whatever the data size.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from aftercare.selectors import check_ins_to_review
from consultations.selectors import (
    REVIEW_WAITING_DAYS,
    AppointmentFlag,
    appointment_flags,
    reviews_waiting_too_long,
)
from privacy.selectors import erasure_requests_waiting
from reminders.selectors import failed_reminders_count, unread_messages_count
from reports import selectors as figures
from scheduling.page_parts import attach_flags
from scheduling.selectors import appointments_listed_on, appointments_on
from sessions_app.selectors import session_labels_for_appointments, sessions_to_log

from .clinic import clock_label
from .links import url_with_id
from .money import money
from .selectors import first_rows_and_count

# Rows each list shows; the count says how many there are in all.
LIST_LIMIT = 20


@dataclass(frozen=True)
class DayRow:
    """One of the artist's appointments today, with where it stands and what it waits for."""

    appointment: object
    label: str
    flags: list[AppointmentFlag] = field(default_factory=list)


@dataclass(frozen=True)
class CountedList:
    """The first rows of a list and how many there are in all."""

    rows: list
    count: int

    @property
    def more(self) -> int:
        return self.count - len(self.rows)


@dataclass(frozen=True)
class ListedAppointment:
    """A row of the home pages' list of the day (home/_todays_appointments), its links and
    labels written."""

    url: str
    when: str  # "10:00–10:45", as the `clock` filter writes each end
    client_url: str
    client: str
    type: str
    artist: str  # the artist's short name
    room: str  # "—" without one
    status: str


def todays_list(day: dt.date, appointments: list | None = None) -> list[ListedAppointment]:
    """The day's appointments (cancelled ones left out) as the home pages list them, in one
    query reading only what the list shows (or from `appointments`, read already)."""
    appointment_url = url_with_id("scheduling:appointment_detail")
    client_url = url_with_id("clients:detail")
    zone = timezone.get_current_timezone()
    clocks: dict[dt.datetime, str] = {}

    def clock(moment: dt.datetime) -> str:
        if moment not in clocks:
            clocks[moment] = clock_label(moment, zone)
        return clocks[moment]

    return [
        ListedAppointment(
            url=appointment_url(a.pk),
            when=f"{clock(a.starts_at)}–{clock(a.ends_at)}",
            client_url=client_url(a.client_id),
            client=a.client.full_name,
            type=a.type.name,
            artist=a.artist.get_short_name(),
            room=(a.room.name if a.room_id else "") or "—",
            status=a.get_status_display(),
        )
        for a in (appointments_listed_on(day=day) if appointments is None else appointments)
    ]


def _counted(queryset, limit: int = LIST_LIMIT) -> CountedList:
    # One query, rows and count together: the same number however long the list is.
    rows, count = first_rows_and_count(queryset, limit)
    return CountedList(rows=rows, count=count)


def day_rows(artist_id: int, day: dt.date, now: dt.datetime) -> list[DayRow]:
    """An artist's appointments on a day, each with its plan session and what its record
    waits for; `.flags` on each appointment says what other apps flag (a deposit due).
    Eight queries whatever the number of appointments."""
    appointments = list(appointments_on(day=day, artist_id=artist_id))
    attach_flags(appointments)
    labels = session_labels_for_appointments(a.pk for a in appointments)
    flags = appointment_flags(appointments, now=now)
    return [
        DayRow(
            appointment=appointment,
            # A consultation (or a session not tied to a plan) says what kind it is.
            label=labels.get(appointment.pk) or appointment.type.get_kind_display(),
            flags=flags.get(appointment.pk, []),
        )
        for appointment in appointments
    ]


def artist_home(user, today: dt.date, now: dt.datetime) -> dict:
    """The artist's day, their check-ins to review and their sessions not yet logged."""
    day = day_rows(user.pk, today, now)
    to_log = _counted(sessions_to_log(artist=user, now=now))
    check_ins = _counted(check_ins_to_review(artist=user))
    return {
        "my_day": day,
        "check_ins_to_review": CountedList(
            rows=[
                {
                    "check_in": c,
                    # "Fade check-in", "Final check-in": the choice's label without its note.
                    "kind": c.get_kind_display().split(" (")[0],
                    "review_url": reverse("aftercare:review", args=[c.pk]),
                }
                for c in check_ins.rows
            ],
            count=check_ins.count,
        ),
        "sessions_to_log": CountedList(
            rows=[
                {"session": s, "log_url": reverse("sessions_app:session_log", args=[s.pk])}
                for s in to_log.rows
            ],
            count=to_log.count,
        ),
    }


@dataclass(frozen=True)
class Need:
    """Something only a manager can settle, how many are waiting, and where to act."""

    key: str
    text: str
    count: int
    url: str
    action: str
    rows: list = field(default_factory=list)


def manager_needs(today: dt.date, now: dt.datetime) -> list[Need]:
    """What waits for a manager: erasure requests to confirm or decline, messages that
    failed to send, clients' texts nobody has read, and contraindication reviews left
    waiting for days."""
    erasures = _counted(erasure_requests_waiting(), limit=5)
    reviews = _counted(reviews_waiting_too_long(now=now), limit=5)
    return [
        Need(
            key="erasure",
            text=_("Erasure requests waiting for your decision"),
            count=erasures.count,
            url=reverse("privacy:requests"),
            action=_("Confirm or decline"),
            rows=[
                {"text": r.client.full_name, "url": r.get_absolute_url(), "since": r.requested_at}
                for r in erasures.rows
            ],
        ),
        Need(
            key="failed",
            text=_("Messages that failed to send"),
            count=failed_reminders_count(),
            url=f"{reverse('reminders:list')}?tab=failed",
            action=_("See the failed messages"),
        ),
        Need(
            key="texts",
            text=_("Texts from clients waiting to be read"),
            count=unread_messages_count(),
            url=reverse("reminders:inbox"),
            action=_("Read them"),
        ),
        Need(
            key="review",
            text=_("Contraindication reviews waiting more than %(days)s days")
            % {"days": REVIEW_WAITING_DAYS},
            count=reviews.count,
            url=reverse("consultations:list"),
            action=_("Open the consultations"),
            rows=[
                {"text": c.client.full_name, "url": c.get_absolute_url(), "since": c.flagged_at}
                for c in reviews.rows
            ],
        ),
    ]


def trend(current: int, previous: int, period: str) -> str:
    """ "↑ 3 on the previous 7 days", "↓ 2 on …", "Same as the previous 7 days"."""
    difference = current - previous
    if difference == 0:
        return _("Same as the previous %(period)s") % {"period": period}
    arrow = "↑" if difference > 0 else "↓"
    return _("%(arrow)s %(difference)s on the previous %(period)s") % {
        "arrow": arrow,
        "difference": abs(difference),
        "period": period,
    }


def diary_trends(diary: dict) -> dict[str, str]:
    """The trend beside the 'Next 7 days' and 'No-shows, last 30 days' figures."""
    return {
        "next_7_days": trend(diary["next_7_days"], diary["previous_7_days"], _("7 days")),
        "no_shows_30_days": trend(
            diary["no_shows_30_days"], diary["no_shows_previous_30_days"], _("30 days")
        ),
    }


@dataclass(frozen=True)
class Brief:
    """One of the manager's figures in brief, with its trend and where the detail is."""

    key: str
    label: str
    value: str
    trend: str
    url: str


def money_trend(current, previous, period: str) -> str:
    """ "↑ £120.00 on the previous 30 days", "↓ …", "Same as the previous 30 days"."""
    difference = current - previous
    if not difference:
        return _("Same as the previous %(period)s") % {"period": period}
    arrow = "↑" if difference > 0 else "↓"
    return _("%(arrow)s %(difference)s on the previous %(period)s") % {
        "arrow": arrow,
        "difference": money(abs(difference)),
        "period": period,
    }


def manager_brief(today: dt.date) -> list[Brief]:
    """The reports in brief for the last 30 days against the 30 before: money taken,
    deposits kept under the cancellation policy, plans completed, check-ins answered (four
    queries)."""
    period = figures.Period(today - dt.timedelta(days=29), today)
    query = f"?start={period.start:%Y-%m-%d}&end={period.end:%Y-%m-%d}"
    money_page, outcomes = reverse("reports:money") + query, reverse("reports:outcomes") + query
    taken = figures.revenue(period)[-1]
    kept = figures.deposits_kept(period)
    plans, plans_before = figures.completed_plans(period)
    invited, answered = figures.check_in_response(period)[-1]
    return [
        Brief(
            "money-taken",
            _("Money taken, last 30 days"),
            money(taken.now),
            money_trend(taken.now, taken.before, _("30 days")),
            money_page,
        ),
        Brief(
            "deposits-kept",
            _("Deposits kept, last 30 days"),
            money(kept.amount_now),
            ngettext(
                "%(count)s no-show or late cancellation · ",
                "%(count)s no-shows or late cancellations · ",
                kept.count_now,
            )
            % {"count": kept.count_now}
            + money_trend(kept.amount_now, kept.amount_before, _("30 days")),
            money_page,
        ),
        Brief(
            "plans-completed",
            _("Plans completed, last 30 days"),
            str(plans.completed),
            trend(plans.completed, plans_before.completed, _("30 days")),
            outcomes,
        ),
        Brief(
            "check-ins-answered",
            _("Check-ins answered, last 30 days"),
            f"{figures.percent(answered.now, invited.now)}%" if invited.now else "—",
            (
                _("%(answered)s of %(invited)s")
                % {"answered": answered.now, "invited": invited.now}
                if invited.now
                else _("None sent")
            )
            + _(" · previous 30 days: ")
            + (
                f"{figures.percent(answered.before, invited.before)}%"
                if invited.before
                else _("none sent")
            ),
            outcomes,
        ),
    ]
