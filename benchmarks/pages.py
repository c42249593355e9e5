"""How fast do the signed-in pages answer next to Django's own floor, served for real?

Serves the app with gunicorn (2 workers, DEBUG off) on the benchmark clinic of
benchmarks/scheduling.py (10 artists, 50,000 clients, 200,000 appointments; built there
first if missing), signs in as each role, and measures in **one interleaved run** — a
request to each page in turn, round after round, so a busy moment of the machine falls
on every page alike — the floor (the sign-in page, which reads no data) and:

  the front desk's home, the week diary, the day diary, the client list, a busy client's
  record, a consultation record, a plan's progress, the portal's home, the public booking
  times and the API's free times.

For each it prints requests a second (one at a time), the median and 95th percentile, and
the ratio of its median to the floor's (the target: 5 at most). With `--wrk` (and `wrk`
installed: `make bench` installs it) each page is also loaded with 50 connections for a
few seconds, and its requests a second and errors printed.

    .venv/bin/python benchmarks/pages.py
    .venv/bin/python benchmarks/pages.py --rounds 60 --wrk

DATABASE_URL from the environment is ignored, as in the other benchmarks.
"""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != REPO_ROOT / "benchmarks"]
sys.path.insert(0, str(REPO_ROOT))

from benchmarks.clients_search import (  # noqa: E402
    ensure_clients,
    ensure_front_desk_user,
    ensure_postgres_database,
    percentile,
    setup_django,
)
from benchmarks.scheduling import (  # noqa: E402
    DEFAULT_DATABASE_URL,
    ensure_appointments,
    ensure_clinic,
    ensure_manager_user,
    ensure_takings,
    ensure_treatment_history,
)

TARGET_RATIO = 5.0


@dataclass
class Page:
    label: str
    path: str
    cookie: str  # "" for the public
    times: list[float]
    statuses: set[int]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def session_cookie(user) -> str:
    """A signed-in session for this person, as the browser would send it."""
    from django.conf import settings
    from django.test import Client

    browser = Client()
    browser.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={browser.cookies[settings.SESSION_COOKIE_NAME].value}"


def prepare(args) -> tuple[list[Page], dict[str, str]]:
    """The clinic (built if missing) and the pages to measure, with whom they are for."""
    from django.core.management import call_command
    from django.db.models import Count
    from django.utils import timezone

    from accounts.models import Role, User
    from clients.models import Client
    from consultations.models import Consultation
    from scheduling.models import Appointment
    from sessions_app.models import PlanStatus, TreatmentPlan

    call_command("migrate", interactive=False, verbosity=0)
    ensure_clients(args.clients)
    desk = ensure_front_desk_user()
    artists = ensure_clinic()
    ensure_appointments(args.appointments, artists, desk)
    ensure_takings(desk)
    ensure_treatment_history()
    manager = ensure_manager_user()

    busy = (
        Client.objects.annotate(n=Count("appointments"))
        .order_by("-n", "id")
        .values_list("pk", flat=True)
    )[0]
    plan = (
        TreatmentPlan.objects.filter(status=PlanStatus.COMPLETED).order_by("-completed_at").first()
    )
    consultation = Consultation.objects.order_by("-id").first()
    if consultation is None:
        first = Appointment.objects.filter(type__slug="consultation").order_by("-starts_at").first()
        consultation = Consultation.objects.create(
            client_id=first.client_id, appointment=first, artist_id=first.artist_id
        )
    # The portal's client: the plan's client, signed in.
    client = Client.objects.get(pk=plan.client_id)
    if client.user_id is None:
        user = User.objects.filter(email="bench.portal@example.com").first()
        if user is None:
            from accounts.services import user_create

            user = user_create(email="bench.portal@example.com", role=Role.CLIENT)
        Client.objects.filter(user=user).update(user=None)
        client.user = user
        client.save(update_fields=["user"])
    cookies = {
        "desk": session_cookie(desk),
        "manager": session_cookie(manager),
        "client": session_cookie(client.user),
    }
    today = timezone.localdate()
    # The diary pages show a full working day and its week, whatever day the run is on:
    # the next weekday (the clinic works Monday to Saturday, Saturdays only mornings).
    soon = today + dt.timedelta(days=1)
    while soon.weekday() >= 5:
        soon += dt.timedelta(days=1)
    pages = [
        ("floor: GET /accounts/login/", "/accounts/login/", ""),
        ("front desk's home", "/", "desk"),
        ("week diary", f"/diary/week/{soon}/", "desk"),
        ("day diary", f"/diary/day/{soon}/", "desk"),
        ("client list", "/clients/", "desk"),
        ("a busy client's record", f"/clients/{busy}/", "manager"),
        ("consultation record", f"/consultations/{consultation.pk}/", "manager"),
        ("plan progress", f"/progress/plans/{plan.pk}/", "manager"),
        ("portal home", "/portal/", "client"),
        ("public booking times", "/book/consultation/", ""),
        ("API free times", f"/api/v1/availability/?type=consultation&start={today}&days=30", ""),
    ]
    return [
        Page(label, path, cookies.get(who, ""), [], set()) for label, path, who in pages
    ], cookies


