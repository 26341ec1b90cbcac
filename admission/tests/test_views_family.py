"""Back-office pages: intake form errors, masked display, audited reveal, masked export, admin scope."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from housing.audit.models import AuditAction, AuditEvent

from ..models import Family, FamilyMember, Relation
from .conftest import COMMUNITY_A1
from .factories import id_number

pytestmark = pytest.mark.django_db


def _intake(**overrides) -> dict:
    data = {
        "region_code": COMMUNITY_A1,
        "registration_year": "2026",
        "applicant_name": "王窗口",
        "id_type": "resident_id",
        "id_number": id_number(),
        "phone": "13800001111",
        "total_floor_area": "30.00",
        "agent_id_type": "",
    }
    data.update(overrides)
    return data


def _body17_with_check(body17: str) -> str:
    from housing.accounts.demo import demo_id_number

    return demo_id_number(body17)


def test_caseworker_files_a_family_at_the_window(client, street_caseworker):
    client.force_login(street_caseworker)
    response = client.post(reverse("admission:family_create"), _intake())
    family = Family.objects.get()
    assert response.status_code == 302 and response["Location"] == family.get_absolute_url()
    assert family.created_by == street_caseworker and family.household_size == 1


def test_bad_check_digit_is_shown_beside_the_field_and_nothing_saved(client, street_caseworker):
    client.force_login(street_caseworker)
    good = id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(reverse("admission:family_create"), _intake(id_number=bad))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_id_number-error">身份证号码校验位不正确，请核对。' in html
    assert 'value="王窗口"' in html  # what was typed is kept
    assert not Family.objects.exists() and not FamilyMember.objects.exists()


def test_bad_birth_date_is_shown_beside_the_field_and_nothing_saved(client, street_caseworker):
    client.force_login(street_caseworker)
    response = client.post(
        reverse("admission:family_create"), _intake(id_number=_body17_with_check("44040019901332001"))
    )
    assert 'id="id_id_number-error">身份证号码中的出生日期或地区码无效。' in response.content.decode()
    assert not Family.objects.exists()


def test_region_outside_the_caseworkers_street_cannot_be_chosen(client, street_caseworker):
    client.force_login(street_caseworker)
    response = client.post(reverse("admission:family_create"), _intake(region_code="440402002001"))
    assert response.status_code == 200 and "id_region_code-error" in response.content.decode()
    assert not Family.objects.exists()


def test_detail_masks_numbers_and_the_edit_form_does_not_prefill_them(client, street_caseworker, family_a1):
    client.force_login(street_caseworker)
    html = client.get(reverse("admission:family_detail", args=[family_a1.pk])).content.decode()
    assert family_a1.id_number not in html and family_a1.phone not in html
    assert family_a1.id_number_masked in html and "显示" in html
    member = family_a1.members.exclude(relation=Relation.SELF).get()
    assert member.id_number not in html and member.id_number_masked in html
    edit = client.get(reverse("admission:family_edit", args=[family_a1.pk])).content.decode()
    assert family_a1.id_number not in edit and family_a1.phone not in edit


def test_edit_with_blank_numbers_keeps_them(client, street_caseworker, family_a1):
    client.force_login(street_caseworker)
    data = _intake(applicant_name="陈翠香改", id_number="", phone="")
    response = client.post(reverse("admission:family_edit", args=[family_a1.pk]), data)
    assert response.status_code == 302
    family = Family.objects.get(pk=family_a1.pk)
    assert family.applicant_name == "陈翠香改" and family.id_number == family_a1.id_number
    assert family.phone == family_a1.phone


def test_member_form_error_is_beside_the_field_and_nothing_saved(client, street_caseworker, family_a1):
    client.force_login(street_caseworker)
    before = FamilyMember.objects.count()
    response = client.post(
        reverse("admission:member_add", args=[family_a1.pk]),
        {
            "relation": "spouse",
            "name": "配偶",
            "id_type": "resident_id",
            "id_number": "123",
            "annual_income": "0",
        },
    )
    assert 'id="id_id_number-error">身份证号码应为18位。' in response.content.decode()
    assert FamilyMember.objects.count() == before


def test_member_add_and_remove_through_the_pages(client, street_caseworker, family_a1):
    client.force_login(street_caseworker)
    response = client.post(
        reverse("admission:member_add", args=[family_a1.pk]),
        {
            "relation": "spouse",
            "name": "配偶",
            "id_type": "resident_id",
            "id_number": id_number(),
            "annual_income": "1200.50",
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 302
    spouse = family_a1.members.get(relation=Relation.SPOUSE)
    response = client.post(
        reverse("admission:member_remove", args=[family_a1.pk, spouse.pk]), {"reason": "离婚"}
    )
    assert response.status_code == 302
    spouse.refresh_from_db()
    assert spouse.status == "removed"
    html = client.get(reverse("admission:family_detail", args=[family_a1.pk])).content.decode()
    assert "已移除" in html and "离婚" in html


@pytest.mark.parametrize(
    ("model", "field", "attr"),
    [("admission.family", "id_number", "id_number"), ("admission.family", "phone", "phone")],
)
def test_reveal_shows_the_clear_value_and_is_audited(
    client, street_caseworker, family_a1, model, field, attr
):
    client.force_login(street_caseworker)
    response = client.post(reverse("audit:reveal", args=[model, family_a1.pk, field]))
    assert response.status_code == 200
    assert getattr(family_a1, attr) in response.content.decode()
    event = AuditEvent.objects.get(
        action=AuditAction.VIEW_SENSITIVE, object_type=model, object_id=str(family_a1.pk)
    )
    assert event.actor == street_caseworker and event.changes == {"field": field}


def test_member_reveal_is_audited_and_scoped(client, street_caseworker, other_street_caseworker, family_a1):
    member = family_a1.members.exclude(relation=Relation.SELF).get()
    url = reverse("audit:reveal", args=["admission.familymember", member.pk, "id_number"])
    client.force_login(other_street_caseworker)
    assert client.post(url).status_code == 404
    client.force_login(street_caseworker)
    response = client.post(url)
    assert member.id_number in response.content.decode()
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW_SENSITIVE, object_type="admission.familymember", object_id=str(member.pk)
    ).exists()


def test_reveal_of_another_streets_family_is_404(client, other_street_caseworker, family_a1):
    client.force_login(other_street_caseworker)
    response = client.post(reverse("audit:reveal", args=["admission.family", family_a1.pk, "id_number"]))
    assert response.status_code == 404
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW_SENSITIVE).exists()


def test_export_masks_id_numbers_and_stays_in_scope(client, district_reviewer, families):
    client.force_login(district_reviewer)
    response = client.get(reverse("admission:family_list"), {"export": "xlsx"})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))
    text = str(rows)
    assert rows[0][:2] == ("申请人姓名", "证件号码")
    for key in ("a1", "a2"):
        assert families[key].id_number_masked in text and families[key].id_number not in text
    assert families["b"].applicant_name not in text
    assert AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="admission.family").exists()


def test_search_by_exact_member_id_number_finds_the_family(client, street_caseworker, family_a1):
    client.force_login(street_caseworker)
    son = family_a1.members.exclude(relation=Relation.SELF).get()
    response = client.get(reverse("admission:family_list"), {"q": son.id_number})
    assert [row.pk for row, _v in response.context["rows"]] == [family_a1.pk]
    response = client.get(reverse("admission:family_list"), {"q": "翠香"})
    assert [row.pk for row, _v in response.context["rows"]] == [family_a1.pk]


def test_history_tab_shows_changes_masked(client, street_caseworker, family_a1):
    client.force_login(street_caseworker)
    client.post(
        reverse("admission:family_edit", args=[family_a1.pk]), _intake(id_number="", phone="13977776666")
    )
    html = client.get(reverse("admission:family_detail", args=[family_a1.pk])).content.decode()
    assert "139****6666" in html and "13977776666" not in html


def test_admin_changelist_is_scoped_and_masked(client, street_caseworker, families):
    client.force_login(street_caseworker)
    html = client.get(reverse("admin:admission_family_changelist")).content.decode()
    assert families["a1"].applicant_name in html and families["a1"].id_number_masked in html
    assert families["a1"].id_number not in html
    assert families["a2"].applicant_name not in html and families["b"].applicant_name not in html
    change = client.get(reverse("admin:admission_family_change", args=[families["a1"].pk])).content.decode()
    assert families["a1"].id_number not in change and families["a1"].phone not in change
    member = families["a2"].members.get(relation=Relation.SELF)
    members_html = client.get(reverse("admin:admission_familymember_changelist")).content.decode()
    assert member.name not in members_html


def test_applicants_own_row_edits_income_but_not_identity(client, street_caseworker, family_a1):
    client.force_login(street_caseworker)
    head = family_a1.members.get(relation=Relation.SELF)
    url = reverse("admission:member_edit", args=[family_a1.pk, head.pk])
    page = client.get(url).content.decode()
    assert head.id_number not in page
    response = client.post(
        url,
        {
            "relation": "spouse",
            "name": "别人",
            "id_number": id_number(),
            "annual_income": "8000",
            "ethnicity": "汉族",
        },
    )
    assert response.status_code == 302
    head.refresh_from_db()
    family_a1.refresh_from_db()
    assert head.name == family_a1.applicant_name and head.relation == Relation.SELF
    assert head.id_number == family_a1.id_number
    assert (
        family_a1.total_income
        == head.annual_income + family_a1.members.exclude(pk=head.pk).get().annual_income
    )
