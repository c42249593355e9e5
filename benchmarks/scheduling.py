"""How fast are free times, the week diary and booking on a large clinic?

Builds a clinic of 10 artists, 4 rooms, 50,000 clients and 200,000 appointments
over three years (the past two and a half and the next six months) in a
dedicated PostgreSQL database (once: a second run finds them and goes straight
to measuring), then times, with DEBUG off:

  a. scheduling.availability.free_slots for every artist over 30 days, for a
     treatment session and for a consultation (a function call); for one artist
     on one day (what a client's click on a day asks, target < 5 ms), and the
     30-day answer for all artists per artist-day (target < 0.2 ms);
  b. GET /api/v1/availability/?type=consultation&start=<today>&days=30, as the public;
  c. GET /diary/week/<today>/, the week diary, as a front-desk user;
  d. POST /api/v1/bookings/ as the public, and scheduling.booking.booking_create
     directly as the front desk. Every timed booking takes a different free time
     (found with free_slots beforehand) and every appointment booked here is
     deleted at the end, so runs stay comparable.

Run it from the repository root:

    .venv/bin/python benchmarks/scheduling.py
    .venv/bin/python benchmarks/scheduling.py --repeat 50 --explain
    .venv/bin/python benchmarks/scheduling.py --profile

By default it uses postgres://postgres@127.0.0.1:5432/smpclinic_bench_diary
(created if missing, then migrated); `--database-url` points it elsewhere.
DATABASE_URL from the environment or .env is deliberately ignored so a
benchmark never writes 200,000 appointments into a real database.

The exit status is non-zero only when something fails (a page that does not
answer as expected, a database that cannot be reached); a row slower than its
target is reported as FAIL but is informational.
"""

import argparse
import cProfile
import datetime as dt
import io
import json
import math
import os
import pstats
import random
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
# Run as a script, this folder comes first on sys.path, and this file's name
# would hide the scheduling app.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO_ROOT / "benchmarks"]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.clients_search import (  # noqa: E402
    ensure_clients,
    ensure_front_desk_user,
    ensure_postgres_database,
    percentile,
    setup_django,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/smpclinic_bench_diary"
BATCH_SIZE = 5_000
SEED = 20_260_202
ARTISTS = 10
ROOM_NAMES = ["Room 1 – Hairline", "Room 2 – Crown", "Room 3 – Scar work", "Room 4 – Touch-ups"]
PAST_DAYS = 913  # two and a half years
FUTURE_DAYS = 183  # six months
# The last weeks before today are filled the way a clinic works (inside hours);
# see build_history for the years before.
RECENT_DAYS = 28
ONLINE_EMAIL = "bench.online@example.com"

ARTIST_NAMES = [
    ("Sam", "Okafor"),
    ("Alex", "Brennan"),
    ("Jamie", "Sutherland"),
    ("Priya", "Raman"),
    ("Marek", "Kowalczyk"),
    ("Tariq", "Aziz"),
    ("Chloe", "Hartley"),
    ("Dev", "Malhotra"),
    ("Ines", "Carvalho"),
    ("Owen", "Pritchard"),
]

# slug -> (weight in the working diary, weight in the older history)
TYPE_MIX = {
    "consultation": (0.25, 0.30),
    "video-consultation": (0.10, 0.25),
    "treatment-session": (0.35, 0.07),
    "fade-check-in": (0.20, 0.35),
    "touch-up": (0.10, 0.03),
}


# Free times: what a client's click on a day asks, and the cost per artist-day of a
# month for the whole team (issue 20's targets).
ONE_ARTIST_DAY_MS = 5.0
PER_ARTIST_DAY_MS = 0.2


