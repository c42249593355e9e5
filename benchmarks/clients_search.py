"""How fast is the client list and its search on a large clinic?

Builds a clinic of 50,000 clients in a dedicated PostgreSQL database (once: a
second run finds them and goes straight to measuring), then requests the client
list in-process as a front-desk user, the way the browser would, and prints the
median and 95th percentile server time of each kind of search.

Run it from the repository root:

    .venv/bin/python benchmarks/clients_search.py
    .venv/bin/python benchmarks/clients_search.py --repeat 100 --target-ms 30
    .venv/bin/python benchmarks/clients_search.py --explain

By default it uses postgres://postgres@127.0.0.1:5432/smpclinic_bench (created
if missing, then migrated); `--database-url` points it elsewhere. DATABASE_URL
from the environment or .env is deliberately ignored so a benchmark never
writes 50,000 clients into a real database.

It runs with DEBUG off, as a clinic's server does, unless DEBUG is set in the
environment. The exit status is non-zero only when something fails (a page
that does not answer 200, a database that cannot be reached); a row slower
than the target is reported as FAIL but is informational.
"""

import argparse
import contextlib
import datetime
import itertools
import math
import os
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/smpclinic_bench"
FRONT_DESK_EMAIL = "bench.frontdesk@example.com"
FRONT_DESK_PASSWORD = "bench-front-desk-2026"
BATCH_SIZE = 5_000
SEED = 20_260_101


def _words(text: str) -> list[str]:
    return text.split()


FIRST_NAMES = _words("""
Aaron Abdul Adam Adrian Ahmed Aidan Alan Albert Alex Alexander Alfie Ali Alistair
Amir Andre Andrew Angus Anthony Archie Arjun Arthur Ashley Ben Benjamin Bilal
Blake Bradley Brandon Brian Callum Calvin Cameron Carl Carlos Charles Charlie
Chris Christian Christopher Cian Colin Conor Craig Curtis Dale Damian Dan Dana
Daniel Danielle Danny Darren David Dean Declan Dennis Derek Dominic Donovan
Douglas Duncan Dylan Eddie Edward Elliot Emmanuel Eric Ethan Euan Evan Faisal
Felix Finley Finn Francis Frank Fraser Gabriel Gareth Gary Gavin George Glen
Graham Grant Gregory Hamza Harry Harvey Hassan Hayden Henry Hugo Ian Imran Isaac
Ivan Jack Jacob Jake James Jamie Jason Jay Jayden Jeremy Jerome Joe Joel John
Jonathan Jordan Joseph Joshua Jude Julian Justin Kai Karl Keith Kevin Kieran
Kofi Kwame Kyle Lee Leo Leon Lewis Liam Logan Louis Luca Lucas Luke Malik Marcus
Mark Martin Mason Matthew Max Michael Mohammed Muhammad Nathan Neil Nicholas
Nigel Noah Oliver Omar Oscar Owen Patrick Paul Peter Philip Rafael Rahul Ravi
Reece Rhys Richard Riley Robert Ronan Ross Ryan Sam Samuel Scott Sean Sebastian
Shane Simon Stefan Stephen Steven Stuart Theo Thomas Toby Tom Tomasz Tony Tyler
Usman Victor Vincent Wayne William Xavier Yusuf Zach Zain Amelia Chloe Emma
Grace Hannah Jessica Laura Lucy Megan Olivia Priya Rachel Sarah Sophie Zara
""")

