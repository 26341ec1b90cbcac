"""Benchmark: the region-scope filter and a scoped back-office list page over a million rows.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/housing_bench \\
        .venv/bin/python bench/scope_filter.py --rows 1000000

What it does, all in one command:
1. drops and re-creates the database named in DATABASE_URL (its name must contain "bench"),
   by default with an ICU zh-Hans-CN collation as a production server would have — under a
   non-C collation a plain b-tree index cannot serve ``LIKE 'prefix%'``, so this is the honest case;
2. migrates, loads the demo region tree and two auditors (one street, one city);
3. inserts ``--rows`` audit events server-side (INSERT … SELECT generate_series), spread evenly
   over the demo city's communities and about three years, then VACUUM ANALYZE;
4. prints EXPLAIN (ANALYZE, BUFFERS) of the scoped "newest first" page query for both users;
5. times the scoped list page server-side through Django's test Client (the whole middleware
   stack, template included): ``/office/audit/`` when it exists, otherwise a list view defined
   here with ``ScopedListView`` and the columns an audit list has. Median of ``--runs`` requests.
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

TARGET_MS = 100.0
STREET = "440402001000"  # 翠香街道, 3 of the demo city's 27 communities
CITY = "440400000000"  # 珠海市


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=20, help="timed requests per user (median reported)")
    parser.add_argument(
        "--icu-locale",
        default="zh-Hans-CN",
        help="database collation (ICU locale); 'C' for the C collation, under which any b-tree serves LIKE",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the database if it already holds at least --rows events (re-runs)",
    )
    return parser.parse_args()


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit(
            "DATABASE_URL must point at PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/housing_bench"
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
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        if icu_locale.upper() == "C":
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE template0 LOCALE 'C'").format(sql.Identifier(name))
            )
        else:
            conn.execute(
                sql.SQL(
                    "CREATE DATABASE {} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE {} LOCALE 'C.UTF-8'"
                ).format(sql.Identifier(name), sql.Literal(icu_locale))
            )


def existing_rows(url: str) -> int | None:
    import psycopg

    try:
        with psycopg.connect(url) as conn:
            return conn.execute("SELECT count(*) FROM audit_auditevent").fetchone()[0]
    except psycopg.Error:
        return None


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing.settings.test")
    # Measure the code, not a debug toolbar or query log.
    os.environ["DEBUG"] = "False"
    import django

    django.setup()


def make_users():
    from housing.accounts.models import Organisation, OrganisationKind, User
    from housing.accounts.roles import roles_sync
    from housing.accounts.services import role_assign
    from housing.regions.models import Region
    from housing.regions.services import regions_load_demo

    regions_load_demo()
    roles_sync()
    users = {}
    for username, code in (("bench_street_auditor", STREET), ("bench_city_auditor", CITY)):
        organisation, _ = Organisation.objects.get_or_create(
            code=f"BENCH-{code}",
            defaults={
                "name": "基准测试机构",
                "kind": OrganisationKind.OTHER,
                "region": Region.objects.get(code=code),
            },
        )
        user = User.objects.filter(username=username).first() or User.objects.create_user(
            username=username, password="Bench@Pass1", real_name=username, organisation=organisation
        )
        role_assign(user=user, role_code="auditor", region_code=code)
        users[code] = User.objects.get(pk=user.pk)
    return users


def _value_expression(field, communities: list[str]) -> str:
    """The SQL that fills one column for row number ``g`` of generate_series."""
    region_array = "ARRAY[" + ",".join(f"'{c}'" for c in communities) + "]"
    actions = "ARRAY['create','update','transition','export','login','view_sensitive','download','update','update','create']"
    known = {
        # About three years of history, one event every ~90 seconds, newest first by g.
        "occurred_at": "now() - (g * interval '1 second' * 94)",
        "actor_name": "'经办人' || (g % 300)",
        "action": f"({actions})[1 + g % 10]",
        "ip_address": "('10.' || (g % 200) || '.' || (g / 200 % 250) || '.' || (g % 250 + 1))::inet",
        "request_id": "md5(g::text)",
        "object_type": "'admission.application'",
        "object_id": "g::text",
        "object_repr": "'保障房申请 SQ' || lpad(g::text, 10, '0')",
        # A multiplier coprime to the count spreads each community evenly over time.
        "region_code": f"({region_array})[1 + (g * 7919) % {len(communities)}]",
        "changes": '\'{"status": ["submitted", "accepted"]}\'::jsonb',
        "description": "'受理申请'",
    }
    if field.name in known:
        return known[field.name]
    if field.null:
        return "NULL"
    internal = field.get_internal_type()
    if internal in ("CharField", "TextField", "SlugField", "EmailField", "URLField"):
        return "''"
    if internal == "JSONField":
        return "'{}'::jsonb"
    if internal == "DateTimeField":
        return "now()"
    if internal == "BooleanField":
        return "false"
    return "0"


def insert_events(rows: int) -> float:
    from django.db import connection

    from housing.audit.models import AuditEvent
    from housing.regions.codes import Level
    from housing.regions.models import Region

    communities = list(
        Region.objects.filter(level=Level.COMMUNITY, code__startswith=CITY[:4]).values_list("code", flat=True)
    )
    fields = [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    # The expressions use SQL's modulo operator; %% keeps it from reading as a query parameter.
    values = ", ".join(_value_expression(f, communities) for f in fields).replace("%", "%%")
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    chunk = 250_000
    started = time.perf_counter()
    with connection.cursor() as cursor:
        for start in range(1, rows + 1, chunk):
            end = min(start + chunk - 1, rows)
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {values} FROM generate_series(%s::bigint, %s::bigint) AS g",
                [start, end],
            )
            print(f"  inserted {end:,} / {rows:,}", flush=True)
        cursor.execute(f"VACUUM ANALYZE {table}")
    return time.perf_counter() - started


def print_indexes() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename = 'audit_auditevent' ORDER BY indexname"
        )
        for (definition,) in cursor.fetchall():
            print("  " + definition)


def scoped_events(user):
    """The auditor list's base queryset: the audit selector when it exists, else the bare helper."""
    try:
        from housing.audit.selectors import audit_event_list
    except ImportError:
        from housing.accounts.scope import scope_queryset
        from housing.audit.models import AuditEvent

        return scope_queryset(AuditEvent.objects.all(), user)
    return audit_event_list(user=user)


