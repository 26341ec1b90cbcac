"""Benchmark: admission at city scale — 200,000 applications, 600,000 members (issue 4, figures to report).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/housing_bench_adm \\
        .venv/bin/python bench/admission_scale.py [--applications 200000] [--runs 40] [--reuse]

What it does, all in one command:
1. drops and re-creates the database named in DATABASE_URL (its name must contain "bench") with an ICU
   zh-Hans-CN collation, as a production server has; builds the schema straight from the models (as the
   test suite does, so models whose migrations are not written yet are there too);
2. loads the demo region tree, the 「保障资格申请审核」 template and two users: a street caseworker of
   翠香街道 and the city centre;
3. inserts, set-based (``INSERT … SELECT generate_series``, not through the services: this measures
   reads), the families (one per application), 3 members each, the applications over every stage and
   the 27 communities, and their workflow cases: a process instance per submitted case, four finished
   nodes of history and the open node with its due date. First 2,000 applications, then the rest, so
   the query count of each page is measured at both sizes;
4. prints EXPLAIN (ANALYZE, BUFFERS) of the queue page query and of the search by ID number;
5. times the real pages through Django's test Client (middleware, permissions, menu, template):
   the street work queue ``/office/admission/applications/queue/`` and the search by exact ID number
   ``/office/admission/applications/?q=<18 digits>``, logged in as the street caseworker and as the city;
   prints median, p95 and max over ``--runs`` requests after 3 warm-ups, and the queries per page.
Target (issue 4): p95 under 150 ms; the query count of a list page does not grow with the rows.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_MS = 150.0
CITY = "440400000000"  # 珠海市
STREET = "440402001000"  # 翠香街道: 3 of the 27 communities
SMALL = 2_000
MEMBERS_PER_FAMILY = 3
# A person to look for: the applicant of one 翠香 family, and a member (spouse) of another.
FOUND_APPLICANT = "44040219850312051"
FOUND_MEMBER = "44040219870707062"

# State of application g by g % 100: a city's mix, most cases finished (registered or refused).
STATE_BUCKETS = [
    (3, "draft"),
    (6, "submitted"),
    (16, "street_review"),
    (20, "street_publicity"),
    (28, "district_review"),
    (31, "district_publicity"),
    (39, "city_review"),
    (42, "city_publicity"),
    (44, "returned"),
    (45, "frozen"),
    (53, "refused"),
    (57, "withdrawn"),
    (100, "registered"),
]
# The open node of each open state (admission.applications.STATE_NODE); a frozen case waits at publicity.
OPEN_NODE = {
    "submitted": "accept",
    "returned": "accept",
    "street_review": "street_review",
    "street_publicity": "street_publicity",
    "district_review": "district_review",
    "district_publicity": "district_publicity",
    "city_review": "city_review",
    "city_publicity": "city_publicity",
    "frozen": "street_publicity",
}
SURNAMES = "陈李黄张梁林刘吴何郑罗王周杨谢许邓冯曾彭赵徐朱胡郭高蔡钟卢潘"
GIVEN = ["建国", "丽娟", "志强", "美玲", "国华", "秀英", "海波", "玉兰", "文斌", "少芬", "家豪", "欣怡"]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--applications", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=40, help="timed requests per page and user")
    parser.add_argument("--icu-locale", default="zh-Hans-CN")
    parser.add_argument("--reuse", action="store_true", help="keep a database that already holds the rows")
    return parser.parse_args()


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must point at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/housing_bench_adm"
        )
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: a benchmark database's name contains 'bench'")
    return url


def recreate_database(url: str, icu_locale: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE {} LOCALE 'C.UTF-8'"
            ).format(sql.Identifier(name), sql.Literal(icu_locale))
        )


def existing_applications(url: str) -> int:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM admission_application").fetchone()[0]
    except psycopg.Error:
        return 0


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing.settings.test")
    os.environ["DEBUG"] = "False"  # measure the code, not a debug toolbar or query log
    import django

    django.setup()


class _NoMigrations(dict):
    """MIGRATION_MODULES that makes every app "unmigrated": migrate --run-syncdb builds from the models."""

    def __contains__(self, item) -> bool:
        return True

    def __getitem__(self, item):
        return None


def build_schema() -> None:
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(MIGRATION_MODULES=_NoMigrations()):
        call_command("migrate", run_syncdb=True, verbosity=0)


def make_users():
    from housing.accounts.models import Organisation, OrganisationKind, User
    from housing.accounts.roles import roles_sync
    from housing.accounts.services import role_assign
    from housing.regions.models import Region
    from housing.regions.services import regions_load_demo
    from housing.workflow.demo import ensure_admission_review_template

    regions_load_demo()
    roles_sync()
    ensure_admission_review_template()
    users = {}
    for username, role, code in (
        ("bench_cuixiang", "street_caseworker", STREET),
        ("bench_city", "city_centre", CITY),
    ):
        organisation, _created = Organisation.objects.get_or_create(
            code=f"BENCH-{code}",
            defaults={
                "name": "基准测试机构",
                "kind": OrganisationKind.OTHER,
                "region": Region.objects.get(code=code),
            },
        )
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username=username,
            password="Bench@Pass1",
            real_name=username,
            organisation=organisation,
            is_staff=True,
        )
        role_assign(user=user, role_code=role, region_code=code)
        users[code] = User.objects.get(pk=user.pk)
    return users


# --- set-based inserts ------------------------------------------------------------------------------------


def _array(values) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def _default(field) -> str:
    """A column this benchmark does not care about: its model default, typed."""
    from django.db.models import NOT_PROVIDED

    if field.null:
        return "NULL"
    internal = field.get_internal_type()
    default = field.default if field.default is not NOT_PROVIDED and not callable(field.default) else None
    if internal in ("CharField", "TextField", "SlugField", "EmailField", "URLField"):
        return "'" + str(default or "").replace("'", "''") + "'"
    if internal == "JSONField":
        return "'{}'::jsonb"
    if internal == "DateTimeField":
        return "now()"
    if internal == "DateField":
        return "current_date"
    if internal == "BooleanField":
        return "true" if default else "false"
    return str(default or 0)


def _insert(model, known: dict[str, str], start: int, end: int) -> None:
    """INSERT … SELECT over generate_series(start, end) AS g; ``known`` gives SQL for some columns."""
    from django.db import connection

    fields = [f for f in model._meta.concrete_fields]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = ", ".join(known.get(f.attname, known.get(f.name)) or _default(f) for f in fields).replace(
        "%", "%%"
    )
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {values} FROM generate_series(%s::bigint, %s::bigint) AS g",
            [start, end],
        )


def _open_states() -> str:
    return ",".join(f"'{state}'" for state in OPEN_NODE)


def insert_rows(start: int, end: int) -> float:
    """Families, members, applications and workflow cases number ``start``..``end`` (ids = g)."""
    from django.contrib.contenttypes.models import ContentType

    from admission.encryption import encrypt_text
    from admission.models import Application, Family, FamilyMember
    from housing.regions.codes import Level
    from housing.regions.models import Region
    from housing.workflow.models import NodeInstance, NodeTemplate, ProcessInstance, ProcessTemplate

    started = time.perf_counter()
    communities = list(
        Region.objects.filter(level=Level.COMMUNITY, code__startswith="4404")
        .order_by("code")
        .values_list("code", flat=True)
    )
    region = f"({_array(communities)})[1 + (g * 7919) % {len(communities)}]"
    token = encrypt_text("440400198001010000").replace("'", "''")  # list pages never read the clear number
    name = f"substr('{SURNAMES}', 1 + (g % {len(SURNAMES)})::int, 1) || ({_array(GIVEN)})[1 + (g / 7) % {len(GIVEN)}]"
    _insert(
        Family,
        {
            "id": "g",
            "region_code": region,
            "applicant_name": name,
            "id_number": f"'{token}'",
            "id_number_digest": "encode(sha256(('f' || g)::bytea), 'hex')",
            "id_number_masked": "'4404**********' || lpad((g % 10000)::text, 4, '0')",
            "phone": "'139' || lpad(g::text, 8, '0')",
            "household_size": str(MEMBERS_PER_FAMILY),
            "per_capita_income": "(g % 40000)::numeric",
            "total_income": f"(g % 40000)::numeric * {MEMBERS_PER_FAMILY}",
            "registration_year": "2024 + (g % 3)",
            "stage": "'filed'",
            "created_at": "now() - (g % 900) * interval '1 day'",
            "updated_at": "now()",
        },
        start,
        end,
    )
    m_start, m_end = (start - 1) * MEMBERS_PER_FAMILY + 1, end * MEMBERS_PER_FAMILY
    family_of = f"((g - 1) / {MEMBERS_PER_FAMILY} + 1)"
    _insert(
        FamilyMember,
        {
            "id": "g",
            "family_id": family_of,
            "member_number": f"lpad({family_of}::text, 8, '0') || '-0' || ((g - 1) % {MEMBERS_PER_FAMILY} + 1)",
            "relation": f"(ARRAY['self','spouse','son'])[1 + (g - 1) % {MEMBERS_PER_FAMILY}]",
            "name": name,
            "id_number": f"'{token}'",
            # The applicant's own row carries the family's number, as family_create makes it.
            "id_number_digest": f"CASE WHEN (g - 1) % {MEMBERS_PER_FAMILY} = 0 "
            f"THEN encode(sha256(('f' || {family_of})::bytea), 'hex') "
            "ELSE encode(sha256(('m' || g)::bytea), 'hex') END",
            "id_number_masked": "'4404**********' || lpad((g % 10000)::text, 4, '0')",
            "status": "'active'",
            "annual_income": "(g % 40000)::numeric",
            "registration_year": "2025",
            "ethnicity": "'汉族'",
            "is_permanent_resident": "true",
            "lives_with_family": "true",
            "stage": "'filed'",
            "created_at": "now()",
            "updated_at": "now()",
        },
        m_start,
        m_end,
    )
    state = (
        "CASE " + " ".join(f"WHEN g % 100 < {upper} THEN '{name}'" for upper, name in STATE_BUCKETS) + " END"
    )
    _insert(
        Application,
        {
            "id": "g",
            "region_code": region,
            "family_id": "g",
            "receipt_number": "'SQ-' || substr(" + region + ", 1, 6) || '-2026-' || lpad(g::text, 7, '0')",
            "project_code": "(ARRAY['lianzu','gongzu','jingshi'])[1 + g % 3]",
            "mode_code": "(ARRAY['rent_subsidy','rental_in_kind','sale_in_kind'])[1 + g % 3]",
            "state": state,
            "frozen_from": f"CASE WHEN ({state}) = 'frozen' THEN 'street_publicity' ELSE '' END",
            "returned_from": f"CASE WHEN ({state}) = 'returned' THEN 'street_review' ELSE '' END",
            "submitted_at": f"CASE WHEN ({state}) = 'draft' THEN NULL ELSE now() - (g % 700) * interval '1 day' END",
            "stage_entered_at": "now() - (g % 60) * interval '1 day' - (g % 977) * interval '1 minute'",
            # The open node's due date (the same expression as the node below), where the model keeps a copy.
            "due_date": f"CASE WHEN ({state}) IN ({_open_states()}) THEN current_date + ((g * 37) % 50 - 30)::int END",
            "created_at": "now() - (g % 700) * interval '1 day'",
        },
        start,
        end,
    )
    # Workflow: one case per submitted application (id = g), four finished nodes, the open node last.
    template = ProcessTemplate.objects.get(code="admission_review", is_active=True)
    nodes = {n.code: n.pk for n in NodeTemplate.objects.filter(process=template)}
    content_type = ContentType.objects.get_for_model(Application).pk
    open_node = (
        "CASE a.state " + " ".join(f"WHEN '{s}' THEN {nodes[c]}" for s, c in OPEN_NODE.items()) + " END"
    )
    from django.db import connection

    pi = connection.ops.quote_name(ProcessInstance._meta.db_table)
    ni = connection.ops.quote_name(NodeInstance._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {pi} (id, region_code, template_id, process_code, title, priority, description, category,
                   state, started_at, finished_at, content_type_id, object_id, current_node_id, is_demo)
            SELECT a.id, a.region_code, %s, 'admission_review', a.receipt_number, 0, '', '准入登记',
                   CASE WHEN a.state IN ('registered', 'refused', 'withdrawn') THEN 'finished' ELSE 'running' END,
                   a.created_at, NULL, %s, a.id::text, NULL, false
            FROM admission_application a WHERE a.id BETWEEN %s AND %s AND a.state <> 'draft'""",
            [template.pk, content_type, start, end],
        )
        history = (
            "(ARRAY["
            + ",".join(str(nodes[c]) for c in ("submit", "accept", "street_review", "street_publicity"))
            + "])"
        )
        cursor.execute(
            f"""INSERT INTO {ni} (region_code, process_id, previous_id, node_template_id, name, kind, state,
                   created_at, finished_at, priority, description, assigned_role_code, due_date, actor_id,
                   transition, from_state, to_state, opinion, working_days_taken)
            SELECT p.region_code, p.id, NULL, {history}[k], '历史节点', 'task', 'done',
                   p.started_at + k * interval '3 days', p.started_at + (k + 1) * interval '3 days', 0, '',
                   'street_caseworker', (p.started_at + (k + 10) * interval '1 day')::date, NULL,
                   'step', '', '', '同意。', 3
            FROM {pi} p CROSS JOIN generate_series(1, 4) AS k WHERE p.id BETWEEN %s AND %s""",
            [start, end],
        )
        # The open node: due dates spread from 30 days ago (overdue) to 20 days ahead.
        cursor.execute(
            f"""INSERT INTO {ni} (region_code, process_id, previous_id, node_template_id, name, kind, state,
                   created_at, finished_at, priority, description, assigned_role_code, due_date, actor_id,
                   transition, from_state, to_state, opinion, working_days_taken)
            SELECT a.region_code, a.id, NULL, {open_node}, '待办', 'task', 'open', a.stage_entered_at, NULL, 0, '',
                   'street_caseworker', current_date + ((a.id * 37) %% 50 - 30)::int, NULL, '', '', '', '', NULL
            FROM admission_application a
            WHERE a.id BETWEEN %s AND %s AND a.state IN ({_open_states()})""",
            [start, end],
        )
    return time.perf_counter() - started


