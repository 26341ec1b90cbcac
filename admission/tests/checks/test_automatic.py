"""The automatic path (issue 4 part 6): 自动受理 → 部门核查 → 自动审核 by the system actor, or the manual queue."""

from __future__ import annotations

from admission.application_selectors import application_nodes
from admission.checks.models import AutoDecision, CheckRun, CheckTrigger
from admission.models import Application, ApplicationState, ProposedPlan
from housing.accounts.system import SYSTEM_USERNAME
from rules.models import GuaranteeMode

from .conftest import clean_talent_mirror, low_income_family, mirror, new_application, step, talent_family

S = ApplicationState


def submit(application, actor, capture):
    with capture(execute=True):
        step(application, actor, "submit", "材料齐全，提交。")
    return Application.objects.get(pk=application.pk)


def test_a_clean_talent_case_is_approved_automatically_by_the_system(
    superuser, street_caseworker, django_capture_on_commit_callbacks
):
    family, number = talent_family(superuser)
    clean_talent_mirror(number, family.applicant_name)
    application = submit(
        new_application(family, street_caseworker, project="rencai"),
        street_caseworker,
        django_capture_on_commit_callbacks,
    )
    # The street publicity still applies: the case waits there for its batch.
    assert application.state == S.STREET_PUBLICITY
    assert application.street_reviewer.username == SYSTEM_USERNAME
    run = CheckRun.objects.get(application=application)
    assert run.is_automatic and run.decision == AutoDecision.APPROVED and run.eligible is True
    assert run.mismatch_count == 0 and run.failed_count == 0
    nodes = list(application_nodes(application=application))
    assert [n.transition for n in nodes][:3] == ["submit", "accept", "street_approve"]
    assert nodes[1].actor.username == SYSTEM_USERNAME and "系统自动受理" in nodes[1].opinion
    assert "系统自动审核通过" in nodes[2].opinion
    # The proposed plan sees what the departments said (学历, 社保 …): eligible, with the 本科 subsidy.
    plan = ProposedPlan.objects.get(application=application)
    assert plan.eligible is True and plan.subsidy_amount is not None


def test_a_flawed_talent_case_stays_in_the_street_queue_with_the_failing_checks_listed(
    superuser, street_caseworker, django_capture_on_commit_callbacks
):
    family, number = talent_family(superuser, name="唐思远")
    clean_talent_mirror(number, family.applicant_name)
    mirror(
        number,
        "real_estate",
        {"certificate_number": "粤(2022)第9号", "address": "香洲区某花园2栋", "floor_area": "89.00"},
    )
    application = submit(
        new_application(family, street_caseworker, project="rencai"),
        street_caseworker,
        django_capture_on_commit_callbacks,
    )
    assert application.state == S.STREET_REVIEW and application.street_reviewer is None
    run = CheckRun.objects.get(application=application)
    assert run.decision == AutoDecision.MANUAL and run.mismatch_count == 1
    assert "不动产" in run.decision_opinion and "在本市无住房" in run.decision_opinion
    last = list(application_nodes(application=application))[-2]  # the reopened street-review node follows it
    assert last.transition == "auto_review_failed" and last.actor.username == SYSTEM_USERNAME
    assert "转人工审核" in last.opinion and "不动产" in last.opinion
    # A person reviews it from here, as any other case.
    assert step(application, street_caseworker, "street_approve").state == S.STREET_PUBLICITY


def test_after_the_publicity_the_system_also_reviews_the_district_and_city_levels(
    superuser, street_caseworker, django_capture_on_commit_callbacks
):
    family, number = talent_family(superuser)
    clean_talent_mirror(number, family.applicant_name)
    application = submit(
        new_application(family, street_caseworker, project="rencai"),
        street_caseworker,
        django_capture_on_commit_callbacks,
    )
    system = application.street_reviewer
    with django_capture_on_commit_callbacks(execute=True):
        step(application, system, "street_publicity_close", "公示期满，无异议。")
    application = Application.objects.get(pk=application.pk)
    assert application.state == S.DISTRICT_PUBLICITY and application.district_reviewer == system
    with django_capture_on_commit_callbacks(execute=True):
        step(application, system, "district_publicity_close", "公示期满，无异议。")
    application = Application.objects.get(pk=application.pk)
    assert application.state == S.CITY_PUBLICITY and application.city_reviewer == system
    triggers = list(
        CheckRun.objects.filter(application=application).order_by("number").values_list("trigger", flat=True)
    )
    assert triggers == [CheckTrigger.SUBMISSION, CheckTrigger.AUTOMATIC, CheckTrigger.AUTOMATIC]


def test_a_case_a_person_reviewed_stays_with_people_at_the_next_level(
    superuser, street_caseworker, django_capture_on_commit_callbacks
):
    family, number = talent_family(superuser, name="唐思远")
    clean_talent_mirror(number, family.applicant_name)
    mirror(
        number,
        "real_estate",
        {"certificate_number": "粤(2022)第9号", "address": "某花园", "floor_area": "89.00"},
    )
    application = submit(
        new_application(family, street_caseworker, project="rencai"),
        street_caseworker,
        django_capture_on_commit_callbacks,
    )
    application = step(application, street_caseworker, "street_approve", "经入户核查，该房产已出售。")
    with django_capture_on_commit_callbacks(execute=True):
        step(application, street_caseworker, "street_publicity_close", "公示期满。")
    application = Application.objects.get(pk=application.pk)
    assert application.state == S.DISTRICT_REVIEW and application.district_reviewer is None
    assert CheckRun.objects.filter(application=application).count() == 1


def test_a_manual_mode_is_only_checked_not_decided(
    superuser, street_caseworker, django_capture_on_commit_callbacks
):
    family, _number = low_income_family(superuser)
    application = submit(
        new_application(family, street_caseworker), street_caseworker, django_capture_on_commit_callbacks
    )
    assert application.state == S.SUBMITTED
    run = CheckRun.objects.get(application=application)
    assert not run.is_automatic and run.decision == ""


def test_the_modes_setting_overrides_the_talent_default(
    superuser, street_caseworker, django_capture_on_commit_callbacks
):
    GuaranteeMode.objects.filter(project__code="rencai").update(auto_approval=False)
    family, number = talent_family(superuser)
    clean_talent_mirror(number, family.applicant_name)
    application = submit(
        new_application(family, street_caseworker, project="rencai"),
        street_caseworker,
        django_capture_on_commit_callbacks,
    )
    assert application.state == S.SUBMITTED

    GuaranteeMode.objects.filter(project__code="lianzu", code="rent_subsidy").update(auto_approval=True)
    other, _number = low_income_family(superuser, name="黄丽娟")
    lianzu = submit(
        new_application(other, street_caseworker), street_caseworker, django_capture_on_commit_callbacks
    )
    # Automatic, but facts no department holds (本市户籍年限 …) are unknown: accepted, then left to people.
    assert lianzu.state == S.STREET_REVIEW
    assert CheckRun.objects.get(application=lianzu).decision == AutoDecision.MANUAL


def test_a_second_delivery_of_the_submission_job_changes_nothing(
    superuser, street_caseworker, django_capture_on_commit_callbacks
):
    from admission.checks.services import application_submission_process

    family, number = talent_family(superuser)
    clean_talent_mirror(number, family.applicant_name)
    application = submit(
        new_application(family, street_caseworker, project="rencai"),
        street_caseworker,
        django_capture_on_commit_callbacks,
    )
    nodes_before = application_nodes(application=application).count()
    application_submission_process(application_id=application.pk)
    assert CheckRun.objects.filter(application=application).count() == 1
    assert application_nodes(application=application).count() == nodes_before
