"""Benchmark: 配后管理 at city scale — the monthly subsidy run with its automatic checks, the payment batch,
the bank file and the bank's result file, and the monthly rent run (issue 8, "Figures to report").

    python bench/after_allocation.py [--agreements 100000] [--contracts 100000] [--profile DIR]

For 100,000 active rent-subsidy agreements and 100,000 active rental contracts: the time of one subsidy
run including the automatic checks, one rent run and one bank result import (target under 60 s each), and
the rows created by a second run (must be 0).

What it does, all in one command:
1. drops and re-creates its own database (``DATABASE_URL`` if set — its name must contain "bench" — else
   ``bench_after_allocation`` on the local server) with the ICU zh-Hans-CN collation a production server
   has, and builds the schema straight from the models, as the other benches do;
2. loads the demo region tree, the roles, the department datasets and a city-centre user;
3. inserts, set-based (``INSERT … SELECT generate_series`` in the database, not through the services: the
   services are what is measured), for ``--agreements`` + ``--contracts`` families: the family, 3 members,
   the registered application and the registry entry (保障中); a signed 租赁补贴协议 per subsidy family
   (廉租住房, amounts 200–950 元, 1 % starting and 1 % ending inside the month, 10 % with a
   累计发放月数上限, 0.1 % already at it); a signed 公租房/廉租房 contract per rental family with its unit
   (projects, buildings of 100 units) and its move-in (1 % moving in and 1 % vacating inside the month,
   5 % with a rent reduction); ``--history`` earlier months of due rows, payments (one batch a month)
   and rent receivables; 0.3 % of the subsidy families overdue for their annual review (suspended);
   0.2 % holding a rental contract as well (another registry entry with the same ID number);
4. fills the department data mirror the checks read: 社保 rows for every family's applicant and spouse
   (0.5 % of applicants stopped; 20 % with an older extract as well, which the newest must override),
   不动产 for 1 % of the families, and ``--noise`` rows about other people;
5. measures, each through the service the back office or the beat task calls, and prints: the subsidy
   due run (first run, with the checks), the second run (seconds, rows created), the payment batch of the
   payable rows, the bank's bulk-payment file (CSV), the bank's result file made from that file (all paid,
   1 % failed, 0.5 % a different amount, 20 references that match nothing and 10 repeated lines), the
   result import, the rent run and its second run; then a table of figures with the machine, the
   PostgreSQL version and the load average, and drops the database (``--keep`` keeps it).
``--profile DIR`` runs every step under cProfile, writes DIR/<step>.prof and prints the top functions
(the times are then inflated by the profiler; measure without it).
"""

from __future__ import annotations

import argparse
import cProfile
import csv
import datetime
import io
import os
import pstats
import sys
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_S = 60.0
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/bench_after_allocation"
CITY = "440400000000"  # 珠海市
SUBSIDY_PROJECT = "lianzu"  # one run is one project's month
SURNAMES = "陈李黄张梁林刘吴何郑罗王周杨谢许邓冯曾彭赵徐朱胡郭高蔡钟卢潘"
GIVEN = ["建国", "丽娟", "志强", "美玲", "国华", "秀英", "海波", "玉兰", "文斌", "少芬", "家豪", "欣怡"]
MEMBERS_PER_FAMILY = 3


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--agreements", type=int, default=100_000, help="active rent-subsidy agreements")
    parser.add_argument("--contracts", type=int, default=100_000, help="active rental contracts (moved in)")
    parser.add_argument("--period", default="2026-12", help="the month run (YYYY-MM)")
    parser.add_argument("--history", type=int, default=3, help="earlier months already run and paid")
    parser.add_argument("--noise", type=int, default=500_000, help="mirror rows about other people")
    parser.add_argument("--icu-locale", default="zh-Hans-CN")
    parser.add_argument("--profile", metavar="DIR", help="run each step under cProfile, stats into DIR")
    parser.add_argument("--slowest", type=int, default=0, help="print each step's N slowest SQL statements")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    return parser.parse_args()


# --- the database -----------------------------------------------------------------------------------------


def database_url() -> str:
    url = os.environ.get("DATABASE_URL") or DEFAULT_URL
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must point at PostgreSQL, e.g. " + DEFAULT_URL)
    name = urlsplit(url).path.lstrip("/")
    if "bench" not in name:
        sys.exit(f"refusing to drop database {name!r}: a benchmark database's name contains 'bench'")
    os.environ["DATABASE_URL"] = url
    return url


def _admin_connection(url: str):
    import psycopg

    parts = urlsplit(url)
    return psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True)


def recreate_database(url: str, icu_locale: str) -> None:
    from psycopg import sql

    name = urlsplit(url).path.lstrip("/")
    with _admin_connection(url) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(
            sql.SQL(
                "CREATE DATABASE {} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE {} LOCALE 'C.UTF-8'"
            ).format(sql.Identifier(name), sql.Literal(icu_locale))
        )


def drop_database(url: str) -> None:
    from django.db import connections
    from psycopg import sql

    connections.close_all()
    with _admin_connection(url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(urlsplit(url).path.lstrip("/"))
            )
        )


class _NoMigrations(dict):
    """MIGRATION_MODULES that makes every app "unmigrated": migrate --run-syncdb builds from the models."""

    def __contains__(self, item) -> bool:
        return True

    def __getitem__(self, item):
        return None


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "housing.settings.test")
    os.environ["DEBUG"] = "False"  # measure the code, not a query log
    os.environ.pop("REDIS_URL", None)  # no broker: nothing measured here is sent to a queue
    import django

    django.setup()


