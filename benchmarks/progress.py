"""How fast is the progress page of a plan with 10 sessions and 60 photos?

Builds, in a dedicated PostgreSQL database, a client whose plan has 10 logged
sessions (regions treated and healing judged at each) and 60 photos (small
generated JPEGs written to a temporary folder, as the photos storage would),
then requests the progress page in-process as the plan's artist, the way the
browser would, and prints the median and 95th percentile server time and the
SQL queries of one request.

Run it from the repository root:

    .venv/bin/python benchmarks/progress.py
    .venv/bin/python benchmarks/progress.py --repeat 100 --target-ms 50

By default it uses postgres://postgres@127.0.0.1:5432/smpclinic_bench_progress
(created if missing, then migrated); `--database-url` points it elsewhere.
DATABASE_URL from the environment or .env is deliberately ignored so a
benchmark never writes into a real database. The benchmark client's plan,
photos and appointments are built afresh on every run (the photo files live
only as long as the run), so runs stay comparable.

It runs with DEBUG off, as a clinic's server does, unless DEBUG is set in the
environment. The exit status is non-zero only when something fails; a median
over the target is reported as FAIL but is informational.
"""

import argparse
import datetime as dt
import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from benchmarks.clients_search import (  # noqa: E402
    ensure_postgres_database,
    percentile,
    setup_django,
)

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/smpclinic_bench_progress"
ARTIST_EMAIL = "bench.artist@example.com"
CLIENT_EMAIL = "bench.progress.client@example.com"
SESSIONS = 10
PHOTOS = 60
ANGLES = ["front", "top", "crown", "left", "right", "back"]
REGION_STEPS = [
    {"frontal_hairline": 2, "left_temple": 2, "right_temple": 2, "mid_scalp": 2},
    {"frontal_hairline": 3, "mid_scalp": 3, "crown": 2},
    {"crown": 3, "left_side": 2, "right_side": 2, "back": 2},
    {"crown": 4, "scar": 3, "mid_scalp": 4},
    {"frontal_hairline": 4, "left_temple": 3, "right_temple": 3},
]


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark the progress page of a plan.")
    parser.add_argument(
        "--database-url",
        default=DEFAULT_DATABASE_URL,
        help=f"database to build and measure (default: {DEFAULT_DATABASE_URL})",
    )
    parser.add_argument("--repeat", type=int, default=50, help="timed requests (default: 50)")
    parser.add_argument("--warmup", type=int, default=5, help="untimed requests first (default: 5)")
    parser.add_argument(
        "--target-ms",
        type=float,
        default=80.0,
        help="median to compare with, informational (default: 80)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.warmup < 0:
        parser.error("--repeat must be at least 1, --warmup at least 0")
    return args


def use_photo_folder(folder: str) -> None:
    """Write photos under `folder` for this run instead of the clinic's private folder."""
    from django.conf import settings
    from django.core.files.storage import storages
    from django.test.signals import setting_changed

    from photos.models import Photo

    photos = dict(settings.STORAGES["photos"])
    photos["OPTIONS"] = {**photos.get("OPTIONS", {}), "location": folder}
    settings.STORAGES = {**settings.STORAGES, "photos": photos}
    setting_changed.send(sender=None, setting="STORAGES", value=settings.STORAGES, enter=True)
    # Photo's fields resolved their storage when the model loaded.
    for name in ("image", "thumbnail"):
        Photo._meta.get_field(name).storage = storages["photos"]


def jpeg(colour, size):
    from django.core.files.base import ContentFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "JPEG", quality=70)
    return ContentFile(buffer.getvalue(), name="photo.jpg")


def ensure_people():
    from accounts.models import Role, User
    from accounts.services import user_create
    from clients.models import Client
    from clients.services import client_create

    artist = User.objects.filter(email=ARTIST_EMAIL).first() or user_create(
        email=ARTIST_EMAIL, role=Role.ARTIST, first_name="Bench", last_name="Artist"
    )
    client = Client.objects.filter(email=CLIENT_EMAIL).first() or client_create(
        first_name="Bench", last_name="Progress", email=CLIENT_EMAIL, phone="+447700900123"
    )
    return artist, client


