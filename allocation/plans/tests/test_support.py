"""Support plans (A.6.7/A.6.8): the approved suppliers of its project, mode and type; totals from them."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from admission.support_approvals import SupplierUnitApproval, SupportApprovalState
from allocation.plans.support import (
    support_plan_create,
    support_plan_objects_add,
    support_plan_objects_remove,
    support_plan_publish,
)

pytestmark = pytest.mark.django_db


def _approval(
    n: int,
    *,
    region_code="440402000000",
    state=SupportApprovalState.APPROVED,
    mode="money",
    amount="100000.00",
):
    return SupplierUnitApproval.objects.create(
        approval_number=f"ZCDW-2026-{n:06d}",
        region_code=region_code,
        supplier_type="developer",
        support_project_code="kaifa",
        support_mode=mode,
        requested_amount=Decimal(amount),
        approved_amount=Decimal(amount) if state == SupportApprovalState.APPROVED else None,
        unit_code=f"DW{n}",
        unit_name=f"建设单位{n}",
        project_number=f"XM{n}",
        project_name=f"项目{n}",
        state=state,
    )


@pytest.fixture
def support_plan(city_admin):
    return support_plan_create(
        actor=city_admin,
        region_code="440402000000",
        name="开发单位补贴方案",
        support_project_code="kaifa",
        period_kind="year",
        period="2026",
        support_mode="money",
        object_type="developer",
    )


def test_a_support_plan_takes_the_approved_suppliers_and_sums_them(support_plan, city_admin):
    _approval(1, amount="100000.00")
    _approval(2, amount="250000.50")
    _approval(3, state=SupportApprovalState.APPLIED)  # not yet 核定
    _approval(4, mode="land")  # another mode
    _approval(5, region_code="440403000000")  # another district
    assert support_plan_objects_add(plan=support_plan, actor=city_admin, land_area=Decimal("0")) == 2
    support_plan.refresh_from_db()
    assert (support_plan.object_count, support_plan.subsidy_total) == (2, Decimal("350000.50"))
    first = support_plan.objects_set.order_by("object_number").first()
    assert first.object_name == "建设单位1" and first.unit_approval.approval_number == "ZCDW-2026-000001"

    support_plan_objects_remove(plan=support_plan, actor=city_admin, object_ids=[first.pk])
    support_plan.refresh_from_db()
    assert (support_plan.object_count, support_plan.subsidy_total) == (1, Decimal("250000.50"))
    with pytest.raises(ValidationError, match="没有可加入"):
        support_plan_objects_add(plan=support_plan, actor=city_admin, approval_numbers=["ZCDW-2026-000003"])


def test_a_published_support_plan_is_locked(support_plan, city_admin):
    with pytest.raises(ValidationError, match="还没有支持对象"):
        support_plan_publish(plan=support_plan, actor=city_admin)
    _approval(1)
    support_plan_objects_add(plan=support_plan, actor=city_admin, land_area=Decimal("1200.00"))
    support_plan = support_plan_publish(plan=support_plan, actor=city_admin)
    assert support_plan.state == "published" and support_plan.land_area_total == Decimal("1200.00")
    _approval(2)
    with pytest.raises(ValidationError, match="不能再修改支持对象"):
        support_plan_objects_add(plan=support_plan, actor=city_admin)


def test_support_plan_pages_are_scoped_and_bounded(
    support_plan,
    city_admin,
    other_district_reviewer,
    district_reviewer,
    client,
    django_assert_max_num_queries,
):
    for n in range(1, 31):
        _approval(n)
    support_plan_objects_add(plan=support_plan, actor=city_admin)
    client.force_login(other_district_reviewer)
    assert client.get(reverse("allocation:plans_support_detail", args=[support_plan.pk])).status_code == 404
    assert "开发单位补贴方案" not in client.get(reverse("allocation:plans_support_list")).content.decode()
    client.force_login(district_reviewer)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("allocation:plans_support_list")).content.decode()
    assert "开发单位补贴方案" in page
    with django_assert_max_num_queries(16):
        page = client.get(reverse("allocation:plans_support_detail", args=[support_plan.pk])).content.decode()
    assert "建设单位30" in page and 'data-testid="object-count">30<' in page
