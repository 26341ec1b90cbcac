"""Writes of the family register (家庭档案). Audit events are automatic (housing.audit signals).

Every service: keyword-only arguments, the acting user passed in, one transaction, ``full_clean()``
before save, a Chinese ``ValidationError`` (keyed by field where a field is to blame) for a broken rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from housing.accounts.scope import code_in_scope
from housing.regions.codes import Level
from housing.regions.models import Region

from .models import Family, FamilyMember, MemberStatus, Relation

CENT = Decimal("0.01")

# What a caseworker may type for a family. The rest is derived (人口数, 收入, 人均) or belongs to
# the review lifecycle (申请编号, 办理阶段, 审核人, 审核时间, 审核状态).
FAMILY_EDITABLE_FIELDS = (
    "region_code",
    "registration_year",
    "applicant_name",
    "id_type",
    "id_number",
    "phone",
    "agent_name",
    "agent_id_type",
    "agent_id_number",
    "agent_phone",
    "hukou_county",
    "hukou_street",
    "hukou_community",
    "hukou_road",
    "hukou_number",
    "hukou_building",
    "hukou_room",
    "total_floor_area",
    "lives_in_shantytown",
    "shantytown_name",
    "shantytown_type",
    "state_shantytown_affiliation",
    "is_low_income",
    "is_subsistence_allowance_family",
    "subsistence_certificate_number",
    "has_received_housing_support",
    "previous_support_mode",
)

MEMBER_EDITABLE_FIELDS = (
    "relation",
    "name",
    "id_type",
    "id_number",
    "hukou_type",
    "hukou_years",
    "is_permanent_resident",
    "sex",
    "birth_date",
    "ethnicity",
    "phone",
    "employment_status",
    "employer",
    "employer_type",
    "occupation_type",
    "education",
    "marital_status",
    "annual_income",
    "special_group_code",
    "disability_type",
    "disability_grade",
    "honour_level",
    "honour_category",
    "medal_category",
    "is_introduced_talent",
    "is_migrant_worker",
    "has_housing_provident_fund",
    "has_had_welfare_housing",
    "receives_housing_subsidy",
    "lives_with_family",
    "income_source",
    "has_criminal_record",
    "pension_insurance_number",
    "medical_insurance_number",
    "unemployment_insurance_number",
    "maternity_insurance_number",
    "injury_insurance_number",
    "combined_insurance_number",
    "provident_fund_account",
    "five_guarantees_certificate_number",
    "hardship_worker_certificate_number",
)

# The applicant's own member row mirrors these family fields (申请人 is the 户主 of A.3.10).
APPLICANT_MEMBER_FIELDS = {
    "applicant_name": "name",
    "id_type": "id_type",
    "id_number": "id_number",
    "phone": "phone",
}


def _assign(instance, data: Mapping[str, Any], allowed: Iterable[str]) -> None:
    allowed = set(allowed)
    unknown = set(data) - allowed
    if unknown:
        # A programming error, not a user's: read-only columns are never written through here.
        raise TypeError(f"not editable here: {', '.join(sorted(unknown))}")
    for name, value in data.items():
        setattr(instance, name, value)


def _check_region(*, actor, region_code: str) -> None:
    """A family belongs to a street or community inside the actor's own scope (window intake)."""
    if not region_code or not code_in_scope(actor, region_code):
        raise ValidationError({"region_code": _("只能在本人管辖的区划内登记家庭。")})
    region = Region.objects.filter(code=region_code, is_active=True).only("level").first()
    if region is None or region.level not in (Level.STREET, Level.COMMUNITY):
        raise ValidationError({"region_code": _("家庭所属区划须为街道或社区。")})


def _check_person_not_elsewhere(*, digest: str, field: str, exclude_family: Family | None) -> None:
    """A person is an active member of one family only, in any region (the seed of 异地重复申请).

    The message names the region of the other family, never its people: that family may lie
    outside the caseworker's scope.
    """
    if not digest:
        return
    others = FamilyMember.objects.filter(id_number_digest=digest, status=MemberStatus.ACTIVE)
    if exclude_family is not None and exclude_family.pk:
        others = others.exclude(family=exclude_family)
    other = others.select_related("family").only("family__region_code").first()
    if other is not None:
        region = Region.objects.filter(code=other.family.region_code).first()
        where = region.full_name() if region is not None else other.family.region_code
        raise ValidationError(
            {field: _("该证件号码已是%(region)s一户家庭的在册成员，不能重复登记。") % {"region": where}}
        )


def _sync_applicant_member(family: Family, *, member: FamilyMember | None = None) -> FamilyMember:
    member = member or FamilyMember(family=family, relation=Relation.SELF)
    if member.id_number != family.id_number:
        # A corrected ID number brings its own birth date and sex (derived again in clean()).
        member.birth_date, member.sex = None, ""
    for family_field, member_field in APPLICANT_MEMBER_FIELDS.items():
        setattr(member, member_field, getattr(family, family_field))
    member.registration_year = family.registration_year
    member.application_number = family.application_number
    return member


def _save_member(member: FamilyMember) -> FamilyMember:
    member.full_clean()
    _check_person_not_elsewhere(
        digest=member.id_number_digest, field="id_number", exclude_family=member.family
    )
    clash = (
        member.family.members.filter(id_number_digest=member.id_number_digest, status=MemberStatus.ACTIVE)
        .exclude(pk=member.pk)
        .exists()
    )
    if clash:
        raise ValidationError({"id_number": _("该证件号码已登记为本户成员。")})
    member.save()
    if not member.member_number:
        # 家庭成员编号: the family's number and a sequence, stable once given.
        member.member_number = f"{member.family_id:08d}-{member.family.members.count():02d}"
        member.save(update_fields=["member_number"])
    return member