@dataclass
class Result:
    label: str
    median_ms: float
    p95_ms: float
    queries: int
    answer: str
    target_ms: float
    slowest_sql: str = ""


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark free times, the week diary and booking on a large clinic.",
    )
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help=f"database to build and measure (default: {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument(
        "--clients", type=int, default=50_000, help="clients in the clinic (default: 50000)"
    )
    parser.add_argument(
        "--appointments",
        type=int,
        default=200_000,
        help="appointments in the clinic (default: 200000)",
    )
    parser.add_argument("--repeat", type=int, default=30, help="timed calls per row (default: 30)")
    parser.add_argument(
        "--warmup", type=int, default=3, help="untimed calls per row first (default: 3)"
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN ANALYZE of the slowest SQL of each row over its target",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="print where free_slots spends its time (cProfile, top functions)",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.appointments < 1 or args.repeat < 1 or args.warmup < 0:
        parser.error("--clients, --appointments and --repeat must be at least 1")
    return args


# --- The large clinic ---------------------------------------------------------------


def ensure_manager_user():
    from accounts.models import Role, User
    from accounts.services import user_create

    email = "bench.manager@example.com"
    return User.objects.filter(email=email).first() or user_create(
        email=email, role=Role.MANAGER, first_name="Bench", last_name="Manager"
    )


def ensure_clinic():
    """Ten artists working Monday to Saturday, four rooms; returns the artists."""
    from accounts.models import Role, User
    from accounts.services import user_create
    from scheduling.models import ArtistHours, Room

    for name in ROOM_NAMES:
        Room.objects.get_or_create(name=name)
    artists = []
    for n, (first, last) in enumerate(ARTIST_NAMES[:ARTISTS]):
        email = f"bench.artist{n + 1:02d}@example.com"
        artist = User.objects.filter(email=email).first() or user_create(
            email=email, role=Role.ARTIST, first_name=first, last_name=last
        )
        if not ArtistHours.objects.filter(artist=artist).exists():
            # Early and late shifts on weekdays; everyone on Saturday morning.
            starts, ends = (dt.time(9), dt.time(17)) if n % 2 == 0 else (dt.time(10), dt.time(18))
            ArtistHours.objects.bulk_create(
                [
                    *(
                        ArtistHours(artist=artist, weekday=day, starts=starts, ends=ends)
                        for day in range(5)
                    ),
                    ArtistHours(artist=artist, weekday=5, starts=dt.time(9), ends=dt.time(14)),
                ]
            )
        artists.append(artist)
    return artists


@dataclass
class Block:
    artist_id: int
    type_slug: str
    start: dt.datetime  # UTC
    minutes: int


def _length(appointment_type, rng: random.Random) -> int:
    if appointment_type.slug == "treatment-session":
        return rng.choice([240, 210, 180, 150, 120])
    return appointment_type.default_minutes


def _with_rooms(blocks: list[Block], types, rooms: list[int], rng) -> Iterator[tuple]:
    """Give each block that needs one a free room; with none free, it becomes a video call.

    Blocks are taken in order of start, and a room is free when its last block
    (clean-up included) has ended: no room is ever double-booked.
    """
    room_free_at = dict.fromkeys(rooms, dt.datetime.min.replace(tzinfo=dt.UTC))
    video = types["video-consultation"]
    for block in sorted(blocks, key=lambda b: (b.start, b.artist_id)):
        appointment_type = types[block.type_slug]
        room_id = None
        if appointment_type.needs_room:
            room_id = next((r for r in rooms if room_free_at[r] <= block.start), None)
            if room_id is None:
                appointment_type, block.minutes = video, video.default_minutes
            else:
                room_free_at[room_id] = block.start + dt.timedelta(
                    minutes=block.minutes + appointment_type.buffer_after_minutes
                )
        yield block, appointment_type, room_id


def working_diary(artists, types, rooms, today: dt.date, rng) -> Iterator[tuple]:
    """The last four weeks and the next six months, inside working hours.

    Near days are fuller than far ones, as in a real diary: about 85 % booked
    tomorrow, a third in a month, a tenth in six months.
    """
    from scheduling.models import ArtistHours
    from smpclinic.clinic import clinic_zone, local_datetime

    zone = clinic_zone()
    hours = {
        (h.artist_id, h.weekday): (h.starts, h.ends)
        for h in ArtistHours.objects.filter(artist__in=artists)
    }
    slugs = list(TYPE_MIX)
    weights = [TYPE_MIX[s][0] for s in slugs]
    for offset in range(-RECENT_DAYS, FUTURE_DAYS):
        day = today + dt.timedelta(days=offset)
        busy = 0.6 if offset < 0 else 0.1 + 0.75 * math.exp(-offset / 30)
        blocks = []
        for artist in artists:
            if (artist.pk, day.weekday()) not in hours:
                continue
            starts, ends = hours[(artist.pk, day.weekday())]
            at = local_datetime(day, starts, zone)
            closes = local_datetime(day, ends, zone)
            while at < closes:
                if rng.random() >= busy:
                    at += dt.timedelta(minutes=rng.choice([30, 45, 60, 90]))
                    continue
                appointment_type = types[rng.choices(slugs, weights)[0]]
                minutes = _length(appointment_type, rng)
                if at + dt.timedelta(minutes=minutes) > closes:
                    break
                blocks.append(Block(artist.pk, appointment_type.slug, at, minutes))
                used = minutes + appointment_type.buffer_after_minutes
                at += dt.timedelta(minutes=math.ceil(used / 15) * 15)
        yield from _with_rooms(blocks, types, rooms, rng)


def build_history(artists, types, rooms, first: dt.date, days: int, total: int, rng):
    """The older history: `total` appointments over `days` dates from `first`.

    Ten artists and four rooms cannot hold this many visits inside working
    hours, so these years are packed round the clock (UTC days, back to back,
    mostly short visits). Only the size of the table and its indexes matters
    for what is measured; no measured page shows these dates.
    """
    slugs = list(TYPE_MIX)
    weights = [TYPE_MIX[s][1] for s in slugs]
    made = 0
    for offset in range(days):
        if made >= total:
            return
        # Spread what is still to make over the days left, so a full day is made up later.
        per_artist_day = math.ceil((total - made) / ((days - offset) * len(artists)))
        midnight = dt.datetime.combine(first + dt.timedelta(days=offset), dt.time(0), dt.UTC)
        next_midnight = midnight + dt.timedelta(days=1)
        blocks = []
        for artist in artists:
            at = midnight
            for _ in range(per_artist_day):
                if made + len(blocks) >= total:
                    break
                appointment_type = types[rng.choices(slugs, weights)[0]]
                minutes = _length(appointment_type, rng)
                block_end = at + dt.timedelta(
                    minutes=minutes + appointment_type.buffer_after_minutes
                )
                if block_end > next_midnight:
                    break
                blocks.append(Block(artist.pk, appointment_type.slug, at, minutes))
                at = block_end
        made += len(blocks)
        yield from _with_rooms(blocks, types, rooms, rng)
    if made < total:
        print(f"  (the history holds {made:,} appointments, not {total:,})")


def appointment_rows(artists, client_ids, desk, today, total, rng) -> Iterator:
    from django.utils import timezone

    from scheduling.models import (
        Appointment,
        AppointmentStatus,
        AppointmentType,
        BookingSource,
        Room,
    )

    types = {t.slug: t for t in AppointmentType.objects.all()}
    rooms = list(
        Room.objects.filter(name__in=ROOM_NAMES).order_by("name").values_list("pk", flat=True)
    )
    now = timezone.now()
    recent = list(working_diary(artists, types, rooms, today, rng))
    history_first = today - dt.timedelta(days=PAST_DAYS)
    history = build_history(
        artists,
        types,
        rooms,
        history_first,
        PAST_DAYS - RECENT_DAYS,
        max(0, total - len(recent)),
        rng,
    )
    for block, appointment_type, room_id in [*recent, *history]:
        past = block.start < now
        roll = rng.random()
        if past:
            status = (
                AppointmentStatus.COMPLETED
                if roll < 0.88
                else AppointmentStatus.CANCELLED
                if roll < 0.96
                else AppointmentStatus.NO_SHOW
            )
        else:
            status = (
                AppointmentStatus.BOOKED
                if roll < 0.80
                else AppointmentStatus.CONFIRMED
                if roll < 0.95
                else AppointmentStatus.CANCELLED
            )
        ends_at = block.start + dt.timedelta(minutes=block.minutes)
        online = appointment_type.online_bookable and rng.random() < 0.4
        yield Appointment(
            client_id=rng.choice(client_ids),
            type=appointment_type,
            artist_id=block.artist_id,
            room_id=room_id,
            starts_at=block.start,
            ends_at=ends_at,
            blocked_until=ends_at + dt.timedelta(minutes=appointment_type.buffer_after_minutes),
            status=status,
            source=BookingSource.ONLINE if online else BookingSource.FRONT_DESK,
            booked_by=None if online else desk,
            cancellation_reason="Client rescheduled"
            if status == AppointmentStatus.CANCELLED
            else "",
            meeting_link="https://meet.example.com/smp-clinic" if appointment_type.is_video else "",
        )


def ensure_appointments(total: int, artists, desk) -> None:
    """Fill the diary once; a second run finds it and measures straight away."""
    from django.db import connection, transaction
    from django.utils import timezone

    from clients.models import Client
    from scheduling.models import Appointment

    existing = Appointment.objects.count()
    # A finished build can hold a few fewer: a day of the history that cannot take its
    # share (its blocks would run past midnight) leaves them out.
    if existing >= total * 0.999:
        print(f"Diary has {existing:,} appointments already; not building.")
        return
    if existing:
        raise SystemExit(
            f"The diary holds {existing:,} appointments, fewer than {total:,}. Drop the "
            "database (see benchmarks/README.md) and run again to build it afresh."
        )
    print(f"Building {total:,} appointments...")
    started = time.perf_counter()
    rng = random.Random(SEED)
    client_ids = list(Client.objects.values_list("pk", flat=True))
    batch = []
    made = 0
    for appointment in appointment_rows(
        artists, client_ids, desk, timezone.localdate(), total, rng
    ):
        batch.append(appointment)
        if len(batch) == BATCH_SIZE:
            with transaction.atomic():
                Appointment.objects.bulk_create(batch)
            made += len(batch)
            batch = []
            print(f"  {made:,} / {total:,}", flush=True)
    if batch:
        with transaction.atomic():
            Appointment.objects.bulk_create(batch)
        made += len(batch)
    inserted = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE scheduling_appointment")
        else:
            cursor.execute("ANALYZE")
    print(
        f"Built {made:,} appointments in {inserted:.1f} s "
        f"(ready, statistics refreshed, after {time.perf_counter() - started:.1f} s)."
    )


def ensure_takings(desk) -> None:
    """A year of money: a payment for each visit completed in the last 365 days (a mix
    of card, cash and bank transfer, under the visit's artist) and a refund in every
    fifty. Written once, numbered like the desk numbers receipts."""
    import datetime as dt

    from django.db import connection, transaction
    from django.db.models import Max
    from django.utils import timezone

    from billing.models import EntryKind, LedgerEntry, MoneySettings, PaymentMethod
    from scheduling.models import Appointment, AppointmentStatus

    if LedgerEntry.objects.exists():
        print(f"Ledger has {LedgerEntry.objects.count():,} rows already; not building.")
        return
    now = timezone.now()
    visits = Appointment.objects.filter(
        status=AppointmentStatus.COMPLETED,
        starts_at__gte=now - dt.timedelta(days=365),
        starts_at__lt=now,
    ).values_list("pk", "client_id", "artist_id", "ends_at")
    methods = [
        PaymentMethod.CARD_TERMINAL,
        PaymentMethod.CARD_TERMINAL,
        PaymentMethod.CASH,
        PaymentMethod.BANK_TRANSFER,
        PaymentMethod.ONLINE_CARD,
    ]
    rng = random.Random(SEED)
    started = time.perf_counter()
    rows, number = [], 0
    for pk, client_id, artist_id, ends_at in visits.iterator(chunk_size=BATCH_SIZE):
        number += 1
        refund = number % 50 == 0
        rows.append(
            LedgerEntry(
                client_id=client_id,
                appointment_id=pk,
                artist_id=artist_id,
                kind=EntryKind.REFUND if refund else EntryKind.PAYMENT,
                amount=rng.choice((50, 100, 150, 400, 450)),
                currency="GBP",
                method=methods[number % len(methods)],
                description="Refund: goodwill" if refund else "Visit",
                at=ends_at,
                by_id=desk.pk,
                approved_by_id=desk.pk if refund else None,
                receipt_number=number,
            )
        )
        if len(rows) == BATCH_SIZE:
            with transaction.atomic():
                LedgerEntry.objects.bulk_create(rows)
            rows = []
    if rows:
        LedgerEntry.objects.bulk_create(rows)
    last = LedgerEntry.objects.aggregate(last=Max("receipt_number"))["last"] or 0
    MoneySettings.current()
    MoneySettings.objects.filter(pk=1).update(last_receipt_number=last)
    # As a running clinic's database would have them: without, the money report's plans
    # took the ledger for a few thousand rows and spilled to disk.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("VACUUM ANALYZE billing_ledgerentry")
    print(f"Built {number:,} ledger rows in {time.perf_counter() - started:.1f} s.")


def ensure_treatment_history() -> None:
    """Plans, sessions, healing, check-ins, recalls and deposits in proportion to the diary.

    Every treatment-session appointment (kept or to come) is a session of a plan of 2 to 5;
    one plan in ten needs an extra session. A plan whose sessions all lie more than five
    weeks back is completed five weeks after its last. At each session after the first
    three regions are judged; every kept session invites a fade check-in ten days later
    (seven in ten answered), a completed plan a final one; a completed plan's touch-up
    recall went out a year later. Each treatment session has its deposit. Written once.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from aftercare.models import CheckIn, CheckInKind, CheckInStatus
    from billing.models import Deposit, DepositStatus
    from reminders.models import Reminder, ReminderKind, ReminderStatus
    from scheduling.models import Appointment, AppointmentStatus
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

    if TreatmentPlan.objects.exists():
        print(f"{TreatmentPlan.objects.count():,} treatment plans already; not building.")
        return
    started = time.perf_counter()
    rng = random.Random(SEED)
    now = timezone.now()
    visits = list(
        Appointment.objects.filter(type__slug="treatment-session")
        .order_by("artist_id", "starts_at")
        .values_list("pk", "client_id", "artist_id", "starts_at", "ends_at", "status")
    )
    # Group each artist's treatment sessions, in order, into plans.
    groups, current, current_size = [], [], 0
    for visit in visits:
        if current and (visit[2] != current[0][2] or len(current) == current_size):
            groups.append(current)
            current = []
        if not current:
            current_size = rng.choice((2, 3, 3, 4, 4, 5))
        current.append(visit)
    if current:
        groups.append(current)

    regions = [value for value, _ in Region.choices]
    statuses = [value for value, _ in HealingStatus.choices]
    weights = (0.7, 0.15, 0.1, 0.05)
    five_weeks = dt.timedelta(weeks=5)
    kept = AppointmentStatus.COMPLETED
    counts = dict.fromkeys(("plans", "sessions", "healing", "check_ins", "recalls"), 0)
    # All or nothing: a run stopped half-way leaves no plans, and the next builds them all.
    with transaction.atomic():
        for first in range(0, len(groups), 1_000):
            chunk = groups[first : first + 1_000]
            plan_rows = []
            for group in chunk:
                last_end = group[-1][4]
                done = last_end + five_weeks < now
                extra = rng.random() < 0.1 and len(group) > 2
                plan_rows.append(
                    TreatmentPlan(
                        client_id=group[0][1],
                        lead_artist_id=group[0][2],
                        planned_sessions=max(2, len(group) - 1 if extra else len(group)),
                        status=PlanStatus.COMPLETED if done else PlanStatus.ACTIVE,
                        completed_at=last_end + five_weeks if done else None,
                    )
                )
            plans = TreatmentPlan.objects.bulk_create(plan_rows)
            session_rows = []
            for plan, group in zip(plans, chunk, strict=True):
                for number, visit in enumerate(group, 1):
                    extra = number > plan.planned_sessions
                    session_rows.append(
                        TreatmentSession(
                            plan=plan,
                            number=number,
                            kind=SessionKind.EXTRA if extra else SessionKind.PLANNED,
                            extra_reason=rng.choice(ExtraReason.values) if extra else "",
                            planned_minutes=max(120, 240 - 30 * (number - 1)),
                            appointment_id=visit[0],
                        )
                    )
            sessions = TreatmentSession.objects.bulk_create(session_rows)
            by_visit = {session.appointment_id: session for session in sessions}
            healing, check_ins, recalls, deposits = [], [], [], []
            for plan, group in zip(plans, chunk, strict=True):
                for number, visit in enumerate(group, 1):
                    pk, client_id, artist_id, starts_at, ends_at, status = visit
                    session = by_visit[pk]
                    deposits.append(
                        Deposit(
                            appointment_id=pk,
                            client_id=client_id,
                            amount=100,
                            status=DepositStatus.PAID
                            if status != AppointmentStatus.CANCELLED
                            else rng.choice((DepositStatus.CREDITED, DepositStatus.FORFEITED)),
                            created_at=starts_at - dt.timedelta(days=14),
                        )
                    )
                    if status != kept:
                        continue
                    if number > 1:
                        healing += [
                            RegionHealing(
                                session=session,
                                region=region,
                                status=rng.choices(statuses, weights)[0],
                                assessed_by_id=artist_id,
                                assessed_at=starts_at,
                            )
                            for region in rng.sample(regions, 3)
                        ]
                    invited = ends_at + dt.timedelta(days=10)
                    kinds = [CheckInKind.FADE]
                    if plan.status == PlanStatus.COMPLETED and number == len(group):
                        kinds.append(CheckInKind.FINAL)
                    for kind in kinds:
                        if invited >= now:
                            continue
                        answered = rng.random() < 0.7
                        check_ins.append(
                            CheckIn(
                                client_id=client_id,
                                session=session,
                                kind=kind,
                                status=CheckInStatus.REVIEWED
                                if answered
                                else CheckInStatus.INVITED,
                                submitted_at=invited + dt.timedelta(days=1) if answered else None,
                                created_at=invited,
                            )
                        )
                if plan.completed_at and plan.completed_at + dt.timedelta(days=365) < now:
                    sent = plan.completed_at + dt.timedelta(days=365)
                    recalls.append(
                        Reminder(
                            key=f"plan:{plan.pk}:touch-up-recall",
                            client_id=plan.client_id,
                            kind=ReminderKind.TOUCH_UP_RECALL,
                            plan=plan,
                            due_at=sent,
                            status=ReminderStatus.SENT,
                            sent_at=sent,
                        )
                    )
            RegionHealing.objects.bulk_create(healing, batch_size=BATCH_SIZE)
            CheckIn.objects.bulk_create(check_ins, batch_size=BATCH_SIZE)
            Reminder.objects.bulk_create(recalls, batch_size=BATCH_SIZE)
            Deposit.objects.bulk_create(deposits, batch_size=BATCH_SIZE)
            for name, rows in (
                ("plans", plans),
                ("sessions", sessions),
                ("healing", healing),
                ("check_ins", check_ins),
                ("recalls", recalls),
            ):
                counts[name] += len(rows)
    with connection.cursor() as cursor:
        for table in (
            "sessions_app_treatmentplan",
            "sessions_app_treatmentsession",
            "sessions_app_regionhealing",
            "aftercare_checkin",
            "reminders_reminder",
            "billing_deposit",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(
        f"Built {counts['plans']:,} plans, {counts['sessions']:,} sessions, "
        f"{counts['healing']:,} healing judgements, {counts['check_ins']:,} check-ins and "
        f"{counts['recalls']:,} recalls in {time.perf_counter() - started:.1f} s."
    )


# --- Measuring ----------------------------------------------------------------------


def timed(call: Callable, *, repeat: int, warmup: int) -> tuple[list[float], object]:
    for _ in range(warmup):
        call()
    timings = []
    answer = None
    for _ in range(repeat):
        started = time.perf_counter()
        answer = call()
        timings.append((time.perf_counter() - started) * 1000)
    return timings, answer


def counted(call: Callable) -> tuple[int, str]:
    """Queries of one more call, outside the timed ones, and the slowest of them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        call()
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
    return len(captured.captured_queries), slowest["sql"] if slowest else ""


def measure(label, call, *, target_ms, repeat, warmup, describe) -> Result:
    timings, answer = timed(call, repeat=repeat, warmup=warmup)
    queries, slowest = counted(call)
    return Result(
        label=label,
        median_ms=statistics.median(timings),
        p95_ms=percentile(timings, 0.95),
        queries=queries,
        answer=describe(answer),
        target_ms=target_ms,
        slowest_sql=slowest,
    )


def path_exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path.split("?")[0])
    except Resolver404:
        return False
    return True


