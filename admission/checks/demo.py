"""Demo department checks (演示数据): mirror rows for the demo families, checks of the submitted cases, and two
人才住房补贴 cases on the automatic path — one clean (approved by the system), one flawed (in the street queue).

Idempotent: mirror rows carry their own source and are added once per person; a case with a run is not checked
again; the two talent families are keyed by their applicants' ID numbers.
"""

from __future__ import annotations

import datetime
import zlib
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from housing.accounts.demo import demo_id_number
from housing.accounts.identity import id_number_digest
from housing.exchange.datasets import coerce_values
from housing.exchange.models import Dataset, MirrorRecord
from housing.exchange.services import datasets_sync

from ..models import Application, ApplicationState, Family, FamilyMember, MemberStatus, Relation
from .models import CheckTrigger

SOURCE = "演示数据（部门核查）"
SOURCE_DATE = datetime.date(2026, 6, 30)
CARETAKER = "cuixiang"  # the demo street caseworker of 翠香街道, who takes the talent cases in
TALENT_REGION = "440402001002"  # 翠香第二社区

# (applicant, ID body, flawed?) — the flawed one owns a flat the family did not declare.
TALENT_CASES = (
    ("苏明哲", "44040219960229951", False),
    ("唐思远", "44040219970101962", True),
)


def _bucket(text: str, modulo: int) -> int:
    """A stable pseudo-random bucket (the same on every run and machine)."""
    return zlib.crc32(text.encode()) % modulo


def _records_for(application: Application, applicant: FamilyMember) -> list[tuple[str, dict]]:
    """Mirror rows for one case's applicant: most agree with the declaration, some differ on purpose."""
    family = application.family
    key = application.receipt_number
    rows: list[tuple[str, dict]] = [
        (
            "hukou",
            {
                "name": applicant.name,
                "hukou_address": family.hukou_address or "珠海市",
                "registered_on": "2010-03-01",
            },
        )
    ]
    income = applicant.annual_income or Decimal("0")
    if income > 0:
        # One case in six earns half as much again as it declared.
        stated = income * Decimal("1.5") if _bucket(key + "income", 6) == 0 else income
        rows.append(("income", {"year": 2025, "annual_income": str(stated.quantize(Decimal("0.01")))}))
        base = (income / 12).quantize(Decimal("1"), ROUND_HALF_UP)
        rows.append(
            (
                "social_insurance",
                {
                    "employer": applicant.employer or "珠海市某公司",
                    "monthly_base": str(base),
                    "months_paid": 36,
                    "is_active": True,
                },
            )
        )
    if family.total_floor_area:
        rows.append(
            (
                "real_estate",
                {
                    "certificate_number": f"粤(2015)珠海市不动产权第{key[-6:]}号",
                    "address": family.hukou_address or "珠海市",
                    "floor_area": str(family.total_floor_area),
                },
            )
        )
    elif _bucket(key + "property", 10) == 3:
        # One family in ten that declared no property has a flat on the register.
        rows.append(
            (
                "real_estate",
                {
                    "certificate_number": f"粤(2020)珠海市不动产权第{key[-6:]}号",
                    "address": "珠海市香洲区某花园3栋1201",
                    "floor_area": "86.50",
                },
            )
        )
    if family.is_subsistence_allowance_family and _bucket(key + "dibao", 7) != 5:
        rows.append(("subsistence", {"category": "低保", "since": "2022-01-01", "monthly_amount": "1100.00"}))
    return rows


def _add_mirror_rows(rows: list[tuple[FamilyMember, str, dict]], datasets: dict[str, Dataset]) -> int:
    records = []
    for member, code, values in rows:
        typed, errors = coerce_values(datasets[code].fields, values)
        if errors:
            continue
        records.append(
            MirrorRecord(
                dataset=datasets[code],
                id_number_digest=member.id_number_digest,
                id_number_masked=member.id_number_masked,
                values=typed,
                source=SOURCE,
                source_date=SOURCE_DATE,
            )
        )
    MirrorRecord.objects.bulk_create(records, batch_size=500)
    return len(records)


def _seed_case_mirror(datasets: dict[str, Dataset]) -> None:
    applications = (
        Application.objects.exclude(state=ApplicationState.DRAFT)
        .select_related("family")
        .order_by("receipt_number")
    )
    applicants = {
        m.family_id: m
        for m in FamilyMember.objects.filter(
            family__applications__in=applications, relation=Relation.SELF, status=MemberStatus.ACTIVE
        )
    }
    seeded = set(
        MirrorRecord.objects.filter(
            source=SOURCE, id_number_digest__in=[m.id_number_digest for m in applicants.values()]
        ).values_list("id_number_digest", flat=True)
    )
    # People the exchange demo already describes keep those rows (they differ on purpose).
    described = set(
        MirrorRecord.objects.filter(id_number_digest__in=[m.id_number_digest for m in applicants.values()])
        .exclude(source=SOURCE)
        .values_list("id_number_digest", flat=True)
    )
    rows = []
    for application in applications:
        applicant = applicants.get(application.family_id)
        if applicant is None or applicant.id_number_digest in seeded | described:
            continue
        seeded.add(applicant.id_number_digest)
        rows.extend((applicant, code, values) for code, values in _records_for(application, applicant))
    _add_mirror_rows(rows, datasets)