def family_recount(*, family: Family) -> Family:
    """家庭人口数, 家庭年总收入 and the per-capita figures, derived from the active members.

    Rounded half-up to the cent / 0.01 m² once, at the end (DESIGN §4 rule 5).
    """
    active = family.members.filter(status=MemberStatus.ACTIVE)
    size = active.count()
    total = active.aggregate(total=Sum("annual_income"))["total"] or Decimal("0")
    family.household_size = size
    family.total_income = total.quantize(CENT, ROUND_HALF_UP)
    if size:
        family.per_capita_income = (total / size).quantize(CENT, ROUND_HALF_UP)
        family.per_capita_floor_area = (family.total_floor_area / size).quantize(CENT, ROUND_HALF_UP)
    else:
        family.per_capita_income = Decimal("0.00")
        family.per_capita_floor_area = Decimal("0.00")
    family.save(
        update_fields=[
            "household_size",
            "total_income",
            "per_capita_income",
            "per_capita_floor_area",
            "updated_at",
        ]
    )
    return family


@transaction.atomic
def family_create(*, actor, data: Mapping[str, Any], members: Iterable[Mapping[str, Any]] = ()) -> Family:
    """File a new family (建档) with the applicant as its 户主 and any further members.

    ``data`` holds the family's editable fields; each of ``members`` a member's editable fields
    (not the applicant: their own row is made from the family's name and ID number).
    """
    family = Family(created_by=actor)
    _assign(family, data, FAMILY_EDITABLE_FIELDS)
    _check_region(actor=actor, region_code=family.region_code)
    family.full_clean()
    _check_person_not_elsewhere(digest=family.id_number_digest, field="id_number", exclude_family=None)
    family.save()
    _save_member(_sync_applicant_member(family))
    for index, member_data in enumerate(members):
        if member_data.get("relation") == Relation.SELF:
            raise ValidationError(_("第%(n)d名成员：申请人本人已自动登记为户主。") % {"n": index + 1})
        member = FamilyMember(family=family, registration_year=family.registration_year)
        _assign(member, member_data, MEMBER_EDITABLE_FIELDS)
        try:
            _save_member(member)
        except ValidationError as exc:
            raise ValidationError(
                [
                    _("第%(n)d名成员：%(error)s") % {"n": index + 1, "error": message}
                    for message in exc.messages
                ]
            ) from exc
    return family_recount(family=family)


@transaction.atomic
def family_update(*, family: Family, actor, data: Mapping[str, Any]) -> Family:
    """Change a family's own facts; the applicant's member row follows its name and ID number."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    old_region = family.region_code
    _assign(family, data, FAMILY_EDITABLE_FIELDS)
    if family.region_code != old_region:
        _check_region(actor=actor, region_code=family.region_code)
    family.full_clean()
    applicant = family.members.filter(relation=Relation.SELF, status=MemberStatus.ACTIVE).first()
    family.save()
    _save_member(_sync_applicant_member(family, member=applicant))
    return family_recount(family=family)


@transaction.atomic
def family_member_add(*, family: Family, actor, data: Mapping[str, Any]) -> FamilyMember:
    """Record one more member (配偶, 子女 …); the family's derived figures follow."""
    family = Family.objects.select_for_update().get(pk=family.pk)
    if data.get("relation") == Relation.SELF:
        raise ValidationError({"relation": _("户主即申请人本人，已在建档时登记。")})
    member = FamilyMember(
        family=family,
        registration_year=family.registration_year,
        application_number=family.application_number,
    )
    _assign(member, data, MEMBER_EDITABLE_FIELDS)
    _save_member(member)
    family_recount(family=family)
    return member


@transaction.atomic
def family_member_update(*, member: FamilyMember, actor, data: Mapping[str, Any]) -> FamilyMember:
    """Correct an active member's facts. The applicant's name and ID number are changed on the family."""
    member = FamilyMember.objects.select_for_update().select_related("family").get(pk=member.pk)
    if not member.is_active:
        raise ValidationError(_("已移除的成员不能修改。"))
    if member.relation == Relation.SELF:
        locked = {"relation", "name", "id_type", "id_number"} & {
            k for k, v in data.items() if v != getattr(member, k)
        }
        if locked:
            raise ValidationError(_("申请人本人的姓名、证件和关系请在家庭基本信息中修改。"))
    elif data.get("relation") == Relation.SELF:
        raise ValidationError({"relation": _("户主即申请人本人，不能把其他成员设为户主。")})
    _assign(member, data, MEMBER_EDITABLE_FIELDS)
    _save_member(member)
    family_recount(family=member.family)
    return member


@transaction.atomic
def family_member_remove(*, member: FamilyMember, actor, reason: str) -> FamilyMember:
    """Take a member off the family (迁出, 死亡, 分户 …): a state with who, when and why, not a DELETE."""
    member = FamilyMember.objects.select_for_update().select_related("family").get(pk=member.pk)
    reason = (reason or "").strip()
    if not member.is_active:
        raise ValidationError(_("该成员已移除。"))
    if member.relation == Relation.SELF:
        raise ValidationError(_("申请人本人不能从家庭中移除。"))
    if not reason:
        raise ValidationError({"reason": _("请填写移除原因。")})
    member.status = MemberStatus.REMOVED
    member.removed_at = timezone.now()
    member.removed_by = actor
    member.removal_reason = reason[:200]
    member.full_clean()
    member.save()
    family_recount(family=member.family)
    return member