def separate_slots(slots, count: int):
    """`count` free times that do not overlap one another at all.

    Booking one of them then never takes another's artist or room, so every
    timed booking finds its time still free.
    """
    picked = []
    free_from = None
    for slot in slots:
        if free_from is None or slot.start >= free_from:
            picked.append(slot)
            # An hour covers a consultation and its clean-up.
            free_from = slot.start + dt.timedelta(hours=1)
            if len(picked) == count:
                break
    if len(picked) < count:
        raise RuntimeError(f"Only {len(picked)} separate free times found, {count} needed.")
    return picked


def run(args: argparse.Namespace) -> None:
    # Measured requests must not be turned away by the API's rate limits.
    for name in ("API_ANON_RATE_LIMIT", "API_BOOKING_RATE_LIMIT", "API_USER_RATE_LIMIT"):
        os.environ[name] = "1000000/h"
    ensure_postgres_database(args.database_url)
    setup_django(args.database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as TestClient
    from django.utils import timezone

    from clients.models import Client
    from scheduling.availability import free_slots
    from scheduling.booking import booking_create
    from scheduling.models import Appointment, AppointmentType, BookingSource

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}, DEBUG={settings.DEBUG}"
    )
    call_command("migrate", interactive=False, verbosity=0)
    ensure_clients(args.clients)
    desk = ensure_front_desk_user()
    artists = ensure_clinic()
    ensure_appointments(args.appointments, artists, desk)
    ensure_takings(desk)
    ensure_treatment_history()

    today = timezone.localdate()
    treatment = AppointmentType.objects.get(slug="treatment-session")
    consultation = AppointmentType.objects.get(slug="consultation")
    repeat, warmup = args.repeat, args.warmup
    print(
        f"\nMeasuring from {today}: {warmup} warm-up + {repeat} timed calls per row; times in ms.\n"
    )
    results: list[Result] = []

    def slot_count(slots):
        return f"{len(slots):,} free times"

    for appointment_type, source in (
        (treatment, BookingSource.FRONT_DESK),
        (consultation, BookingSource.ONLINE),
    ):
        results.append(
            measure(
                f"free_slots {appointment_type.slug}, 10 artists, 30 days ({source})",
                lambda t=appointment_type, s=source: free_slots(
                    appointment_type=t, start_date=today, days=30, source=s
                ),
                target_ms=50,
                repeat=repeat,
                warmup=warmup,
                describe=slot_count,
            )
        )

    # What a client's click on a day asks: one artist's free times on one day past the
    # notice (the first artist-day from two days ahead with a time free), and what a
    # month for the whole team costs per artist-day.
    ahead = free_slots(
        appointment_type=consultation,
        start_date=today + dt.timedelta(days=2),
        days=30,
        source=BookingSource.ONLINE,
    )
    click_artist = ahead[0].artist_id if ahead else artists[0].pk
    click_day = timezone.localdate(ahead[0].start) if ahead else today + dt.timedelta(days=2)
    results.append(
        measure(
            f"one artist-day: free_slots consultation, {click_day.isoformat()} (online)",
            lambda: free_slots(
                appointment_type=consultation,
                start_date=click_day,
                days=1,
                artist_id=click_artist,
                source=BookingSource.ONLINE,
            ),
            target_ms=ONE_ARTIST_DAY_MS,
            repeat=repeat,
            warmup=warmup,
            describe=slot_count,
        )
    )
    artist_days = len(artists) * 30
    whole = measure(
        f"per artist-day: free_slots consultation, {len(artists)} artists x 30 days (online)",
        lambda: free_slots(
            appointment_type=consultation,
            start_date=today,
            days=30,
            source=BookingSource.ONLINE,
        ),
        target_ms=PER_ARTIST_DAY_MS * artist_days,
        repeat=repeat,
        warmup=warmup,
        describe=lambda slots: f"{len(slots) / artist_days:.1f} free times each",
    )
    whole.median_ms /= artist_days
    whole.p95_ms /= artist_days
    whole.target_ms /= artist_days
    results.append(whole)

    public = TestClient()
    availability_url = f"/api/v1/availability/?type=consultation&start={today}&days=30"

    def status_of(expected: int, what: Callable[[object], str] = lambda r: ""):
        def describe(response):
            return f"{response.status_code} {what(response)}".strip()

        def check(response):
            if response.status_code != expected:
                raise RuntimeError(
                    f"{response.request['REQUEST_METHOD']} {response.request['PATH_INFO']} "
                    f"answered {response.status_code}: {response.content[:300]!r}"
                )
            return response

        return describe, check

    skipped: list[str] = []
    if path_exists(availability_url):
        describe, check = status_of(200, lambda r: f"{len(r.json()['slots']):,} free times")
        results.append(
            measure(
                "GET /api/v1/availability/ consultation, 30 days (public)",
                lambda: check(public.get(availability_url)),
                target_ms=50,
                repeat=repeat,
                warmup=warmup,
                describe=describe,
            )
        )
    else:
        skipped.append("GET /api/v1/availability/: not available yet")

    week_url = f"/diary/week/{today}/"
    if path_exists(week_url):
        staff = TestClient()
        staff.force_login(desk)
        describe, check = status_of(200, lambda r: f"{len(r.content) // 1024} KB")
        results.append(
            measure(
                "GET /diary/week/<today>/ (front desk)",
                lambda: check(staff.get(week_url)),
                target_ms=100,
                repeat=repeat,
                warmup=warmup,
                describe=describe,
            )
        )
    else:
        skipped.append("GET /diary/week/<date>/: not available yet")

    # The home pages (the front desk's to-do list, the manager's figures) and a year's report.
    manager = ensure_manager_user()
    pages = (
        ("GET / (front desk's to-do list)", desk, "/", 100),
        ("GET / (manager's figures and needs)", manager, "/", 100),
        (
            "GET /reports/ a year (manager)",
            manager,
            f"/reports/?start={today - dt.timedelta(days=365)}&end={today}",
            200,
        ),
        (
            "GET /reports/utilisation/ a year (manager)",
            manager,
            f"/reports/utilisation/?start={today - dt.timedelta(days=365)}&end={today}",
            200,
        ),
        (
            "GET /reports/money/ a year (manager)",
            manager,
            f"/reports/money/?start={today - dt.timedelta(days=365)}&end={today}",
            200,
        ),
        (
            "GET /reports/outcomes/ a year (manager)",
            manager,
            f"/reports/outcomes/?start={today - dt.timedelta(days=365)}&end={today}",
            200,
        ),
        (
            "GET /money/takings/ a year (manager)",
            manager,
            f"/money/takings/?start={today - dt.timedelta(days=365)}&end={today}",
            200,
        ),
        ("GET /money/takings/ today (front desk)", desk, "/money/takings/", 100),
    )
    for label, person, url, target_ms in pages:
        if not path_exists(url.split("?")[0]):
            skipped.append(f"{label}: not available yet")
            continue
        browser = TestClient()
        browser.force_login(person)
        describe, check = status_of(200, lambda r: f"{len(r.content) // 1024} KB")
        results.append(
            measure(
                label,
                lambda b=browser, u=url, c=check: c(b.get(u)),
                target_ms=target_ms,
                repeat=repeat,
                warmup=warmup,
                describe=describe,
            )
        )

    # Bookings: every call takes its own free time; all are deleted afterwards.
    needed = repeat + warmup + 1
    booked_ids: list[int] = []
    try:
        online_slots = separate_slots(
            free_slots(
                appointment_type=consultation,
                start_date=today,
                days=42,
                source=BookingSource.API,
            ),
            needed,
        )
        if path_exists("/api/v1/bookings/"):
            api_slots = iter(online_slots)
            describe, check = status_of(201)

            def api_booking():
                slot = next(api_slots)
                body = {
                    "type": "consultation",
                    "start": timezone.localtime(slot.start).isoformat(),
                    "artist": slot.artist_id,
                    "client": {
                        "first_name": "Bench",
                        "last_name": "Online",
                        "email": ONLINE_EMAIL,
                        "phone": "",
                    },
                }
                response = check(
                    public.post(
                        "/api/v1/bookings/", json.dumps(body), content_type="application/json"
                    )
                )
                booked_ids.append(response.json()["id"])
                return response

            results.append(
                measure(
                    "POST /api/v1/bookings/ consultation (public)",
                    api_booking,
                    target_ms=30,
                    repeat=repeat,
                    warmup=warmup,
                    describe=describe,
                )
            )
        else:
            skipped.append("POST /api/v1/bookings/: not available yet")

        # The front desk's own free times, after the 42 days the public may book in.
        desk_slots = iter(
            separate_slots(
                free_slots(
                    appointment_type=consultation,
                    start_date=today + dt.timedelta(days=43),
                    days=30,
                    source=BookingSource.FRONT_DESK,
                ),
                needed,
            )
        )
        client = Client.objects.order_by("pk").first()
        artists_by_id = {a.pk: a for a in artists}

        def direct_booking():
            slot = next(desk_slots)
            appointment = booking_create(
                client=client,
                appointment_type=consultation,
                artist=artists_by_id[slot.artist_id],
                starts_at=slot.start,
                source=BookingSource.FRONT_DESK,
                by=desk,
            )
            booked_ids.append(appointment.pk)
            return appointment

        results.append(
            measure(
                "booking_create consultation (front desk)",
                direct_booking,
                target_ms=30,
                repeat=repeat,
                warmup=warmup,
                describe=lambda a: f"status {a.status}",
            )
        )
    finally:
        Appointment.objects.filter(pk__in=booked_ids).delete()
        print(f"Deleted the {len(booked_ids)} appointments booked while measuring.\n")

    print_table(results)
    for line in skipped:
        print(line)
    if args.explain:
        explain(results)
    if args.profile:
        profile(results, today)