def finish_inserts() -> None:
    """Sequences past the explicit ids, the two people to look for, then VACUUM ANALYZE."""
    from django.db import connection

    from housing.accounts.demo import demo_id_number
    from housing.accounts.identity import id_number_digest

    with connection.cursor() as cursor:
        for table in (
            "admission_family",
            "admission_familymember",
            "admission_application",
            "workflow_processinstance",
        ):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
            )
        applicant, member = demo_id_number(FOUND_APPLICANT), demo_id_number(FOUND_MEMBER)
        # A 翠香 family (community 440402001001) in street review, and the spouse of another one.
        cursor.execute(
            "SELECT id FROM admission_application WHERE region_code = '440402001001' AND state = 'street_review' "
            "ORDER BY id LIMIT 2"
        )
        first, second = (row[0] for row in cursor.fetchall())
        cursor.execute(
            "UPDATE admission_family SET id_number_digest = %s WHERE id = %s",
            [id_number_digest(applicant), first],
        )
        cursor.execute(
            "UPDATE admission_familymember SET id_number_digest = %s WHERE id = %s",
            [id_number_digest(member), (second - 1) * MEMBERS_PER_FAMILY + 2],
        )
        cursor.execute(
            "UPDATE admission_familymember SET id_number_digest = %s WHERE id = %s",
            [id_number_digest(applicant), (first - 1) * MEMBERS_PER_FAMILY + 1],
        )
        for table in (
            "admission_family",
            "admission_familymember",
            "admission_application",
            "workflow_processinstance",
            "workflow_nodeinstance",
        ):
            cursor.execute(f"VACUUM ANALYZE {table}")


