"""What the family declared against what a department holds, dataset by dataset (issue 4 part 5).

Each comparator takes the family's context, one member and the department's answer about that member, and
returns the outcome with both values as a reviewer reads them. The rule throughout: where the department's
data contradicts the declaration beyond a stated tolerance, the outcome is 不一致; where the department has
nothing and the declaration is "nothing" (no property, not 低保 …) the two agree (一致); where the department
has nothing but the declaration claims something, nobody can tell (无记录).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from rules.factors import format_number

from ..models import (
    ApplicationAsset,
    AssetCategory,
    Education,
    Family,
    FamilyMember,
    HukouType,
    MaritalStatus,
    Relation,
)
from .mapping import VEHICLE_VALUE_FIELDS
from .models import CheckOutcome

OUT = CheckOutcome


@dataclass
class Lookup:
    """One dataset's answer about one member, as the adapter gave it."""

    records: list[dict]
    adapter: str
    source: str
    checked_at: datetime.datetime
    error: str = ""
    source_date: datetime.date | None = None

    @property
    def failed(self) -> bool:
        return bool(self.error)

    @property
    def found(self) -> bool:
        return not self.error and bool(self.records)


@dataclass
class FamilyContext:
    family: Family
    members: list[FamilyMember]
    assets: list[ApplicationAsset]
    lookups: dict[tuple[int, str], Lookup]
    datasets: dict[str, Any]  # code → exchange Dataset
    special_group: str
    on_date: datetime.date
    tolerances: dict[str, Decimal]
    _cache: dict[str, Any] = field(default_factory=dict)

    def lookup(self, member: FamilyMember, code: str) -> Lookup | None:
        return self.lookups.get((member.pk, code))

    def others_found(self, code: str) -> list[FamilyMember]:
        return [m for m in self.members if (lk := self.lookup(m, code)) is not None and lk.found]


@dataclass(frozen=True)
class Comparison:
    outcome: str
    declared: str
    department: str
    note: str = ""


# --- value helpers --------------------------------------------------------------------------------


def dec(value: Any) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return result if result.is_finite() else None


def money(value: Decimal) -> str:
    return f"{format_number(value)} 元"


def area(value: Decimal) -> str:
    return f"{format_number(value)} m²"


def as_date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def describe_records(dataset, records: list[dict]) -> str:
    """Every record's fields as "label：value", records separated by " | " (the generic department value)."""
    fields = dataset.fields if dataset is not None else []
    labels = {f["name"]: f.get("label") or f["name"] for f in fields}
    parts = []
    for record in records:
        values = record.get("values") or {}
        items = []
        for name, value in values.items():
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                value = _("是") if value else _("否")
            items.append(f"{labels.get(name, name)}：{value}")
        parts.append("，".join(items))
    return " | ".join(parts)


def _declared_assets(ctx: FamilyContext, member: FamilyMember, category: str) -> tuple[int, Decimal]:
    rows = [a for a in ctx.assets if a.category == category and a.owner_name.strip() == member.name]
    return sum(a.quantity for a in rows), sum((a.total_value for a in rows), Decimal("0"))


def _income_tolerance(ctx: FamilyContext, *amounts: Decimal) -> Decimal:
    return max(ctx.tolerances["income_ratio"] * max(amounts), ctx.tolerances["income_amount"])


# --- comparators by dataset -------------------------------------------------------------------------


