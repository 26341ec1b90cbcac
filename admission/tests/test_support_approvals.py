"""支持对象管理 (A.3.17 / A.3.18): recording, 审核核定 and 不予核定, the city's pages, scope and the standard's fields."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from admission.support_approvals import SupplierPersonApproval, SupplierUnitApproval, SupportApprovalState
from admission.support_views import (
    support_approval_approve,
    support_approval_nodes,
    support_approval_record,
    support_approval_refuse,
)
from conftest import CITY, DISTRICT_A, DISTRICT_B
from rules.models import SupportCondition, SupportMode, SupportProject

from .factories import id_number

APPENDIX_A = Path("/work/shared/cjj196_appendix_a.json")
# The standard's field lists (shared/cjj196_appendix_a.json, which splits nothing in these two tables).
A_3_17 = [
    "审批编号", "单位编号", "单位名称", "项目编号", "项目名称", "申请支持对象类别", "申请支持项目类别", "申请支持方式",
    "申请支持条件编号", "标准额度", "应补贴额度", "应缴纳额度", "核减额度", "申请额度", "申请时间", "核定额度",
    "审核时间", "审核单位",
]  # fmt: skip
A_3_18 = [
    "审批编号", "申请人姓名", "申请人证件类别", "申请人证件证号", "申请支持对象类别", "申请支持项目类别", "申请支持方式",
    "申请支持条件编号", "标准额度", "应补贴额度", "应缴纳额度", "核减额度", "申请额度", "申请时间", "核定额度",
    "审核时间", "审核单位",
]  # fmt: skip


@pytest.fixture
def support_rules(regions):
    """A developer's project (city-wide), a landlord's project (香洲区 only), each with a money mode."""
    developer = SupportProject.objects.create(
        code="ZC-KF", name="保障性住房建设贴息", supplier_type="developer", region_code=CITY
    )
    money = SupportMode.objects.create(code="ZC-KF-HB", project=developer, kind="money")
    SupportCondition.objects.create(code="ZC-KF-HB-01", mode=money, condition="配建保障房不少于10%")
    landlord = SupportProject.objects.create(
        code="ZC-GR", name="个人房源纳入保障性租赁", supplier_type="landlord", region_code=DISTRICT_A
    )
    SupportMode.objects.create(code="ZC-GR-HB", project=landlord, kind="money")
    return {"developer": developer, "landlord": landlord}


@pytest.fixture
def district_a_centre(make_staff):
    """A city-centre role held over 香洲区 only: the scope of a district-run support office."""
    return make_staff("xz_centre", [("city_centre", DISTRICT_A)], is_staff=True)


def unit_data(**overrides):
    data = {
        "region_code": CITY,
        "unit_code": "91440400MA4UL2QK1D",
        "unit_name": "珠海华发城市运营投资控股有限公司",
        "project_number": "XM-2026-0012",
        "project_name": "华发保障房配建项目",
        "support_project_code": "ZC-KF",
        "support_mode": "money",
        "support_condition_code": "ZC-KF-HB-01",
        "standard_amount": Decimal("300.00"),
        "subsidy_due": Decimal("1200000.00"),
        "payable_amount": Decimal("0.00"),
        "deduction_amount": Decimal("50000.00"),
        "requested_amount": Decimal("1150000.00"),
        "applied_at": timezone.now(),
    }
    return {**data, **overrides}


def person_data(**overrides):
    data = {
        "region_code": DISTRICT_A,
        "applicant_name": "林国强",
        "applicant_id_type": "resident_id",
        "applicant_id_number": id_number(birth="19700305"),
        "support_project_code": "ZC-GR",
        "support_mode": "money",
        "support_condition_code": "",
        "standard_amount": Decimal("20.00"),
        "subsidy_due": Decimal("9600.00"),
        "payable_amount": Decimal("0.00"),
        "deduction_amount": Decimal("0.00"),
        "requested_amount": Decimal("9600.00"),
        "applied_at": timezone.now(),
    }
    return {**data, **overrides}


def test_models_carry_every_field_of_a_3_17_and_a_3_18_by_its_exact_name():
    for model, expected in ((SupplierUnitApproval, A_3_17), (SupplierPersonApproval, A_3_18)):
        names = {str(f.verbose_name) for f in model._meta.get_fields() if hasattr(f, "verbose_name")}
        assert set(expected) <= names, set(expected) - names
    if APPENDIX_A.exists():  # the shared copy of Appendix A, where this checkout has it beside it
        tables = {t["clause"]: t["fields"] for t in json.loads(APPENDIX_A.read_text())}
        assert tables["A.3.17"] == A_3_17 and tables["A.3.18"] == A_3_18


def test_city_records_a_unit_application_and_approves_it_with_unit_and_time_stamped(
    support_rules, city_admin
):
    approval = support_approval_record(kind="unit", data=unit_data(), actor=city_admin)
    assert approval.approval_number == f"ZCDW-{timezone.localdate().year}-000001"
    assert approval.state == SupportApprovalState.APPLIED and approval.supplier_type == "developer"
    approved = support_approval_approve(
        approval=approval, actor=city_admin, approved_amount=Decimal("1100000.00"), opinion="按标准核定。"
    )
    approved.refresh_from_db()
    assert approved.state == SupportApprovalState.APPROVED
    assert approved.approved_amount == Decimal("1100000.00")
    assert approved.reviewing_unit == city_admin.organisation.name
    assert approved.reviewed_at is not None and approved.reviewer == city_admin
    nodes = list(support_approval_nodes(approval=approved))
    assert [n.transition for n in nodes[:2]] == ["apply", "approve"]
    assert nodes[1].opinion == "按标准核定。"


def test_an_approved_amount_above_the_requested_one_is_refused_in_chinese_and_nothing_changes(
    support_rules, city_admin
):
    approval = support_approval_record(kind="unit", data=unit_data(), actor=city_admin)
    with pytest.raises(ValidationError) as error:
        support_approval_approve(
            approval=approval, actor=city_admin, approved_amount=Decimal("2000000.00"), opinion="同意。"
        )
    assert "核定额度不能大于申请额度" in str(error.value)
    approval.refresh_from_db()
    assert approval.state == SupportApprovalState.APPLIED and approval.approved_amount is None


def test_a_deduction_larger_than_the_subsidy_due_saves_nothing(support_rules, city_admin):
    with pytest.raises(ValidationError) as error:
        support_approval_record(
            kind="unit", data=unit_data(deduction_amount=Decimal("2000000.00")), actor=city_admin
        )
    assert "核减额度不能大于应补贴额度" in str(error.value)
    assert not SupplierUnitApproval.objects.exists()


def test_a_landlords_project_cannot_be_recorded_as_a_unit(support_rules, city_admin):
    with pytest.raises(ValidationError) as error:
        support_approval_record(
            kind="unit",
            data=unit_data(region_code=DISTRICT_A, support_project_code="ZC-GR"),
            actor=city_admin,
        )
    assert "个人房源提供者" in str(error.value)
    assert not SupplierUnitApproval.objects.exists()


def test_a_person_with_an_invalid_id_number_is_not_recorded(support_rules, city_admin):
    good = id_number(birth="19700305")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")  # any other check digit is wrong
    with pytest.raises(ValidationError) as error:
        support_approval_record(kind="person", data=person_data(applicant_id_number=bad), actor=city_admin)
    assert "applicant_id_number" in error.value.message_dict
    assert not SupplierPersonApproval.objects.exists()


def test_a_person_is_recorded_with_the_id_number_masked_and_refused_with_a_reason(support_rules, city_admin):
    approval = support_approval_record(kind="person", data=person_data(), actor=city_admin)
    assert (
        approval.applicant_id_number_masked.startswith("4404") and "*" in approval.applicant_id_number_masked
    )
    with pytest.raises(ValidationError):
        support_approval_refuse(approval=approval, actor=city_admin, opinion="  ")
    refused = support_approval_refuse(approval=approval, actor=city_admin, opinion="房屋未取得不动产权证。")
    assert refused.state == SupportApprovalState.REFUSED and refused.approved_amount is None
    with pytest.raises(ValidationError, match="不能再审核"):
        support_approval_approve(
            approval=refused, actor=city_admin, approved_amount=Decimal("1"), opinion="同意"
        )


def test_a_landlords_project_of_xiangzhou_does_not_cover_doumen(support_rules, city_admin):
    with pytest.raises(ValidationError, match="本区划没有启用该支持项目"):
        support_approval_record(kind="person", data=person_data(region_code=DISTRICT_B), actor=city_admin)


def test_nobody_records_outside_their_scope_or_without_the_permission(
    support_rules, district_a_centre, district_reviewer
):
    with pytest.raises(ValidationError, match="只能登记本人管辖区划内的申请"):
        support_approval_record(kind="unit", data=unit_data(region_code=DISTRICT_B), actor=district_a_centre)
    with pytest.raises(PermissionDenied):
        support_approval_record(kind="unit", data=unit_data(), actor=district_reviewer)


def _form_post(data):
    post = {k: ("" if v is None else v) for k, v in data.items()}
    post["applied_at"] = timezone.localtime(data["applied_at"]).strftime("%Y-%m-%dT%H:%M")
    return post


def test_the_record_page_shows_errors_beside_the_field_and_saves_nothing(client, support_rules, city_admin):
    client.force_login(city_admin)
    url = reverse("admission:support_unit_create")
    assert client.get(url).status_code == 200
    response = client.post(url, _form_post(unit_data(requested_amount="-5", unit_name="")))
    assert response.status_code == 200
    form = response.context["form"]
    assert "requested_amount" in form.errors and "unit_name" in form.errors
    assert "必填" in str(form.errors["unit_name"])
    assert not SupplierUnitApproval.objects.exists()


def test_the_city_records_and_approves_through_the_pages(client, support_rules, city_admin):
    client.force_login(city_admin)
    response = client.post(reverse("admission:support_unit_create"), _form_post(unit_data()))
    approval = SupplierUnitApproval.objects.get()
    assert response.status_code == 302 and response.url == approval.get_absolute_url()
    page = client.get(approval.get_absolute_url()).content.decode()
    assert "华发保障房配建项目" in page and "审核核定" in page
    response = client.post(
        reverse("admission:support_unit_approve", args=[approval.pk]),
        {"approved_amount": "9999999.00", "opinion": "同意"},
    )
    assert response.status_code == 200 and "核定额度不能大于申请额度" in response.content.decode()
    response = client.post(
        reverse("admission:support_unit_approve", args=[approval.pk]),
        {"approved_amount": "1000000.00", "opinion": "同意"},
    )
    assert response.status_code == 302
    approval.refresh_from_db()
    assert approval.state == SupportApprovalState.APPROVED


def test_person_pages_never_show_the_full_id_number(client, support_rules, city_admin):
    data = person_data()
    approval = support_approval_record(kind="person", data=data, actor=city_admin)
    client.force_login(city_admin)
    for url in (reverse("admission:support_person_list"), approval.get_absolute_url()):
        page = client.get(url).content.decode()
        assert approval.applicant_id_number_masked in page
        assert data["applicant_id_number"] not in page


def test_an_approval_outside_the_users_scope_is_a_404(client, support_rules, city_admin, district_a_centre):
    doumen = support_approval_record(kind="unit", data=unit_data(region_code=DISTRICT_B), actor=city_admin)
    mine = support_approval_record(kind="unit", data=unit_data(region_code=DISTRICT_A), actor=city_admin)
    client.force_login(district_a_centre)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(doumen.get_absolute_url()).status_code == 404
    assert client.get(reverse("admission:support_unit_approve", args=[doumen.pk])).status_code == 404
    listing = client.get(reverse("admission:support_unit_list")).content.decode()
    assert mine.approval_number in listing and doumen.approval_number not in listing


def test_other_roles_get_a_403_and_anonymous_users_the_login(client, support_rules, district_reviewer):
    url = reverse("admission:support_unit_list")
    assert client.get(url).status_code == 302
    client.force_login(district_reviewer)
    assert client.get(url).status_code == 403
    assert client.get(reverse("admission:support_person_create")).status_code == 403


def test_the_list_pages_keep_their_query_count_with_many_approvals(
    client, support_rules, city_admin, django_assert_max_num_queries
):
    for i in range(30):
        support_approval_record(
            kind="unit",
            data=unit_data(unit_name=f"单位{i}", applied_at=timezone.now() - datetime.timedelta(days=i)),
            actor=city_admin,
        )
        support_approval_record(
            kind="person", data=person_data(applicant_id_number=id_number(birth="19650101")), actor=city_admin
        )
    client.force_login(city_admin)
    for name in ("admission:support_unit_list", "admission:support_person_list"):
        with django_assert_max_num_queries(12):
            response = client.get(reverse(name), {"state": "applied"})
        assert response.status_code == 200
        assert "共 30 条" in response.content.decode()