# --- measuring -------------------------------------------------------------------------------------------


def pages(users) -> list[tuple[str, str, object]]:
    from housing.accounts.demo import demo_id_number

    queue = "/office/admission/applications/queue/"
    search = "/office/admission/applications/"
    return [
        ("street queue", queue, users[STREET]),
        ("city queue", queue, users[CITY]),
        ("search ID (applicant), street", f"{search}?q={demo_id_number(FOUND_APPLICANT)}", users[STREET]),
        ("search ID (member), city", f"{search}?q={demo_id_number(FOUND_MEMBER)}", users[CITY]),
        ("list, city", search, users[CITY]),
    ]


def count_queries(users) -> dict[str, int]:
    from django.db import connection
    from django.test import Client

    counts = {}
    for label, url, user in pages(users):
        client = Client()
        client.force_login(user)
        client.get(url)
        seen: list[str] = []
        with connection.execute_wrapper(
            lambda execute, sql, *args, seen=seen: seen.append(sql) or execute(sql, *args)
        ):
            response = client.get(url)
        assert response.status_code == 200, (label, response.status_code)
        counts[label] = len(seen)
    return counts


def time_pages(users, runs: int) -> dict[str, dict[str, float]]:
    from django.test import Client

    results = {}
    for label, url, user in pages(users):
        client = Client()
        client.force_login(user)
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (label, response.status_code)
        timings, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        timings.sort()
        body = response.content.decode()
        results[label] = {
            "median": statistics.median(timings),
            "p95": timings[max(0, int(round(len(timings) * 0.95)) - 1)],
            "max": timings[-1],
            "cpu": statistics.median(cpu),
            "rows": body.count("SQ-4404"),
        }
    return results


