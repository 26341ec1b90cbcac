"""Pages: list, detail (tabs, paginated), demand against supply, forms — scoped, bounded in queries."""

from __future__ import annotations

import pytest
from django.urls import reverse

from allocation.plans.services import (
    allocation_plan_families_invite,
    allocation_plan_publish,
    allocation_plan_units_add,
)
from projects.models import UnitState
from projects.tests.factories import make_building, make_project

from .factories import COMMUNITY_B, allocatable_building, waiting_families

pytestmark = pytest.mark.django_db


def _ready_plan(new_plan, actor, **kwargs):
    plan = new_plan(**kwargs)
    allocation_plan_units_add(plan=plan, actor=actor)
    allocation_plan_families_invite(plan=plan, actor=actor)
    plan.refresh_from_db()
    return plan


def test_plan_list_is_scoped_filtered_and_bounded_in_queries(
    new_plan, city_admin, district_reviewer, client, django_assert_max_num_queries
):
    for i in range(25):
        new_plan(name=f"香洲方案{i}")
    new_plan(name="斗门方案", region_code="440403000000")
    new_plan(name="香洲摇号方案", method="lottery")
    client.force_login(district_reviewer)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("allocation:plans_list"))
    page = response.content.decode()
    assert response.status_code == 200 and "香洲方案24" in page and "斗门方案" not in page
    filtered = client.get(reverse("allocation:plans_list"), {"method": "lottery"}).content.decode()
    assert "香洲摇号方案" in filtered and "香洲方案0" not in filtered


def test_plan_detail_is_404_outside_the_scope(new_plan, district_reviewer, other_district_reviewer, client):
    plan = new_plan(region_code="440402000000")
    client.force_login(other_district_reviewer)
    assert client.get(reverse("allocation:plans_detail", args=[plan.pk])).status_code == 404
    client.force_login(district_reviewer)
    page = client.get(reverse("allocation:plans_detail", args=[plan.pk])).content.decode()
    for tab in ("概要", "保障对象", "房源", "流转记录"):
        assert tab in page
    assert "发布" not in page.split('<ul class="nav nav-tabs"')[0].split('data-testid="state"')[1]


def test_plan_detail_pages_its_families_and_units_in_bounded_queries(
    new_plan, city_admin, superuser, client, django_assert_max_num_queries
):
    allocatable_building(floors=6, per_floor=10)
    waiting_families(superuser, 120)
    plan = new_plan(method="lottery")
    allocation_plan_units_add(plan=plan, actor=city_admin)
    allocation_plan_families_invite(plan=plan, actor=city_admin)
    plan = allocation_plan_publish(plan=plan, actor=city_admin)
    client.force_login(city_admin)
    url = reverse("allocation:plans_detail", args=[plan.pk])
    with django_assert_max_num_queries(24):
        response = client.get(url, {"fpage": 2, "rpage": 2})
    page = response.content.decode()
    assert "共 120 户" in page and "2 / 3" in page and "共 60 项" in page
    assert plan.lottery.number in page
    summary = page.split('data-testid="project-mode">', 1)[1].split("</dd>", 1)[0]
    assert "（gongzu）" in summary and "rental_in_kind" not in summary  # the mode by its name, not its code


def test_demand_page_counts_waiting_families_against_allocatable_units(
    city_admin, district_reviewer, superuser, client, django_assert_max_num_queries
):
    waiting_families(superuser, 7)  # 公租房, 香洲
    waiting_families(superuser, 3, region_code=COMMUNITY_B)  # 公租房, 斗门
    waiting_families(superuser, 2, project="lianzu", mode="rent_subsidy")
    allocatable_building(floors=2, per_floor=5)  # 10 in 香洲
    allocatable_building(region_code="440403000000", floors=1, per_floor=3)  # 3 in 斗门
    make_building(
        project=make_project(region_code="440402000000"), floors=1, per_floor=4, state=UnitState.ALLOCATED
    )

    client.force_login(city_admin)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("allocation:plans_demand"))
    tables = {t.key: t for t in response.context["tables"]}
    gongzu = tables["gongzu:rental_in_kind"]
    assert (gongzu.total.families, gongzu.total.units) == (10, 13)
    rows = {r.district: r for r in gongzu.rows}
    assert (rows["440402"].families, rows["440402"].units, rows["440402"].gap) == (7, 10, 3)
    assert (rows["440403"].families, rows["440403"].units) == (3, 3)
    assert rows["440402"].district_name == "香洲区"
    assert tables["lianzu:rent_subsidy"].total.families == 2 and tables["lianzu:rent_subsidy"].is_subsidy
    page = response.content.decode()
    assert 'data-testid="families-gongzu:rental_in_kind">10<' in page and "echarts.min.js" in page

    client.force_login(district_reviewer)
    tables = {t.key: t for t in client.get(reverse("allocation:plans_demand")).context["tables"]}
    assert (tables["gongzu:rental_in_kind"].total.families, tables["gongzu:rental_in_kind"].total.units) == (
        7,
        10,
    )


