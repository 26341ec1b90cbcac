"""Family register services: derived figures, one person in one family, removal as a state, encryption."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from housing.accounts.identity import id_number_digest
from housing.audit.models import AuditAction, AuditEvent

from ..models import Family, FamilyMember, MemberStatus, Relation
from ..selectors import family_find_by_id_number
from ..services import family_member_add, family_member_remove, family_update
from .conftest import COMMUNITY_A1, COMMUNITY_A2, COMMUNITY_B
from .factories import id_number, make_family

pytestmark = pytest.mark.django_db


def test_applicant_becomes_the_head_and_figures_follow_the_members(filer):
    family = make_family(actor=filer, region_code=COMMUNITY_A1, members=2, income=Decimal("10000.00"))
    head = family.members.get(relation=Relation.SELF)
    assert head.name == family.applicant_name and head.id_number == family.id_number
    assert family.household_size == 3
    assert family.total_income == Decimal("20000.00")
    # 20000 / 3 = 6666.666… → 6666.67, rounded half-up once at the end.
    assert family.per_capita_income == Decimal("6666.67")


def test_per_capita_area_is_rounded_half_up(filer):
    family = make_family(actor=filer, region_code=COMMUNITY_A1, members=1, total_floor_area=Decimal("40.05"))
    assert family.per_capita_floor_area == Decimal("20.03")  # 20.025 → 20.03


def test_removing_a_member_is_a_state_with_reason_and_recounts(filer):
    family = make_family(actor=filer, region_code=COMMUNITY_A1, members=1, income=Decimal("5000.00"))
    son = family.members.exclude(relation=Relation.SELF).get()
    family_member_remove(member=son, actor=filer, reason="迁出")
    son.refresh_from_db()
    family.refresh_from_db()
    assert son.status == MemberStatus.REMOVED and son.removal_reason == "迁出" and son.removed_by == filer
    assert FamilyMember.objects.filter(pk=son.pk).exists()
    assert family.household_size == 1 and family.total_income == Decimal("0.00")


def test_the_applicant_cannot_be_removed_and_a_reason_is_required(filer):
    family = make_family(actor=filer, region_code=COMMUNITY_A1, members=1)
    with pytest.raises(ValidationError, match="申请人本人不能从家庭中移除"):
        family_member_remove(member=family.members.get(relation=Relation.SELF), actor=filer, reason="x")
    with pytest.raises(ValidationError, match="请填写移除原因"):
        family_member_remove(
            member=family.members.exclude(relation=Relation.SELF).get(), actor=filer, reason=" "
        )


def test_a_person_is_in_one_family_only_across_districts(filer):
    shared = id_number()
    make_family(actor=filer, region_code=COMMUNITY_B, id_number=shared)
    other = make_family(actor=filer, region_code=COMMUNITY_A1)
    with pytest.raises(ValidationError) as excinfo:
        family_member_add(
            family=other,
            actor=filer,
            data={"relation": Relation.SPOUSE, "name": "重复者", "id_number": shared},
        )
    message = excinfo.value.message_dict["id_number"][0]
    # The refusal names the other family's region, never its people.
    assert "白藤第一社区" in message and "梁" not in message and "张三" not in message


def test_a_removed_member_may_join_another_family(filer):
    first = make_family(actor=filer, region_code=COMMUNITY_A1, members=1)
    son = first.members.exclude(relation=Relation.SELF).get()
    family_member_remove(member=son, actor=filer, reason="分户")
    second = make_family(actor=filer, region_code=COMMUNITY_A2)
    member = family_member_add(
        family=second,
        actor=filer,
        data={"relation": Relation.SON, "name": son.name, "id_number": son.id_number},
    )
    assert member.is_active


def test_caseworker_files_only_inside_their_street(street_caseworker):
    with pytest.raises(ValidationError) as excinfo:
        make_family(actor=street_caseworker, region_code=COMMUNITY_A2)
    assert "只能在本人管辖的区划内登记家庭" in excinfo.value.message_dict["region_code"][0]
    assert not Family.objects.exists()


def test_birth_date_and_sex_come_from_the_id_number(filer):
    family = make_family(actor=filer, region_code=COMMUNITY_A1)
    member = family_member_add(
        family=family,
        actor=filer,
        data={"relation": Relation.DAUGHTER, "name": "小女", "id_number": id_number(birth="20120304", seq=2)},
    )
    assert str(member.birth_date) == "2012-03-04" and member.get_sex_display() == "女"
    with pytest.raises(ValidationError) as excinfo:
        family_member_add(
            family=family,
            actor=filer,
            data={"relation": Relation.SON, "name": "错", "id_number": id_number(seq=3), "sex": "2"},
        )
    assert "性别与身份证件号码不一致" in excinfo.value.message_dict["sex"][0]


def test_id_numbers_are_encrypted_at_rest_with_a_digest_and_a_mask(filer):
    clear = id_number()
    family = make_family(actor=filer, region_code=COMMUNITY_A1, id_number=clear, members=1)
    member_clear = family.members.exclude(relation=Relation.SELF).get().id_number
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_digest, id_number_masked FROM admission_family WHERE id = %s",
            [family.pk],
        )
        stored, digest, masked = cursor.fetchone()
        cursor.execute("SELECT id_number FROM admission_familymember WHERE family_id = %s", [family.pk])
        member_columns = [row[0] for row in cursor.fetchall()]
        cursor.execute("SELECT id_number FROM admission_historicalfamily WHERE id = %s", [family.pk])
        history_columns = [row[0] for row in cursor.fetchall()]
    assert clear not in stored and stored.startswith("gAAAAA")
    assert all(clear not in value and member_clear not in value for value in member_columns + history_columns)
    assert digest == id_number_digest(clear)
    assert masked == clear[:4] + "*" * 10 + clear[-4:]
    assert Family.objects.get(pk=family.pk).id_number == clear  # the application reads it back


def test_lookup_by_id_number_uses_the_digest_and_the_scope(filer, street_caseworker, other_street_caseworker):
    family = make_family(actor=filer, region_code=COMMUNITY_A1, members=1)
    son_id = family.members.exclude(relation=Relation.SELF).get().id_number
    assert list(family_find_by_id_number(user=street_caseworker, id_number=family.id_number)) == [family]
    assert list(family_find_by_id_number(user=street_caseworker, id_number=son_id.lower())) == [family]
    assert not family_find_by_id_number(user=other_street_caseworker, id_number=family.id_number).exists()
    assert not family_find_by_id_number(user=street_caseworker, id_number="123").exists()


def test_audit_trail_and_history_never_hold_the_clear_number(filer):
    clear = id_number()
    family = make_family(actor=filer, region_code=COMMUNITY_A1, id_number=clear)
    new = id_number()
    family_update(family=family, actor=filer, data={"id_number": new, "phone": "13912345678"})
    events = AuditEvent.objects.filter(object_type="admission.family", object_id=str(family.pk))
    assert events.filter(action=AuditAction.UPDATE).exists()
    text = str(list(events.values_list("changes", flat=True)))
    assert clear not in text and new not in text and "13912345678" not in text
    family.refresh_from_db()
    assert family.members.get(relation=Relation.SELF).id_number == new
