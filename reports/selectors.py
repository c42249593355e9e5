"""The report's figures, each counted by the database in a fixed number of queries.

A period is whole days on the clinic's clock, both ends included. Every figure comes
with the same figure for the period just before, of the same length, counted in the same
query. `artist` narrows everything to one artist's own appointments and consultations
(what an artist sees of the report).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Case,
    Count,
    DecimalField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    When,
)
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext, gettext_lazy

from accounts.models import Role, User
from aftercare.models import CheckIn, CheckInKind
from billing.models import OWED_KINDS, Deposit, DepositStatus, EntryKind, LedgerEntry, PaymentMethod
from clients.models import Client, ReferralSource
from consultations.models import Consultation, Outcome
from reminders.models import Reminder, ReminderKind, ReminderStatus
from scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    AppointmentType,
    BookingSource,
)
from sessions_app.models import (
    ExtraReason,
    HealingStatus,
    PlanStatus,
    Region,
    RegionHealing,
    SessionKind,
    TreatmentPlan,
    TreatmentSession,
)
from smpclinic import formats
from smpclinic.clinic import clinic_zone, local_datetime


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # included

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def before(self) -> Period:
        """The period of the same length just before this one."""
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))

    def bounds(self) -> tuple[dt.datetime, dt.datetime]:
        """From the first day's midnight to the day after the last, on the clinic's clock."""
        zone = clinic_zone()
        return (
            local_datetime(self.start, dt.time(0), zone),
            local_datetime(self.end + dt.timedelta(days=1), dt.time(0), zone),
        )


@dataclass(frozen=True)
class Row:
    """One line of a table: its label, the figure now and in the period before."""

    label: str
    now: int
    before: int

    @property
    def change(self) -> int:
        return self.now - self.before


def _in(period: Period, field: str) -> Q:
    start, end = period.bounds()
    return Q(**{f"{field}__gte": start, f"{field}__lt": end})


def _both(period: Period, field: str) -> Q:
    return _in(period, field) | _in(period.before, field)


def _rows(grouped, labels: dict[str, str], key: str) -> list[Row]:
    rows = [
        Row(
            labels.get(item[key], item[key] or gettext("Not recorded")), item["now"], item["before"]
        )
        for item in grouped
    ]
    return sorted(rows, key=lambda row: (-row.now, -row.before, row.label))


def _appointments(artist=None):
    appointments = Appointment.objects.all()
    return appointments.filter(artist=artist) if artist is not None else appointments


def diary_figures(period: Period, *, artist=None) -> dict:
    """The appointments starting in the period and the one before, counted once by the
    database (1 query, grouped by type, source, artist and what became of them; the
    services' and the staff's names in one each) and folded here into the report's tables:

    - "by_type", "by_source": bookings (not cancelled) as [Row];
    - "attendance": (this period, the one before) as Attendance — due (not cancelled in
      time), no-shows, late cancellations and the booked hours they lost;
    - "per_artist": each artist's bookings, no-shows and late cancellations this period
      (the clinic's, when `artist` is not given).
    """
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), DurationField())
    now, before = _in(period, "starts_at"), _in(period.before, "starts_at")
    grouped = (
        _appointments(artist)
        .filter(_both(period, "starts_at"))
        # Grouped by ids alone: with the names in the key, a year's 150,000 rows were
        # sorted on disk (the database could not tell how few groups there are).
        .values("type_id", "source", "artist_id", "status", "cancelled_late")
        .annotate(
            now=Count("id", filter=now),
            before=Count("id", filter=before),
            now_length=Sum(length, filter=now),
            before_length=Sum(length, filter=before),
        )
        .order_by()
    )
    type_names = dict(AppointmentType.objects.values_list("pk", "name"))
    # An appointment's artist is a member of staff, whether still working here or not.
    staff_names = {
        pk: f"{first_name} {last_name}".strip()
        for pk, first_name, last_name in User.objects.exclude(role=Role.CLIENT).values_list(
            "pk", "first_name", "last_name"
        )
    }
    by_type: dict[str, list[int]] = {}
    by_source: dict[str, list[int]] = {}
    artists: dict[int, dict] = {}
    attendance = {
        name: {"due": 0, "no_shows": 0, "late": 0, "lost": dt.timedelta(0)}
        for name in ("now", "before")
    }
    for item in grouped:
        cancelled = item["status"] == AppointmentStatus.CANCELLED
        no_show = item["status"] == AppointmentStatus.NO_SHOW
        late = cancelled and item["cancelled_late"]
        if not cancelled:
            type_name = type_names[item["type_id"]]
            for table, key in ((by_type, type_name), (by_source, item["source"])):
                counts = table.setdefault(key, [0, 0])
                counts[0] += item["now"]
                counts[1] += item["before"]
        for name in ("now", "before"):
            figures = attendance[name]
            if not cancelled or late:
                figures["due"] += item[name]
            figures["no_shows"] += item[name] if no_show else 0
            figures["late"] += item[name] if late else 0
            if no_show or late:
                figures["lost"] += item[f"{name}_length"] or dt.timedelta(0)
        if item["now"]:
            person = artists.setdefault(
                item["artist_id"],
                {
                    "artist": staff_names.get(item["artist_id"], ""),
                    "bookings": 0,
                    "no_shows": 0,
                    "late_cancellations": 0,
                },
            )
            person["bookings"] += 0 if cancelled else item["now"]
            person["no_shows"] += item["now"] if no_show else 0
            person["late_cancellations"] += item["now"] if late else 0

    def rows(table: dict[str, list[int]], labels: dict[str, str]) -> list[Row]:
        found = [
            Row(labels.get(key, key) or gettext("Not recorded"), now_count, before_count)
            for key, (now_count, before_count) in table.items()
        ]
        return sorted(found, key=lambda row: (-row.now, -row.before, row.label))

    def attended(name: str) -> Attendance:
        figures = attendance[name]
        return Attendance(
            due=figures["due"],
            no_shows=figures["no_shows"],
            late_cancellations=figures["late"],
            hours_lost=round(figures["lost"].total_seconds() / 3600, 1),
        )

    return {
        "by_type": rows(by_type, {}),
        "by_source": rows(by_source, dict(BookingSource.choices)),
        "attendance": (attended("now"), attended("before")),
        "per_artist": sorted(artists.values(), key=lambda person: person["artist"]),
    }


def new_clients_by_referral(period: Period) -> list[Row]:
    """Client records added in the period, by how they heard of the clinic (1 query)."""
    grouped = (
        Client.objects.filter(_both(period, "created_at"))
        .values("referral_source")
        .annotate(
            now=Count("id", filter=_in(period, "created_at")),
            before=Count("id", filter=_in(period.before, "created_at")),
        )
    )
    return _rows(grouped, dict(ReferralSource.choices), "referral_source")


@dataclass(frozen=True)
class Attendance:
    """Appointments due in a period, and those the client did not come to."""

    due: int  # not cancelled in time: kept, missed or cancelled late
    no_shows: int
    late_cancellations: int
    hours_lost: float  # booked hours of the no-shows and late cancellations

    @property
    def missed(self) -> int:
        return self.no_shows + self.late_cancellations

    @property
    def rate(self) -> float:
        """The share of due appointments missed, in per cent (0 when none were due)."""
        return round(100 * self.missed / self.due, 1) if self.due else 0.0


CONVERSION_STEPS = (
    ("held", gettext_lazy("Consultations held")),
    ("proceeded", gettext_lazy("Went ahead with a plan")),
    ("booked", gettext_lazy("First session booked")),
    ("completed", gettext_lazy("Plan completed")),
)


# What each step of the conversion means, once: the counts and the lists behind them.
CONVERSION_WHERE = {
    "held": Q(),
    "proceeded": Q(outcome=Outcome.PROCEED),
    "booked": Q(outcome=Outcome.PROCEED, first_booked=True),
    "completed": Q(outcome=Outcome.PROCEED, plan__status=PlanStatus.COMPLETED),
}


def _held_consultations(period: Period, *, artist=None):
    """Consultations whose appointment in these periods was kept (not cancelled, not a
    no-show), with whether their plan's first session is booked."""
    consultations = Consultation.objects.filter(
        _both(period, "appointment__starts_at"),
        appointment__status__in=ACTIVE_STATUSES,
    )
    if artist is not None:
        consultations = consultations.filter(artist=artist)
    first_booked = TreatmentSession.objects.filter(
        plan_id=OuterRef("plan_id"), appointment__status__in=ACTIVE_STATUSES
    )
    return consultations.annotate(first_booked=Exists(first_booked))


def conversion(period: Period, *, artist=None) -> list[tuple[str, Row, float]]:
    """Consultations held in the period and how far each went: [(step, row, % of held)]
    (1 query)."""
    figures = {}
    for name, where in CONVERSION_WHERE.items():
        figures[f"{name}_now"] = Count("id", filter=where & _in(period, "appointment__starts_at"))
        figures[f"{name}_before"] = Count(
            "id", filter=where & _in(period.before, "appointment__starts_at")
        )
    counted = _held_consultations(period, artist=artist).aggregate(**figures)
    held = counted["held_now"]
    return [
        (
            name,
            Row(label, counted[f"{name}_now"], counted[f"{name}_before"]),
            round(100 * counted[f"{name}_now"] / held, 1) if held else 0.0,
        )
        for name, label in CONVERSION_STEPS
    ]


def conversion_list(period: Period, step: str, *, artist=None):
    """The consultations behind one step's number for the period, in date order (1 query)."""
    return (
        _held_consultations(period, artist=artist)
        .filter(CONVERSION_WHERE[step], _in(period, "appointment__starts_at"))
        .select_related("client", "artist", "appointment", "plan")
        .order_by("appointment__starts_at", "id")
    )


@dataclass(frozen=True)
class MoneyRow:
    """Money taken (less refunds) in the period and the one before."""

    label: str
    now: Decimal
    before: Decimal

    @property
    def change(self) -> Decimal:
        return self.now - self.before


def revenue(period: Period, *, artist=None) -> list[MoneyRow]:
    """Takings less refunds by payment method, with the total last (one query); an
    artist's own are the payments for their work."""
    signed = Case(
        When(kind=EntryKind.REFUND, then=-F("amount")),
        default=F("amount"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    zero = Decimal("0.00")
    rows = LedgerEntry.objects.filter(
        _both(period, "at"), kind__in=(EntryKind.PAYMENT, EntryKind.REFUND)
    )
    if artist is not None:
        rows = rows.filter(artist=artist)
    grouped = {
        item["method"]: item
        for item in rows.values("method").annotate(
            now=Sum(signed, filter=_in(period, "at"), default=zero),
            before=Sum(signed, filter=_in(period.before, "at"), default=zero),
        )
    }
    result = [
        MoneyRow(label, grouped[method]["now"], grouped[method]["before"])
        for method, label in PaymentMethod.choices
        if method in grouped
    ]
    result.append(
        MoneyRow(
            gettext("Total"),
            sum((row.now for row in result), zero),
            sum((row.before for row in result), zero),
        )
    )
    return result


ROW_HEIGHT = 9  # SVG units per row (the chart is 100 wide): two bars and a gap


def bars(rows: list[Row]) -> dict:
    """Where each row's bars go in the SVG chart: widths in per cent of the largest figure,
    this period's bar above the period before's."""
    largest = max((max(row.now, row.before) for row in rows), default=0) or 1
    return {
        "height": ROW_HEIGHT * len(rows),
        "rows": [
            {
                "row": row,
                "y_now": ROW_HEIGHT * n,
                "y_before": ROW_HEIGHT * n + 4.5,
                "now_width": round(100 * row.now / largest, 1),
                "before_width": round(100 * row.before / largest, 1),
            }
            for n, row in enumerate(rows)
        ],
    }


# --- utilisation ---------------------------------------------------------------------------

# Time that was booked, kept or not: a no-show's hours were held for the client.
BOOKED_STATUSES = (*ACTIVE_STATUSES, AppointmentStatus.NO_SHOW)


@dataclass(frozen=True)
class Use:
    label: str
    booked_minutes: int
    available_minutes: int

    @property
    def booked_hours(self) -> float:
        return round(self.booked_minutes / 60, 1)

    @property
    def available_hours(self) -> float:
        return round(self.available_minutes / 60, 1)

    @property
    def percent(self) -> int | None:
        if not self.available_minutes:
            return None
        return round(100 * self.booked_minutes / self.available_minutes)


def _minutes(duration) -> int:
    return int(duration.total_seconds() // 60) if duration else 0


def utilisation(period: Period, *, artist=None) -> dict:
    """Booked hours over working hours per artist, over opening hours per room, and the
    clinic's by week (Monday to Sunday). Eight queries whatever the period or the data:
    the diary's hours and rooms (six) and two sums of booked time."""
    from scheduling.availability import Diary

    start, end = period.bounds()
    diary = Diary.load(
        start=start,
        end=end,
        artist_ids=[artist.pk] if artist is not None else None,
        with_rooms=artist is None,
        with_appointments=False,
    )
    days = [period.start + dt.timedelta(days=n) for n in range(period.days)]
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    booked = Appointment.objects.filter(_in(period, "starts_at"), status__in=BOOKED_STATUSES)
    if artist is not None:
        booked = booked.filter(artist=artist)
    zone = clinic_zone()
    by_artist_week: dict[tuple[int, dt.date], int] = {}
    first = formats.first_weekday()
    for row in (
        booked.annotate(day=TruncDate("starts_at", tzinfo=zone))
        .values("artist_id", "day")
        .annotate(minutes=Sum(length))
        .order_by()
    ):
        # The clinic's weeks (Monday or Sunday first: smpclinic.formats), not ISO weeks.
        day = row["day"].date() if isinstance(row["day"], dt.datetime) else row["day"]
        key = (row["artist_id"], formats.week_start(day, first))
        by_artist_week[key] = by_artist_week.get(key, 0) + _minutes(row["minutes"])
    by_room = {
        row["room_id"]: _minutes(row["minutes"])
        for row in booked.exclude(room=None)
        .values("room_id")
        .annotate(minutes=Sum(length))
        .order_by()
    }

    def week_of(day: dt.date) -> dt.date:
        return formats.week_start(day, first)

    artists = []
    weeks: dict[dt.date, list[int]] = {}
    for person in diary.artists:
        working = 0
        for day in days:
            minutes = diary.working_minutes(person.pk, day)
            working += minutes
            weeks.setdefault(week_of(day), [0, 0])[1] += minutes
        booked_minutes = sum(m for (a, _), m in by_artist_week.items() if a == person.pk)
        artists.append(Use(person.get_full_name(), booked_minutes, working))
    for (_, week), minutes in by_artist_week.items():
        weeks.setdefault(week, [0, 0])[0] += minutes
    open_minutes = sum(diary.open_minutes(day) for day in days)
    rooms = [Use(room.name, by_room.get(room.pk, 0), open_minutes) for room in diary.rooms]
    return {
        "artists": artists,
        "rooms": rooms,
        "weeks": [
            Use(
                gettext("Week of %(day)s") % {"day": formats.show(week, "DAY_MONTH_FORMAT")},
                booked_minutes,
                working,
            )
            for week, (booked_minutes, working) in sorted(weeks.items())
            if week_of(period.start) <= week <= period.end
        ],
    }


# --- treatment outcomes --------------------------------------------------------------------
# Each is counted for the plans an artist leads when `artist` is given.


@dataclass(frozen=True)
class PlanFigures:
    """Plans completed in a period: sessions planned against sessions held."""

    completed: int
    planned: int  # sessions planned, all plans together
    held: int  # planned and extra sessions held (touch-ups months later are apart)
    with_extra: int  # plans that needed an extra session

    @property
    def planned_each(self) -> float:
        return round(self.planned / self.completed, 1) if self.completed else 0.0

    @property
    def held_each(self) -> float:
        return round(self.held / self.completed, 1) if self.completed else 0.0


def _held_sessions(kind: str | None = None):
    """Sessions of a plan held (their appointment kept), counted per plan as a subquery."""
    sessions = TreatmentSession.objects.filter(
        plan=OuterRef("pk"), appointment__status=AppointmentStatus.COMPLETED
    ).exclude(kind=SessionKind.TOUCH_UP)
    if kind is not None:
        sessions = sessions.filter(kind=kind)
    return Coalesce(
        Subquery(sessions.values("plan").annotate(n=Count("id")).values("n")),
        0,
    )


def completed_plans(period: Period, *, artist=None) -> tuple[PlanFigures, PlanFigures]:
    """(this period, the one before): plans completed, sessions planned and held (1 query)."""
    plans = TreatmentPlan.objects.filter(_both(period, "completed_at"), status=PlanStatus.COMPLETED)
    if artist is not None:
        plans = plans.filter(lead_artist=artist)
    plans = plans.annotate(held=_held_sessions(), extra=_held_sessions(SessionKind.EXTRA))
    figures = {}
    for name, part in (("now", period), ("before", period.before)):
        when = _in(part, "completed_at")
        figures.update(
            {
                f"{name}_completed": Count("id", filter=when),
                f"{name}_planned": Sum("planned_sessions", filter=when, default=0),
                f"{name}_held": Sum("held", filter=when, default=0),
                f"{name}_with_extra": Count("id", filter=when & Q(extra__gt=0)),
            }
        )
    counted = plans.aggregate(**figures)
    return tuple(
        PlanFigures(
            completed=counted[f"{name}_completed"],
            planned=counted[f"{name}_planned"],
            held=counted[f"{name}_held"],
            with_extra=counted[f"{name}_with_extra"],
        )
        for name in ("now", "before")
    )


def extra_sessions_by_reason(period: Period, *, artist=None) -> list[Row]:
    """The extra sessions held in the plans completed in the period, by why they were
    needed (1 query)."""
    sessions = TreatmentSession.objects.filter(
        _both(period, "plan__completed_at"),
        plan__status=PlanStatus.COMPLETED,
        kind=SessionKind.EXTRA,
        appointment__status=AppointmentStatus.COMPLETED,
    )
    if artist is not None:
        sessions = sessions.filter(plan__lead_artist=artist)
    grouped = sessions.values("extra_reason").annotate(
        now=Count("id", filter=_in(period, "plan__completed_at")),
        before=Count("id", filter=_in(period.before, "plan__completed_at")),
    )
    return _rows(grouped, dict(ExtraReason.choices), "extra_reason")


@dataclass(frozen=True)
class Healing:
    """How one region (or all) healed after one session: regions judged by status."""

    label: str
    after_session: int
    counts: dict[str, int]  # HealingStatus value -> regions judged so

    @property
    def judged(self) -> int:
        return sum(self.counts.values())

    def share(self, status: str) -> int:
        return round(100 * self.counts.get(status, 0) / self.judged) if self.judged else 0

    @property
    def cells(self) -> list[tuple[str, int, int]]:
        """(status label, regions, per cent) in the statuses' order."""
        return [
            (label, self.counts.get(value, 0), self.share(value))
            for value, label in HealingStatus.choices
        ]


def healing_by_session(period: Period, *, artist=None) -> dict:
    """Healing judged in the period (at the next session, or from a check-in's photos),
    per scalp region and per session it followed, and for all regions by session (1 query).

    A judgement recorded at session N is about the healing of session N - 1."""
    judged = RegionHealing.objects.filter(_in(period, "assessed_at"))
    if artist is not None:
        judged = judged.filter(session__plan__lead_artist=artist)
    counts: dict[tuple[str, int], dict[str, int]] = {}
    for row in (
        judged.values("region", "session__number", "status").annotate(n=Count("id")).order_by()
    ):
        key = (row["region"], row["session__number"] - 1)
        counts.setdefault(key, {})[row["status"]] = row["n"]
    regions = [
        Healing(label, after, counts[(value, after)])
        for value, label in Region.choices
        for after in sorted(a for (r, a) in counts if r == value)
    ]
    by_session: dict[int, dict[str, int]] = {}
    for (_, after), statuses in counts.items():
        total = by_session.setdefault(after, {})
        for status, n in statuses.items():
            total[status] = total.get(status, 0) + n
    return {
        "regions": regions,
        "sessions": [
            Healing(
                gettext("After session %(number)s") % {"number": after}, after, by_session[after]
            )
            for after in sorted(by_session)
        ],
    }


def healing_bars(rows: list[Healing]) -> dict:
    """Where each status's part of each row's stacked bar goes (per cent of the row)."""
    drawn = []
    for row in rows:
        x = 0
        parts = []
        for value, label in HealingStatus.choices:
            width = round(100 * row.counts.get(value, 0) / row.judged, 1) if row.judged else 0
            if width:
                parts.append({"status": value, "label": label, "x": x, "width": width})
            x = round(x + width, 1)
        drawn.append({"row": row, "parts": parts})
    return {"rows": drawn}


def check_in_response(period: Period, *, artist=None) -> list[tuple[Row, Row]]:
    """Check-in invitations sent in the period and those the client answered, by kind
    and in all: [(invited, answered)] (1 query)."""
    invitations = CheckIn.objects.filter(_both(period, "created_at"))
    if artist is not None:
        invitations = invitations.filter(session__plan__lead_artist=artist)
    answered = Q(submitted_at__isnull=False)
    grouped = {
        item["kind"]: item
        for item in invitations.values("kind").annotate(
            now=Count("id", filter=_in(period, "created_at")),
            before=Count("id", filter=_in(period.before, "created_at")),
            now_answered=Count("id", filter=_in(period, "created_at") & answered),
            before_answered=Count("id", filter=_in(period.before, "created_at") & answered),
        )
    }
    result = []
    for value, label in (*CheckInKind.choices, ("", gettext("All check-ins"))):
        if value and value not in grouped:
            continue
        items = [grouped[value]] if value else list(grouped.values())
        result.append(
            (
                Row(label.split(" (")[0], *(sum(i[k] for i in items) for k in ("now", "before"))),
                Row(
                    label.split(" (")[0],
                    *(sum(i[k] for i in items) for k in ("now_answered", "before_answered")),
                ),
            )
        )
    return result


def recall_uptake(period: Period, *, artist=None) -> tuple[Row, Row]:
    """Touch-up recalls sent in the period, and how many of those clients have booked a
    touch-up since (kept or still to come): (sent, booked) (1 query)."""
    recalls = Reminder.objects.filter(
        _both(period, "sent_at"),
        kind=ReminderKind.TOUCH_UP_RECALL,
        status=ReminderStatus.SENT,
    )
    if artist is not None:
        recalls = recalls.filter(plan__lead_artist=artist)
    booked_since = Appointment.objects.filter(
        client_id=OuterRef("client_id"),
        type__kind=AppointmentKind.TOUCH_UP,
        created_at__gte=OuterRef("sent_at"),
        status__in=BOOKED_STATUSES,
    )
    counted = recalls.annotate(booked=Exists(booked_since)).aggregate(
        now=Count("id", filter=_in(period, "sent_at")),
        before=Count("id", filter=_in(period.before, "sent_at")),
        now_booked=Count("id", filter=_in(period, "sent_at") & Q(booked=True)),
        before_booked=Count("id", filter=_in(period.before, "sent_at") & Q(booked=True)),
    )
    return (
        Row(gettext("Touch-up recalls sent"), counted["now"], counted["before"]),
        Row(gettext("Booked a touch-up since"), counted["now_booked"], counted["before_booked"]),
    )


def percent(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


# --- deposits and balances -----------------------------------------------------------------


@dataclass(frozen=True)
class DepositRow:
    status: str
    label: str
    count_now: int
    amount_now: Decimal
    count_before: int
    amount_before: Decimal


DEPOSIT_LABELS = {
    DepositStatus.PAID: gettext_lazy("Paid"),
    DepositStatus.FORFEITED: gettext_lazy("Kept under the cancellation policy"),
    DepositStatus.CREDITED: gettext_lazy("Kept as the client's credit"),
    DepositStatus.WAIVED: gettext_lazy("Waived"),
    DepositStatus.RELEASED: gettext_lazy("Not paid: booking released"),
    DepositStatus.DUE: gettext_lazy("Still due"),
}


def deposits(period: Period) -> list[DepositRow]:
    """Deposits of the appointments in the period by what became of them (taken, kept
    under the policy, kept as credit, waived, released unpaid, still due) (1 query)."""
    zero = Decimal("0.00")
    grouped = {
        item["status"]: item
        for item in Deposit.objects.filter(_both(period, "appointment__starts_at"))
        .values("status")
        .annotate(
            count_now=Count("id", filter=_in(period, "appointment__starts_at")),
            amount_now=Sum("amount", filter=_in(period, "appointment__starts_at"), default=zero),
            count_before=Count("id", filter=_in(period.before, "appointment__starts_at")),
            amount_before=Sum(
                "amount", filter=_in(period.before, "appointment__starts_at"), default=zero
            ),
        )
        .order_by()
    }
    return [
        DepositRow(
            status,
            label,
            grouped[status]["count_now"],
            grouped[status]["amount_now"],
            grouped[status]["count_before"],
            grouped[status]["amount_before"],
        )
        for status, label in DEPOSIT_LABELS.items()
        if status in grouped
    ]


def deposits_kept(period: Period) -> DepositRow:
    """Deposits kept under the cancellation policy (or by a manager) for the appointments
    in the period: what no-shows and late cancellations brought in (1 query)."""
    for row in deposits(period):
        if row.status == DepositStatus.FORFEITED:
            return row
    zero = Decimal("0.00")
    forfeited = DepositStatus.FORFEITED
    return DepositRow(forfeited, DEPOSIT_LABELS[forfeited], 0, zero, 0, zero)


@dataclass(frozen=True)
class Balances:
    """Clients' accounts as they stood at a moment."""

    owing: int  # clients who owe the clinic
    owed: Decimal  # what they owe together
    in_credit: int  # clients the clinic owes (credit to use)
    credit: Decimal


def balances(period: Period) -> tuple[Balances, Balances]:
    """Outstanding balances and credit at the end of the period and at the end of the one
    before (1 query: each client's balance summed by the database)."""
    end, before_end = period.bounds()[1], period.before.bounds()[1]
    signed = Case(
        When(kind__in=OWED_KINDS, then=F("amount")),
        default=-F("amount"),
        output_field=DecimalField(max_digits=12, decimal_places=2),
    )
    zero = Decimal("0.00")
    per_client = (
        LedgerEntry.objects.filter(at__lt=end)
        .values("client_id")
        .annotate(
            now=Sum(signed, default=zero),
            before=Sum(signed, filter=Q(at__lt=before_end), default=zero),
        )
        .order_by()
    )
    counted = per_client.aggregate(
        now_owing=Count("client_id", filter=Q(now__gt=0)),
        now_owed=Sum("now", filter=Q(now__gt=0), default=zero),
        now_in_credit=Count("client_id", filter=Q(now__lt=0)),
        now_credit=Sum("now", filter=Q(now__lt=0), default=zero),
        before_owing=Count("client_id", filter=Q(before__gt=0)),
        before_owed=Sum("before", filter=Q(before__gt=0), default=zero),
        before_in_credit=Count("client_id", filter=Q(before__lt=0)),
        before_credit=Sum("before", filter=Q(before__lt=0), default=zero),
    )
    return tuple(
        Balances(
            owing=counted[f"{name}_owing"],
            owed=counted[f"{name}_owed"],
            in_credit=counted[f"{name}_in_credit"],
            credit=-counted[f"{name}_credit"],
        )
        for name in ("now", "before")
    )
