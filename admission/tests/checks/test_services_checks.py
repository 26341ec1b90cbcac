"""Department checks on submission: every member against every dataset the rule set needs (issue 4 part 5)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from admission.checks.models import CheckOutcome, CheckRun, CheckRunStatus, CheckTrigger, DepartmentCheck
from admission.checks.services import (
    application_check_plan,
    check_run_create,
    check_run_execute,
    check_run_request,
)
from admission.models import Application, ApplicationAsset, AssetCategory
from admission.services import family_member_add

from ..factories import id_number
from .conftest import (
    MIRROR_DATE,
    applicant,
    low_income_family,
    mirror,
    new_application,
    step,
    talent_family,
)


def run_checks(application, actor):
    run = check_run_create(application=application, trigger=CheckTrigger.MANUAL, actor=actor)
    return check_run_execute(run=run)


def outcome(run, dataset_code, member=None):
    checks = run.checks.filter(dataset_code=dataset_code)
    if member is not None:
        checks = checks.filter(member=member)
    return checks.get()


def test_declared_income_that_differs_from_the_tax_record_is_flagged(superuser, street_caseworker):
    family, number = low_income_family(superuser, income="36000")
    mirror(number, "income", {"year": 2025, "annual_income": "52000.00"})
    run = run_checks(new_application(family, street_caseworker), superuser)
    check = outcome(run, "income")
    assert check.outcome == CheckOutcome.MISMATCH
    assert "36,000 元" in check.declared_value and "52,000 元" in check.department_value
    assert "少 16,000 元" in check.note
    assert (
        check.source == "income-测试.xlsx" and check.source_date == MIRROR_DATE and check.adapter == "mirror"
    )
    assert run.mismatch_count >= 1 and run.status == CheckRunStatus.DONE


def test_income_within_the_tolerance_agrees(superuser, street_caseworker):
    family, number = low_income_family(superuser, income="36000")
    mirror(number, "income", {"year": 2025, "annual_income": "38000.00"})  # 10 % of 38,000 = 3,800
    run = run_checks(new_application(family, street_caseworker), superuser)
    assert outcome(run, "income").outcome == CheckOutcome.MATCH


def test_the_income_tolerance_is_configurable(superuser, street_caseworker, settings):
    settings.ADMISSION_CHECK_TOLERANCES = {"income_ratio": "0.01", "income_amount": "100"}
    family, number = low_income_family(superuser, income="36000")
    mirror(number, "income", {"year": 2025, "annual_income": "38000.00"})
    run = run_checks(new_application(family, street_caseworker), superuser)
    assert outcome(run, "income").outcome == CheckOutcome.MISMATCH


def test_declared_no_property_but_a_registered_property_is_flagged(superuser, street_caseworker):
    family, number = low_income_family(superuser, floor_area="0")
    mirror(
        number,
        "real_estate",
        {"certificate_number": "粤(2019)第1号", "address": "香洲区某小区5栋301", "floor_area": "26.00"},
    )
    run = run_checks(new_application(family, street_caseworker), superuser)
    check = outcome(run, "real_estate")
    assert check.outcome == CheckOutcome.MISMATCH
    assert check.declared_value == "申报无自有住房"
    assert "26 m²" in check.department_value and "申报无自有住房，但不动产登记有房产" in check.note


def test_declared_property_area_that_matches_the_register_agrees(superuser, street_caseworker):
    family, number = low_income_family(superuser, floor_area="26.00")
    mirror(
        number,
        "real_estate",
        {"certificate_number": "粤(2019)第1号", "address": "某小区", "floor_area": "26.50"},
    )
    run = run_checks(new_application(family, street_caseworker), superuser)
    assert outcome(run, "real_estate").outcome == CheckOutcome.MATCH


def test_no_property_declared_and_none_registered_agree(superuser, street_caseworker):
    family, _number = low_income_family(superuser, floor_area="0")
    run = run_checks(new_application(family, street_caseworker), superuser)
    assert outcome(run, "real_estate").outcome == CheckOutcome.MATCH


def test_dibao_declared_but_not_on_the_list_and_listed_but_not_declared_are_both_flagged(
    superuser, street_caseworker
):
    declared, _number = low_income_family(superuser, dibao=True, name="何志强")
    run = run_checks(new_application(declared, street_caseworker), superuser)
    check = outcome(run, "subsistence")
    assert check.outcome == CheckOutcome.MISMATCH and "全家均不在低保/特困名单" in check.note

    undeclared, number = low_income_family(superuser, dibao=False, name="郑美华")
    mirror(number, "subsistence", {"category": "低保", "since": "2021-01-01", "monthly_amount": "1200.00"})
    run = run_checks(new_application(undeclared, street_caseworker), superuser)
    check = outcome(run, "subsistence")
    assert check.outcome == CheckOutcome.MISMATCH and "未申报低保" in check.note


def test_an_undeclared_vehicle_is_flagged_and_a_declared_one_agrees(superuser, street_caseworker):
    family, number = low_income_family(superuser)
    mirror(number, "vehicle", {"plate_number": "粤C·D12345", "vehicle_type": "小型轿车"})
    application = new_application(family, street_caseworker)
    run = run_checks(application, superuser)
    assert outcome(run, "vehicle").outcome == CheckOutcome.MISMATCH
    ApplicationAsset.objects.create(
        application=application,
        owner_name=family.applicant_name,
        category=AssetCategory.VEHICLE,
        quantity=1,
        total_value=Decimal("60000"),
    )
    again = run_checks(application, superuser)
    assert outcome(again, "vehicle").outcome == CheckOutcome.MATCH
    assert "申报车辆 1 辆" in outcome(again, "vehicle").declared_value


def test_talent_list_membership_is_checked_for_the_talent_subsidy(superuser, street_caseworker):
    family, number = talent_family(superuser)
    application = new_application(family, street_caseworker, project="rencai")
    run = run_checks(application, superuser)
    check = outcome(run, "talent")
    assert check.outcome == CheckOutcome.MISMATCH and "不在人才名单" in check.note
    mirror(
        number,
        "talent",
        {"category": "青年优秀人才", "certified_on": "2024-07-01", "valid_until": "2020-01-01"},
    )
    assert "过期" in outcome(run_checks(application, superuser), "talent").note


def test_every_active_member_is_checked_in_every_dataset_the_rule_set_needs(superuser, street_caseworker):
    family, _number = low_income_family(superuser)
    family_member_add(
        family=family,
        actor=superuser,
        data={
            "relation": "spouse",
            "name": "林秀英",
            "id_number": id_number(),
            "annual_income": Decimal("0"),
        },
    )
    application = new_application(family, street_caseworker)
    plan = application_check_plan(application, on_date=MIRROR_DATE)
    codes, info, note = plan.codes, plan.ruleset, plan.note
    # 廉租住房: income, floor area, assets, hukou, 低保 (in the subsidy formula) — not marriage or education.
    assert {
        "income",
        "social_insurance",
        "real_estate",
        "vehicle",
        "business",
        "hukou",
        "subsistence",
    } <= set(codes)
    assert "marriage" not in codes and "education" not in codes and "talent" not in codes
    assert info["version"] == 1 and not note
    run = run_checks(application, superuser)
    assert run.checks.count() == 2 * len(codes)
    assert set(run.checks.values_list("member_name", flat=True)) == {"陈翠香", "林秀英"}
    assert run.datasets == codes and run.ruleset_version == 1


def test_the_talent_subsidy_needs_education_talent_and_social_insurance(superuser, street_caseworker):
    family, _number = talent_family(superuser)
    application = new_application(family, street_caseworker, project="rencai")
    codes = application_check_plan(application, on_date=MIRROR_DATE).codes
    assert {"education", "talent", "social_insurance", "real_estate"} <= set(codes)
    assert "income" not in codes and "subsistence" not in codes


def test_a_department_api_that_cannot_answer_is_recorded_as_query_failed(
    superuser, street_caseworker, settings
):
    settings.EXCHANGE_ADAPTERS = {"income": {"url": "http://127.0.0.1:9/query", "timeout": 1}}
    family, number = low_income_family(superuser, floor_area="0")
    mirror(
        number,
        "real_estate",
        {"certificate_number": "粤(2019)第1号", "address": "某小区", "floor_area": "26.00"},
    )
    run = run_checks(new_application(family, street_caseworker), superuser)
    failed = outcome(run, "income")
    assert failed.outcome == CheckOutcome.FAILED and failed.adapter == "http"
    assert "无法连接部门接口" in failed.note and "年收入 36,000 元" in failed.declared_value
    # The other departments still answered.
    assert outcome(run, "real_estate").outcome == CheckOutcome.MISMATCH
    assert run.failed_count == 1


def test_submission_runs_the_checks_after_commit(
    superuser, street_caseworker, django_capture_on_commit_callbacks
):
    family, number = low_income_family(superuser, income="36000")
    mirror(number, "income", {"year": 2025, "annual_income": "52000.00"})
    application = new_application(family, street_caseworker)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        step(application, street_caseworker, "submit")
    assert not CheckRun.objects.filter(application=application).exists()  # nothing before commit
    for callback in callbacks:
        callback()
    run = CheckRun.objects.get(application=application)
    assert run.trigger == CheckTrigger.SUBMISSION and run.is_done and not run.is_automatic
    assert outcome(run, "income").outcome == CheckOutcome.MISMATCH
    assert Application.objects.get(pk=application.pk).state == "submitted"  # 廉租住房 is reviewed by people


def test_a_rerun_is_a_new_run_and_earlier_runs_are_kept(
    superuser, street_caseworker, django_capture_on_commit_callbacks
):
    family, number = low_income_family(superuser, income="36000")
    mirror(number, "income", {"year": 2025, "annual_income": "52000.00"})
    application = new_application(family, street_caseworker)
    with django_capture_on_commit_callbacks(execute=True):
        step(application, street_caseworker, "submit")
    first = CheckRun.objects.get(application=application)
    mirror(
        number,
        "income",
        {"year": 2025, "annual_income": "36500.00"},
        source_date=MIRROR_DATE.replace(month=7),
    )
    with django_capture_on_commit_callbacks(execute=True):
        second = check_run_request(application=application, actor=street_caseworker)
    second.refresh_from_db()
    assert (first.number, second.number) == (1, 2) and second.trigger == CheckTrigger.MANUAL
    assert outcome(first, "income").outcome == CheckOutcome.MISMATCH  # unchanged
    assert outcome(second, "income").outcome == CheckOutcome.MATCH  # the newer extract wins
    assert DepartmentCheck.objects.filter(application=application).count() == first.checks.count() * 2


def test_only_reviewers_of_the_cases_level_may_rerun(superuser, street_caseworker, district_reviewer):
    family, _number = low_income_family(superuser)
    application = new_application(family, street_caseworker)
    with pytest.raises(ValidationError, match="不能重新核查"):
        check_run_request(application=application, actor=street_caseworker)  # a draft
    application = step(application, street_caseworker, "submit")
    with pytest.raises(PermissionDenied):
        check_run_request(application=application, actor=district_reviewer)
    assert check_run_request(application=application, actor=street_caseworker).number >= 1


def test_the_applicants_name_against_the_hukou_register(superuser, street_caseworker):
    family, number = low_income_family(superuser, name="陈翠香")
    mirror(number, "hukou", {"name": "陈翠芳", "hukou_address": "香洲区", "registered_on": "2005-03-01"})
    run = run_checks(new_application(family, street_caseworker), superuser)
    check = outcome(run, "hukou", member=applicant(family))
    assert check.outcome == CheckOutcome.MISMATCH and "姓名" in check.note
