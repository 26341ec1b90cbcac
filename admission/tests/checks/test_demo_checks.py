"""The demo seeder of department checks: mirror rows, checked cases, one automatic approval, one manual case."""

from __future__ import annotations

from admission.checks.demo import seed_demo_checks
from admission.checks.models import AutoDecision, CheckRun, DepartmentCheck
from admission.demo import seed_demo_families
from admission.models import Application, ApplicationState, Family
from housing.accounts.demo import seed_demo_accounts
from housing.exchange.demo import seed_demo_exchange
from housing.exchange.models import MirrorRecord

from .conftest import new_application, step

S = ApplicationState


def test_demo_checks_approve_one_talent_case_queue_the_other_and_run_once(
    superuser, django_capture_on_commit_callbacks
):
    seed_demo_accounts()
    seed_demo_families()
    seed_demo_exchange()
    family = Family.objects.get(applicant_name="陈建国")  # declares 36,000; the tax office says 52,000
    chen = step(new_application(family, superuser), superuser, "submit")
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo_checks()

    clean = Application.objects.get(family__applicant_name="苏明哲")
    flawed = Application.objects.get(family__applicant_name="唐思远")
    assert clean.state == S.STREET_PUBLICITY and clean.street_reviewer.username == "system"
    assert CheckRun.objects.get(application=clean).decision == AutoDecision.APPROVED
    assert flawed.state == S.STREET_REVIEW
    assert CheckRun.objects.get(application=flawed).decision == AutoDecision.MANUAL
    income = DepartmentCheck.objects.get(application=chen, dataset_code="income", member_name="陈建国")
    assert income.outcome == "mismatch"

    counts = (CheckRun.objects.count(), DepartmentCheck.objects.count(), MirrorRecord.objects.count())
    with django_capture_on_commit_callbacks(execute=True):
        seed_demo_checks()
    assert (CheckRun.objects.count(), DepartmentCheck.objects.count(), MirrorRecord.objects.count()) == counts