def build_plan(artist, client):
    """The client's plan, built afresh: 10 logged sessions a week apart and 60 photos."""
    from django.db import transaction
    from django.utils import timezone

    from consultations.consent import consent_document, consent_outstanding, consent_sign
    from photos.models import Photo
    from scheduling.models import Appointment, AppointmentStatus, AppointmentType
    from sessions_app import plans
    from sessions_app.models import ExtraReason, TreatmentPlan

    started = time.perf_counter()
    with transaction.atomic():
        Photo.objects.filter(client=client).delete()
        TreatmentPlan.objects.filter(client=client).delete()
        Appointment.objects.filter(client=client).delete()

        plan = plans.plan_create(client=client, lead_artist=artist, planned_sessions=5, by=artist)
        # A session cannot start until the client has signed the current consent forms.
        for version in consent_outstanding(client):
            document = consent_document(version)
            consent_sign(
                client=client,
                version=version,
                typed_name=client.full_name,
                ticked=[number for number, _ in document.numbered_statements],
                consultation=None,
                channel="clinic",
                ip=None,
                user_agent="benchmark",
                text_shown_sha256=document.sha256,
            )
        for _ in range(SESSIONS - 5):
            plans.plan_add_extra_session(plan=plan, reason=ExtraReason.PATCHY_HEALING)
        treatment = AppointmentType.objects.get(slug=plans.TREATMENT_TYPE)
        first_day = timezone.now().replace(hour=10, minute=0, second=0, microsecond=0)
        first_day -= dt.timedelta(days=7 * (SESSIONS + 2))
        photo_index = 0
        for session in plan.sessions.order_by("number"):
            when = first_day + dt.timedelta(days=7 * session.number)
            minutes = session.planned_minutes
            # Written directly: the booking rules refuse times in the past.
            session.appointment = Appointment.objects.create(
                client=client,
                type=treatment,
                artist=artist,
                starts_at=when,
                ends_at=when + dt.timedelta(minutes=minutes),
                blocked_until=when + dt.timedelta(minutes=minutes + 30),
                status=AppointmentStatus.BOOKED,
            )
            session.save(update_fields=["appointment"])
            if session.number > 1:
                plans.healing_record(
                    session=session,
                    by=artist,
                    assessments={
                        "crown": ("patchy" if session.number < 6 else "retained", ""),
                        "frontal_hairline": ("retained", ""),
                        "scar": ("faded", "Scar takes pigment unevenly"),
                    },
                )
            plans.session_log_save(
                session=session,
                by=artist,
                regions=REGION_STEPS[(session.number - 1) % len(REGION_STEPS)],
                minutes_taken=minutes,
                focus_next_time="Blend the crown into the mid-scalp",
            )
            for i in range(PHOTOS // SESSIONS):
                stage = "before_session" if i % 2 == 0 else "after_session"
                shade = 60 + 15 * session.number
                photo = Photo(
                    client=client,
                    session=session,
                    angle=ANGLES[(i // 2 + session.number) % len(ANGLES)],
                    stage=stage,
                    width=96,
                    height=72,
                    uploaded_by=artist,
                )
                photo.image.save("web.jpg", jpeg((shade, 110, 90), (96, 72)), save=False)
                photo.thumbnail.save("thumb.jpg", jpeg((shade, 110, 90), (32, 24)), save=False)
                photo.save()
                photo_index += 1
    print(
        f"Built a plan of {plan.sessions.count()} logged sessions and {photo_index} photos "
        f"in {time.perf_counter() - started:.1f} s."
    )
    return plan


def measure(browser, path: str, *, repeat: int, warmup: int) -> dict:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = browser.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"GET {path} answered {response.status_code}")
        return response

    for _ in range(warmup):
        get()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = get()
        timings.append((time.perf_counter() - started) * 1000)
    # Counted on one more request, outside the timed ones.
    with CaptureQueriesContext(connection) as captured:
        get()
    return {
        "median_ms": statistics.median(timings),
        "p95_ms": percentile(timings, 0.95),
        "queries": len(captured.captured_queries),
        "kb": len(response.content) / 1024,
    }


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
    with tempfile.TemporaryDirectory(prefix="smp-bench-photos-") as folder:
        use_photo_folder(folder)
        artist, client = ensure_people()
        plan = build_plan(artist, client)
        browser = TestClient()
        browser.force_login(artist)
        path = reverse("progress:plan", args=[plan.pk])
        print(f"Measuring GET {path}: {args.warmup} warm-up + {args.repeat} timed requests.\n")
        result = measure(browser, path, repeat=args.repeat, warmup=args.warmup)
    verdict = "PASS" if result["median_ms"] <= args.target_ms else "FAIL"
    headers = ["page", "median ms", "p95 ms", "queries", "KB", f"< {args.target_ms:g} ms"]
    row = [
        f"GET {path}",
        f"{result['median_ms']:.1f}",
        f"{result['p95_ms']:.1f}",
        str(result["queries"]),
        f"{result['kb']:.0f}",
        verdict,
    ]
    widths = [max(len(a), len(b)) for a, b in zip(headers, row, strict=True)]
    for cells in (headers, ["-" * w for w in widths], row):
        first, *rest = cells
        aligned = (c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))
        print("  ".join([first.ljust(widths[0]), *aligned]))


def main(argv=None) -> int:
    run(parse_args(argv))
    return 0


if __name__ == "__main__":
    sys.exit(main())
