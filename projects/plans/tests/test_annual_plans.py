"""Annual plans: 上报 by a district, 审批 / 下达 / 退回 by the city, scope, workflow records, exports."""

from __future__ import annotations

import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from conftest import DISTRICT_A, DISTRICT_B
from housing.workflow.models import NodeInstance, NodeState, ProcessInstance, ProcessState
from projects.plans.models import AnnualPlan, AnnualPlanState
from projects.plans.services import annual_plan_transition

pytestmark = pytest.mark.django_db


def _post_transition(client, plan, name, opinion=""):
    return client.post(
        reverse("plans:annual_transition", args=[plan.pk]), {"transition": name, "opinion": opinion}
    )


def _issue(plan, district_user, city_user) -> AnnualPlan:
    annual_plan_transition(annual_plan=plan, name="submit", actor=district_user, opinion="报市审批")
    annual_plan_transition(annual_plan=plan, name="approve", actor=city_user, opinion="同意")
    return annual_plan_transition(annual_plan=plan, name="issue", actor=city_user, opinion="予以下达")


def test_district_submits_city_approves_and_issues_and_district_sees_it(
    client, plan_a, district_reviewer, city_admin
):
    client.force_login(district_reviewer)
    page = client.get(plan_a.get_absolute_url())
    assert "上报" in page.content.decode()
    _post_transition(client, plan_a, "submit", "请审批")
    plan_a.refresh_from_db()
    assert plan_a.state == AnnualPlanState.SUBMITTED
    assert plan_a.submitted_at is not None

    client.force_login(city_admin)
    page = client.get(plan_a.get_absolute_url()).content.decode()
    assert "审批通过" in page and "退回修改" in page
    _post_transition(client, plan_a, "approve", "同意")
    _post_transition(client, plan_a, "issue", "予以下达")
    plan_a.refresh_from_db()
    assert plan_a.state == AnnualPlanState.ISSUED

    client.force_login(district_reviewer)
    response = client.get(plan_a.get_absolute_url())
    assert response.status_code == 200
    assert "已下达" in response.content.decode()
    assert plan_a.number in client.get(reverse("plans:annual_plans")).content.decode()


def test_other_district_cannot_see_the_plan(client, plan_a, plan_b, other_district_reviewer):
    client.force_login(other_district_reviewer)
    assert client.get(plan_a.get_absolute_url()).status_code == 404
    assert client.get(reverse("plans:annual_edit", args=[plan_a.pk])).status_code == 404
    assert client.get(reverse("plans:reserve_select", args=[plan_a.pk])).status_code == 404
    assert _post_transition(client, plan_a, "submit").status_code == 404
    listing = client.get(reverse("plans:annual_plans")).content.decode()
    assert plan_b.number in listing
    assert plan_a.number not in listing


def test_city_sees_every_district_plan(client, plan_a, plan_b, city_admin):
    client.force_login(city_admin)
    listing = client.get(reverse("plans:annual_plans")).content.decode()
    assert plan_a.number in listing and plan_b.number in listing


def test_only_allowed_transitions(plan_a, district_reviewer, city_admin):
    # A draft cannot be approved or issued, by anyone.
    with pytest.raises(ValidationError):
        annual_plan_transition(annual_plan=plan_a, name="approve", actor=city_admin)
    with pytest.raises(ValidationError):
        annual_plan_transition(annual_plan=plan_a, name="issue", actor=city_admin)
    # The city does not submit a district's plan; the district does not approve its own.
    with pytest.raises(PermissionDenied):
        annual_plan_transition(annual_plan=plan_a, name="submit", actor=city_admin)
    annual_plan_transition(annual_plan=plan_a, name="submit", actor=district_reviewer)
    with pytest.raises(PermissionDenied):
        annual_plan_transition(annual_plan=plan_a, name="approve", actor=district_reviewer)
    with pytest.raises(ValidationError):
        annual_plan_transition(annual_plan=plan_a, name="submit", actor=district_reviewer)
    # Issuing needs approval first; nobody names a state directly.
    with pytest.raises(ValidationError):
        annual_plan_transition(annual_plan=plan_a, name="issue", actor=city_admin)
    with pytest.raises(ValidationError):
        annual_plan_transition(annual_plan=plan_a, name="state", actor=city_admin)
    plan_a.refresh_from_db()
    assert plan_a.state == AnnualPlanState.SUBMITTED


