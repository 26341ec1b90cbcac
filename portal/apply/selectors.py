"""Reads of 网上申请: a draft is its owner's alone (anyone else: 404), and the review page's summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from admission.models import ApplicationHousing, AssetCategory, Family, FamilyMember
from housing.regions.models import Region

from .models import ApplicationDraft, DraftStatus
from .services import STEPS, draft_problems, draft_requirements


def draft_get_for_owner(*, user, pk) -> ApplicationDraft:
    """The applicant's own draft; another person's, or none, is the same 404 (existence never leaks)."""
    draft = (
        ApplicationDraft.objects.filter(pk=pk, owner=user).select_related("submitted_application").first()
        if user.is_authenticated
        else None
    )
    if draft is None:
        raise Http404
    return draft


def drafts_open_for_owner(*, user) -> QuerySet[ApplicationDraft]:
    return ApplicationDraft.objects.filter(owner=user, status=DraftStatus.OPEN).order_by("-updated_at")[:20]


def drafts_submitted_for_owner(*, user) -> QuerySet[ApplicationDraft]:
    return (
        ApplicationDraft.objects.filter(owner=user, status=DraftStatus.SUBMITTED)
        .select_related("submitted_application")
        .order_by("-submitted_at")[:20]
    )


def _labels(model, name: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in model._meta.get_field(name).choices or []}


def _yes(value: Any) -> str:
    return "是" if value else "否"


@dataclass
class Section:
    step: str
    title: str
    rows: list[tuple[str, str]] = field(default_factory=list)
    tables: list[tuple[list[str], list[list[str]]]] = field(default_factory=list)


def people_of(draft: ApplicationDraft) -> list[tuple[str, str, dict]]:
    """(key, name, the person's data) of the applicant ("self") and every member, in order."""
    applicant = draft.data.get("applicant", {})
    people = [("self", applicant.get("applicant_name", "") or draft.owner.real_name, applicant)]
    people += [(m["uid"], m.get("name", ""), m) for m in draft.data.get("members", [])]
    return people


def draft_summary(draft: ApplicationDraft) -> list[Section]:
    """Everything entered, step by step, as the review page and the receipt show it (numbers masked)."""
    data = draft.data
    titles = {s.code: s.title for s in STEPS}
    family_verbose = {f.name: str(f.verbose_name) for f in Family._meta.fields}
    member_verbose = {f.name: str(f.verbose_name) for f in FamilyMember._meta.fields}

    choose = Section(
        "choose", titles["choose"], [("保障项目", draft.project_name), ("保障方式", draft.mode_name)]
    )

    applicant = data.get("applicant", {})
    region = Region.objects.filter(code=applicant.get("region_code", "")).first()
    id_types = _labels(Family, "id_type")
    hukou = "".join(
        applicant.get(n, "") for n in ("hukou_county", "hukou_street", "hukou_community", "hukou_road")
    )
    applicant_section = Section(
        "applicant",
        titles["applicant"],
        [
            (family_verbose["applicant_name"], applicant.get("applicant_name", "")),
            (family_verbose["id_type"], id_types.get(applicant.get("id_type", ""), "")),
            (family_verbose["id_number"], (applicant.get("id_number") or {}).get("masked", "")),
            (family_verbose["phone"], applicant.get("phone", "")),
            ("居住地所属街道（社区）", region.full_name() if region else ""),
            ("户籍所在地", hukou),
        ]
        if applicant
        else [],
    )

    relations = _labels(FamilyMember, "relation")
    members = data.get("members", [])
    member_section = Section("members", titles["members"])
    if members:
        member_section.tables.append(
            (
                ["与户主关系", "姓名", "证件号码", "出生日期"],
                [
                    [
                        relations.get(m.get("relation", ""), ""),
                        m.get("name", ""),
                        m["id_number"]["masked"],
                        m.get("birth_date") or "按证件号码",
                    ]
                    for m in members
                ],
            )
        )
    else:
        member_section.rows.append(("家庭成员", "只有申请人本人"))

    income = data.get("income", {})
    employment = _labels(FamilyMember, "employment_status")
    people = income.get("people", {})
    total = Decimal("0")
    income_rows = []
    for key, name, _person in people_of(draft):
        values = people.get(key)
        if values is None:
            income_rows.append([name, "未填写", "", ""])
            continue
        total += Decimal(values.get("annual_income") or "0")
        income_rows.append(
            [
                name,
                f"{Decimal(values.get('annual_income') or '0'):,.2f} 元",
                employment.get(values.get("employment_status", ""), ""),
                values.get("employer", ""),
            ]
        )
    income_section = Section("income", titles["income"])
    income_section.tables.append(([member_verbose["name"], "年收入", "就业情况", "工作单位"], income_rows))
    household = len(people_of(draft))
    income_section.rows.append(("家庭年总收入", f"{total:,.2f} 元"))
    income_section.rows.append(("家庭人均年收入", f"{(total / household):,.2f} 元" if household else ""))
    family_income = income.get("family", {})
    for name in ("is_low_income", "is_subsistence_allowance_family"):
        if name in family_income:
            income_section.rows.append((family_verbose[name], _yes(family_income[name])))

    housing = data.get("housing", {})
    housing_section = Section("housing", titles["housing"])
    housing_family = housing.get("family", {})
    if "total_floor_area" in housing_family:
        housing_section.rows.append(
            (family_verbose["total_floor_area"], f"{housing_family['total_floor_area']} m²")
        )
        housing_section.rows.append(
            (
                family_verbose["has_received_housing_support"],
                _yes(housing_family.get("has_received_housing_support")),
            )
        )
    names = {key: name for key, name, _p in people_of(draft)}
    housing_rows = housing.get("rows", [])
    if housing_rows:
        verbose = {f.name: str(f.verbose_name) for f in ApplicationHousing._meta.fields}
        housing_section.tables.append(
            (
                [verbose["occupancy"], "地址", verbose["floor_area"], "产权人"],
                [
                    [
                        r.get("occupancy", ""),
                        "".join(r.get(n, "") for n in ("address_county", "address_road", "address_number"))
                        + (f"{r['address_building']}座" if r.get("address_building") else "")
                        + (f"{r['address_room']}室" if r.get("address_room") else ""),
                        f"{r.get('floor_area', '')} m²",
                        names.get(r.get("owner", ""), "") or r.get("owner_name", ""),
                    ]
                    for r in housing_rows
                ],
            )
        )

    categories = dict(AssetCategory.choices)
    asset_rows = data.get("assets", {}).get("rows", [])
    asset_section = Section("assets", titles["assets"])
    if asset_rows:
        asset_section.tables.append(
            (
                ["所有人", "资产类别", "数量", "总价值"],
                [
                    [
                        r.get("owner_name", ""),
                        str(categories.get(r.get("category", ""), "")),
                        str(r.get("quantity", "")),
                        f"{Decimal(r.get('total_value') or '0'):,.2f} 元",
                    ]
                    for r in asset_rows
                ],
            )
        )
    else:
        asset_section.rows.append(("家庭资产", "未申报资产"))

    document_section = Section("documents", titles["documents"])
    for requirement in draft_requirements(draft):
        files = draft.documents.get(requirement.code, [])
        if files:
            value = "、".join(f["name"] for f in files)
        else:
            value = "未上传（必须提供）" if requirement.required else "未上传"
        document_section.rows.append((requirement.name, value))

    promise = data.get("promise", {})
    promise_section = Section(
        "promise", titles["promise"], [("申请承诺", "已勾选同意" if promise.get("agreed") else "未勾选")]
    )
    return [
        choose,
        applicant_section,
        member_section,
        income_section,
        housing_section,
        asset_section,
        document_section,
        promise_section,
    ]


def draft_review(draft: ApplicationDraft) -> dict[str, Any]:
    return {"sections": draft_summary(draft), "problems": draft_problems(draft)}