# Roughly in order of how common they are in the UK: the first names in the list
# are drawn more often, so "smith" matches thousands of clients, as it would.
LAST_NAMES = _words("""
Smith Jones Williams Taylor Brown Davies Evans Wilson Thomas Johnson Roberts
Robinson Thompson Wright Walker White Edwards Hughes Green Hall Lewis Harris
Clarke Patel Jackson Wood Turner Martin Cooper Hill Ward Morris Moore Clark Lee
King Baker Harrison Morgan Allen James Scott Phillips Watson Davis Parker Price
Bennett Young Griffiths Mitchell Kelly Cook Carter Richardson Bailey Collins Bell
Shaw Murphy Miller Cox Richards Khan Marshall Anderson Simpson Ellis Adams Singh
Begum Wilkinson Foster Chapman Powell Webb Rogers Gray Mason Ali Hunt Hussain
Campbell Matthews Owen Palmer Holmes Mills Barnes Knight Lloyd Butler Russell
Barker Fisher Stevens Jenkins Murray Dixon Harvey Graham Pearson Ahmed Fletcher
Walsh Kaur Gibson Howard Andrews Stewart Elliott Reynolds Saunders Payne Fox
Ford Pearce Day Brooks West Lawrence Cole Atkinson Bradley Spencer Gill Dawson
Ball Burton O'Brien Watts Rose Booth Perry Ryan Grant Wells Armstrong Francis Rees
Hayes Hart Hudson Newman Barrett Webster Hunter Gregory Carr Lowe Page Marsh
Riley Dunn Woods Parsons Berry Stone Reid Holland Hawkins Harding Porter Robertson
Newton Oliver Reed Kennedy Williamson Bird Gardner Shah Dean Lane Cooke Bates
Henderson Parry Burgess Bishop Walton Burns Nicholson Shepherd Ross Cross Long
Freeman Warren Nicholls Hamilton Byrne Sutton McDonald Yates Hodgson Robson Curtis
Hopkins O'Connor Harper Coleman Watkins Moss McCarthy Chambers O'Neill Griffin
Sharp Hardy Wheeler Potter Osborne Johnston Gordon Doyle Wallace George Jordan
Hutchinson Rowe Burke May Pritchard Gilbert Willis Higgins Read Miles Stevenson
Stephenson Hammond Arnold Buckley Walters Hewitt Barber Nelson Slater Austin
Sullivan Whitehead Mann Frost Lambert Stephens Blake Akhtar Lynch Goodwin Barton
Woodward Thomson Cunningham Quinn Barnett Baxter Bibi Clayton Nash Greenwood
Jennings Holt Kemp Poole Gallagher Bond Stokes Tucker Davidson Fowler Heath Norman
Middleton Lawson Banks French Stanley Jarvis Gibbs Ferguson Hayward Carroll Nowak
Mensah Okafor Brennan Whitaker Kowalski Rahman Chowdhury Iqbal Mahmood Nguyen
Osei Adeyemi Papadopoulos Rossi Fernandes Silva Kaya Dimitrov Novak
""")

EMAIL_DOMAINS = [
    "gmail.com",
    "gmail.com",
    "gmail.com",
    "hotmail.co.uk",
    "hotmail.com",
    "outlook.com",
    "yahoo.co.uk",
    "icloud.com",
    "btinternet.com",
    "live.co.uk",
    "sky.com",
]

# UK mobile ranges that phonenumbers accepts as valid (076 is pagers).
MOBILE_PREFIXES = ["71", "72", "73", "74", "75", "77", "78", "79"]
_PHONE_SPACE = len(MOBILE_PREFIXES) * 10**8
# An affine map modulo the size of the number space: a bijection (the multiplier
# shares no factor with 2 or 5), so every client index gets its own number.
_PHONE_MULTIPLIER = 3**18
_PHONE_OFFSET = 123_456_789


@dataclass
class Case:
    label: str
    params: dict


@dataclass
class Result:
    case: Case
    median_ms: float
    p95_ms: float
    queries: int
    count: int
    slowest_sql: str


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Benchmark the client list and search on a large clinic.",
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
        "--repeat", type=int, default=30, help="timed requests per row (default: 30)"
    )
    parser.add_argument(
        "--warmup", type=int, default=3, help="untimed requests per row first (default: 3)"
    )
    parser.add_argument(
        "--target-ms",
        type=float,
        default=50.0,
        help="median to compare each row with, informational (default: 50)",
    )
    parser.add_argument(
        "--explain",
        action="store_true",
        help="print EXPLAIN ANALYZE of the slowest SQL of each row over the target",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.repeat < 1 or args.warmup < 0:
        parser.error("--clients and --repeat must be at least 1, --warmup at least 0")
    return args


# --- Database -----------------------------------------------------------------------


def ensure_postgres_database(database_url: str) -> None:
    """Create the PostgreSQL database named in the URL if it does not exist yet."""
    import environ
    import psycopg
    from psycopg import sql

    config = environ.Env.db_url_config(database_url)
    if "postgresql" not in config["ENGINE"]:
        return
    connect_kwargs = {
        "dbname": "postgres",
        "host": config.get("HOST") or None,
        "port": config.get("PORT") or None,
        "user": config.get("USER") or None,
        "password": config.get("PASSWORD") or None,
        "autocommit": True,
    }
    with psycopg.connect(**{k: v for k, v in connect_kwargs.items() if v is not None}) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [config["NAME"]]
        ).fetchone()
        if not exists:
            print(f"Creating database {config['NAME']}")
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(config["NAME"])))


def setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    # Measure what a clinic's server runs: no per-query debug logging.
    os.environ.setdefault("DEBUG", "False")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpclinic.settings")
    if str(REPO_ROOT) not in sys.path:
        sys.path.insert(0, str(REPO_ROOT))
    import django

    django.setup()


# --- The large clinic ---------------------------------------------------------------


def phone_for(index: int) -> str:
    """A unique, valid-looking UK mobile number in E.164 for the client at `index`."""
    n = (_PHONE_MULTIPLIER * index + _PHONE_OFFSET) % _PHONE_SPACE
    prefix, subscriber = divmod(n, 10**8)
    return f"+44{MOBILE_PREFIXES[prefix]}{subscriber:08d}"


def email_for(index: int, first: str, last: str, rng: random.Random) -> str:
    first, last = first.lower(), last.lower().replace("'", "")
    local = rng.choice(
        [f"{first}.{last}", f"{first}{last}", f"{first[0]}{last}", f"{first}_{last}"]
    )
    # The index keeps every address unique, as the clinic requires.
    return f"{local}{index}@{rng.choice(EMAIL_DOMAINS)}"


def client_rows(total: int, *, seed: int = SEED):
    """Every client of the benchmark clinic, as dicts, in the same order each run."""
    from django.utils import timezone

    from clients.models import ContactChannel, ReferralSource

    rng = random.Random(seed)
    last_cum_weights = list(
        itertools.accumulate(1 / (rank + 10) for rank in range(len(LAST_NAMES)))
    )
    referral_sources = [*ReferralSource.values, ""]
    built_until = timezone.now().replace(microsecond=0)
    today = built_until.date()
    three_years = int(datetime.timedelta(days=3 * 365).total_seconds())
    for index in range(total):
        first = rng.choice(FIRST_NAMES)
        last = rng.choices(LAST_NAMES, cum_weights=last_cum_weights)[0]
        contact = rng.random()
        # Most clients give both; some only a phone, a few only an email.
        has_email = contact >= 0.12
        has_phone = contact < 0.92
        email = email_for(index, first, last, rng) if has_email else ""
        phone = phone_for(index) if has_phone else ""
        date_of_birth = (
            today - datetime.timedelta(days=rng.randint(22 * 365, 68 * 365))
            if rng.random() < 0.7
            else None
        )
        yield {
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone,
            "date_of_birth": date_of_birth,
            "preferred_channel": ContactChannel.SMS if not email else ContactChannel.EMAIL,
            "contact_consent": rng.random() < 0.8,
            "referral_source": rng.choice(referral_sources),
            "created_at": built_until - datetime.timedelta(seconds=rng.randint(0, three_years)),
        }


@contextlib.contextmanager
def given_created_at():
    """Let bulk_create keep the created_at we give instead of stamping now()."""
    from clients.models import Client

    field = Client._meta.get_field("created_at")
    field.auto_now_add = False
    try:
        yield
    finally:
        field.auto_now_add = True


def build_client(row: dict):
    from phonenumber_field.phonenumber import PhoneNumber

    from clients.models import Client
    from clients.search import search_text_for

    phone = PhoneNumber.from_string(row["phone"]) if row["phone"] else ""
    client = Client(**{**row, "phone": phone})
    # bulk_create skips Client.save(), which is what fills search_text.
    client.search_text = search_text_for(
        first_name=client.first_name,
        last_name=client.last_name,
        email=client.email,
        phone=phone,
    )
    return client


def ensure_clients(total: int) -> None:
    """Top the clinic up to `total` clients; nothing to do on a second run."""
    from django.db import connection, transaction

    from clients.models import Client

    existing = Client.objects.count()
    if existing >= total:
        print(f"Clinic has {existing:,} clients already; not building.")
        return
    print(f"Building {total - existing:,} clients ({existing:,} already there)...")
    started = time.perf_counter()
    batch = []
    with given_created_at():
        for index, row in enumerate(client_rows(total)):
            if index < existing:
                continue
            batch.append(build_client(row))
            if len(batch) == BATCH_SIZE or index == total - 1:
                with transaction.atomic():
                    Client.objects.bulk_create(batch)
                batch = []
                print(f"  {index + 1:,} / {total:,}", flush=True)
    inserted = time.perf_counter() - started
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # VACUUM as well as ANALYZE: rows inserted in bulk wait in the trigram
            # index's pending list, which every search then reads in full, until
            # a vacuum moves them into the index proper (autovacuum would, later).
            cursor.execute("VACUUM ANALYZE clients_client")
        else:
            cursor.execute("ANALYZE")
    print(
        f"Built {total - existing:,} clients in {inserted:.1f} s "
        f"(ready, statistics refreshed, after {time.perf_counter() - started:.1f} s)."
    )