def _talent_family(name: str, body: str, flawed: bool, actor, datasets: dict[str, Dataset]) -> Family | None:
    from ..services import family_create, family_member_update

    number = demo_id_number(body)
    digest = id_number_digest(number)
    family = Family.objects.filter(id_number_digest=digest).first()
    if family is not None:
        return None  # filed on an earlier run
    try:
        with transaction.atomic():
            family = family_create(
                actor=actor,
                data={
                    "region_code": TALENT_REGION,
                    "applicant_name": name,
                    "id_number": number,
                    "phone": "13912349" + body[-3:],
                    "hukou_county": "香洲区",
                    "hukou_street": "翠香街道",
                    "total_floor_area": Decimal("0"),
                },
            )
            applicant = family.members.get(relation=Relation.SELF)
            family_member_update(
                member=applicant,
                actor=actor,
                data={
                    "annual_income": Decimal("120000.00"),
                    "education": "postgraduate",
                    "is_introduced_talent": True,
                    "employer": "珠海某集成电路有限公司",
                    "employment_status": "employed",
                },
            )
    except ValidationError:
        return None  # someone else's demo data already holds this person
    applicant = family.members.get(relation=Relation.SELF)
    rows = [
        (
            applicant,
            "hukou",
            {"name": name, "hukou_address": "珠海市香洲区翠香街道", "registered_on": "2021-08-01"},
        ),
        (
            applicant,
            "education",
            {"degree": "硕士研究生", "school": "华南理工大学", "graduated_on": "2021-06-30"},
        ),
        (
            applicant,
            "talent",
            {"category": "青年优秀人才", "certified_on": "2024-07-01", "valid_until": "2029-06-30"},
        ),
        (
            applicant,
            "social_insurance",
            {
                "employer": "珠海某集成电路有限公司",
                "monthly_base": "10000",
                "months_paid": 30,
                "is_active": True,
            },
        ),
    ]
    if flawed:
        rows.append(
            (
                applicant,
                "real_estate",
                {
                    "certificate_number": "粤(2023)珠海市不动产权第0088123号",
                    "address": "珠海市香洲区某花园2栋1803",
                    "floor_area": "89.00",
                },
            )
        )
    _add_mirror_rows(rows, datasets)
    return family


def _seed_talent_cases(datasets: dict[str, Dataset]) -> None:
    from housing.accounts.models import User

    from ..applications import application_create, application_transition
    from .mapping import guarantee_mode_for
    from .services import application_submission_process

    actor = User.objects.filter(username=CARETAKER).first()
    if (
        actor is None
        or guarantee_mode_for(project_code="rencai", mode_code="rent_subsidy", region_code=TALENT_REGION)
        is None
    ):
        return  # the accounts or the rules seeder has not run
    for name, body, flawed in TALENT_CASES:
        family = _talent_family(name, body, flawed, actor, datasets)
        if family is None:
            continue
        try:
            application = application_create(
                family=family, project_code="rencai", mode_code="rent_subsidy", actor=actor
            )
            application_transition(
                application=application,
                actor=actor,
                name="submit",
                opinion="人才住房补贴申请，材料齐全，提交。",
            )
        except (ValidationError, PermissionDenied):
            continue
        # Here and now rather than after the seeder's commit, so the demo is in its final state at once (the
        # job scheduled by the submission finds this run and does nothing more).
        application_submission_process(application_id=application.pk)


def _check_submitted_cases() -> None:
    from housing.accounts.system import system_actor

    from .services import check_run_create, check_run_execute

    system = system_actor()
    unchecked = (
        Application.objects.exclude(state__in=[ApplicationState.DRAFT, ApplicationState.WITHDRAWN])
        .filter(check_runs__isnull=True)
        .order_by("receipt_number")
    )
    for application in unchecked:
        run = check_run_create(application=application, trigger=CheckTrigger.SUBMISSION, actor=system)
        check_run_execute(run=run)


def seed_demo_checks() -> list:
    """DEMO_SEEDERS entry (after the exchange and the demo cases): prints no accounts."""
    datasets_sync()
    datasets = {d.code: d for d in Dataset.objects.all()}
    _seed_case_mirror(datasets)
    _seed_talent_cases(datasets)
    _check_submitted_cases()
    return []
