"""Pages of department checks: the 部门核查 tab, one run, an application's runs, 重新核查; scope and queries."""

from __future__ import annotations

from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from admission.checks.models import CheckRun, CheckTrigger
from admission.checks.services import check_run_create, check_run_execute
from admission.models import Application
from admission.services import family_member_add

from ..factories import id_number
from .conftest import low_income_family, mirror, new_application, step


def checked_case(superuser, caseworker, capture, *, income="36000", tax="52000.00", name="陈翠香"):
    family, number = low_income_family(superuser, income=income, name=name)
    mirror(number, "income", {"year": 2025, "annual_income": tax})
    application = new_application(family, caseworker)
    with capture(execute=True):
        step(application, caseworker, "submit")
    return Application.objects.get(pk=application.pk)


def test_the_tab_shows_declared_and_department_values_side_by_side_with_the_difference_marked(
    superuser, street_caseworker, client, django_capture_on_commit_callbacks
):
    application = checked_case(superuser, street_caseworker, django_capture_on_commit_callbacks)
    client.force_login(street_caseworker)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "部门核查" in page and 'data-testid="checks-member"' in page
    assert "年收入 36,000 元" in page and "2025 年收入 52,000 元" in page
    # Marked in words and markup, not by colour alone.
    assert 'data-outcome="mismatch"' in page and "不一致" in page and "（与申报不一致）" in page
    assert "income-测试.xlsx" in page and "2026-06-30" in page
    assert reverse("admission:checks_rerun", args=[application.pk]) in page


def test_the_tab_shows_the_latest_run(
    superuser, street_caseworker, client, django_capture_on_commit_callbacks
):
    application = checked_case(superuser, street_caseworker, django_capture_on_commit_callbacks)
    run = check_run_create(application=application, trigger=CheckTrigger.MANUAL, actor=street_caseworker)
    client.force_login(street_caseworker)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "第 2 次核查进行中" in page and "下面是第 1 次的结果" in page
    check_run_execute(run=run)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "核查进行中" not in page and "全部核查记录（2 次）" in page


def test_a_reviewer_reruns_the_checks_from_the_case(
    superuser, street_caseworker, client, django_capture_on_commit_callbacks
):
    application = checked_case(superuser, street_caseworker, django_capture_on_commit_callbacks)
    client.force_login(street_caseworker)
    url = reverse("admission:checks_rerun", args=[application.pk])
    assert "开始核查" in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)
    assert response.status_code == 302 and response.url == application.get_absolute_url()
    assert list(CheckRun.objects.filter(application=application).values_list("number", "status")) == [
        (2, "done"),
        (1, "done"),
    ]


def test_a_reviewer_of_another_level_sees_the_checks_but_cannot_rerun(
    superuser, street_caseworker, district_reviewer, client, django_capture_on_commit_callbacks
):
    application = checked_case(superuser, street_caseworker, django_capture_on_commit_callbacks)
    client.force_login(district_reviewer)
    page = client.get(application.get_absolute_url()).content.decode()
    assert "年收入 36,000 元" in page
    assert reverse("admission:checks_rerun", args=[application.pk]) not in page
    assert client.post(reverse("admission:checks_rerun", args=[application.pk])).status_code == 403
    assert CheckRun.objects.filter(application=application).count() == 1


def test_check_pages_are_404_outside_the_users_scope(
    superuser,
    street_caseworker,
    other_street_caseworker,
    other_district_reviewer,
    client,
    django_capture_on_commit_callbacks,
):
    application = checked_case(superuser, street_caseworker, django_capture_on_commit_callbacks)
    run = CheckRun.objects.get(application=application)
    urls = [
        reverse("admission:checks_run_detail", args=[run.pk]),
        reverse("admission:checks_application_runs", args=[application.pk]),
        reverse("admission:checks_rerun", args=[application.pk]),
    ]
    client.force_login(street_caseworker)
    for url in urls:
        assert client.get(url).status_code == 200
    for user in (other_street_caseworker, other_district_reviewer):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 404
        assert client.post(urls[2]).status_code == 404
        listing = client.get(reverse("admission:checks_run_list")).content.decode()
        assert application.receipt_number not in listing
    assert CheckRun.objects.filter(application=application).count() == 1


def test_the_run_page_shows_the_rule_set_judged_on_department_data(
    superuser, street_caseworker, client, django_capture_on_commit_callbacks
):
    application = checked_case(superuser, street_caseworker, django_capture_on_commit_callbacks)
    run = CheckRun.objects.get(application=application)
    client.force_login(street_caseworker)
    page = client.get(reverse("admission:checks_run_detail", args=[run.pk])).content.decode()
    assert "按部门数据的规则判断" in page and "廉租住房保障规则" in page
    assert "家庭人均月收入" in page and "2025 年收入 52,000 元" in page


def test_the_checks_list_filters_flawed_runs_with_bounded_queries(
    superuser, street_caseworker, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    flawed = [
        checked_case(superuser, street_caseworker, django_capture_on_commit_callbacks, name=f"不符{i}")
        for i in range(3)
    ]
    clean = [
        checked_case(
            superuser, street_caseworker, django_capture_on_commit_callbacks, tax="36000.00", name=f"相符{i}"
        )
        for i in range(3)
    ]
    client.force_login(street_caseworker)
    with django_assert_max_num_queries(10):
        page = client.get(reverse("admission:checks_run_list"), {"problem": "mismatch"}).content.decode()
    assert all(a.receipt_number in page for a in flawed)
    assert not any(a.receipt_number in page for a in clean)


def test_the_application_page_costs_the_same_queries_however_many_members_and_runs(
    superuser, street_caseworker, client, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    small = checked_case(superuser, street_caseworker, django_capture_on_commit_callbacks, name="一人户")
    family, number = low_income_family(superuser, name="多人户")
    for i in range(5):
        family_member_add(
            family=family,
            actor=superuser,
            data={
                "relation": "son",
                "name": f"子{i}",
                "id_number": id_number(birth="20100101"),
                "annual_income": Decimal("0"),
            },
        )
    big = new_application(family, street_caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        step(big, street_caseworker, "submit")
    for _ in range(3):
        check_run_execute(run=check_run_create(application=big, trigger=CheckTrigger.MANUAL, actor=superuser))
    client.force_login(street_caseworker)
    client.get(small.get_absolute_url())  # warm caches (rules, templates)
    with CaptureQueriesContext(connection) as one:
        client.get(small.get_absolute_url())
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(big.get_absolute_url()).content.decode()
    assert page.count('data-testid="checks-member"') == 6 and "全部核查记录（4 次）" in page