def build_schema() -> None:
    from django.core.management import call_command
    from django.test.utils import override_settings

    with override_settings(MIGRATION_MODULES=_NoMigrations()):
        call_command("migrate", run_syncdb=True, verbosity=0)


def reference_data():
    from housing.accounts.models import Organisation, OrganisationKind, User
    from housing.accounts.roles import roles_sync
    from housing.accounts.services import role_assign
    from housing.exchange.services import datasets_sync
    from housing.regions.codes import Level
    from housing.regions.models import Region
    from housing.regions.services import regions_load_demo

    regions_load_demo()
    roles_sync()
    datasets_sync()
    organisation = Organisation.objects.create(
        code="ORG-BENCH-CITY", name="市住房保障中心", kind=OrganisationKind.OTHER,
        region=Region.objects.get(code=CITY),
    )  # fmt: skip
    user = User.objects.create_user(
        username="bench_after", password="Bench@Pass1", real_name="压测配后", organisation=organisation,
        is_staff=True,
    )  # fmt: skip
    role_assign(user=user, role_code="city_centre", region_code=CITY)
    communities = list(
        Region.objects.filter(level=Level.COMMUNITY, code__startswith=CITY[:4])
        .order_by("code")
        .values_list("code", flat=True)
    )
    return User.objects.get(pk=user.pk), communities


# --- set-based inserts ------------------------------------------------------------------------------------


def _array(values) -> str:
    return "ARRAY[" + ",".join(f"'{v}'" for v in values) + "]"


def _default(field) -> str:
    """A column this benchmark does not care about: its model default (or an empty value), typed."""
    from django.db.models import NOT_PROVIDED

    if field.null:
        return "NULL"
    internal = field.get_internal_type()
    default = field.default if field.default is not NOT_PROVIDED and not callable(field.default) else None
    if internal in ("CharField", "TextField", "SlugField", "EmailField", "URLField"):
        return "'" + str(default or "").replace("'", "''") + "'"
    if internal == "JSONField":
        return "'[]'::jsonb" if field.default is list else "'{}'::jsonb"
    if internal == "DateTimeField":
        return "now()"
    if internal == "DateField":
        return "current_date"
    if internal == "BooleanField":
        return "true" if default else "false"
    if field.name == "registration_year":
        return "2025"
    return str(default or 0)


def _insert(model, known: dict[str, str], source: str, params=()) -> int:
    """INSERT INTO model's table SELECT <known or default per column> FROM ``source``; the rows inserted."""
    from django.db import connection

    # The primary key comes from its sequence unless given (explicit ids are set past by finish_inserts).
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or {"id", f.attname} & set(known)]
    unknown = set(known) - {f.attname for f in fields} - {f.name for f in fields}
    assert not unknown, (model, unknown)
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    values = ", ".join(known.get(f.attname, known.get(f.name)) or _default(f) for f in fields)
    table = connection.ops.quote_name(model._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({columns}) SELECT {values} FROM {source}", list(params) or None)
        return cursor.rowcount


def _series(start: int, end: int) -> str:
    return f"generate_series({int(start)}::bigint, {int(end)}::bigint) AS g"


def _months_before(period_start: datetime.date, count: int) -> list[datetime.date]:
    months, month = [], period_start
    for _ in range(count):
        month = (month - datetime.timedelta(days=1)).replace(day=1)
        months.append(month)
    return sorted(months)


def _exec(sql: str, params=()) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, list(params))
        return cursor.rowcount