def explain_scoped_page(users, per_page: int) -> dict[str, bool]:
    from django.db import connection

    uses_index = {}
    for code, user in users.items():
        queryset = scoped_events(user).order_by("-occurred_at", "-id")[:per_page]
        plan = queryset.explain(analyze=True, buffers=True)
        print(f"\n-- EXPLAIN (ANALYZE, BUFFERS): scope {user.scope_prefixes} newest first, LIMIT {per_page}")
        sql, params = queryset.query.sql_with_params()
        with connection.cursor() as cursor:
            print(f"   {cursor.mogrify(sql, params)}")
        print("\n".join("   " + line for line in plan.splitlines()))
        uses_index[code] = "Index" in plan and "Seq Scan" not in plan
    return uses_index


def explain_capped_count(user) -> None:
    """The list's capped count drops the ordering: this is where the prefix index answers the LIKE."""
    from django.db import connection

    from housing.backoffice.listing import LIST_COUNT_CAP

    sql, params = scoped_events(user).order_by()[: LIST_COUNT_CAP + 1].values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) SELECT count(*) FROM ({sql}) AS capped", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(
        f"\n-- EXPLAIN (ANALYZE, BUFFERS): capped count (LIMIT {LIST_COUNT_CAP + 1}), scope {user.scope_prefixes}"
    )
    print("\n".join("   " + line for line in plan.splitlines()))


def time_counts(users) -> None:
    """What an exact COUNT(*) would cost each page view, against the capped count the list uses."""
    from housing.backoffice.listing import CappedCountPaginator

    for user in users.values():
        queryset = scoped_events(user)
        exact = _median_ms(lambda qs=queryset: qs.count(), 5)
        capped = _median_ms(lambda qs=queryset: CappedCountPaginator(qs, 20).count, 5)
        print(f"  scope {user.scope_prefixes}: exact COUNT(*) {exact:.1f} ms, capped count {capped:.1f} ms")


def _median_ms(function, runs: int) -> float:
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def list_page_url() -> tuple[str, str]:
    """The auditor list page if the audit app has one; else this script's own ScopedListView."""
    from django.urls import Resolver404, resolve

    try:
        resolve("/office/audit/")
        return "/office/audit/", "housing.audit list view (/office/audit/)"
    except Resolver404:
        return "/bench/audit/", "bench ScopedListView (the audit list page does not exist yet)"


# --- the stand-in list view: ScopedListView with the columns of an audit list ------------------
def _bench_urlpatterns():
    from django.urls import include, path
    from django.utils.translation import gettext_lazy as _

    from housing.backoffice.listing import Column, ScopedListView

    class BenchAuditEventListView(ScopedListView):
        title = _("审计日志")
        permission_required = "audit.view_auditevent"
        columns = [
            Column(_("发生时间"), "occurred_at", sort="occurred_at"),
            Column(_("操作人"), "actor_name", sort="actor_name"),
            Column(_("操作类型"), "action", sort="action"),
            Column(_("对象类型"), "object_type"),
            Column(_("对象"), "object_repr"),
            Column(_("行政区划代码"), "region_code", sort="region_code"),
            Column(_("IP地址"), "ip_address"),
            Column(_("请求编号"), "request_id"),
        ]
        search_fields = ("object_repr__icontains", "actor_name__icontains")
        default_ordering = ("-occurred_at", "-id")
        export_filename = "审计日志"

        def get_base_queryset(self):
            return scoped_events(self.request.user)

    return [path("bench/audit/", BenchAuditEventListView.as_view()), path("", include("housing.urls"))]


