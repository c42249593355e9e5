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
    Sum,
    When,
)
from django.db.models.functions import TruncWeek

from billing.models import EntryKind, LedgerEntry, PaymentMethod
from clients.models import Client, ReferralSource
from consultations.models import Consultation, Outcome
from scheduling.models import (
    ACTIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    BookingSource,
)
from sessions_app.models import PlanStatus, TreatmentSession
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
        Row(labels.get(item[key], item[key] or "Not recorded"), item["now"], item["before"])
        for item in grouped
    ]
    return sorted(rows, key=lambda row: (-row.now, -row.before, row.label))


def _appointments(artist=None):
    appointments = Appointment.objects.all()
    return appointments.filter(artist=artist) if artist is not None else appointments


def _bookings_by(period: Period, field: str, labels: dict[str, str], artist=None) -> list[Row]:
    """Appointments (not cancelled) starting in the period, grouped by one field (1 query)."""
    grouped = (
        _appointments(artist)
        .filter(_both(period, "starts_at"))
        .exclude(status=AppointmentStatus.CANCELLED)
        .values(field)
        .annotate(
            now=Count("id", filter=_in(period, "starts_at")),
            before=Count("id", filter=_in(period.before, "starts_at")),
        )
    )
    return _rows(grouped, labels, field)


def bookings_by_type(period: Period, *, artist=None) -> list[Row]:
    """By appointment type."""
    return _bookings_by(period, "type__name", {}, artist)


def bookings_by_source(period: Period, *, artist=None) -> list[Row]:
    """By where they were booked: online, front desk, API."""
    return _bookings_by(period, "source", dict(BookingSource.choices), artist)


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


def attendance(period: Period, *, artist=None) -> tuple[Attendance, Attendance]:
    """(this period, the one before): no-shows and late cancellations (1 query)."""
    missed = Q(status=AppointmentStatus.NO_SHOW) | Q(
        status=AppointmentStatus.CANCELLED, cancelled_late=True
    )
    due = ~Q(status=AppointmentStatus.CANCELLED) | Q(cancelled_late=True)
    length = ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField())
    figures = {}
    for name, part in (("now", period), ("before", period.before)):
        when = _in(part, "starts_at")
        figures.update(
            {
                f"{name}_due": Count("id", filter=when & due),
                f"{name}_no_shows": Count("id", filter=when & Q(status=AppointmentStatus.NO_SHOW)),
                f"{name}_late": Count(
                    "id",
                    filter=when & Q(status=AppointmentStatus.CANCELLED, cancelled_late=True),
                ),
                f"{name}_lost": Sum(length, filter=when & missed),
            }
        )
    counted = _appointments(artist).filter(_both(period, "starts_at")).aggregate(**figures)

    def attendance_of(name: str) -> Attendance:
        lost = counted[f"{name}_lost"] or dt.timedelta(0)
        return Attendance(
            due=counted[f"{name}_due"],
            no_shows=counted[f"{name}_no_shows"],
            late_cancellations=counted[f"{name}_late"],
            hours_lost=round(lost.total_seconds() / 3600, 1),
        )

    return attendance_of("now"), attendance_of("before")


CONVERSION_STEPS = (
    ("held", "Consultations held"),
    ("proceeded", "Went ahead with a plan"),
    ("booked", "First session booked"),
    ("completed", "Plan completed"),
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


def per_artist(period: Period) -> list[dict]:
    """Each artist's bookings, no-shows and late cancellations in the period (1 query)."""
    when = _in(period, "starts_at")
    grouped = (
        Appointment.objects.filter(when)
        .values("artist_id", "artist__first_name", "artist__last_name")
        .annotate(
            bookings=Count("id", filter=~Q(status=AppointmentStatus.CANCELLED)),
            no_shows=Count("id", filter=Q(status=AppointmentStatus.NO_SHOW)),
            late=Count("id", filter=Q(status=AppointmentStatus.CANCELLED, cancelled_late=True)),
        )
        .order_by("artist__first_name", "artist__last_name", "artist_id")
    )
    return [
        {
            "artist": f"{item['artist__first_name']} {item['artist__last_name']}".strip(),
            "bookings": item["bookings"],
            "no_shows": item["no_shows"],
            "late_cancellations": item["late"],
        }
        for item in grouped
    ]


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
            "Total",
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
    for row in (
        booked.annotate(week=TruncWeek("starts_at", tzinfo=zone))
        .values("artist_id", "week")
        .annotate(minutes=Sum(length))
        .order_by()
    ):
        week = row["week"].date() if isinstance(row["week"], dt.datetime) else row["week"]
        by_artist_week[(row["artist_id"], week)] = _minutes(row["minutes"])
    by_room = {
        row["room_id"]: _minutes(row["minutes"])
        for row in booked.exclude(room=None)
        .values("room_id")
        .annotate(minutes=Sum(length))
        .order_by()
    }

    def monday(day: dt.date) -> dt.date:
        return day - dt.timedelta(days=day.weekday())

    artists = []
    weeks: dict[dt.date, list[int]] = {}
    for person in diary.artists:
        working = 0
        for day in days:
            minutes = diary.working_minutes(person.pk, day)
            working += minutes
            weeks.setdefault(monday(day), [0, 0])[1] += minutes
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
            Use(f"Week of {week:%-d %b}", booked_minutes, working)
            for week, (booked_minutes, working) in sorted(weeks.items())
            if monday(period.start) <= week <= period.end
        ],
    }