def insert_families(n_subsidy: int, n_rental: int, communities: list[str]) -> None:
    """Families 1..n_subsidy (rent subsidy, 廉租住房) and then the rental ones (公租房/廉租房 实物配租):
    family, 3 members, the registered application and the registry entry, all with id = g."""
    from admission.encryption import encrypt_text
    from admission.models import Application, Family, FamilyMember
    from admission.registry.models import RegistryEntry

    total = n_subsidy + n_rental
    token = encrypt_text("440400198001010000")  # the back office never decrypts these in the runs
    region = f"({_array(communities)})[1 + (g * 7919) % {len(communities)}]"
    name = (
        f"substr('{SURNAMES}', 1 + (g % {len(SURNAMES)})::int, 1)"
        f" || ({_array(GIVEN)})[1 + (g / 7) % {len(GIVEN)}]"
    )
    family_digest = "encode(sha256(('f' || g)::bytea), 'hex')"
    masked = "'4404**********' || lpad((g % 10000)::text, 4, '0')"
    is_subsidy = f"g <= {n_subsidy}"
    _insert(
        Family,
        {
            "id": "g", "region_code": region, "applicant_name": name, "id_number": f"'{token}'",
            "id_number_digest": family_digest, "id_number_masked": masked,
            "phone": "'139' || lpad(g::text, 8, '0')", "household_size": str(MEMBERS_PER_FAMILY),
            "per_capita_income": "(g % 20000)::numeric", "total_income": f"(g % 20000)::numeric * {MEMBERS_PER_FAMILY}",
            "stage": "'filed'", "created_at": "now() - (g % 900) * interval '1 day'", "updated_at": "now()",
        },
        _series(1, total),
    )  # fmt: skip
    family_of = f"((g - 1) / {MEMBERS_PER_FAMILY} + 1)"
    _insert(
        FamilyMember,
        {
            "id": "g", "family_id": family_of,
            "member_number": f"lpad({family_of}::text, 8, '0') || '-0' || ((g - 1) % {MEMBERS_PER_FAMILY} + 1)",
            "relation": f"(ARRAY['self','spouse','son'])[1 + (g - 1) % {MEMBERS_PER_FAMILY}]",
            "name": name, "id_number": f"'{token}'",
            # The applicant's own row carries the family's number, as family_create makes it.
            "id_number_digest": f"CASE WHEN (g - 1) % {MEMBERS_PER_FAMILY} = 0 "
            f"THEN encode(sha256(('f' || {family_of})::bytea), 'hex') ELSE encode(sha256(('m' || g)::bytea), 'hex') END",
            "id_number_masked": masked, "status": "'active'", "annual_income": "(g % 40000)::numeric",
            "ethnicity": "'汉族'", "is_permanent_resident": "true", "lives_with_family": "true", "stage": "'filed'",
            "created_at": "now()", "updated_at": "now()",
        },
        _series(1, total * MEMBERS_PER_FAMILY),
    )  # fmt: skip
    project = (
        f"CASE WHEN {is_subsidy} THEN '{SUBSIDY_PROJECT}' WHEN g % 3 = 0 THEN 'lianzu' ELSE 'gongzu' END"
    )
    mode = f"CASE WHEN {is_subsidy} THEN 'rent_subsidy' ELSE 'rental_in_kind' END"
    receipt = "'SQ-' || substr(" + region + ", 1, 6) || '-2024-' || lpad(g::text, 7, '0')"
    _insert(
        Application,
        {
            "id": "g", "region_code": region, "family_id": "g", "receipt_number": receipt, "project_code": project,
            "mode_code": mode, "state": "'registered'", "submitted_at": "now() - interval '800 days'",
            "stage_entered_at": "now() - interval '700 days'", "decided_at": "now() - interval '700 days'",
            "created_at": "now() - interval '800 days'",
        },
        _series(1, total),
    )  # fmt: skip
    # 0.2 % of the subsidy families also hold a rental contract: a second registry entry, same ID number.
    double = f"g > {n_subsidy} AND (g - {n_subsidy}) % 500 = 0 AND g - {n_subsidy} <= {n_subsidy}"
    _insert(
        RegistryEntry,
        {
            "id": "g", "region_code": region, "application_id": "g", "family_id": "g", "application_number": receipt,
            "applicant_name": name, "id_type": "'resident_id'", "id_number": f"'{token}'",
            "id_number_digest": f"CASE WHEN {double} THEN encode(sha256(('f' || (g - {n_subsidy}))::bytea), 'hex') "
            f"ELSE {family_digest} END",
            "id_number_masked": masked, "household_size": str(MEMBERS_PER_FAMILY), "project_code": project,
            "mode_code": mode, "mode_kind": mode, "implemented_mode": mode, "status": "'guaranteed'",
            "special_group": "''", "registered_at": "now() - interval '700 days'",
            "guarantee_started_at": "now() - interval '650 days'", "project_name": "''",
        },
        _series(1, total),
    )  # fmt: skip


def insert_agreements(n_subsidy: int, period_start: datetime.date) -> None:
    """A signed 租赁补贴协议 per subsidy family, contract id = family id."""
    from admission.encryption import encrypt_text
    from allocation.contracts.models import Contract

    accounts = [encrypt_text(f"62220204000{k:08d}") for k in range(10)]  # decrypted per payment
    signer = encrypt_text("440400198001010000")
    starts = (
        f"CASE WHEN g % 100 = 1 THEN DATE '{period_start}' + (g % 27)::int "  # starts inside the month
        "ELSE DATE '2024-01-01' + (g % 900)::int END"
    )
    basis = (
        'CASE WHEN g % 1000 = 0 THEN \'[{"name": "保障面积标准", "value": "15"}, '
        '{"name": "累计发放月数上限", "value": "3"}]\'::jsonb '
        'WHEN g % 10 = 0 THEN \'[{"name": "保障面积标准", "value": "15"}, '
        '{"name": "累计发放月数上限", "value": "60"}]\'::jsonb '
        'ELSE \'[{"name": "保障面积标准", "value": "15"}, {"name": "租金补贴标准", "value": "25"}]\'::jsonb END'
    )
    _insert(
        Contract,
        {
            "id": "g", "region_code": "r.region_code", "registry_entry_id": "g", "kind": "'rent_subsidy'",
            "number": "'BT-2024-' || lpad(g::text, 8, '0')",
            "subsidy_amount": "(200 + (g % 31) * 25)::numeric", "subsidy_payment_method": "'bank_transfer'",
            "subsidy_starts_on": starts, "signer_name": "r.applicant_name", "signer_id_number": f"'{signer}'",
            "signer_id_number_masked": "r.id_number_masked", "signed_on": starts, "effective_on": starts,
            "term_months": "36",
            # 1 % end inside the month (terminated); the rest run 36 months from the start.
            "expires_on": f"(({starts}) + interval '36 months')::date",
            "terminated_on": f"CASE WHEN g % 100 = 2 THEN DATE '{period_start}' + (g % 25)::int END",
            "termination_reason": "CASE WHEN g % 100 = 2 THEN '家庭申请退出' ELSE '' END",
            "state": "CASE WHEN g % 100 = 2 THEN 'terminated' ELSE 'signed' END",
            "bank_name": "'工商银行珠海分行'", "bank_account": f"({_array(accounts)})[1 + g % 10]",
            "bank_account_masked": "'***************' || lpad((g % 10000)::text, 4, '0')",
            "payment_cycle": "'monthly'", "amount_basis": basis, "ruleset_name": "'廉租住房租赁补贴标准'",
            "created_at": "now() - interval '700 days'", "updated_at": "now()",
        },
        f"{_series(1, n_subsidy)} JOIN admission_registryentry r ON r.id = g",
    )  # fmt: skip