def explain(users) -> None:
    from django.db.models import F

    from admission.application_selectors import application_list, application_queue
    from housing.accounts.demo import demo_id_number

    cases = [
        (
            "street queue page (LIMIT 20)",
            application_queue(user=users[STREET]).order_by(
                F("due_date").asc(nulls_last=True), "stage_entered_at", "pk"
            )[:20],
        ),
        (
            "city queue page (LIMIT 20)",
            application_queue(user=users[CITY]).order_by(
                F("due_date").asc(nulls_last=True), "stage_entered_at", "pk"
            )[:20],
        ),
        (
            "search by ID number, street",
            application_list(user=users[STREET], filters={"q": demo_id_number(FOUND_APPLICANT)}).order_by(
                "-pk"
            )[:20],
        ),
        (
            "search by ID number (a member), city",
            application_list(user=users[CITY], filters={"q": demo_id_number(FOUND_MEMBER)}).order_by("-pk")[
                :20
            ],
        ),
    ]
    for label, queryset in cases:
        plan = queryset.explain(analyze=True, buffers=True)
        print(f"\n-- EXPLAIN (ANALYZE, BUFFERS): {label}")
        print("\n".join("   " + line for line in plan.splitlines()))


def machine() -> str:
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{os.cpu_count()} CPUs, {memory_kib / 1024 / 1024:.0f} GiB memory, load average {load}"


