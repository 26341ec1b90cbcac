from django.utils import timezone

from housing.workflow.calendar import add_working_days
from housing.workflow.selectors import task_inbox

from .conftest import at


def _ago(working_days: int):
    return at(add_working_days(timezone.localdate(), -working_days))


def test_inbox_holds_my_roles_tasks_in_my_scope_soonest_first(
    make_case, street_caseworker, other_street_caseworker, district_reviewer, other_district_reviewer
):
    late = make_case("翠香超期案件", "440402001001", "street_review", received=_ago(25))
    fresh = make_case("翠香新案件", "440402001002", "accept", received=_ago(0))
    make_case("梅华案件", "440402002001", "accept")
    district = make_case("区审核案件", "440402001003", "district_review")

    mine = list(task_inbox(user=street_caseworker))
    assert [t.process for t in mine] == [late, fresh]
    assert [t.overdue for t in mine] == [True, False]
    assert [t.process.title for t in task_inbox(user=other_street_caseworker)] == ["梅华案件"]
    assert [t.process for t in task_inbox(user=district_reviewer)] == [district]
    assert not task_inbox(user=other_district_reviewer).exists()


def test_home_page_shows_my_tasks_with_the_overdue_badge(client, make_case, street_caseworker):
    make_case("翠香超期案件", "440402001001", "street_review", received=_ago(25))
    make_case("梅华案件", "440402002001", "accept")
    client.force_login(street_caseworker)
    page = client.get("/office/").content.decode()
    assert "翠香超期案件" in page and "街道审核" in page and "已超期" in page
    assert "梅华案件" not in page


def test_task_list_filters_overdue_and_pins_queries(
    client, make_case, street_caseworker, django_assert_max_num_queries
):
    for i in range(25):
        make_case(f"按期案件{i:02d}", "440402001001", "accept")
    make_case("超期案件", "440402001002", "street_review", received=_ago(25))
    make_case("梅华案件", "440402002001", "accept")
    client.force_login(street_caseworker)
    # Constant, whatever the row count: session, user, scope, menu, count, one page, calendar.
    with django_assert_max_num_queries(16):
        response = client.get("/office/workflow/tasks/")
    page = response.content.decode()
    assert response.status_code == 200
    assert "超期案件" in page and "已超期" in page and "梅华案件" not in page
    assert "共 26 条" in page
    overdue_only = client.get("/office/workflow/tasks/?overdue=1").content.decode()
    assert "超期案件" in overdue_only and "按期案件00" not in overdue_only
    by_process = client.get("/office/workflow/tasks/?process=admission_review").content.decode()
    assert "共 26 条" in by_process


def test_task_detail_shows_the_flow_and_another_streets_task_is_404(
    client, make_case, street_caseworker, other_street_caseworker
):
    own = make_case("翠香案件", "440402001001", "street_review", actor=street_caseworker)
    other = make_case("梅华案件", "440402002001", "street_review")
    client.force_login(street_caseworker)
    response = client.get(own.current_node.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in page and 'data-node="street_review" data-status="current"' in page
    assert "翠香案件" in page and "street_caseworker" in page  # the handler of the finished nodes
    assert client.get(other.current_node.get_absolute_url()).status_code == 404


def test_applicant_cannot_open_the_task_list(client, citizen, make_case):
    make_case("翠香案件", "440402001001", "accept")
    client.force_login(citizen)
    response = client.get("/office/workflow/tasks/")
    assert response.status_code in (302, 403)
    assert "翠香案件" not in response.content.decode()
