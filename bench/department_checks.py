"""Benchmark: department checks (部门核查) for a batch of 10,000 submissions — checks per second.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/housing_bench_checks \\
        .venv/bin/python bench/department_checks.py [--submissions 10000] [--noise 500000]

What it does, all in one command:
1. drops and re-creates the database named in DATABASE_URL (its name must contain "bench") and builds the
   schema from the models, as the test suite's ``--nomigrations`` does (the same tables the migrations make,
   built faster);
2. loads the demo region tree, the default rule sets and the reference datasets, then bulk-inserts
   ``--submissions`` submitted applications (80 % 廉租住房 租赁补贴, 20 % 人才住房补贴) with 1–5 members each,
   the members' mirror rows (户籍, 个税, 社保, 不动产, 低保, 学历, 人才名单; some agreeing with the
   declaration, some not), and ``--noise`` unrelated mirror rows so the mirror is not tiny;
3. runs, one application after another in this one process (one Celery worker), exactly what the worker
   runs for a submission's checks: ``check_run_create`` + ``check_run_execute`` (ask every dataset the rule
   set needs about every member through the adapters, compare, evaluate the rule set on department data,
   store the run and its checks);
4. prints department checks per second (one check = one member × one dataset), runs per second, and the
   queries per run. ``--job`` times the whole submission job instead (``application_submission_process``:
   for the automatic 人才 cases also 自动受理 and the automatic review through the lifecycle).
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

COMMUNITIES_PREFIX = "4404"
SOURCE_DATE = datetime.date(2026, 6, 30)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--submissions", type=int, default=10_000)
    parser.add_argument("--noise", type=int, default=500_000, help="unrelated mirror rows (other people)")
    parser.add_argument(
        "--job", action="store_true", help="time the whole submission job, automatic path included"
    )
    parser.add_argument("--seed", type=int, default=20260630)
    return parser.parse_args()


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must point at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/housing_bench_checks"
        )
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: a benchmark database's name contains 'bench'")
    return url


def recreate_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


class DisableMigrations:
    """``MIGRATION_MODULES`` that makes ``migrate --run-syncdb`` build every table from the models."""

    def __contains__(self, item: str) -> bool:
        return True

    def __getitem__(self, item: str) -> None:
        return None


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing.settings.test")
    os.environ["DEBUG"] = "False"  # measure the code, not a query log
    os.environ.pop("REDIS_URL", None)  # no broker: nothing here is sent to a queue
    import django

    django.setup()
    from django.conf import settings

    settings.MIGRATION_MODULES = DisableMigrations()


def build_schema() -> None:
    from django.core.management import call_command

    call_command("migrate", run_syncdb=True, verbosity=0)


def reference_data() -> list[str]:
    from housing.exchange.services import datasets_sync
    from housing.regions.codes import Level
    from housing.regions.models import Region
    from housing.regions.services import regions_load_demo
    from rules.defaults import rules_seed_defaults

    regions_load_demo()
    rules_seed_defaults()
    datasets_sync()
    return list(
        Region.objects.filter(level=Level.COMMUNITY, code__startswith=COMMUNITIES_PREFIX).values_list(
            "code", flat=True
        )
    )


def person_number(i: int) -> str:
    """The i-th distinct valid GB 11643 number: birth dates from 1960 on, 900 sequence numbers a day."""
    from housing.accounts.demo import demo_id_number

    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=i // 900)
    return demo_id_number(f"440400{born:%Y%m%d}{100 + i % 900:03d}")


def insert_submissions(count: int, communities: list[str], rng: random.Random) -> tuple[int, int]:
    """Families, members, applications (state 已提交) and the members' mirror rows, in bulk."""
    from django.utils import timezone

    from admission.models import Application, Family, FamilyMember, Relation
    from housing.accounts.identity import id_number_digest, mask_id_number
    from housing.exchange.datasets import coerce_values
    from housing.exchange.models import Dataset, MirrorRecord

    datasets = {d.code: d for d in Dataset.objects.all()}
    now = timezone.now()
    person = 0
    mirror: list[MirrorRecord] = []
    members_total = 0
    chunk = 1000

    def add(code: str, number: str, values: dict) -> None:
        typed, errors = coerce_values(datasets[code].fields, values)
        assert not errors, errors
        mirror.append(
            MirrorRecord(
                dataset=datasets[code],
                id_number_digest=id_number_digest(number),
                id_number_masked=mask_id_number(number),
                values=typed,
                source="bench.xlsx",
                source_date=SOURCE_DATE,
            )
        )

    for start in range(0, count, chunk):
        families, members, plans = [], [], []
        for i in range(start, min(start + chunk, count)):
            talent = i % 5 == 0
            size = 1 if talent else rng.choice((1, 2, 2, 3, 3, 3, 4, 5))
            numbers = [person_number(person + k) for k in range(size)]
            person += size
            incomes = [Decimal(rng.randrange(0, 60_000, 100)) if k < 2 else Decimal("0") for k in range(size)]
            area = Decimal(rng.choice((0, 0, 0, 25, 38, 45)))
            region = communities[i % len(communities)]
            families.append(
                Family(
                    region_code=region,
                    applicant_name=f"压测{i}",
                    id_number=numbers[0],
                    id_number_digest=id_number_digest(numbers[0]),
                    id_number_masked=mask_id_number(numbers[0]),
                    phone="13800138000",
                    household_size=size,
                    total_income=sum(incomes),
                    per_capita_income=(sum(incomes) / size).quantize(Decimal("0.01")),
                    total_floor_area=area,
                    per_capita_floor_area=(area / size).quantize(Decimal("0.01")),
                )
            )
            plans.append((talent, numbers, incomes, area))
        Family.objects.bulk_create(families, batch_size=chunk)
        applications = []
        for index, (family, (talent, numbers, incomes, area)) in enumerate(zip(families, plans, strict=True)):
            for k, number in enumerate(numbers):
                members.append(
                    FamilyMember(
                        family=family,
                        relation=Relation.SELF if k == 0 else (Relation.SPOUSE if k == 1 else Relation.SON),
                        name=f"{family.applicant_name}-{k}",
                        id_number=number,
                        id_number_digest=id_number_digest(number),
                        id_number_masked=mask_id_number(number),
                        annual_income=incomes[k],
                        education="bachelor" if talent else "",
                        is_introduced_talent=talent,
                    )
                )
                # The departments' side: most agree with the declaration, some differ.
                add(
                    "hukou",
                    number,
                    {
                        "name": f"{family.applicant_name}-{k}",
                        "hukou_address": "珠海市",
                        "registered_on": "2010-01-01",
                    },
                )
                if incomes[k] > 0:
                    stated = incomes[k] * (Decimal("1.5") if rng.random() < 0.15 else 1)
                    add("income", number, {"year": 2025, "annual_income": str(stated)})
                    add(
                        "social_insurance",
                        number,
                        {
                            "employer": "某公司",
                            "monthly_base": str((incomes[k] / 12).quantize(Decimal("1"))),
                            "months_paid": 24,
                        },
                    )
                if k == 0 and (area > 0 or rng.random() < 0.05):
                    add(
                        "real_estate",
                        number,
                        {
                            "certificate_number": f"B{start + index}",
                            "address": "某小区",
                            "floor_area": str(area or 80),
                        },
                    )
                if k == 0 and rng.random() < 0.05:
                    add("subsistence", number, {"category": "低保", "since": "2022-01-01"})
                if talent:
                    add("education", number, {"degree": "大学本科"})
                    add(
                        "talent",
                        number,
                        {
                            "category": "青年优秀人才",
                            "certified_on": "2024-01-01",
                            "valid_until": "2029-12-31",
                        },
                    )
            i = start + index
            applications.append(
                Application(
                    family=family,
                    region_code=family.region_code,
                    project_code="rencai" if talent else "lianzu",
                    mode_code="rent_subsidy",
                    receipt_number=f"SQ-BENCH-{i:07d}",
                    state="submitted",
                    submitted_at=now,
                )
            )
        FamilyMember.objects.bulk_create(members, batch_size=chunk)
        Application.objects.bulk_create(applications, batch_size=chunk)
        MirrorRecord.objects.bulk_create(mirror, batch_size=5000)
        members_total += len(members)
        mirror.clear()
        print(f"  {min(start + chunk, count):,} / {count:,} submissions", flush=True)
    return count, members_total


