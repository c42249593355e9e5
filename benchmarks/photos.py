"""How fast, and how hungry, is the photo pipeline on a phone's photo?

Builds a 12-megapixel JPEG in memory (4000 x 3000, with gradients and noise so that
it compresses like a real photo, and EXIF with an orientation and GPS position, as a
phone writes it), then runs photos.processing.process_upload on it N times and prints
the median and worst time, the peak Python memory (tracemalloc) of one run and how
much the process's resident size grew (ru_maxrss).

Run it from the repository root:

    .venv/bin/python benchmarks/photos.py
    .venv/bin/python benchmarks/photos.py --repeat 50 --target-ms 300

No database is used. The exit status is non-zero only when something fails (the
pipeline refuses the photo, or metadata survives); a median over the target is
reported as FAIL but is informational.
"""

import argparse
import io
import multiprocessing
import os
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark photos.processing.process_upload.")
    parser.add_argument("--repeat", type=int, default=20, help="timed runs (default: 20)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default: 2)")
    parser.add_argument(
        "--target-ms",
        type=float,
        default=400.0,
        help="median to compare with, informational (default: 400)",
    )
    parser.add_argument("--width", type=int, default=4000)
    parser.add_argument("--height", type=int, default=3000)
    return parser.parse_args(argv)


def setup_django() -> None:
    sys.path.insert(0, str(REPO_ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smpclinic.settings")
    import django

    django.setup()


def phone_photo(width: int, height: int) -> bytes:
    """A JPEG like a phone's: smooth gradients, sensor noise, EXIF with GPS, quality 92."""
    from PIL import Image

    horizontal = Image.linear_gradient("L").resize((width, height))
    vertical = Image.linear_gradient("L").rotate(90).resize((width, height))
    noise = Image.effect_noise((width, height), 40)
    img = Image.merge("RGB", (horizontal, vertical, noise))
    # Some detail at every scale, like hair and skin.
    mandel = Image.effect_mandelbrot((width, height), (-2.0, -1.2, 1.0, 1.2), 60)
    img = Image.blend(img, Image.merge("RGB", (mandel, noise, horizontal)), 0.4)

    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° to display
    exif[0x010F] = "Phone maker"
    exif[0x0110] = "Phone model"
    gps = {
        1: "N",
        2: (51.0, 30.0, 26.0),
        3: "W",
        4: (0.0, 7.0, 39.0),
    }
    exif[0x8825] = gps
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=92, exif=exif.tobytes())
    return out.getvalue()


def max_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(source: bytes, repeat: int, warmup: int) -> dict:
    """Runs in a fresh process, so that its resident high-water mark is the pipeline's own
    and not that of building the source photo."""
    setup_django()
    from photos.processing import process_upload

    rss_before = max_rss_mb()
    for _ in range(warmup):
        process_upload(io.BytesIO(source))
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = process_upload(io.BytesIO(source))
        timings.append((time.perf_counter() - started) * 1000)
    rss_after = max_rss_mb()
    tracemalloc.start()
    process_upload(io.BytesIO(source))
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "timings": timings,
        "rss_before": rss_before,
        "rss_growth": rss_after - rss_before,
        "traced_peak": peak,
        "web": result.web,
        "thumbnail": result.thumbnail,
        "size": (result.width, result.height),
    }


def run(args: argparse.Namespace) -> int:
    setup_django()
    from PIL import Image

    # The worker starts before the source is built: a new process inherits its parent's
    # resident high-water mark, which building a 12-megapixel image would raise.
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        print(f"Building a {args.width} x {args.height} JPEG with EXIF and GPS...")
        source = phone_photo(args.width, args.height)
        megapixels = args.width * args.height / 1e6
        print(
            f"Source: {len(source) / 1e6:.1f} MB, {megapixels:.1f} megapixels, EXIF orientation 6."
        )
        m = pool.apply(measure, (source, args.repeat, args.warmup))

    web = Image.open(io.BytesIO(m["web"]))
    clean = not web.getexif() and not {"exif", "icc_profile", "xmp", "comment"} & set(web.info)
    median = statistics.median(m["timings"])
    timings = m["timings"]
    width, height = m["size"]
    print(
        f"Web copy: {width} x {height}, {len(m['web']) / 1e3:.0f} kB; "
        f"thumbnail {len(m['thumbnail']) / 1e3:.0f} kB; metadata stripped: {clean}."
    )
    print(f"process_upload x {args.repeat} (after {args.warmup} warm-up):")
    print(f"  median {median:.0f} ms, fastest {min(timings):.0f} ms, slowest {max(timings):.0f} ms")
    print(f"  peak Python memory (tracemalloc, one run): {m['traced_peak'] / 1e6:.1f} MB")
    print(
        f"  resident size growth (ru_maxrss): {m['rss_growth']:.1f} MB "
        f"(from {m['rss_before']:.0f} MB after start-up)"
    )
    print(f"  median <= {args.target_ms:g} ms: {'PASS' if median <= args.target_ms else 'FAIL'}")
    upright = (width, height) == (
        round(1600 * args.height / max(args.width, args.height)),
        round(1600 * args.width / max(args.width, args.height)),
    )
    if not clean or not upright:
        print("ERROR: metadata survived or the photo was not turned upright.")
        return 1
    return 0


def main(argv=None) -> int:
    return run(parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