def test_creating_a_plan_with_a_wrong_period_says_so_beside_the_field(city_admin, client):
    client.force_login(city_admin)
    data = {
        "name": "二季度方案",
        "region_code": "440402000000",
        "waitlist": "gongzu:rental_in_kind",
        "period_kind": "month",
        "period": "2026Q2",
        "method": "waitlist",
    }
    response = client.post(reverse("allocation:plans_create"), data)
    assert response.status_code == 200
    assert "方案周期应与期别类型一致，例如 2026-05" in response.content.decode()
    data["period"] = "2026-05"
    response = client.post(reverse("allocation:plans_create"), data)
    assert response.status_code == 302


def test_editing_a_published_plan_is_refused_with_a_chinese_message(new_plan, city_admin, superuser, client):
    allocatable_building(floors=1, per_floor=2)
    waiting_families(superuser, 2)
    plan = _ready_plan(new_plan, city_admin)
    allocation_plan_publish(plan=plan, actor=city_admin)
    client.force_login(city_admin)
    response = client.post(
        reverse("allocation:plans_edit", args=[plan.pk]),
        {
            "name": "改名",
            "waitlist": "gongzu:rental_in_kind",
            "period_kind": "quarter",
            "period": "2026Q2",
            "method": "waitlist",
        },
    )
    assert "配置方案当前为“已发布”，不能修改。" in response.content.decode()
    plan.refresh_from_db()
    assert plan.name == "测试配置方案"
    units = client.get(reverse("allocation:plans_units", args=[plan.pk])).content.decode()
    assert "配置方案当前为“已发布”，不能再修改房源。" in units


def test_units_page_adds_the_ticked_units_and_publish_page_publishes(new_plan, city_admin, superuser, client):
    building = allocatable_building(floors=1, per_floor=4)
    waiting_families(superuser, 3)
    plan = new_plan()
    client.force_login(city_admin)
    url = reverse("allocation:plans_units", args=[plan.pk])
    ids = list(building.units.order_by("pk").values_list("pk", flat=True)[:2])
    assert client.post(url, {"unit": ids}).status_code == 302
    plan.refresh_from_db()
    assert plan.unit_count == 2
    assert "可配置房源 2 套" in client.get(url).content.decode()
    assert "可配置房源 0 套" in client.get(url, {"rooms": "2"}).content.decode()  # 间数 not recorded
    response = client.post(reverse("allocation:plans_invite", args=[plan.pk]), {})
    assert response.status_code == 302, response.content.decode()[-3000:]
    response = client.post(reverse("allocation:plans_publish", args=[plan.pk]), {"opinion": "同意发布"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.state == "published" and plan.household_count == 2
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "同意发布" in page  # 流转记录


def test_withdraw_page_needs_a_reason(new_plan, city_admin, client):
    plan = new_plan()
    client.force_login(city_admin)
    response = client.post(reverse("allocation:plans_withdraw", args=[plan.pk]), {"reason": ""})
    assert response.status_code == 200 and "这个字段是必填项" in response.content.decode()
    plan.refresh_from_db()
    assert plan.state == "draft"


def test_plan_pages_are_forbidden_without_the_permission(
    new_plan, finance_officer, district_reviewer, client
):
    plan = new_plan()
    client.force_login(finance_officer)
    assert client.get(reverse("allocation:plans_list")).status_code == 403
    assert client.get(reverse("allocation:plans_demand")).status_code == 403
    client.force_login(district_reviewer)
    assert client.get(reverse("allocation:plans_create")).status_code == 403
    assert client.post(reverse("allocation:plans_publish", args=[plan.pk])).status_code == 403


def test_navigation_lists_the_plan_pages_under_allocation(city_admin):
    from housing.backoffice.navigation import menu_for

    urls = {item["url_name"] for section in menu_for(city_admin) for item in section["items"]}
    assert {"allocation:plans_demand", "allocation:plans_list", "allocation:plans_support_list"} <= urls
