import datetime

from housing.workflow.models import ProcessState
from housing.workflow.services import process_instance_advance

from .conftest import at

D = datetime.date


def test_monitoring_page_draws_the_flow_with_the_current_node_and_handlers(
    client, make_case, district_reviewer
):
    case = make_case("区审核案件", "440402001001", "district_review", actor=district_reviewer)
    client.force_login(district_reviewer)
    response = client.get(case.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("<svg") == 1
    assert 'data-node="district_review" data-status="current"' in page
    assert 'data-node="street_review" data-status="done"' in page
    assert 'data-node="register" data-status="pending"' in page
    assert "退回街道复核" in page  # the return link is drawn and labelled
    assert "district_reviewer" in page  # who handled the finished nodes
    assert "用时（工作日）" in page


def test_monitoring_of_another_district_is_404_and_needs_the_permission(
    client, make_case, other_district_reviewer, citizen, finance_officer
):
    case = make_case("香洲案件", "440402001001", "district_review")
    client.force_login(other_district_reviewer)
    assert client.get(case.get_absolute_url()).status_code == 404
    assert "香洲案件" not in client.get("/office/workflow/instances/").content.decode()
    client.force_login(finance_officer)  # no workflow.view_processinstance
    assert client.get(case.get_absolute_url()).status_code == 403
    assert client.get("/office/workflow/stats/").status_code == 403


def test_statistics_by_process_node_and_handler(client, make_case, city_admin, street_caseworker):
    received = at(D(2025, 9, 26))
    late = make_case("超期案件", "440402001001", "accept", received=received)
    make_case("区级案件", "440402001002", "district_review", received=received, actor=street_caseworker)
    cancelled = make_case("撤回案件", "440403001001", "accept", received=received)
    from housing.workflow.services import process_instance_cancel

    process_instance_cancel(instance=cancelled, actor=city_admin, reason="撤回")
    # 受理 finished on 13 Oct 2025: due 10 Oct, 7 working days taken → late.
    process_instance_advance(
        instance=late,
        actor=street_caseworker,
        transition="accept",
        from_state="submitted",
        to_state="accepted",
        now=at(D(2025, 10, 13)),
    )
    client.force_login(city_admin)
    response = client.get("/office/workflow/stats/")
    assert response.status_code == 200
    by_process = response.context["by_process"]
    assert len(by_process) == 1
    row = by_process[0]
    assert (row["total"], row["running"], row["finished"], row["cancelled"]) == (3, 2, 0, 1)
    by_node = {r["name"]: r for r in response.context["by_node"]}
    assert by_node["受理"]["total"] == 3 and by_node["受理"]["done"] == 2 and by_node["受理"]["overdue"] == 1
    assert float(by_node["受理"]["avg_days"]) == 3.5  # (7 + 0) / 2
    assert by_node["区审核"]["open"] == 1
    handlers = {r["actor__username"]: r for r in response.context["by_handler"]}
    assert handlers["street_caseworker"]["done"] == 5  # four nodes of one case, 受理 of the other
    assert handlers["street_caseworker"]["overdue"] == 1
    assert "流程统计" in response.content.decode()
    assert ProcessState.RUNNING == "running"


def test_a_case_assigned_to_an_inspector_of_another_district_opens_for_them(
    client, make_case, other_district_reviewer, city_admin
):
    from housing.accounts.services import object_grant_view

    case = make_case("香洲核查案件", "440402001001", "district_review")
    object_grant_view(obj=case, user=other_district_reviewer, actor=city_admin)  # 核查指派
    client.force_login(other_district_reviewer)
    assert client.get(case.get_absolute_url()).status_code == 200
    assert "香洲核查案件" in client.get("/office/workflow/instances/").content.decode()