def insert_tenancies(
    n_subsidy: int, n_rental: int, period_start: datetime.date, communities: list[str]
) -> None:
    """Projects, buildings of 100 units, the units (已入住), a signed rental contract and its move-in each."""
    from admission.encryption import encrypt_text
    from allocation.contracts.models import Contract
    from allocation.tenancy.models import MoveIn
    from projects.models import Building, Project, Unit

    buildings = (n_rental + 99) // 100
    projects = (buildings + 19) // 20
    districts = sorted({code[:6] + "000000" for code in communities})
    district = f"({_array(districts)})[1 + g % {len(districts)}]"
    _insert(
        Project,
        {"id": "g", "region_code": district, "number": "'XM-BENCH-' || lpad(g::text, 5, '0')",
         "name": "'压测保障房项目' || g", "project_type": "'public_rental'"},
        _series(1, projects),
    )  # fmt: skip
    _insert(
        Building,
        {"id": "g", "region_code": "p.region_code", "number": "'DT-BENCH-' || lpad(g::text, 6, '0')",
         "project_id": "p.id", "name": "g || '栋'", "total_floors": "20", "construction_status": "'completed'",
         "is_handed_over": "true"},
        f"{_series(1, buildings)} JOIN projects_project p ON p.id = (g - 1) / 20 + 1",
    )  # fmt: skip
    _insert(
        Unit,
        {"id": "g", "region_code": "r.region_code", "number": "'FW-BENCH-' || lpad(g::text, 8, '0')",
         "building_id": "(g - 1) / 100 + 1", "start_floor": "1 + ((g - 1) % 100) / 5", "unit_label": "'1'",
         "room_number": "lpad(((g - 1) % 100)::text, 3, '0')", "floor_area": "(45 + g % 30)::numeric",
         "rooms": "1 + g % 3", "guarantee_mode": "'public_rental'", "rent_standard": "(12 + g % 5)::numeric",
         "state": "'occupied'", "occupant_name": "r.applicant_name", "is_handed_over": "true", "updated_at": "now()"},
        f"{_series(1, n_rental)} JOIN admission_registryentry r ON r.id = {n_subsidy} + g",
    )  # fmt: skip
    signer = encrypt_text("440400198001010000")
    moved_in = (
        f"CASE WHEN g % 100 = 1 THEN DATE '{period_start}' + (g % 27)::int "  # moves in inside the month
        "ELSE DATE '2023-01-01' + (g % 1200)::int END"
    )
    rent = "((45 + g % 30) * (12 + g % 5))::numeric"
    _insert(
        Contract,
        {
            "id": f"{n_subsidy} + g", "region_code": "r.region_code", "registry_entry_id": "r.id",
            "kind": "CASE WHEN r.project_code = 'lianzu' THEN 'low_rent' ELSE 'public_rental' END",
            "number": "'ZL-2023-' || lpad(g::text, 8, '0')", "unit_id": "g", "signer_name": "r.applicant_name",
            "signer_id_number": f"'{signer}'", "signer_id_number_masked": "r.id_number_masked",
            "signed_on": moved_in, "effective_on": moved_in, "term_months": "60",
            "expires_on": f"(({moved_in}) + interval '60 months')::date", "market_monthly_rent": f"{rent} * 2",
            "rent_factor": "0.5", "monthly_rent": rent, "state": "'signed'",
            "created_at": "now() - interval '700 days'", "updated_at": "now()",
        },
        f"{_series(1, n_rental)} JOIN admission_registryentry r ON r.id = {n_subsidy} + g",
    )  # fmt: skip
    _insert(
        MoveIn,
        {
            "id": "g", "region_code": "c.region_code", "registry_entry_id": "c.registry_entry_id", "unit_id": "g",
            "contract_id": "c.id", "moved_in_on": moved_in, "monthly_rent": "c.monthly_rent",
            "is_rent_reduced": "g % 20 = 0", "rent_reduction": "CASE WHEN g % 20 = 0 THEN 50 ELSE 0 END",
            "reduction_reason": "CASE WHEN g % 20 = 0 THEN '低保家庭减免' ELSE '' END",
            # 1 % vacate inside the month: still billed for the days they held the unit.
            "vacated_on": f"CASE WHEN g % 100 = 2 THEN DATE '{period_start}' + (g % 25)::int END",
            "created_at": "now()", "updated_at": "now()",
        },
        f"{_series(1, n_rental)} JOIN allocation_contract c ON c.id = {n_subsidy} + g",
    )  # fmt: skip


