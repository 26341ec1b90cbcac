"""The pages: ledger lists and details, 重新计算, payment plans and land supply records."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from allocation.ledgers.models import GuaranteeLedger, LandSupplyRecord, SupportPaymentPlan
from allocation.ledgers.services import ledger_build
from projects.models import LandReserve
from projects.services import handover_batch_create
from projects.tests.factories import make_building, make_project

from .conftest import DISTRICT_A, DISTRICT_B

pytestmark = pytest.mark.django_db


@pytest.fixture
def stock(regions, project_officer):
    """Units handed over in both districts in Oct and Nov 2026 (no families: the stock alone)."""
    for region, month in ((DISTRICT_A, 10), (DISTRICT_B, 10), (DISTRICT_A, 11)):
        project = make_project(region_code=region)
        building = make_building(project=project, floors=2, per_floor=4)
        handover_batch_create(
            project=project,
            buildings=[building],
            number=f"YJ-{region[:6]}-{month}",
            handed_over_by="建设局",
            handed_over_on=datetime.date(2026, month, 3),
            actor=project_officer,
        )
    ledger_build(period_kind="month", period="2026-10")
    ledger_build(period_kind="month", period="2026-11")


def _ledger(region, period="2026-11"):
    return GuaranteeLedger.objects.get(region_code=region, period=period, ledger_class="public_rental")


def test_the_list_shows_the_ledgers_filters_by_period_and_region_and_pins_its_queries(
    stock, finance_officer, client, django_assert_max_num_queries
):
    for month in range(1, 10):  # many rows present
        ledger_build(period_kind="month", period=f"2025-{month:02d}")
    client.force_login(finance_officer)
    url = reverse("allocation:ledgers_guarantee_list")
    with django_assert_max_num_queries(15):
        page = client.get(url).content.decode()
    assert "期末住房套数余额" in page and _ledger(DISTRICT_A).number in page
    filtered = client.get(
        url, {"period_kind": "month", "period": "2026-10", "region": DISTRICT_B}
    ).content.decode()
    assert (
        _ledger(DISTRICT_B, "2026-10").number in filtered
        and _ledger(DISTRICT_A, "2026-10").number not in filtered
    )


def test_the_list_exports_to_excel(stock, finance_officer, client):
    client.force_login(finance_officer)
    response = client.get(reverse("allocation:ledgers_guarantee_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_detail_lists_the_movements_of_the_period(
    stock, finance_officer, client, django_assert_max_num_queries
):
    client.force_login(finance_officer)
    ledger = _ledger(DISTRICT_A)
    with django_assert_max_num_queries(12):
        page = client.get(ledger.get_absolute_url()).content.decode()
    assert ledger.number in page and "收支明细" in page and f"YJ-{DISTRICT_A[:6]}-11" in page
    assert f"YJ-{DISTRICT_A[:6]}-10" not in page  # October's handover belongs to October's ledger
    assert "重新计算" in page


def test_a_ledger_of_another_district_is_404(stock, district_reviewer, client):
    client.force_login(district_reviewer)
    assert client.get(_ledger(DISTRICT_A).get_absolute_url()).status_code == 200
    assert client.get(_ledger(DISTRICT_B).get_absolute_url()).status_code == 404
    listing = client.get(reverse("allocation:ledgers_guarantee_list")).content.decode()
    assert _ledger(DISTRICT_B).number not in listing


def test_the_finance_officer_rebuilds_a_period_and_others_may_not(
    stock, finance_officer, district_reviewer, client
):
    GuaranteeLedger.objects.all().delete()
    client.force_login(district_reviewer)
    url = reverse("allocation:ledgers_rebuild")
    assert client.post(url, {"period_kind": "month", "period": "2026-11"}).status_code == 403
    client.force_login(finance_officer)
    response = client.post(url, {"period_kind": "month", "period": "2026-11", "kind": "guarantee"})
    assert response.status_code == 302
    assert _ledger(DISTRICT_A).closing_units == 16
    response = client.post(url, {"period_kind": "quarter", "period": "2026-11"})
    assert response.status_code == 200 and "统计周期格式应为 2026-Q4" in response.content.decode()
    assert client.get(reverse("allocation:ledgers_rebuild_form")).status_code == 200


def test_the_support_ledger_list_opens(stock, finance_officer, client):
    client.force_login(finance_officer)
    assert client.get(reverse("allocation:ledgers_support_list")).status_code == 200


# --- A.7.7 支持对象拨付计划 -----------------------------------------------------------------------


def test_bad_payment_plan_input_gets_chinese_messages_and_saves_nothing(
    approved_supplier, finance_officer, client
):
    client.force_login(finance_officer)
    url = reverse("allocation:ledgers_payment_plan_create")
    page = client.get(url).content.decode()
    assert approved_supplier.unit_name in page
    response = client.post(
        url,
        {
            "supplier_number": "",
            "total_amount": "-5",
            "period_kind": "month",
            "cycles": "0",
            "starts_on": "2026-13-01",
        },
    )
    errors = response.context["form"].errors
    assert errors["supplier_number"] == ["请选择支持对象。"]
    assert errors["total_amount"] == ["拨付总金额应大于0。"]
    assert errors["cycles"] == ["发放期数至少为1期。"]
    assert errors["starts_on"] == ["日期格式应为 2026-11-01。"]
    assert not SupportPaymentPlan.objects.exists()


def test_the_finance_officer_makes_a_plan_for_an_approved_supplier(
    approved_supplier, finance_officer, client
):
    client.force_login(finance_officer)
    response = client.post(
        reverse("allocation:ledgers_payment_plan_create"),
        {
            "supplier_number": approved_supplier.approval_number,
            "total_amount": "600000.00",
            "period_kind": "quarter",
            "cycles": "4",
            "starts_on": "2026-12-01",
        },
    )
    plan = SupportPaymentPlan.objects.get()
    assert response.status_code == 302 and response.url == plan.get_absolute_url()
    assert (
        plan.region_code == DISTRICT_A and plan.created_by == finance_officer and plan.supplier_kind == "unit"
    )
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "150000.00" in page and approved_supplier.unit_name in page
    response = client.post(
        reverse("allocation:ledgers_payment_plan_edit", args=[plan.pk]),
        {"total_amount": "800000.00", "period_kind": "quarter", "cycles": "4", "starts_on": "2026-12-01"},
    )
    plan.refresh_from_db()
    assert response.status_code == 302 and plan.total_amount == Decimal("800000.00")
    listing = client.get(reverse("allocation:ledgers_payment_plan_list")).content.decode()
    assert plan.number in listing


def test_a_refused_or_unknown_supplier_cannot_get_a_plan(approved_supplier, finance_officer, client):
    client.force_login(finance_officer)
    response = client.post(
        reverse("allocation:ledgers_payment_plan_create"),
        {
            "supplier_number": "NOPE",
            "total_amount": "1",
            "period_kind": "month",
            "cycles": "1",
            "starts_on": "2026-12-01",
        },
    )
    assert "supplier_number" in response.context["form"].errors
    assert not SupportPaymentPlan.objects.exists()


def test_a_payment_plan_of_another_district_is_404(
    approved_supplier, finance_officer, other_district_reviewer, client
):
    from allocation.ledgers.services import payment_plan_create

    plan = payment_plan_create(
        actor=finance_officer,
        supplier_number=approved_supplier.approval_number,
        total_amount=Decimal("100.00"),
        period_kind="month",
        cycles=1,
        starts_on=datetime.date(2026, 12, 1),
    )
    client.force_login(other_district_reviewer)
    assert client.get(plan.get_absolute_url()).status_code == 404


def test_the_plan_list_pins_its_queries(
    approved_supplier, finance_officer, client, django_assert_max_num_queries
):
    from allocation.ledgers.services import payment_plan_create

    for i in range(25):
        payment_plan_create(
            actor=finance_officer,
            supplier_number=approved_supplier.approval_number,
            total_amount=Decimal("100.00") + i,
            period_kind="month",
            cycles=12,
            starts_on=datetime.date(2026, 12, 1),
        )
    client.force_login(finance_officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("allocation:ledgers_payment_plan_list")).status_code == 200


# --- A.7.8 土地供应记录 -------------------------------------------------------------------------------


def _land_post(**overrides):
    data = {
        "land_reserve": "",
        "project": "",
        "region_code": DISTRICT_A,
        "parcel_number": "ZD-2026-01",
        "parcel_name": "前山地块",
        "approval_document_name": "建设用地批准书",
        "approval_document_number": "珠国土〔2026〕12号",
        "approved_on": "2026-09-01",
        "acquisition_mode": "allocation",
        "land_area": "12000.50",
        "land_value": "",
        "use_years": "70",
    }
    return {**data, **overrides}


def test_bad_land_supply_input_gets_chinese_messages_and_saves_nothing(project_officer, client):
    client.force_login(project_officer)
    url = reverse("allocation:ledgers_land_supply_create")
    assert client.get(url).status_code == 200
    response = client.post(
        url, _land_post(parcel_number="", parcel_name="", region_code="", land_area="0", use_years="80")
    )
    errors = response.context["form"].errors
    assert errors["parcel_number"] == ["未选择储备地块时请填写宗地编号。"]
    assert errors["region_code"] == ["请选择行政区划。"]
    assert errors["land_area"] == ["土地面积应大于0。"]
    assert errors["use_years"] == ["住宅用地使用年限最长70年。"]
    assert not LandSupplyRecord.objects.exists()


def test_the_project_officer_records_land_from_a_reserved_plot(project_officer, district_reviewer, client):
    reserve = LandReserve.objects.create(number="CB-2026-07", name="唐家湾储备地", region_code=DISTRICT_B)
    project = make_project(region_code=DISTRICT_B, land_reserve=reserve)
    client.force_login(project_officer)
    response = client.post(
        reverse("allocation:ledgers_land_supply_create"),
        _land_post(
            land_reserve=reserve.pk, project=project.pk, parcel_number="", parcel_name="", region_code=""
        ),
    )
    record = LandSupplyRecord.objects.get()
    assert response.status_code == 302
    assert (record.parcel_number, record.parcel_name, record.project_number, record.region_code) == (
        "CB-2026-07",
        "唐家湾储备地",
        project.number,
        DISTRICT_B,
    )
    page = client.get(record.get_absolute_url()).content.decode()
    assert "唐家湾储备地" in page and "用地批准文号" in page
    client.force_login(district_reviewer)  # 香洲区 may not see 斗门区's record
    assert client.get(record.get_absolute_url()).status_code == 404


def test_the_finance_officer_cannot_record_land_nor_the_project_officer_plan_money(
    finance_officer, project_officer, client
):
    client.force_login(finance_officer)
    assert client.get(reverse("allocation:ledgers_land_supply_create")).status_code == 403
    client.force_login(project_officer)
    assert client.get(reverse("allocation:ledgers_payment_plan_create")).status_code == 403


def test_navigation_shows_the_ledger_items(finance_officer, client):
    client.force_login(finance_officer)
    page = client.get(reverse("allocation:ledgers_guarantee_list")).content.decode()
    assert "资源台账" in page and "支持对象拨付计划" in page and "土地供应记录" in page