def print_table(results: list[Result]) -> None:
    headers = ["measure", "median ms", "p95 ms", "queries", "answer", "target", "result"]
    rows = [
        [
            r.label,
            f"{r.median_ms:.{2 if r.target_ms < 1 else 1}f}",
            f"{r.p95_ms:.{2 if r.target_ms < 1 else 1}f}",
            str(r.queries),
            r.answer,
            f"< {r.target_ms:g} ms",
            "PASS" if r.median_ms < r.target_ms else "FAIL",
        ]
        for r in results
    ]
    widths = [max(len(row[i]) for row in [headers, *rows]) for i in range(len(headers))]

    def line(cells):
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
        )

    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print(line(row))


def explain(results: list[Result]) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("EXPLAIN ANALYZE is only printed on PostgreSQL.")
        return
    for result in results:
        if result.median_ms < result.target_ms or not result.slowest_sql:
            continue
        if not result.slowest_sql.lstrip().upper().startswith("SELECT"):
            continue  # never run a write twice
        print(f"\n== {result.label}: slowest query ==\n{result.slowest_sql}\n")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {result.slowest_sql}")
            print("\n".join(row[0] for row in cursor.fetchall()))


def profile(results: list[Result], today: dt.date) -> None:
    """Where free_slots spends its time, for each free_slots row (5 calls each)."""
    from scheduling.availability import free_slots
    from scheduling.models import AppointmentType, BookingSource

    for result in results:
        if not result.label.startswith("free_slots "):
            continue
        slug = result.label.split()[1].rstrip(",")
        source = result.label.rsplit("(", 1)[1].rstrip(")")
        appointment_type = AppointmentType.objects.get(slug=slug)
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(5):
            free_slots(
                appointment_type=appointment_type,
                start_date=today,
                days=30,
                source=BookingSource(source),
            )
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out).strip_dirs().sort_stats("tottime")
        stats.print_stats(15)
        print(f"\n== {result.label}, 5 calls: where the time goes ==")
        print(out.getvalue().strip())


def main(argv=None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