def insert_history(period_start: datetime.date, months: int) -> None:
    """The earlier months: due rows (paid), their payments in one batch a month, rent receivables."""
    import calendar

    from admission.encryption import encrypt_text
    from allocation.subsidies.models import PaymentBatch, SubsidyDue, SubsidyPayment
    from allocation.tenancy.models import RentReceivable

    passed = (
        '\'[{"code": "real_estate", "outcome": "通过"}, {"code": "social_insurance", "outcome": "通过"}, '
        '{"code": "other_benefit", "outcome": "通过"}]\'::jsonb'
    )
    account = encrypt_text("6222020400000000001")
    for month in _months_before(period_start, months):
        last = month.replace(day=calendar.monthrange(month.year, month.month)[1])
        label = f"{month:%Y-%m}"
        covered = f"c.subsidy_starts_on <= DATE '{month}' AND (c.terminated_on IS NULL OR c.terminated_on >= DATE '{last}')"
        _insert(
            SubsidyDue,
            {
                "region_code": "c.region_code", "number": f"'YF{month:%Y%m}' || lpad(c.id::text, 10, '0')",
                "registry_entry_id": "c.registry_entry_id", "project_code": f"'{SUBSIDY_PROJECT}'",
                "standard_amount": "c.subsidy_amount", "amount": "c.subsidy_amount", "year": str(month.year),
                "month": str(month.month), "due_on": f"DATE '{last}'", "agreement_id": "c.id", "period": f"'{label}'",
                "days_covered": str(last.day), "days_in_month": str(last.day), "state": "'paid'",
                "hold_reasons": "'[]'::jsonb", "check_results": passed, "created_at": f"TIMESTAMPTZ '{month}'",
                "updated_at": f"TIMESTAMPTZ '{last}'",
            },
            f"allocation_contract c WHERE c.kind = 'rent_subsidy' AND {covered}",
        )  # fmt: skip
        batch = PaymentBatch.objects.create(
            number=f"PC{month:%Y%m}HIST", period=label, project_code=SUBSIDY_PROJECT, region_code=CITY,
            state="reconciled", exported_at=datetime.datetime.combine(last, datetime.time(), datetime.UTC),
        )  # fmt: skip
        _insert(
            SubsidyPayment,
            {
                "region_code": "d.region_code", "number": f"'SF{month:%Y%m}H' || lpad(d.id::text, 9, '0')",
                "due_id": "d.id", "status": "'paid'", "paid_at": f"TIMESTAMPTZ '{last}'", "method": "'bank_batch'",
                "batch_id": str(batch.pk), "amount": "d.amount", "paid_amount": "d.amount",
                "account_name": "'户名'", "bank_name": "'工商银行珠海分行'", "bank_account": f"'{account}'",
                "bank_account_masked": "'***************0001'", "bank_reason": "'成功'",
                "created_at": f"TIMESTAMPTZ '{last}'", "updated_at": f"TIMESTAMPTZ '{last}'",
            },
            f"allocation_subsidydue d WHERE d.period = '{label}'",
        )  # fmt: skip
        _exec(
            "UPDATE allocation_paymentbatch SET payment_count = s.n, total_amount = s.t FROM "
            "(SELECT count(*) n, sum(amount) t FROM allocation_subsidypayment WHERE batch_id = %s) s WHERE id = %s",
            [batch.pk, batch.pk],
        )
        _insert(
            RentReceivable,
            {
                "region_code": "m.region_code", "number": f"'YS{month:%Y%m}-' || lpad(m.id::text, 8, '0')",
                "registry_entry_id": "m.registry_entry_id", "unit_id": "m.unit_id",
                "amount": "m.monthly_rent - m.rent_reduction", "year": str(month.year), "month": str(month.month),
                "due_on": f"DATE '{month}'", "move_in_id": "m.id", "days": str(last.day),
                "days_in_month": str(last.day), "monthly_rent": "m.monthly_rent", "rent_reduction": "m.rent_reduction",
                "paid_amount": "CASE WHEN m.id % 10 = 0 THEN 0 ELSE m.monthly_rent - m.rent_reduction END",
                "outstanding_amount": "CASE WHEN m.id % 10 = 0 THEN m.monthly_rent - m.rent_reduction ELSE 0 END",
                "created_at": f"TIMESTAMPTZ '{month}'", "updated_at": f"TIMESTAMPTZ '{last}'",
            },
            f"allocation_movein m WHERE m.moved_in_on <= DATE '{month}'",
        )  # fmt: skip


def insert_annual_reviews(n_subsidy: int, period_start: datetime.date) -> None:
    """0.3 % of the subsidy families missed this year's annual review: suspended from last month on."""
    from allocation.annual_review.models import AnnualReview

    suspended = _months_before(period_start, 1)[0]
    _insert(
        AnnualReview,
        {
            "region_code": "r.region_code", "number": "'NS2026-' || lpad(r.id::text, 8, '0')", "year": "2026",
            "deadline": f"DATE '{suspended}' - 1", "registry_entry_id": "r.id", "project_code": "r.project_code",
            "mode_code": "r.mode_code", "state": "'overdue'", "overdue_at": f"TIMESTAMPTZ '{suspended}'",
            "suspended_from": f"DATE '{suspended}'", "created_at": "now() - interval '60 days'", "updated_at": "now()",
        },
        f"admission_registryentry r WHERE r.id <= {n_subsidy} AND r.id % 300 = 7",
    )  # fmt: skip