def insert_noise(rows: int) -> None:
    """Other people's records, server-side: a city's mirror holds millions of rows, not just ours."""
    from django.db import connection

    from housing.exchange.models import Dataset

    if rows <= 0:
        return
    ids = ",".join(str(pk) for pk in Dataset.objects.values_list("pk", flat=True))
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO exchange_mirrorrecord (dataset_id, id_number_digest, id_number_masked, values, source,"
            " source_date, imported_at)"
            f" SELECT (ARRAY[{ids}])[1 + g %% {len(ids.split(','))}], md5(g::text) || md5((g + 7)::text),"
            " '4404**********0000', '{}'::jsonb, 'noise', %s, now() FROM generate_series(1, %s) AS g",
            [SOURCE_DATE, rows],
        )
        cursor.execute("VACUUM ANALYZE exchange_mirrorrecord")
        cursor.execute("ANALYZE")


def run(job: bool) -> tuple[float, int, int, int]:
    from django.db import connection, reset_queries

    from admission.checks.models import CheckTrigger, DepartmentCheck
    from admission.checks.services import application_submission_process, check_run_create, check_run_execute
    from admission.models import Application
    from housing.accounts.system import system_actor

    system = system_actor()
    ids = list(Application.objects.order_by("pk").values_list("pk", flat=True))
    # One application first, untimed: compiled rule sets, templates of messages, connection warm-up.
    warm = ids.pop(0)
    check_run_execute(
        run=check_run_create(application=Application(pk=warm), trigger=CheckTrigger.SUBMISSION, actor=system)
    )
    before = DepartmentCheck.objects.count()
    connection.force_debug_cursor = True
    reset_queries()
    queries = 0
    started = time.perf_counter()
    for n, pk in enumerate(ids, start=1):
        if job:
            application_submission_process(application_id=pk)
        else:
            check_run_execute(
                run=check_run_create(
                    application=Application(pk=pk), trigger=CheckTrigger.SUBMISSION, actor=system
                )
            )
        queries += len(connection.queries)
        reset_queries()
        if n % 1000 == 0:
            print(
                f"  {n:,} / {len(ids):,} checked, {n / (time.perf_counter() - started):.0f} submissions/s",
                flush=True,
            )
    elapsed = time.perf_counter() - started
    connection.force_debug_cursor = False
    return elapsed, len(ids), DepartmentCheck.objects.count() - before, queries


def main() -> None:
    args = parse_args()
    url = database_url()
    recreate_database(url)
    setup_django()
    print("building schema and reference data …", flush=True)
    build_schema()
    communities = reference_data()
    rng = random.Random(args.seed)
    print(f"inserting {args.submissions:,} submissions and their mirror rows …", flush=True)
    started = time.perf_counter()
    _count, members = insert_submissions(args.submissions, communities, rng)
    insert_noise(args.noise)
    from housing.exchange.models import MirrorRecord

    print(
        f"  done in {time.perf_counter() - started:.0f} s: {members:,} members, {MirrorRecord.objects.count():,} mirror rows"
    )
    print("checking …" if not args.job else "running the submission job …", flush=True)
    elapsed, runs, checks, queries = run(args.job)
    print()
    print(
        f"{'submission jobs' if args.job else 'check runs'}: {runs:,} applications ({members:,} members) in {elapsed:.1f} s"
    )
    print(f"  department checks: {checks:,} → {checks / elapsed:,.0f} checks/s (one member × one dataset)")
    print(f"  applications: {runs / elapsed:,.1f} /s; queries per application: {queries / runs:.1f}")


if __name__ == "__main__":
    main()
