"""Benchmark: anonymous load on the portal's home and publicity pages (issue 6 "Figures to report").

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/housing_bench_portal REDIS_URL=redis://127.0.0.1:6379/5 \
        .venv/bin/python bench/portal_load.py

Migrates the database named in DATABASE_URL (its name must contain "bench") and seeds the demo city
(``seed_demo``; a second run adds nothing), collects the static files, starts gunicorn with the
production settings on loopback (plain HTTP: no TLS redirect), and drives each page with wrk
(``apt-get install wrk``) at 50 concurrent connections. Prints requests per second and p50 / p95 / p99
per page. Target: at least 200 requests per second with p95 under 100 ms.
"""

from __future__ import annotations

import argparse
import io
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from building_table import create_database_if_missing, setup_django  # noqa: E402

PAGES = ("/", "/publicity/")
TARGET_RPS, TARGET_P95_MS = 200, 100.0
# wrk reports p50/p75/p90/p99 by default; this prints exactly what the target names.
WRK_REPORT = """
done = function(summary, latency, requests)
  io.write(string.format("RESULT %d %.3f %.3f %.3f %.3f %d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write
      + summary.errors.timeout))
end
"""


def prepare() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("seed_demo", stdout=io.StringIO())


def start_gunicorn(port: int, workers: int, static_root: str, cache_seconds: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "housing.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(40),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": static_root,
        "DEBUG": "False",
        "PORTAL_PAGE_CACHE_SECONDS": str(cache_seconds),
    }
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "housing.wsgi", "--bind", f"127.0.0.1:{port}"]
        + ["--workers", str(workers), "--log-level", "warning"],
        cwd=ROOT,
        env=env,
    )
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    sys.exit("gunicorn did not start")


def drive(
    port: int, page: str, seconds: int, connections: int, script: str
) -> tuple[float, float, float, float, int]:
    # Warm every worker (template loading, connections), then measure.
    subprocess.run(
        ["wrk", "-t2", "-c", str(connections), "-d2s", f"http://127.0.0.1:{port}{page}"], capture_output=True
    )
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c",
            str(connections),
            f"-d{seconds}s",
            "-s",
            script,
            f"http://127.0.0.1:{port}{page}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("RESULT "))
    requests, duration, p50, p95, p99, errors = line.split()[1:]
    return int(requests) / float(duration), float(p50), float(p95), float(p99), int(errors)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--page-cache-seconds",
        type=int,
        default=30,
        help="PORTAL_PAGE_CACHE_SECONDS for the server (0: every request renders the page)",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is needed: apt-get install wrk")
    setup_django()
    create_database_if_missing()
    prepare()
    with (
        tempfile.TemporaryDirectory() as static_root,
        tempfile.NamedTemporaryFile("w", suffix=".lua") as script,
    ):
        script.write(WRK_REPORT)
        script.flush()
        server = start_gunicorn(args.port, args.workers, static_root, args.page_cache_seconds)
        try:
            print(
                f"门户匿名访问：gunicorn {args.workers} workers, wrk {args.connections} connections, "
                f"{args.seconds} s per page, page cache {args.page_cache_seconds} s (PostgreSQL, demo city)"
            )
            for page in PAGES:
                rps, p50, p95, p99, errors = drive(
                    args.port, page, args.seconds, args.connections, script.name
                )
                ok = rps >= TARGET_RPS and p95 < TARGET_P95_MS and errors == 0
                print(
                    f"  {page:<12} {rps:7.1f} req/s  p50 {p50:6.1f} ms  p95 {p95:6.1f} ms  p99 {p99:6.1f} ms"
                    f"  errors {errors}  {'OK' if ok else 'OVER TARGET'}"
                )
        finally:
            server.terminate()
            server.wait(timeout=30)
    print(
        f"  target: ≥ {TARGET_RPS} req/s and p95 < {TARGET_P95_MS:.0f} ms; machine: {os.cpu_count()} CPUs, "
        f"load average {os.getloadavg()[0]:.1f} at the end"
    )


if __name__ == "__main__":
    main()
