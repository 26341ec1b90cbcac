"""Housing plans and their indicators, the annual project reserve, and the subsidy tables."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from conftest import CITY, DISTRICT_A, DISTRICT_B
from projects.plans.models import (
    AnnualProjectReserve,
    HousingPlan,
    PlanComposition,
    PlanHouseholdTarget,
    PlanLevel,
    PlanMacroIndicator,
    RewardFactor,
    SubsidyAllocation,
    SubsidyStandard,
)
from projects.plans.selectors import reserve_candidates
from projects.plans.services import annual_plan_transition, reserve_add_projects

pytestmark = pytest.mark.django_db


# --- plans ------------------------------------------------------------------------------------------


def test_project_officer_creates_a_plan_and_a_sub_plan(client, project_officer, city_plan):
    client.force_login(project_officer)
    response = client.post(
        reverse("plans:plan_create"),
        {
            "number": "GH-440402-2026",
            "name": "香洲区子规划",
            "period_kind": "five_year",
            "level": "district",
            "composition": "sub",
            "region_code": DISTRICT_A,
            "parent": city_plan.pk,
            "start_year": 2026,
            "end_year": 2030,
            "plan_year": 2026,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    child = HousingPlan.objects.get(number="GH-440402-2026")
    assert child.parent == city_plan
    detail = client.get(city_plan.get_absolute_url()).content.decode()
    assert "子规划" in detail and child.number in detail


def test_sub_plan_must_lie_within_its_parent(city_plan):
    child = HousingPlan(
        number="X",
        name="越界子规划",
        level=PlanLevel.DISTRICT,
        composition=PlanComposition.SUB,
        parent=city_plan,
        region_code=DISTRICT_A,
        start_year=2025,
        end_year=2031,
        plan_year=2025,
    )
    with pytest.raises(ValidationError) as exc:
        child.full_clean()
    assert "parent" in exc.value.message_dict
    orphan = HousingPlan(
        number="Y",
        name="无父级",
        composition=PlanComposition.SUB,
        region_code=CITY,
        start_year=2026,
        end_year=2030,
        plan_year=2026,
    )
    with pytest.raises(ValidationError) as exc:
        orphan.full_clean()
    assert "子规划必须指定父级规划。" in exc.value.message_dict["parent"]


def test_plan_indicators_are_edited_on_the_plan(client, project_officer, city_plan):
    client.force_login(project_officer)
    target_url = reverse("plans:target_create", args=[city_plan.pk])
    row = {
        "guarantee_project": "public_rental",
        "guarantee_mode": "rental_in_kind",
        "income_level": "low",
        "households": 6000,
    }
    assert client.post(target_url, row).status_code == 302
    # The same combination twice is refused with a message, not a second row.
    response = client.post(target_url, {**row, "households": 10})
    assert "相同保障项目" in response.content.decode()
    assert PlanHouseholdTarget.objects.get(plan=city_plan).households == 6000

    fields = {f.name: "" for f in PlanMacroIndicator.indicator_fields()}
    fields.update(
        urban_disposable_income_per_capita="68500.00", urban_population="2290000", fiscal_revenue="7260000.50"
    )
    assert client.post(reverse("plans:macro_edit", args=[city_plan.pk]), fields).status_code == 302
    indicator = PlanMacroIndicator.objects.get(plan=city_plan)
    assert indicator.fiscal_revenue == Decimal("7260000.50")
    assert len(PlanMacroIndicator.indicator_fields()) == 26  # + 记录编号, 规划编号 = the 28 of A.9.3

    detail = client.get(city_plan.get_absolute_url()).content.decode()
    for text in ("基本信息", "指标", "子规划", "6000", "城镇人均可支配收入", "68500.00", "财政一般预算支出"):
        assert text in detail


def test_district_cannot_open_the_city_plan_or_edit_plans(client, district_reviewer, city_plan):
    client.force_login(district_reviewer)
    assert client.get(city_plan.get_absolute_url()).status_code == 404
    assert client.get(reverse("plans:plan_edit", args=[city_plan.pk])).status_code == 403
    assert city_plan.number not in client.get(reverse("plans:plans")).content.decode()


def test_plan_list_query_count_is_pinned(client, project_officer, city_plan, django_assert_max_num_queries):
    for n in range(40):
        HousingPlan.objects.create(
            number=f"GH-T-{n:03d}",
            name=f"专项规划{n}",
            composition=PlanComposition.SPECIAL,
            parent=city_plan,
            region_code=CITY,
            start_year=2026,
            end_year=2030,
            plan_year=2026,
        )
    client.force_login(project_officer)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("plans:plans"))
    assert response.status_code == 200
    assert response.content.decode().count("GH-T-") >= 19


# --- annual project reserve ---------------------------------------------------------------------------


def test_reserve_selector_respects_scope_district_and_filters(plan_a, district_reviewer, city_admin, library):
    numbers = lambda qs: {p.number for p in qs}  # noqa: E731
    everything_in_a = {library[k].number for k in ("a1_rental_2027", "a1_talent_2027", "a2_rental_2028")}
    assert numbers(reserve_candidates(user=district_reviewer, annual_plan=plan_a)) == everything_in_a
    # The city sees district B's project in its scope, but a district A plan only takes district A projects.
    assert numbers(reserve_candidates(user=city_admin, annual_plan=plan_a)) == everything_in_a
    assert numbers(reserve_candidates(user=district_reviewer, annual_plan=plan_a, project_type="talent")) == {
        library["a1_talent_2027"].number
    }
    assert numbers(reserve_candidates(user=district_reviewer, annual_plan=plan_a, start_year=2028)) == {
        library["a2_rental_2028"].number
    }
    assert numbers(
        reserve_candidates(
            user=district_reviewer, annual_plan=plan_a, region_code="440402001000", start_year=2027
        )
    ) == {library["a1_rental_2027"].number, library["a1_talent_2027"].number}
    # Chosen projects leave the candidate list.
    reserve_add_projects(annual_plan=plan_a, projects=[library["a1_rental_2027"]], actor=district_reviewer)
    assert library["a1_rental_2027"].number not in numbers(
        reserve_candidates(user=district_reviewer, annual_plan=plan_a)
    )


def test_street_user_sees_only_their_street_projects(plan_a, street_caseworker, library):
    numbers = {p.number for p in reserve_candidates(user=street_caseworker, annual_plan=plan_a)}
    assert numbers == {library["a1_rental_2027"].number, library["a1_talent_2027"].number}


def test_district_chooses_projects_on_the_reserve_page(client, plan_a, district_reviewer, library):
    client.force_login(district_reviewer)
    url = reverse("plans:reserve_select", args=[plan_a.pk])
    page = client.get(url, {"project_type": "public_rental", "start_year": 2027}).content.decode()
    assert library["a1_rental_2027"].number in page
    assert library["a1_talent_2027"].number not in page
    assert library["a2_rental_2028"].number not in page
    assert library["b_rental_2027"].number not in page
    # A project of another district smuggled into the POST is ignored.
    response = client.post(
        url + "?project_type=public_rental",
        {"project": [library["a1_rental_2027"].pk, library["b_rental_2027"].pk]},
    )
    assert response.status_code == 302
    items = list(AnnualProjectReserve.objects.filter(annual_plan=plan_a))
    assert [item.project_id for item in items] == [library["a1_rental_2027"].pk]
    item = items[0]
    assert item.project_number == library["a1_rental_2027"].number
    assert item.project_type == "公共租赁住房"
    assert item.plan == plan_a.plan
    assert item.new_start_units == library["a1_rental_2027"].residential_year_started_units
    assert item.investment == Decimal("1234.57")
    detail = client.get(plan_a.get_absolute_url()).content.decode()
    assert item.project_name in detail


def test_reserve_is_frozen_once_submitted(plan_a, district_reviewer, library):
    annual_plan_transition(annual_plan=plan_a, name="submit", actor=district_reviewer)
    with pytest.raises(ValidationError):
        reserve_add_projects(
            annual_plan=plan_a, projects=[library["a1_rental_2027"]], actor=district_reviewer
        )


def test_other_district_cannot_touch_the_reserve(
    client, plan_a, district_reviewer, other_district_reviewer, library
):
    reserve_add_projects(annual_plan=plan_a, projects=[library["a1_rental_2027"]], actor=district_reviewer)
    item = AnnualProjectReserve.objects.get(annual_plan=plan_a)
    client.force_login(other_district_reviewer)
    assert client.get(reverse("plans:reserve_item_edit", args=[plan_a.pk, item.pk])).status_code == 404
    assert client.post(reverse("plans:reserve_item_remove", args=[plan_a.pk, item.pk])).status_code == 404
    assert AnnualProjectReserve.objects.filter(pk=item.pk).exists()


# --- subsidy standards, 以奖代补, allocations ---------------------------------------------------------------


def test_project_officer_maintains_subsidy_tables(client, project_officer):
    client.force_login(project_officer)
    response = client.post(
        reverse("plans:standard_create"),
        {
            "number": "BZ-1",
            "name": "公租房建设补助",
            "method": "per_unit",
            "value": "50000.00",
            "year": 2027,
            "region_code": CITY,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert SubsidyStandard.objects.get(number="BZ-1").value == Decimal("50000.00")

    bad = client.post(
        reverse("plans:factor_create"),
        {"code": "YJ-1", "name": "开工率", "statistic": "0.96", "formula": "x * y", "region_code": CITY},
    )
    assert "公式无法计算" in bad.content.decode()
    assert not RewardFactor.objects.exists()
    client.post(
        reverse("plans:factor_create"),
        {"code": "YJ-1", "name": "开工率", "statistic": "0.96", "formula": "x * 40", "region_code": CITY},
    )
    factor = RewardFactor.objects.get(code="YJ-1")
    assert factor.evaluate() == Decimal("38.40")
    assert "38.40" in client.get(reverse("plans:factors")).content.decode()

    response = client.post(
        reverse("plans:allocation_create"),
        {
            "number": "FP-1",
            "project_name": "翠香公租房",
            "purpose": "public_rental",
            "tier": "central",
            "year": 2027,
            "standard_value": "50000.00",
            "units": 400,
            "area": "24000.00",
            "households": 400,
            "amount": "20000000.00",
            "received_on": "2027-03-31",
            "region_code": DISTRICT_A,
        },
    )
    assert response.status_code == 302
    allocation = SubsidyAllocation.objects.get(number="FP-1")
    edit = client.post(
        reverse("plans:allocation_edit", args=[allocation.pk]),
        {
            **{
                f: getattr(allocation, f)
                for f in (
                    "number",
                    "project_name",
                    "purpose",
                    "tier",
                    "year",
                    "standard_value",
                    "units",
                    "area",
                    "households",
                    "region_code",
                )
            },
            "amount": "19000000.00",
            "received_on": "2027-04-01",
        },
    )
    assert edit.status_code == 302
    allocation.refresh_from_db()
    assert allocation.amount == Decimal("19000000.00")


def test_subsidy_lists_are_scoped(client, district_reviewer, other_district_reviewer, regions):
    mine = SubsidyAllocation.objects.create(
        number="FP-A", project_name="A项目", purpose="public_rental", tier="central", year=2027,
        standard_value=Decimal("1"), amount=Decimal("1"), region_code=DISTRICT_A,
    )  # fmt: skip
    theirs = SubsidyAllocation.objects.create(
        number="FP-B", project_name="B项目", purpose="shantytown", tier="provincial", year=2027,
        standard_value=Decimal("1"), amount=Decimal("1"), region_code=DISTRICT_B,
    )  # fmt: skip
    client.force_login(district_reviewer)
    listing = client.get(reverse("plans:allocations")).content.decode()
    assert mine.number in listing and theirs.number not in listing
    # Districts read the tables but do not edit them.
    assert client.get(reverse("plans:allocation_edit", args=[mine.pk])).status_code == 403
    client.force_login(other_district_reviewer)
    assert mine.number not in client.get(reverse("plans:allocations")).content.decode()


def test_subsidy_list_query_count_is_pinned(client, project_officer, django_assert_max_num_queries):
    SubsidyStandard.objects.bulk_create(
        SubsidyStandard(
            number=f"BZ-{n:03d}", name=f"标准{n}", method="per_unit", value=Decimal(n), region_code=CITY
        )
        for n in range(60)
    )
    RewardFactor.objects.bulk_create(
        RewardFactor(
            code=f"YJ-{n:03d}", name=f"因素{n}", statistic=Decimal(n), formula="x * 2", region_code=CITY
        )
        for n in range(60)
    )
    client.force_login(project_officer)
    for name in ("plans:standards", "plans:factors", "plans:allocations"):
        with django_assert_max_num_queries(15):
            assert client.get(reverse(name)).status_code == 200


def test_nav_shows_the_plans_section(client, project_officer):
    client.force_login(project_officer)
    page = client.get(reverse("plans:plans")).content.decode()
    assert "规划计划" in page and reverse("plans:annual_plans") in page