def test_a_submitted_plan_cannot_be_edited(client, plan_a, district_reviewer):
    annual_plan_transition(annual_plan=plan_a, name="submit", actor=district_reviewer)
    client.force_login(district_reviewer)
    response = client.post(
        reverse("plans:annual_edit", args=[plan_a.pk]), {"name": "改名", "new_start_units": 1}
    )
    assert response.status_code == 302
    plan_a.refresh_from_db()
    assert plan_a.name != "改名"


def test_return_needs_an_opinion_and_sends_the_plan_back_to_the_district(
    client, plan_a, district_reviewer, city_admin
):
    annual_plan_transition(annual_plan=plan_a, name="submit", actor=district_reviewer)
    with pytest.raises(ValidationError):
        annual_plan_transition(annual_plan=plan_a, name="return_for_revision", actor=city_admin, opinion="  ")
    annual_plan_transition(
        annual_plan=plan_a, name="return_for_revision", actor=city_admin, opinion="新开工套数与储备项目不符"
    )
    plan_a.refresh_from_db()
    assert plan_a.state == AnnualPlanState.DRAFT
    assert plan_a.last_opinion == "新开工套数与储备项目不符"
    # Back in the district's inbox, with the opinion visible on the plan.
    client.force_login(district_reviewer)
    inbox = client.get(reverse("workflow:tasks")).content.decode()
    assert plan_a.name in inbox
    assert "新开工套数与储备项目不符" in client.get(plan_a.get_absolute_url()).content.decode()
    # Revised and submitted again: the same case continues.
    annual_plan_transition(annual_plan=plan_a, name="submit", actor=district_reviewer, opinion="已修改")
    assert ProcessInstance.objects.filter(object_id=str(plan_a.pk), process_code="annual_plan").count() == 1


def test_transitions_leave_node_instances_and_reach_the_city_inbox(
    client, plan_a, district_reviewer, city_admin
):
    annual_plan_transition(annual_plan=plan_a, name="submit", actor=district_reviewer, opinion="报市审批")
    instance = ProcessInstance.objects.get(object_id=str(plan_a.pk), process_code="annual_plan")
    done = NodeInstance.objects.get(process=instance, state=NodeState.DONE)
    assert (done.actor, done.from_state, done.to_state, done.opinion) == (
        district_reviewer,
        "draft",
        "submitted",
        "报市审批",
    )
    assert instance.current_node.assigned_role_code == "city_centre"
    assert instance.current_node.region_code == DISTRICT_A

    client.force_login(city_admin)
    assert plan_a.name in client.get(reverse("workflow:tasks")).content.decode()
    task_page = client.get(instance.current_node.get_absolute_url()).content.decode()
    assert plan_a.get_absolute_url() in task_page

    annual_plan_transition(annual_plan=plan_a, name="approve", actor=city_admin)
    annual_plan_transition(annual_plan=plan_a, name="issue", actor=city_admin)
    instance.refresh_from_db()
    assert instance.state == ProcessState.FINISHED
    transitions = list(
        NodeInstance.objects.filter(process=instance, state=NodeState.DONE)
        .exclude(transition="")
        .order_by("pk")
        .values_list("transition", flat=True)
    )
    assert transitions == ["submit", "approve", "issue"]
    assert plan_a.name not in client.get(reverse("workflow:tasks")).content.decode()


def test_other_district_reviewer_has_no_task_for_the_plan(
    client, plan_a, district_reviewer, other_district_reviewer
):
    annual_plan_transition(annual_plan=plan_a, name="submit", actor=district_reviewer)
    client.force_login(other_district_reviewer)
    assert plan_a.name not in client.get(reverse("workflow:tasks")).content.decode()