def insert_mirror(n_subsidy: int, n_rental: int, noise: int) -> None:
    """社保 for every applicant and spouse, 不动产 for 1 % of the families, and other people's rows."""
    from housing.exchange.models import Dataset, MirrorRecord

    datasets = dict(Dataset.objects.values_list("code", "pk"))
    total = n_subsidy + n_rental
    insured = (
        "jsonb_build_object('employer', '某公司' || (g % 997), 'monthly_base', ((g % 40) * 100 + 2300)::text, "
        "'months_paid', 12 + g % 120, 'is_active', {active})"
    )
    person = (
        "CASE WHEN k = 1 THEN encode(sha256(('f' || g)::bytea), 'hex') "
        f"ELSE encode(sha256(('m' || ((g - 1) * {MEMBERS_PER_FAMILY} + 2))::bytea), 'hex') END"
    )
    common = {
        "id_number_masked": "'4404**********' || lpad((g % 10000)::text, 4, '0')",
        "imported_at": "now()",
    }
    # The latest extract (2026-11-30): 0.5 % of the applicants stopped paying in the city.
    _insert(
        MirrorRecord,
        {**common, "dataset_id": str(datasets["social_insurance"]), "id_number_digest": person,
         "values": insured.format(active="NOT (k = 1 AND g % 200 = 0)"), "source": "'人社局2026年11月'",
         "source_date": "DATE '2026-11-30'"},
        f"{_series(1, total)} CROSS JOIN generate_series(1, 2) AS k",
    )  # fmt: skip
    # An older extract of 20 % of the applicants said 停保; the newest extract overrides it.
    _insert(
        MirrorRecord,
        {**common, "dataset_id": str(datasets["social_insurance"]), "id_number_digest": person,
         "values": insured.format(active="false"), "source": "'人社局2026年5月'", "source_date": "DATE '2026-05-31'"},
        f"{_series(1, total)} CROSS JOIN generate_series(1, 1) AS k WHERE g % 5 = 0",
    )  # fmt: skip
    _insert(
        MirrorRecord,
        {**common, "dataset_id": str(datasets["real_estate"]), "id_number_digest": person,
         "values": "jsonb_build_object('certificate_number', '粤(2025)珠海市不动产权第' || lpad(g::text, 7, '0') || '号', "
         "'address', '香洲区某小区' || (g % 50) || '栋', 'floor_area', ((g % 60) + 60)::text || '.00', "
         "'registered_on', '2025-03-01')",
         "source": "'不动产登记中心2026年11月'", "source_date": "DATE '2026-11-30'"},
        f"{_series(1, total)} CROSS JOIN generate_series(1, 2) AS k WHERE g % 100 = 50 AND k = 1 + g / 100 % 2",
    )  # fmt: skip
    if noise > 0:
        ids = ",".join(str(pk) for pk in datasets.values())
        _insert(
            MirrorRecord,
            {**common, "dataset_id": f"(ARRAY[{ids}])[1 + g % {len(datasets)}]",
             "id_number_digest": "md5(g::text) || md5((g + 7)::text)", "values": "'{}'::jsonb",
             "source": "'noise'", "source_date": "DATE '2026-06-30'"},
            _series(1, noise),
        )  # fmt: skip


def finish_inserts() -> None:
    """Sequences past the explicit ids, then VACUUM ANALYZE (statistics and the visibility map)."""
    from django.apps import apps
    from django.core.management.color import no_style
    from django.db import connection

    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), apps.get_models()):
            cursor.execute(statement)
    # VACUUM cannot run inside a transaction block: its own autocommit connection.
    with _raw_autocommit() as raw:
        raw.execute("VACUUM ANALYZE")


def _raw_autocommit():
    import psycopg

    return psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)


# --- measuring --------------------------------------------------------------------------------------------


class Step:
    """Times one step: wall clock, this process's CPU, the time spent waiting for SQL statements and
    their number (the rest of the wall clock is Python); optionally a cProfile and the slowest statements."""

    def __init__(self, label: str, profile_dir: str | None = None, slowest: int = 0):
        self.label, self.profile_dir, self.slowest = label, profile_dir, slowest
        self.statements: list[tuple[float, str]] = []

    def _timed(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.statements.append((time.perf_counter() - started, sql))

    def __enter__(self):
        from django.db import connection

        self.load = os.getloadavg()[0]
        self.wrapper = connection.execute_wrapper(self._timed)
        self.wrapper.__enter__()
        self.profiler = cProfile.Profile() if self.profile_dir else None
        self.started, self.started_cpu = time.perf_counter(), time.process_time()
        if self.profiler:
            self.profiler.enable()
        return self

    def __exit__(self, *exc):
        if self.profiler:
            self.profiler.disable()
        self.seconds = time.perf_counter() - self.started
        self.cpu = time.process_time() - self.started_cpu
        self.wrapper.__exit__(*exc)
        self.sql = sum(seconds for seconds, _sql in self.statements)
        self.queries = len(self.statements)
        if self.slowest and exc[0] is None:
            print(f"  -- {self.label}: {self.queries} statements, {self.sql:.1f} s; the slowest:")
            for seconds, sql in sorted(self.statements, key=lambda item: -item[0])[: self.slowest]:
                print(f"     {seconds:6.2f} s  {' '.join(sql.split())[:300]}")
        if self.profiler and exc[0] is None:
            path = Path(self.profile_dir) / f"{self.label.replace(' ', '_')}.prof"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.profiler.dump_stats(path)
            print(f"  -- cProfile of {self.label} ({path}), top by cumulative time:")
            pstats.Stats(self.profiler).sort_stats("cumulative").print_stats(18)
            pstats.Stats(self.profiler).sort_stats("tottime").print_stats(12)
        return False


def _pad(text: str, width: int) -> str:
    """Left-justify to ``width`` terminal columns (a Chinese character takes two)."""
    import unicodedata

    used = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
    return text + " " * max(width - used, 0)


def count(model, **filters) -> int:
    return model.objects.filter(**filters).count()


def bank_result_file(export: bytes) -> tuple[bytes, dict[str, int]]:
    """The bank's answer to its bulk-payment file, as a bank returns it: every line echoed with 成功,
    1 % 失败 with a reason, 0.5 % paid a different amount, plus 20 unknown references and 10 repeats."""
    reader = csv.reader(io.StringIO(export.decode("utf-8-sig")))
    header = next(reader)
    ref, amount = header.index("业务编号"), header.index("金额")
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["业务编号", "户名", "金额", "处理结果", "失败原因"])
    figures = {"paid": 0, "failed": 0, "mismatch": 0, "unmatched": 0}
    rows = list(reader)
    for n, row in enumerate(rows, start=1):
        if n % 100 == 0:
            writer.writerow([row[ref], "", row[amount], "失败", "户名与账号不符"])
            figures["failed"] += 1
        elif n % 200 == 1:
            writer.writerow([row[ref], "", f"{Decimal(row[amount]) - 10:.2f}", "成功", ""])
            figures["mismatch"] += 1
        else:
            writer.writerow([row[ref], "", row[amount], "成功", ""])
            figures["paid"] += 1
    for k in range(20):
        writer.writerow([f"SF999999{k:06d}", "", "100.00", "成功", ""])
    for row in rows[1000:1010]:
        writer.writerow([row[ref], "", row[amount], "成功", ""])
    figures["unmatched"] = 30
    return out.getvalue().encode("utf-8-sig"), figures


