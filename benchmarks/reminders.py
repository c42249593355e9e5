"""How fast does the dispatcher send 10,000 reminders that fall due at once?

Builds, in a dedicated PostgreSQL database, 10 artists with 1,000 upcoming
appointments each (clients of their own), and one due appointment reminder per
appointment — the commonest message, with an HTML and a plain-text part and
the .ics attached. Then runs the dispatcher with Django's in-memory email
backend until every reminder is sent, and prints the rate: once with a single
dispatcher, and once with one dispatcher per core running at once, the way a
worker's processes (or several workers) share the outbox. Each run first puts
the reminders back to "pending", so runs stay comparable, and checks that every
reminder was sent exactly once.

Run it from the repository root:

    .venv/bin/python benchmarks/reminders.py
    .venv/bin/python benchmarks/reminders.py --reminders 2000 --runs 3

By default it uses postgres://postgres@127.0.0.1:5432/smpclinic_bench_reminders
(created if missing, then migrated); `--database-url` points it elsewhere.
DATABASE_URL from the environment or .env is deliberately ignored so a
benchmark never writes into a real database. The target (500 a second) is
informational: the exit status is non-zero only when something fails.
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.clients_search import ensure_postgres_database, setup_django  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/smpclinic_bench_reminders"
ARTISTS = 10
KEY_PREFIX = "bench:"


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the reminder dispatcher.")
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--reminders", type=int, default=10_000, help="(default: 10,000)")
    parser.add_argument("--runs", type=int, default=3, help="timed runs (default: 3)")
    parser.add_argument("--target", type=float, default=500.0, help="reminders a second (500)")
    parser.add_argument(
        "--processes",
        type=int,
        default=os.cpu_count() or 1,
        help="dispatchers running at once, as a worker's processes do (default: one per core)",
    )
    args = parser.parse_args(argv)
    if args.reminders < ARTISTS or args.runs < 1:
        parser.error(f"--reminders must be at least {ARTISTS}, --runs at least 1")
    return args


def build(total: int) -> None:
    """Artists, clients, appointments and their reminders, built once (topped up if needed)."""
    from django.db import transaction
    from django.utils import timezone

    from accounts.models import Role, User
    from accounts.services import user_create
    from clients.models import Client
    from reminders.models import Reminder, ReminderKind
    from scheduling.models import Appointment, AppointmentType

    if Reminder.objects.filter(key__startswith=KEY_PREFIX).count() >= total:
        return
    print(f"Building {total:,} appointments and reminders (once)…", flush=True)
    Reminder.objects.filter(key__startswith=KEY_PREFIX).delete()
    Appointment.objects.filter(notes="benchmark").delete()
    video = AppointmentType.objects.get(slug="video-consultation")
    per_artist = total // ARTISTS
    start = (timezone.now() + dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    with transaction.atomic():
        artists = []
        for n in range(ARTISTS):
            email = f"bench.artist{n}@example.com"
            artist = User.objects.filter(email=email).first() or user_create(
                email=email, first_name=f"Artist{n}", last_name="Bench", role=Role.ARTIST
            )
            artists.append(artist)
        clients = Client.objects.bulk_create(
            Client(
                first_name=f"Client{i}",
                last_name="Bench",
                email=f"bench.client{i}@example.com",
                contact_consent=True,
                search_text=f"client{i} bench",
            )
            for i in range(Client.objects.filter(last_name="Bench").count(), total)
        )
        clients = list(Client.objects.filter(last_name="Bench").order_by("pk")[:total])
        appointments = []
        for a, artist in enumerate(artists):
            for i in range(per_artist):
                begins = start + dt.timedelta(minutes=45 * i)
                appointments.append(
                    Appointment(
                        client=clients[a * per_artist + i],
                        type=video,
                        artist=artist,
                        starts_at=begins,
                        ends_at=begins + dt.timedelta(minutes=45),
                        blocked_until=begins + dt.timedelta(minutes=45),
                        notes="benchmark",
                        meeting_link="https://meet.example.com/clinic",
                    )
                )
        appointments = Appointment.objects.bulk_create(appointments, batch_size=2000)
        Reminder.objects.bulk_create(
            (
                Reminder(
                    key=f"{KEY_PREFIX}{appointment.pk}",
                    client_id=appointment.client_id,
                    kind=ReminderKind.APPOINTMENT_REMINDER,
                    appointment=appointment,
                    due_at=timezone.now(),
                    data={"hours_before": 48},
                )
                for appointment in appointments
            ),
            batch_size=2000,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def reset() -> int:
    from django.utils import timezone

    from reminders.models import Reminder, ReminderStatus

    count = Reminder.objects.filter(key__startswith=KEY_PREFIX).update(
        status=ReminderStatus.PENDING,
        due_at=timezone.now() - dt.timedelta(seconds=1),
        attempts=0,
        claim_token="",
        lease_expires_at=None,
        sent_at=None,
        sent_to="",
        last_error="",
    )
    # Each run rewrites every row: clear the dead versions, as autovacuum would between
    # two busy moments, so a later run does not pay for the earlier ones.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE reminders_reminder")
    return count


def _dispatcher(_: int) -> tuple[int, int]:
    """One dispatcher process: its own database connection and in-memory outbox."""
    from django.core import mail
    from django.db import connections

    from reminders import dispatch

    connections.close_all()
    mail.outbox = []
    sent = dispatch.dispatch_due(max_seconds=3600)
    return sent, len(mail.outbox)


def timed_run(processes: int) -> tuple[int, int, float]:
    """(sent, emails, seconds) for one run with this many dispatchers at once."""
    import multiprocessing

    from django.db import connections

    connections.close_all()  # the children must not share this process's connection
    began = time.perf_counter()
    if processes == 1:
        sent, emails = _dispatcher(0)
    else:
        with multiprocessing.get_context("fork").Pool(processes) as pool:
            results = pool.map(_dispatcher, range(processes))
        sent, emails = sum(r[0] for r in results), sum(r[1] for r in results)
    return sent, emails, time.perf_counter() - began


def run(args) -> int:
    ensure_postgres_database(args.database_url)
    os.environ["EMAIL_URL"] = "memorymail://"
    setup_django(args.database_url)
    from django.core.management import call_command

    from reminders.models import Reminder, ReminderStatus

    call_command("migrate", verbosity=0)
    build(args.reminders)
    medians = {}
    for processes in sorted({1, args.processes}):
        rates = []
        for run_number in range(1, args.runs + 1):
            count = reset()
            sent, emails, took = timed_run(processes)
            unsent = Reminder.objects.filter(key__startswith=KEY_PREFIX).exclude(
                status=ReminderStatus.SENT
            )
            if sent != count or emails != count or unsent.exists():
                example = unsent.first()
                print(
                    f"{processes} dispatcher(s), run {run_number}: sent {sent} of {count}, "
                    f"{emails} emails; e.g. {example and (example.status, example.last_error)}"
                )
                return 1
            rates.append(count / took)
            print(
                f"{processes} dispatcher(s), run {run_number}: {count:,} reminders in "
                f"{took:.2f} s = {count / took:,.0f}/s"
            )
        medians[processes] = statistics.median(rates)
    for processes, median in medians.items():
        verdict = "PASS" if median >= args.target else "FAIL"
        print(
            f"median with {processes} dispatcher(s): {median:,.0f} reminders/s "
            f"(target {args.target:,.0f}/s): {verdict}"
        )
    return 0


def main(argv=None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