def ensure_front_desk_user():
    from accounts.models import Role, User
    from accounts.services import user_create

    user = User.objects.filter(email=FRONT_DESK_EMAIL).first()
    if user is None:
        user = user_create(
            email=FRONT_DESK_EMAIL,
            role=Role.FRONT_DESK,
            first_name="Bench",
            last_name="Desk",
            password=FRONT_DESK_PASSWORD,
        )
    return user


# --- Measuring ----------------------------------------------------------------------


def build_cases() -> list[Case]:
    """What a front desk types, with real values taken from the clinic."""
    import phonenumbers

    from clients.models import Client

    with_both = Client.objects.exclude(email="").exclude(phone="").order_by("id")
    sample = with_both[with_both.count() // 2]
    national_phone = phonenumbers.format_number(
        sample.phone, phonenumbers.PhoneNumberFormat.NATIONAL
    )
    return [
        Case("no query, page 1", {}),
        Case("last name: smith", {"q": "smith"}),
        Case("first-name fragment: dan", {"q": "dan"}),
        Case(f"email: {sample.email}", {"q": sample.email}),
        Case(f"phone: {national_phone}", {"q": national_phone}),
        Case(
            f"first last: {sample.first_name.lower()} {sample.last_name.lower()}",
            {"q": f"{sample.first_name.lower()} {sample.last_name.lower()}"},
        ),
        Case("no match: zzqxv", {"q": "zzqxv"}),
        Case("no query, page 500", {"page": 500}),
    ]


def percentile(samples: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def measure(client, url: str, case: Case, *, repeat: int, warmup: int) -> Result:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from clients.selectors import client_search

    path = f"{url}?{urlencode(case.params)}" if case.params else url

    def get():
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    for _ in range(warmup):
        get()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        get()
        timings.append((time.perf_counter() - started) * 1000)
    # Queries are counted on one more request, outside the timed ones, so that
    # capturing them does not weigh on the timings.
    with CaptureQueriesContext(connection) as captured:
        get()
    slowest = max(captured.captured_queries, key=lambda q: float(q["time"]), default=None)
    return Result(
        case=case,
        median_ms=statistics.median(timings),
        p95_ms=percentile(timings, 0.95),
        queries=len(captured.captured_queries),
        count=client_search(query=case.params.get("q", "")).count(),
        slowest_sql=slowest["sql"] if slowest else "",
    )


def print_table(results: list[Result], target_ms: float) -> None:
    headers = ["query", "median ms", "p95 ms", "queries", "results", f"<= {target_ms:g} ms"]
    rows = [
        [
            r.case.label,
            f"{r.median_ms:.1f}",
            f"{r.p95_ms:.1f}",
            str(r.queries),
            f"{r.count:,}",
            "PASS" if r.median_ms <= target_ms else "FAIL",
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


def explain(results: list[Result], target_ms: float) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        print("EXPLAIN ANALYZE is only printed on PostgreSQL.")
        return
    for result in results:
        if result.median_ms <= target_ms or not result.slowest_sql:
            continue
        print(f"\n== {result.case.label}: slowest query ==\n{result.slowest_sql}\n")
        with connection.cursor() as cursor:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {result.slowest_sql}")
            print("\n".join(row[0] for row in cursor.fetchall()))


def run(args: argparse.Namespace) -> None:
    ensure_postgres_database(args.database_url)
    setup_django(args.database_url)

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client as TestClient
    from django.urls import reverse

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(
        f"Database: {connection.vendor} {connection.settings_dict['NAME']}, DEBUG={settings.DEBUG}"
    )
    call_command("migrate", interactive=False, verbosity=0)
    ensure_clients(args.clients)
    user = ensure_front_desk_user()

    browser = TestClient()
    browser.force_login(user)
    url = reverse("clients:list")
    print(f"Measuring GET {url}: {args.warmup} warm-up + {args.repeat} timed requests per row.\n")
    results = [
        measure(browser, url, case, repeat=args.repeat, warmup=args.warmup)
        for case in build_cases()
    ]
    print_table(results, args.target_ms)
    if args.explain:
        explain(results, args.target_ms)


def main(argv=None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
