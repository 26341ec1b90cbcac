"""Benchmark: the 楼盘表 (building table) of a 33-floor × 12-unit building — server time and queries.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/housing_bench_projects \\
        .venv/bin/python bench/building_table.py

What it does:
1. migrates the database named in DATABASE_URL (its name must contain "bench"; it is reused);
2. loads the demo region tree, a district project officer, and one project with a building of
   33 floors × 12 units (396 units) in a realistic mix of states — created once, reused after;
3. requests ``/office/projects/buildings/<pk>/`` through Django's test Client (the whole middleware
   stack, the back-office layout and the template included), ``--runs`` times after one warm-up,
   and prints the median and the 95th percentile server time;
4. prints the number of queries of one request: in all, and those of the 楼盘表 itself (tables
   ``projects_*``); the rest is the back office's per-request cost, the same on every page.
Targets (issue 5): under 200 ms and under 10 queries.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 200.0
TARGET_QUERIES = 10
DISTRICT = "440402000000"  # 香洲区
FLOORS, PER_FLOOR = 33, 12
BUILDING_NUMBER = "BENCH-33x12"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=30, help="timed requests (median and p95 reported)")
    return parser.parse_args()


def setup_django() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")) or "bench" not in url.rsplit("/", 1)[-1]:
        sys.exit(
            "DATABASE_URL must name a PostgreSQL database containing 'bench', e.g. .../housing_bench_projects"
        )
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing.settings.test")
    os.environ["DEBUG"] = "False"  # measure the code, not a debug toolbar or query log
    import django

    django.setup()


def create_database_if_missing() -> None:
    import psycopg

    url = os.environ["DATABASE_URL"]
    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare():
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from housing.accounts.models import Organisation, OrganisationKind, User
    from housing.accounts.services import role_assign
    from housing.regions.models import Region
    from housing.regions.services import regions_load_demo
    from projects.models import Building, Unit, UnitState
    from projects.tests.factories import make_building, make_project

    if not Region.objects.filter(code=DISTRICT).exists():
        regions_load_demo()
    user = User.objects.filter(username="bench_project").first()
    if user is None:
        organisation, _created = Organisation.objects.get_or_create(
            code="ORG-BENCH", defaults={"name": "香洲区住房保障中心", "kind": OrganisationKind.OTHER,
                                        "region": Region.objects.get(code=DISTRICT)},
        )  # fmt: skip
        user = User.objects.create_user(
            username="bench_project", password="Bench@Pass1", real_name="压测项目", organisation=organisation
        )
        role_assign(user=user, role_code="project_officer", region_code=DISTRICT)
    building = Building.objects.filter(number=BUILDING_NUMBER).first()
    if building is None:
        project = make_project(region_code=DISTRICT, number="BENCH-PROJECT", name="压测项目")
        building = make_building(project=project, floors=FLOORS, per_floor=PER_FLOOR, number=BUILDING_NUMBER)
        # A realistic mix: low floors occupied, middle allocated, upper delivered, top still 未交付.
        units = building.units
        units.filter(start_floor__lte=12).update(state=UnitState.OCCUPIED, occupant_name="张三")
        units.filter(start_floor__gt=12, start_floor__lte=20).update(state=UnitState.ALLOCATED)
        units.filter(start_floor__gt=20, start_floor__lte=30).update(state=UnitState.DELIVERED)
    assert Unit.objects.filter(building=building).count() == FLOORS * PER_FLOOR
    return User.objects.get(pk=user.pk), building


def measure(user, building, runs: int) -> tuple[list[float], int, int]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    client = Client()
    client.force_login(user)
    url = reverse("projects:building_detail", args=[building.pk])
    response = client.get(url)  # warm-up: template loading, content-type cache
    assert response.status_code == 200, response.status_code
    assert response.content.decode().count("bt-cell bt-") == FLOORS * PER_FLOOR
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as captured:
        client.get(url)
    queries = [q["sql"] for q in captured.captured_queries]
    own = [q for q in queries if '"projects_' in q]
    return timings, len(queries), len(own)


def main() -> None:
    args = parse_args()
    setup_django()
    create_database_if_missing()
    user, building = prepare()
    timings, total, own = measure(user, building, args.runs)
    median = statistics.median(timings)
    p95 = sorted(timings)[max(0, int(len(timings) * 0.95) - 1)]
    print(f"楼盘表 {FLOORS} 层 × {PER_FLOOR} 户 = {FLOORS * PER_FLOOR} 套, {args.runs} requests")
    print(f"  server time: median {median:.1f} ms, p95 {p95:.1f} ms (target < {TARGET_MS:.0f} ms)")
    print(f"  queries per request: {total} in all, {own} of the 楼盘表 itself (target < {TARGET_QUERIES})")
    print(f"  time {'OK' if median < TARGET_MS else 'OVER TARGET'}; "
          f"own queries {'OK' if own < TARGET_QUERIES else 'OVER TARGET'}; "
          f"all queries {'OK' if total < TARGET_QUERIES else 'OVER TARGET (back-office shell)'}")  # fmt: skip


if __name__ == "__main__":
    main()