def test_export_of_an_issued_plan_contains_its_figures(
    client, plan_a, district_reviewer, city_admin, library
):
    from projects.plans.services import reserve_add_projects

    reserve_add_projects(annual_plan=plan_a, projects=[library["a1_rental_2027"]], actor=district_reviewer)
    client.force_login(city_admin)
    # Not before it is issued.
    response = client.get(reverse("plans:annual_export_xlsx", args=[plan_a.pk]))
    assert response.status_code == 302
    _issue(plan_a, district_reviewer, city_admin)

    response = client.get(reverse("plans:annual_export_xlsx", args=[plan_a.pk]))
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["年度计划", "年度计划建设项目储备"]
    header, values = list(workbook["年度计划"].iter_rows(values_only=True))
    figures = dict(zip(header, values, strict=True))
    assert figures["计划编号"] == plan_a.number
    assert figures["新开工住宅套数（套）"] == 1234
    assert Decimal(str(figures["新开工住宅建筑面积（平方米）"])) == Decimal("98765.43")
    assert Decimal(str(figures["计划完成投资（万元）"])) == Decimal("22829.00")
    reserve_header, *reserve_rows = list(workbook["年度计划建设项目储备"].iter_rows(values_only=True))
    assert reserve_header[:4] == ("记录编号", "规划编号", "计划编号", "项目编号")
    project = library["a1_rental_2027"]
    assert [(r[2], r[3], r[4]) for r in reserve_rows] == [(plan_a.number, project.number, project.name)]
    # 12,345,678 元 of the project's yearly investment → 1234.57 万元.
    assert Decimal(str(reserve_rows[0][-1])) == Decimal("1234.57")


def test_pdf_of_an_issued_plan_has_the_figures_in_chinese(client, plan_a, district_reviewer, city_admin):
    from pypdf import PdfReader

    _issue(plan_a, district_reviewer, city_admin)
    client.force_login(district_reviewer)
    response = client.post(reverse("plans:annual_export_pdf", args=[plan_a.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "年度住房保障计划" in text
    assert "1234" in text and "98765.43" in text


def test_other_district_cannot_export(client, plan_a, district_reviewer, city_admin, other_district_reviewer):
    _issue(plan_a, district_reviewer, city_admin)
    client.force_login(other_district_reviewer)
    assert client.get(reverse("plans:annual_export_xlsx", args=[plan_a.pk])).status_code == 404
    assert client.post(reverse("plans:annual_export_pdf", args=[plan_a.pk])).status_code == 404


def test_district_creates_its_annual_plan_from_the_form(client, district_reviewer, city_plan):
    client.force_login(district_reviewer)
    data = {
        "region_code": DISTRICT_A,
        "year": 2028,
        "name": "香洲区2028年度计划",
        "plan": city_plan.pk,
        "new_start_units": 10,
        "new_start_area": "800.00",
        "completed_units": 5,
        "completed_area": "400.00",
        "rent_subsidy_households": 3,
        "allocation_households": 2,
        "land_supply_area": "1.00",
        "planned_investment": "100.00",
    }
    response = client.post(reverse("plans:annual_create"), data)
    assert response.status_code == 302
    plan = AnnualPlan.objects.get(region_code=DISTRICT_A, year=2028)
    assert plan.state == AnnualPlanState.DRAFT and plan.number == "NDJH-2028-440402"
    # Another district's code is not a choice for this user.
    response = client.post(reverse("plans:annual_create"), {**data, "region_code": DISTRICT_B})
    assert response.status_code == 200
    assert not AnnualPlan.objects.filter(region_code=DISTRICT_B).exists()
    # Same district and year twice: a clear message, nothing created.
    response = client.post(reverse("plans:annual_create"), data)
    assert "已经存在" in response.content.decode()
    assert AnnualPlan.objects.filter(region_code=DISTRICT_A, year=2028).count() == 1


def test_annual_plan_list_query_count_is_pinned(
    client, city_admin, city_plan, make_staff, regions, django_assert_max_num_queries
):
    from housing.regions.codes import Level
    from projects.plans.services import annual_plan_create

    from .conftest import FIGURES

    districts = [r.code for r in regions.values() if r.level == Level.DISTRICT]
    for year in range(2020, 2030):
        for code in districts:
            annual_plan_create(
                region_code=code,
                year=year,
                data={"name": f"{code}-{year}", "plan": city_plan, **FIGURES},
                actor=city_admin,
            )
    client.force_login(city_admin)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("plans:annual_plans"))
    assert response.status_code == 200
    assert response.content.decode().count("NDJH-") >= 20