def compare_income(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    declared = member.annual_income or Decimal("0")
    declared_text = _("年收入 %(v)s") % {"v": money(declared)}
    if not lookup.records:
        if declared == 0:
            return Comparison(OUT.MATCH, declared_text, _("无收入记录"), _("申报无收入，部门亦无收入记录。"))
        return Comparison(
            OUT.NO_RECORD, declared_text, _("无收入记录"), _("部门无该成员的收入记录，无法核对。")
        )
    years = [int(r["values"].get("year") or 0) for r in lookup.records]
    year = max(years)
    income = sum(
        (
            dec(r["values"].get("annual_income")) or Decimal("0")
            for r, y in zip(lookup.records, years, strict=True)
            if y == year
        ),
        Decimal("0"),
    )
    department_text = _("%(year)s 年收入 %(v)s") % {"year": year, "v": money(income)}
    tolerance = _income_tolerance(ctx, declared, income)
    difference = income - declared
    if abs(difference) > tolerance:
        return Comparison(
            OUT.MISMATCH,
            declared_text,
            department_text,
            _("申报比部门记录%(dir)s %(diff)s，超过容差 %(tol)s。")
            % {
                "dir": _("少") if difference > 0 else _("多"),
                "diff": money(abs(difference)),
                "tol": money(tolerance),
            },
        )
    return Comparison(
        OUT.MATCH, declared_text, department_text, _("相差在容差 %(tol)s 以内。") % {"tol": money(tolerance)}
    )


def compare_social_insurance(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    declared = member.annual_income or Decimal("0")
    declared_text = _("年收入 %(v)s") % {"v": money(declared)}
    if member.employer:
        declared_text += _("，工作单位 %(e)s") % {"e": member.employer}
    if not lookup.records:
        return Comparison(OUT.NO_RECORD, declared_text, _("无参保记录"), _("部门无该成员的参保记录。"))
    active = [r for r in lookup.records if r["values"].get("is_active") is not False] or lookup.records
    best = max(active, key=lambda r: dec(r["values"].get("monthly_base")) or Decimal("0"))
    base = dec(best["values"].get("monthly_base")) or Decimal("0")
    months = max(int(r["values"].get("months_paid") or 0) for r in active)
    yearly = base * 12
    department_text = _("参保单位 %(e)s，缴费基数 %(b)s/月（折合年 %(y)s），连续缴费 %(m)s 个月") % {
        "e": best["values"].get("employer") or "—",
        "b": money(base),
        "y": money(yearly),
        "m": months,
    }
    # A contribution base is a floor set by policy, so only income declared BELOW it is a contradiction.
    tolerance = _income_tolerance(ctx, declared, yearly)
    if yearly - declared > tolerance:
        return Comparison(
            OUT.MISMATCH,
            declared_text,
            department_text,
            _("申报年收入低于社保缴费基数折算的年收入 %(diff)s，超过容差 %(tol)s。")
            % {"diff": money(yearly - declared), "tol": money(tolerance)},
        )
    return Comparison(OUT.MATCH, declared_text, department_text)


def _property_total(ctx: FamilyContext) -> tuple[Decimal, int]:
    if "property" not in ctx._cache:
        total, count = Decimal("0"), 0
        for m in ctx.others_found("real_estate"):
            for record in ctx.lookup(m, "real_estate").records:
                total += dec(record["values"].get("floor_area")) or Decimal("0")
                count += 1
        ctx._cache["property"] = (total, count)
    return ctx._cache["property"]


def compare_real_estate(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    declared_total = ctx.family.total_floor_area or Decimal("0")
    declared_text = (
        _("家庭申报自有住房 %(a)s") % {"a": area(declared_total)} if declared_total else _("申报无自有住房")
    )
    if not lookup.records:
        if declared_total == 0:
            return Comparison(OUT.MATCH, declared_text, _("无不动产登记"), _("与申报无房相符。"))
        return Comparison(OUT.NO_RECORD, declared_text, _("本人名下无不动产登记"))
    own = [
        f"{r['values'].get('address') or '—'} {area(dec(r['values'].get('floor_area')) or Decimal('0'))}"
        for r in lookup.records
    ]
    family_total, count = _property_total(ctx)
    department_text = _("本人名下 %(n)s 处：%(list)s（全家合计 %(c)s 处 %(t)s）") % {
        "n": len(own),
        "list": "；".join(own),
        "c": count,
        "t": area(family_total),
    }
    if declared_total == 0:
        return Comparison(
            OUT.MISMATCH, declared_text, department_text, _("申报无自有住房，但不动产登记有房产。")
        )
    difference = family_total - declared_total
    if abs(difference) > ctx.tolerances["area"]:
        return Comparison(
            OUT.MISMATCH,
            declared_text,
            department_text,
            _("全家登记面积与申报相差 %(d)s，超过容差 %(t)s。")
            % {"d": area(abs(difference)), "t": area(ctx.tolerances["area"])},
        )
    return Comparison(OUT.MATCH, declared_text, department_text)


def vehicle_value(records: list[dict]) -> Decimal | None:
    values = [dec(r["values"].get(name)) for r in records for name in VEHICLE_VALUE_FIELDS]
    known = [v for v in values if v is not None]
    return sum(known, Decimal("0")) if known else None


def compare_vehicle(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    count, value = _declared_assets(ctx, member, AssetCategory.VEHICLE)
    declared_text = (
        _("申报车辆 %(n)s 辆，价值 %(v)s") % {"n": count, "v": money(value)} if count else _("申报无车辆")
    )
    if not lookup.records:
        if count == 0:
            return Comparison(OUT.MATCH, declared_text, _("无车辆登记"), _("与申报无车相符。"))
        return Comparison(OUT.NO_RECORD, declared_text, _("无车辆登记"))
    plates = "、".join(str(r["values"].get("plate_number") or "—") for r in lookup.records)
    department_value = vehicle_value(lookup.records)
    department_text = _("登记车辆 %(n)s 辆（%(p)s）") % {"n": len(lookup.records), "p": plates}
    if department_value is not None:
        department_text += _("，价值 %(v)s") % {"v": money(department_value)}
    if len(lookup.records) > count:
        return Comparison(
            OUT.MISMATCH,
            declared_text,
            department_text,
            _("申报 %(a)s 辆，车辆登记 %(b)s 辆。") % {"a": count, "b": len(lookup.records)},
        )
    if department_value is not None and department_value > value * (1 + ctx.tolerances["vehicle_ratio"]):
        return Comparison(
            OUT.MISMATCH, declared_text, department_text, _("登记车辆价值高于申报价值，超过容差。")
        )
    return Comparison(OUT.MATCH, declared_text, department_text)


def compare_business(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    count, value = _declared_assets(ctx, member, AssetCategory.BUSINESS)
    declared_text = (
        _("申报经营性资产 %(n)s 项，价值 %(v)s") % {"n": count, "v": money(value)}
        if count
        else _("申报无经营性资产")
    )
    if not lookup.records:
        if count == 0:
            return Comparison(OUT.MATCH, declared_text, _("无工商登记"))
        return Comparison(OUT.NO_RECORD, declared_text, _("无工商登记"))
    department_text = describe_records(ctx.datasets.get("business"), lookup.records)
    if count == 0:
        return Comparison(OUT.MISMATCH, declared_text, department_text, _("申报无经营性资产，但有工商登记。"))
    return Comparison(OUT.MATCH, declared_text, department_text)


def compare_subsistence(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    declared = ctx.family.is_subsistence_allowance_family
    declared_text = (
        _("申报为最低生活保障家庭（证号 %(n)s）") % {"n": ctx.family.subsistence_certificate_number or "—"}
        if declared
        else _("申报非最低生活保障家庭")
    )
    if lookup.records:
        department_text = _("在低保/特困名单：%(d)s") % {
            "d": describe_records(ctx.datasets.get("subsistence"), lookup.records)
        }
        if declared:
            return Comparison(OUT.MATCH, declared_text, department_text)
        return Comparison(
            OUT.MISMATCH, declared_text, department_text, _("未申报低保，但在低保/特困名单中。")
        )
    if not declared:
        return Comparison(OUT.MATCH, declared_text, _("不在低保/特困名单"))
    if ctx.others_found("subsistence"):
        return Comparison(OUT.NO_RECORD, declared_text, _("本人不在名单（家庭其他成员在名单中）"))
    return Comparison(
        OUT.MISMATCH, declared_text, _("不在低保/特困名单"), _("申报为低保家庭，但全家均不在低保/特困名单。")
    )


def _declares_talent(ctx: FamilyContext, member: FamilyMember) -> bool:
    # Applying for a 高层次人才 project is itself the applicant's declaration of being a talent.
    return member.is_introduced_talent or (member.relation == Relation.SELF and ctx.special_group == "talent")


def talent_records_valid(records: list[dict], on_date: datetime.date) -> list[dict]:
    return [
        r for r in records if (until := as_date(r["values"].get("valid_until"))) is None or until >= on_date
    ]


def compare_talent(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    declared = _declares_talent(ctx, member)
    declared_text = _("申报为人才") if declared else _("未申报为人才")
    valid = talent_records_valid(lookup.records, ctx.on_date)
    department_text = (
        describe_records(ctx.datasets.get("talent"), lookup.records) if lookup.records else _("不在人才名单")
    )
    if declared and valid:
        return Comparison(OUT.MATCH, declared_text, department_text)
    if declared:
        note = _("人才认定已过期。") if lookup.records else _("申报为人才，但不在人才名单。")
        return Comparison(OUT.MISMATCH, declared_text, department_text, note)
    if valid:
        return Comparison(OUT.MISMATCH, declared_text, department_text, _("在人才名单中，但未申报为人才。"))
    return Comparison(OUT.MATCH, declared_text, department_text)


# 学历 as the rules engine's ``education`` choice codes.
DECLARED_EDUCATION = {
    Education.POSTGRADUATE: {"master", "doctorate"},
    Education.BACHELOR: {"bachelor"},
    Education.COLLEGE: {"college"},
    Education.SECONDARY_VOCATIONAL: {"secondary"},
    Education.HIGH_SCHOOL: {"secondary"},
    Education.JUNIOR_HIGH: {"secondary"},
    Education.PRIMARY: {"secondary"},
    Education.NONE: {"none", "secondary"},
}
EDUCATION_RANK = {"none": 0, "secondary": 1, "college": 2, "bachelor": 3, "master": 4, "doctorate": 5}


def degree_code(text: str) -> str:
    """A department's 学历 wording as the engine's code (博士研究生 → doctorate …)."""
    text = text or ""
    if "博士" in text:
        return "doctorate"
    if "硕士" in text or "研究生" in text:
        return "master"
    if "本科" in text or "学士" in text:
        return "bachelor"
    if "专科" in text or "大专" in text:
        return "college"
    return "secondary"


def highest_degree(records: list[dict]) -> str | None:
    codes = [degree_code(str(r["values"].get("degree") or "")) for r in records]
    return max(codes, key=EDUCATION_RANK.__getitem__) if codes else None


def compare_education(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    declared_text = member.get_education_display() if member.education else _("未申报文化程度")
    if not lookup.records:
        return Comparison(OUT.NO_RECORD, declared_text, _("无学历记录"))
    department_text = describe_records(ctx.datasets.get("education"), lookup.records)
    if not member.education:
        return Comparison(OUT.MATCH, declared_text, department_text, _("未申报文化程度，以部门记录为准。"))
    if highest_degree(lookup.records) in DECLARED_EDUCATION.get(member.education, set()):
        return Comparison(OUT.MATCH, declared_text, department_text)
    return Comparison(OUT.MISMATCH, declared_text, department_text, _("申报文化程度与学历记录不符。"))


def compare_hukou(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    declared_text = member.name
    if member.hukou_type:
        declared_text += f"，{member.get_hukou_type_display()}"
    if not lookup.records:
        if member.hukou_type == HukouType.NONE_LOCAL:
            return Comparison(OUT.MATCH, declared_text, _("无本市户籍"), _("与申报非本地户籍相符。"))
        return Comparison(OUT.NO_RECORD, declared_text, _("无本市户籍记录"))
    record = lookup.records[0]["values"]
    department_text = describe_records(ctx.datasets.get("hukou"), lookup.records[:1])
    if (record.get("name") or "").strip() != member.name.strip():
        return Comparison(OUT.MISMATCH, declared_text, department_text, _("户籍姓名与申报姓名不符。"))
    if member.hukou_type == HukouType.NONE_LOCAL:
        return Comparison(
            OUT.MISMATCH, declared_text, department_text, _("申报非本地户籍，但有本市户籍记录。")
        )
    return Comparison(OUT.MATCH, declared_text, department_text)


def compare_residence_permit(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    non_local = member.hukou_type == HukouType.NONE_LOCAL
    declared_text = _("非本地户籍") if non_local else (member.get_hukou_type_display() or _("未申报户口性质"))
    if not lookup.records:
        if non_local:
            return Comparison(OUT.NO_RECORD, declared_text, _("无居住证记录"))
        return Comparison(OUT.MATCH, declared_text, _("无居住证记录"), _("本地户籍无需居住证。"))
    department_text = describe_records(ctx.datasets.get("residence_permit"), lookup.records)
    valid = [
        r
        for r in lookup.records
        if (u := as_date(r["values"].get("valid_until"))) is None or u >= ctx.on_date
    ]
    if non_local and not valid:
        return Comparison(OUT.MISMATCH, declared_text, department_text, _("居住证已过期。"))
    return Comparison(OUT.MATCH, declared_text, department_text)


MARITAL_WORDS = {
    MaritalStatus.UNMARRIED: ("未婚",),
    MaritalStatus.MARRIED: ("已婚", "初婚", "再婚", "复婚"),
    MaritalStatus.WIDOWED: ("丧偶",),
    MaritalStatus.DIVORCED: ("离婚", "离异"),
}


def marital_code(text: str) -> str | None:
    for code, words in MARITAL_WORDS.items():
        if any(word in (text or "") for word in words):
            return code
    return None


def compare_marriage(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    declared_text = member.get_marital_status_display() if member.marital_status else _("未申报婚姻状况")
    if not lookup.records:
        if member.marital_status == MaritalStatus.UNMARRIED:
            return Comparison(OUT.MATCH, declared_text, _("无婚姻登记"), _("与申报未婚相符。"))
        return Comparison(OUT.NO_RECORD, declared_text, _("无婚姻登记"))
    department_text = describe_records(ctx.datasets.get("marriage"), lookup.records)
    newest = max(lookup.records, key=lambda r: str(r["values"].get("registered_on") or ""))
    department_code = marital_code(str(newest["values"].get("marital_status") or ""))
    if member.marital_status and department_code and member.marital_status != department_code:
        return Comparison(OUT.MISMATCH, declared_text, department_text, _("申报婚姻状况与婚姻登记不符。"))
    return Comparison(OUT.MATCH, declared_text, department_text)


def compare_housing_fund(ctx: FamilyContext, member: FamilyMember, lookup: Lookup) -> Comparison:
    declared = member.has_housing_provident_fund
    declared_text = _("享受住房公积金") if declared else _("申报无住房公积金")
    if not lookup.records:
        if declared:
            return Comparison(OUT.NO_RECORD, declared_text, _("无缴存记录"))
        return Comparison(OUT.MATCH, declared_text, _("无缴存记录"))
    department_text = describe_records(ctx.datasets.get("housing_fund"), lookup.records)
    if not declared:
        return Comparison(OUT.MISMATCH, declared_text, department_text, _("申报无住房公积金，但有缴存记录。"))
    return Comparison(OUT.MATCH, declared_text, department_text)


def compare_generic(ctx: FamilyContext, member: FamilyMember, lookup: Lookup, code: str) -> Comparison:
    """A dataset the family record has no counterpart for (职称, a city's own datasets): shown for reference."""
    declared_text = _("申报表无此项")
    if not lookup.records:
        return Comparison(OUT.NO_RECORD, declared_text, _("无记录"))
    return Comparison(
        OUT.MATCH, declared_text, describe_records(ctx.datasets.get(code), lookup.records), _("仅供参考。")
    )


COMPARATORS: dict[str, Callable[[FamilyContext, FamilyMember, Lookup], Comparison]] = {
    "income": compare_income,
    "social_insurance": compare_social_insurance,
    "real_estate": compare_real_estate,
    "vehicle": compare_vehicle,
    "business": compare_business,
    "subsistence": compare_subsistence,
    "talent": compare_talent,
    "education": compare_education,
    "hukou": compare_hukou,
    "residence_permit": compare_residence_permit,
    "marriage": compare_marriage,
    "housing_fund": compare_housing_fund,
}


def compare(ctx: FamilyContext, member: FamilyMember, code: str, lookup: Lookup) -> Comparison:
    comparator = COMPARATORS.get(code) or (lambda c, m, lk: compare_generic(c, m, lk, code))
    if lookup.failed:
        # The declaration is still shown, so the reviewer knows what the unanswered question was.
        asked = Lookup(records=[], adapter=lookup.adapter, source=lookup.source, checked_at=lookup.checked_at)
        return Comparison(OUT.FAILED, comparator(ctx, member, asked).declared, "—", lookup.error)
    return comparator(ctx, member, lookup)