def start_server(database_url: str, port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "False",
        "DJANGO_SETTINGS_MODULE": "smpclinic.settings",
        "API_ANON_RATE_LIMIT": "1000000/h",
        "API_USER_RATE_LIMIT": "1000000/h",
    }
    env.pop("REDIS_URL", None)
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "smpclinic.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=REPO_ROOT,
        env=env,
        start_new_session=True,
    )
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("gunicorn did not start")


def fetch(connection: http.client.HTTPConnection, page: Page) -> tuple[int, float]:
    headers = {"Host": "127.0.0.1", "Accept": "text/html,application/json"}
    if page.cookie:
        headers["Cookie"] = page.cookie
    began = time.perf_counter()
    connection.request("GET", page.path, headers=headers)
    response = connection.getresponse()
    response.read()
    return response.status, (time.perf_counter() - began) * 1000


def measure(pages: list[Page], port: int, rounds: int, warmup: int) -> None:
    connections = {
        p.label: http.client.HTTPConnection("127.0.0.1", port, timeout=60) for p in pages
    }
    for n in range(warmup + rounds):
        for page in pages:
            status, ms = fetch(connections[page.label], page)
            page.statuses.add(status)
            if n >= warmup:
                page.times.append(ms)
    for connection in connections.values():
        connection.close()


def wrk(page: Page, port: int, seconds: int) -> str:
    command = ["wrk", "-t2", "-c50", f"-d{seconds}s", "--latency"]
    if page.cookie:
        command += ["-H", f"Cookie: {page.cookie}"]
    out = subprocess.run(
        [*command, f"http://127.0.0.1:{port}{page.path}"], capture_output=True, text=True
    ).stdout
    rate = next(
        (line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec")), "?"
    )
    errors = [
        line.strip() for line in out.splitlines() if "Non-2xx" in line or "Socket errors" in line
    ]
    return f"{rate} req/s at 50 connections" + (
        f" ({'; '.join(errors)})" if errors else ", no errors"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--clients", type=int, default=50_000)
    parser.add_argument("--appointments", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--wrk", action="store_true", help="also load each page with wrk")
    parser.add_argument("--wrk-seconds", type=int, default=5)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="TEXT",
        help="measure only the pages whose label contains TEXT (repeatable); the floor always runs",
    )
    args = parser.parse_args(argv)

    ensure_postgres_database(args.database_url)
    setup_django(args.database_url)
    pages, _ = prepare(args)
    if args.only:
        pages = [pages[0]] + [
            page for page in pages[1:] if any(text in page.label for text in args.only)
        ]
    port = free_port()
    server = start_server(args.database_url, port)
    try:
        measure(pages, port, args.rounds, args.warmup)
        loads = {}
        if args.wrk:
            if shutil.which("wrk") is None:
                print("wrk is not installed (make bench installs it): skipping the load run.")
            else:
                loads = {page.label: wrk(page, port, args.wrk_seconds) for page in pages}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)

    floor = statistics.median(pages[0].times)
    failed = False
    print(f"\n{args.rounds} interleaved rounds, gunicorn with 2 workers, DEBUG off; times in ms.\n")
    print(f"{'page':<28} {'req/s':>7} {'median':>7} {'p95':>7} {'× floor':>8}  status  result")
    for page in pages:
        median = statistics.median(page.times)
        ratio = median / floor
        bad_status = page.statuses - {200}
        failed |= bool(bad_status)
        verdict = "floor" if page is pages[0] else ("PASS" if ratio <= TARGET_RATIO else "FAIL")
        print(
            f"{page.label:<28} {1000 / median:>7.0f} {median:>7.1f} "
            f"{percentile(page.times, 0.95):>7.1f} {ratio:>8.1f}  "
            f"{','.join(map(str, sorted(page.statuses))):>6}  {verdict}"
        )
        if page.label in loads:
            print(f"{'':<28} {loads[page.label]}")
    if failed:
        print("\nA page did not answer 200: see the status column.")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