urlpatterns: list = []  # filled in main() once Django is set up; ROOT_URLCONF points here


def machine() -> str:
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    return f"{os.cpu_count()} CPUs, {memory_kib / 1024 / 1024:.0f} GiB memory, load average {load}"


def time_list_page(users, url: str, runs: int) -> dict[str, float]:
    from django.db import connection
    from django.test import Client

    from housing.backoffice.listing import CappedCountPaginator, ScopedListView

    medians = {}
    for code, user in users.items():
        client = Client()
        client.force_login(user)
        for _ in range(3):  # warm the connection, template cache and PostgreSQL buffers
            assert client.get(url).status_code == 200
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, *args, seen=queries: seen.append(sql) or execute(sql, *args)
        ):
            client.get(url)
        timings, cpu = [], []
        for _ in range(runs):
            started, started_cpu = time.perf_counter(), time.process_time()
            response = client.get(url)
            timings.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
            assert response.status_code == 200, response.status_code
        medians[code] = statistics.median(timings)
        footer = "capped (超过 N 条)" if "超过" in response.content.decode() else "exact total"
        # Wall-clock time is what a user waits for; the Django process's CPU time is shown beside it
        # because on a shared machine the wall clock also counts time spent waiting for a CPU.
        print(
            f"  scope {user.scope_prefixes}: median {medians[code]:.1f} ms, min {min(timings):.1f}, "
            f"max {max(timings):.1f} over {runs} requests (Django CPU median {statistics.median(cpu):.1f} ms); "
            f"{len(queries)} queries; footer: {footer}"
        )
        # The deepest page the capped paginator offers: OFFSET cap - per_page.
        last_page = CappedCountPaginator(scoped_events(user), ScopedListView.paginate_by).num_pages
        if last_page > 1:
            deep = []
            for _ in range(5):
                started = time.perf_counter()
                assert client.get(f"{url}?page={last_page}").status_code == 200
                deep.append((time.perf_counter() - started) * 1000)
            print(
                f"    last offered page ({last_page}): median {statistics.median(deep):.1f} ms over 5 requests"
            )
    return medians


def main() -> None:
    args = parse_args()
    url = database_url()
    reuse = args.reuse and (existing_rows(url) or 0) >= args.rows
    if not reuse:
        print(f"==> re-creating database {urlsplit(url).path.lstrip('/')} (collation: {args.icu_locale})")
        recreate_database(url, args.icu_locale)
    setup_django()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test.utils import override_settings

    # No setup_test_environment(): its template instrumentation copies every context for the
    # test runner's benefit and would be timed as if it were the page. The test settings allow
    # the test Client's "testserver" host.
    print("==> migrate")
    call_command("migrate", verbosity=0)
    users = make_users()
    if reuse:
        print(f"==> reusing {args.rows:,} events")
    else:
        print(f"==> inserting {args.rows:,} audit events")
        seconds = insert_events(args.rows)
        print(f"  {args.rows:,} rows inserted and analysed in {seconds:.1f} s")

    with connection.cursor() as cursor:
        cursor.execute("SELECT version(), pg_size_pretty(pg_total_relation_size('audit_auditevent'))")
        version, size = cursor.fetchone()
        cursor.execute("SELECT datcollate, daticulocale FROM pg_database WHERE datname = current_database()")
        collate, icu = cursor.fetchone()
    print(
        f"==> {version.split(' on ')[0]}; collation {icu or collate}; audit_auditevent {size} with indexes:"
    )
    print_indexes()

    path, what = list_page_url()
    from housing.backoffice.listing import ScopedListView

    per_page = ScopedListView.paginate_by
    print("==> query plans")
    uses_index = explain_scoped_page(users, per_page)
    explain_capped_count(users[STREET])

    print("\n==> counting the scoped rows")
    time_counts(users)

    global urlpatterns
    urlpatterns = _bench_urlpatterns()
    print(f"\n==> list page {path}: {what}; Django test Client, {args.runs} timed requests per user")
    with override_settings(ROOT_URLCONF=__name__ if path.startswith("/bench/") else settings.ROOT_URLCONF):
        medians = time_list_page(users, path, args.runs)

    print(f"\n==> summary ({machine()})")
    for code, user in users.items():
        verdict = "OK" if medians[code] < TARGET_MS else "OVER TARGET"
        print(
            f"  scope {user.scope_prefixes}: plan uses an index: {'yes' if uses_index[code] else 'NO'}; "
            f"list page median {medians[code]:.1f} ms (target < {TARGET_MS:.0f} ms) {verdict}"
        )


if __name__ == "__main__":
    main()