def main() -> None:
    args = parse_args()
    url = database_url()
    total = args.applications
    reuse = args.reuse and existing_applications(url) >= total
    if not reuse:
        print(f"==> re-creating database {urlsplit(url).path.lstrip('/')} (collation {args.icu_locale})")
        recreate_database(url, args.icu_locale)
    setup_django()
    if not reuse:
        print("==> schema from the models")
        build_schema()
    users = make_users()
    small_counts = None
    if not reuse:
        print(f"==> inserting {SMALL:,} applications")
        insert_rows(1, SMALL)
        finish_inserts()
        small_counts = count_queries(users)
        print(f"==> inserting {total - SMALL:,} more applications, {MEMBERS_PER_FAMILY} members each")
        seconds = insert_rows(SMALL + 1, total)
        finish_inserts()
        print(f"  done in {seconds:.1f} s")
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT (SELECT count(*) FROM admission_application), (SELECT count(*) FROM admission_familymember), "
            "(SELECT count(*) FROM workflow_nodeinstance), version()"
        )
        applications, members, nodes, version = cursor.fetchone()
    print(
        f"==> {applications:,} applications, {members:,} members, {nodes:,} workflow nodes; {version.split(' on ')[0]}"
    )
    print("==> query plans")
    explain(users)
    counts = count_queries(users)
    print(f"\n==> pages: Django test Client, {args.runs} timed requests each after 3 warm-ups")
    results = time_pages(users, args.runs)
    print(f"\n==> summary ({machine()})")
    print(
        f"  {'page':<32} {'median':>8} {'p95':>8} {'max':>8} {'CPU':>7}  rows  queries ({SMALL:,} → {applications:,})"
    )
    for label, figures in results.items():
        small = small_counts[label] if small_counts else "—"
        verdict = "OK" if figures["p95"] < TARGET_MS else "OVER TARGET"
        print(
            f"  {label:<32} {figures['median']:7.1f}  {figures['p95']:7.1f}  {figures['max']:7.1f}  {figures['cpu']:6.1f}"
            f"  {figures['rows']:4d}  {small} → {counts[label]}   {verdict}"
        )


if __name__ == "__main__":
    main()
