"""The rules engine's facts as the departments state them (issue 4 part 6: "evaluated on department data").

``department_facts`` turns one run's answers into factor values; a dataset that could not be asked
(查询失败) gives no fact, so the engine sees it as unknown rather than as a pass. Facts no department
holds (已享受住房保障 …) stay the family's declaration.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..models import Application, Family, FamilyMember, MemberStatus, Relation
from .compare import as_date, dec, highest_degree, marital_code, talent_records_valid, vehicle_value
from .models import CheckOutcome, CheckRunStatus, DepartmentCheck

CENT = Decimal("0.01")
MARITAL_FACTOR = {"10": "single", "20": "married", "30": "widowed", "40": "divorced"}


def _title_code(text: str) -> str:
    if "高级" in text or "正高" in text or "副高" in text:
        return "senior"
    if "中级" in text:
        return "intermediate"
    if "初级" in text or "员级" in text or "助理" in text:
        return "junior"
    return "none"


def _full_years(start: datetime.date, on_date: datetime.date) -> int:
    return on_date.year - start.year - ((on_date.month, on_date.day) < (start.month, start.day))


def _member_income(member: FamilyMember, checks: dict[str, DepartmentCheck]) -> Decimal:
    """个税 where the tax office has the member, else the 社保 base × 12, else what the family declared."""
    income = checks.get("income")
    if income is not None and income.department_records:
        year = max(int(r["values"].get("year") or 0) for r in income.department_records)
        return sum(
            (
                dec(r["values"].get("annual_income")) or Decimal("0")
                for r in income.department_records
                if int(r["values"].get("year") or 0) == year
            ),
            Decimal("0"),
        )
    insurance = checks.get("social_insurance")
    if insurance is not None and insurance.department_records:
        base = max(dec(r["values"].get("monthly_base")) or Decimal("0") for r in insurance.department_records)
        return base * 12
    return member.annual_income or Decimal("0")


def department_facts(
    *, family: Family, members: list[FamilyMember], checks: Iterable[DepartmentCheck], on_date: datetime.date
) -> dict[str, Any]:
    """Factor values established by one run's checks (see the module docstring)."""
    by_member: dict[int, dict[str, DepartmentCheck]] = {}
    asked: set[str] = set()
    failed: set[str] = set()
    for check in checks:
        by_member.setdefault(check.member_id, {})[check.dataset_code] = check
        asked.add(check.dataset_code)
        if check.outcome == CheckOutcome.FAILED:
            failed.add(check.dataset_code)
    usable = asked - failed
    active = [m for m in members if m.status == MemberStatus.ACTIVE]
    applicant = next((m for m in active if m.relation == Relation.SELF), None)
    size = len(active)

    def records(member: FamilyMember | None, code: str) -> list[dict]:
        if member is None:
            return []
        check = by_member.get(member.pk, {}).get(code)
        return check.department_records if check is not None else []

    facts: dict[str, Any] = {}
    if not family.has_received_housing_support:
        # A family that never received housing support has received no month of the talent subsidy.
        facts["talent_subsidy_months_received"] = 0
    if size and {"income", "social_insurance"} & asked and not {"income", "social_insurance"} & failed:
        total = sum((_member_income(m, by_member.get(m.pk, {})) for m in active), Decimal("0"))
        annual = (total / size).quantize(CENT, ROUND_HALF_UP)
        facts["per_capita_annual_income"] = annual
        facts["per_capita_monthly_income"] = (total / size / 12).quantize(CENT, ROUND_HALF_UP)
    if size and "real_estate" in usable:
        properties = [r for m in active for r in records(m, "real_estate")]
        total_area = sum(
            (dec(r["values"].get("floor_area")) or Decimal("0") for r in properties), Decimal("0")
        )
        facts["owns_property_in_city"] = bool(properties)
        facts["owns_other_property"] = bool(properties)
        facts["per_capita_floor_area"] = (total_area / size).quantize(CENT, ROUND_HALF_UP)
    if "subsistence" in usable:
        categories = [
            str(r["values"].get("category") or "") for m in active for r in records(m, "subsistence")
        ]
        facts["is_dibao"] = any("低保" in c for c in categories)
        facts["is_tekun"] = any("特困" in c for c in categories)
    if "vehicle" in usable:
        # A value only when every registered vehicle has one (the reference schema has no value field).
        values = [vehicle_value(r) for m in active if (r := records(m, "vehicle"))]
        if all(v is not None for v in values):
            facts["vehicle_value"] = sum(values, Decimal("0"))
    if applicant is not None:
        if "talent" in usable:
            facts["on_talent_list"] = bool(talent_records_valid(records(applicant, "talent"), on_date))
        if "education" in usable and (degree := highest_degree(records(applicant, "education"))):
            facts["education"] = degree
        if "hukou" in usable and (hukou := records(applicant, "hukou")):
            registered = as_date(hukou[0]["values"].get("registered_on"))
            if registered is not None:
                facts["hukou_date"] = registered
                facts["local_hukou_years"] = Decimal(_full_years(registered, on_date))
        if "social_insurance" in usable:
            insured = [
                r for r in records(applicant, "social_insurance") if r["values"].get("is_active") is not False
            ]
            facts["social_insurance_months"] = max(
                (int(r["values"].get("months_paid") or 0) for r in insured), default=0
            )
        if "marriage" in usable and (marriage := records(applicant, "marriage")):
            newest = max(marriage, key=lambda r: str(r["values"].get("registered_on") or ""))
            code = marital_code(str(newest["values"].get("marital_status") or ""))
            if code in MARITAL_FACTOR:
                facts["marital_status"] = MARITAL_FACTOR[code]
        if "title" in usable and (titles := records(applicant, "title")):
            ranks = {"none": 0, "junior": 1, "intermediate": 2, "senior": 3}
            facts["professional_title"] = max(
                (
                    _title_code(f"{r['values'].get('title') or ''}{r['values'].get('level') or ''}")
                    for r in titles
                ),
                key=ranks.__getitem__,
            )
    return facts


def facts_as_json(facts: dict[str, Any]) -> dict[str, str]:
    return {code: str(value) for code, value in sorted(facts.items())}


class DepartmentFactsProvider:
    """Registered with ``rules.factors`` after admission's own provider: it only fills facts the family
    record cannot establish (学历, 社保月数, 本市有无住房 …) from the application's latest finished run, so the
    proposed plan (拟保障方案) of any case uses what the departments said."""

    code = "admission.department_checks"

    def accepts(self, subject: Any) -> bool:
        return isinstance(subject, Application)

    def facts(self, subject: Application, *, on_date: datetime.date) -> dict[str, Any]:
        run = subject.check_runs.filter(status=CheckRunStatus.DONE).order_by("-number").first()
        if run is None:
            return {}
        checks = list(
            run.checks.only("run_id", "member_id", "dataset_code", "outcome", "department_records").order_by(
                "pk"
            )
        )
        members = list(subject.family.members.all())
        return department_facts(family=subject.family, members=members, checks=checks, on_date=on_date)