def machine() -> dict[str, str]:
    cpu = next(
        (line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
         if line.startswith("model name")), "unknown",
    )  # fmt: skip
    memory_kib = next(
        int(line.split()[1])
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {"cpu": cpu, "cores": str(os.cpu_count()), "memory": f"{memory_kib / 1024 / 1024:.0f} GiB"}


def main() -> None:
    args = parse_args()
    url = database_url()
    started_all = time.perf_counter()
    print(f"==> re-creating database {urlsplit(url).path.lstrip('/')} (ICU {args.icu_locale})", flush=True)
    recreate_database(url, args.icu_locale)
    setup_django()
    from django.core.exceptions import ValidationError
    from django.db import connection
    from django.db.models import Count

    from allocation.subsidies.models import (
        BankResultLine,
        PaymentStatus,
        SubsidyDue,
        SubsidyDueEvent,
        SubsidyDueState,
        SubsidyPayment,
    )
    from allocation.subsidies.services import (
        bank_result_import,
        parse_period,
        payment_batch_create,
        payment_batch_export,
        subsidy_due_run,
    )
    from allocation.tenancy.models import RentReceivable
    from allocation.tenancy.services import period_parse, rent_receivables_run

    try:
        build_schema()
        user, communities = reference_data()
        period_start, period_end = parse_period(args.period)
        n, m = args.agreements, args.contracts
        build = time.perf_counter()
        print(
            f"==> inserting {n:,} subsidy + {m:,} rental families, agreements, contracts, units, move-ins",
            flush=True,
        )
        insert_families(n, m, communities)
        insert_agreements(n, period_start)
        insert_tenancies(n, m, period_start, communities)
        print(f"==> {args.history} earlier months, annual reviews, the department mirror", flush=True)
        insert_history(period_start, args.history)
        insert_annual_reviews(n, period_start)
        insert_mirror(n, m, args.noise)
        finish_inserts()
        build_s = time.perf_counter() - build
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT count(*) FROM admission_familymember), (SELECT count(*) FROM allocation_contract), "
                "(SELECT count(*) FROM exchange_mirrorrecord), (SELECT count(*) FROM allocation_subsidydue), "
                "(SELECT count(*) FROM allocation_rentreceivable), version()"
            )
            members, contracts, mirror, dues, receivables, version = cursor.fetchone()
        print(
            f"  built in {build_s:.0f} s: {members:,} members, {contracts:,} contracts, {mirror:,} mirror rows, "
            f"{dues:,} earlier due rows, {receivables:,} earlier rent receivables",
            flush=True,
        )

        figures: list[tuple[str, Step, str, bool]] = []  # label, timing, result, has the 60 s target
        period = f"{period_start:%Y-%m}"
        print(f"==> 补贴应发 {period} ({SUBSIDY_PROJECT}), first run with the checks", flush=True)
        with Step("subsidy_due_run first", args.profile, args.slowest) as step:
            first = subsidy_due_run(period=period, project_code=SUBSIDY_PROJECT, actor=user)
        made = count(SubsidyDue, period=period)
        by_state = dict(SubsidyDue.objects.filter(period=period).values_list("state").annotate(n=Count("pk")))
        figures.append(("补贴应发（含自动核查），首次", step,
                        f"{made:,} 行：待发放 {by_state.get('payable', 0):,}，待复核 {by_state.get('held', 0):,}，"
                        f"已取消 {by_state.get('cancelled', 0):,}", True))  # fmt: skip
        assert first["created"] == made, (first, made)
        print("==> second run", flush=True)
        with Step("subsidy_due_run second", args.profile, args.slowest) as step:
            second = subsidy_due_run(period=period, project_code=SUBSIDY_PROJECT, actor=user)
        again = count(SubsidyDue, period=period) - made
        figures.append(("补贴应发，第二次", step, f"新增 {again} 行（服务报告 {second['created']}）", True))

        print("==> payment batch of the payable rows", flush=True)
        with Step("payment_batch_create", args.profile, args.slowest) as step:
            batch = payment_batch_create(
                period=period, project_code=SUBSIDY_PROJECT, region_code=CITY, actor=user
            )
        figures.append(
            ("发放批次生成", step, f"{batch.payment_count:,} 笔，{batch.total_amount:,} 元", False)
        )
        print("==> the bank's bulk-payment file (CSV)", flush=True)
        with Step("payment_batch_export", args.profile, args.slowest) as step:
            file_name, export = payment_batch_export(batch=batch, actor=user, file_format="csv")
        figures.append(("银行代发文件导出（CSV）", step, f"{file_name}，{len(export) / 1e6:.1f} MB", False))
        print("==> the bank's result file (made here, as the bank would return it)", flush=True)
        with Step("bank_result_file") as step:
            result_file, expected = bank_result_file(export)
        figures.append(("银行回执文件生成（模拟银行）", step,
                        f"{len(result_file) / 1e6:.1f} MB：成功 {expected['paid']:,}，失败 {expected['failed']:,}，"
                        f"金额不符 {expected['mismatch']:,}，无法匹配 {expected['unmatched']}", False))  # fmt: skip
        print("==> bank result import", flush=True)
        with Step("bank_result_import", args.profile, args.slowest) as step:
            bank_result_import(batch=batch, file_name="回执.csv", content=result_file, actor=user)
        statuses = dict(
            SubsidyPayment.objects.filter(batch=batch).values_list("status").annotate(n=Count("pk"))
        )
        lines = count(BankResultLine, result_import__batch=batch)
        figures.append(("银行回执导入", step,
                        f"{lines:,} 行：已发放 {statuses.get(PaymentStatus.PAID, 0):,}，发放失败 "
                        f"{statuses.get(PaymentStatus.FAILED, 0):,}，金额不符 {statuses.get(PaymentStatus.MISMATCH, 0):,}，"
                        f"待回执 {statuses.get(PaymentStatus.PENDING, 0)}", True))  # fmt: skip
        assert statuses.get(PaymentStatus.FAILED, 0) == expected["failed"], statuses
        assert statuses.get(PaymentStatus.MISMATCH, 0) == expected["mismatch"], statuses
        assert statuses.get(PaymentStatus.PENDING, 0) == 0, statuses
        assert count(SubsidyDue, period=period, state=SubsidyDueState.IN_BATCH) == 0
        try:
            bank_result_import(batch=batch, file_name="回执.csv", content=result_file, actor=user)
            refused = "no"
        except ValidationError:
            refused = "yes"
        events = count(SubsidyDueEvent, due__period=period)

        rent_period = period_parse(period)
        before = count(RentReceivable, year=rent_period.year, month=rent_period.month)
        print(f"==> 租金应收 {period}, first run", flush=True)
        with Step("rent_receivables_run first", args.profile, args.slowest) as step:
            rent_first = rent_receivables_run(period, user)
        rent_made = count(RentReceivable, year=rent_period.year, month=rent_period.month) - before
        figures.append(("租金应收，首次", step, f"{rent_made:,} 行（服务报告 {rent_first.created:,}）", True))
        print("==> second run", flush=True)
        with Step("rent_receivables_run second", args.profile, args.slowest) as step:
            rent_second = rent_receivables_run(period, user)
        rent_again = (
            count(RentReceivable, year=rent_period.year, month=rent_period.month) - before - rent_made
        )
        figures.append(
            ("租金应收，第二次", step, f"新增 {rent_again} 行（服务报告 {rent_second.created}）", True)
        )

        info = machine()
        print()
        print(
            f"配后管理 / 补贴发放 benchmark, {args.agreements:,} 租赁补贴协议 + {args.contracts:,} 租赁合同, 期间 {period}"
        )
        print(
            f"  machine: {info['cpu']}, {info['cores']} cores, {info['memory']}; {version.split(' on ')[0]}"
        )
        print(f"  data built in {build_s:.0f} s ({members:,} members, {mirror:,} mirror rows, "
              f"{args.history} earlier months: {dues:,} due rows, {receivables:,} receivables)")  # fmt: skip
        print(
            f"  {_pad('step', 30)} {'wall s':>7} {'CPU s':>6} {'SQL s':>6} {'stmts':>6} {'load':>5}  result"
        )
        for label, timing, result, targeted in figures:
            verdict = ("  OK" if timing.seconds < TARGET_S else "  OVER 60 s") if targeted else ""
            print(
                f"  {_pad(label, 30)} {timing.seconds:7.1f} {timing.cpu:6.1f} {timing.sql:6.1f} {timing.queries:6d}"
                f" {timing.load:5.1f}  {result}{verdict}"
            )
        print(
            "  (CPU s: this Python process; SQL s: waiting for the database's statements; load: 1-min average)"
        )
        print(f"  second runs created 0 rows: {'YES' if again == 0 and rent_again == 0 else 'NO'}; "
              f"second import of the same file refused: {refused}; due events written: {events:,}")  # fmt: skip
        print(f"  load average now: {', '.join(f'{v:.2f}' for v in os.getloadavg())}; "
              f"total {time.perf_counter() - started_all:.0f} s")  # fmt: skip
    finally:
        if not args.keep:
            drop_database(url)


if __name__ == "__main__":
    main()
