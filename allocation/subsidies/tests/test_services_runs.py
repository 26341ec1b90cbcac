"""The due run by quarter, with the annual review's changes of standard, and its run record: progress,
a crash half-way resumed with 继续 giving exactly the rows of an uninterrupted run."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from allocation.annual_review.models import AnnualReview, AnnualReviewState
from allocation.annual_review.services import annual_review_decide
from allocation.subsidies import services
from allocation.subsidies.models import SubsidyDue, SubsidyDueRun, SubsidyDueRunState, SubsidyDueState
from allocation.subsidies.services import (
    payment_batch_create,
    subsidy_due_run,
    subsidy_due_run_execute,
    subsidy_due_run_resume,
    subsidy_due_run_start,
)

CITY = "440400000000"


def rows():
    return set(SubsidyDue.objects.values_list("agreement_id", "year", "month", "amount", "state"))


def test_a_quarterly_project_writes_the_three_months_once_and_refuses_a_month(
    agreement, city_admin, settings
):
    settings.SUBSIDY_PAYMENT_CYCLES = {"lianzu": "quarterly"}
    whole = agreement("1000.00", start=datetime.date(2025, 1, 1))
    late = agreement("900.00", start=datetime.date(2026, 2, 15))  # 14/28 of February, then March
    assert subsidy_due_run(period="2026-Q1", project_code="lianzu", actor=city_admin)["created"] == 5
    assert sorted(SubsidyDue.objects.filter(agreement=whole).values_list("period", "amount")) == [
        ("2026-01", Decimal("1000.00")), ("2026-02", Decimal("1000.00")), ("2026-03", Decimal("1000.00")),
    ]  # fmt: skip
    assert sorted(SubsidyDue.objects.filter(agreement=late).values_list("period", "amount")) == [
        ("2026-02", Decimal("450.00")), ("2026-03", Decimal("900.00")),
    ]  # fmt: skip
    assert set(SubsidyDue.objects.values_list("due_on", flat=True)) == {datetime.date(2026, 3, 31)}
    assert subsidy_due_run(period="2026-Q1", project_code="lianzu", actor=city_admin)["created"] == 0
    with pytest.raises(ValidationError) as error:  # the same months once more, as a month: refused
        subsidy_due_run(period="2026-02", project_code="lianzu", actor=city_admin)
    assert "按季度发放" in str(error.value)
    batch = payment_batch_create(period="2026-q1", project_code="lianzu", region_code=CITY, actor=city_admin)
    assert batch.period == "2026-Q1" and batch.payment_count == 5
    assert batch.total_amount == Decimal("4350.00")


def test_a_monthly_project_refuses_a_quarter(agreement, city_admin):
    agreement()
    with pytest.raises(ValidationError) as error:
        subsidy_due_run(period="2026-Q1", project_code="lianzu", actor=city_admin)
    assert "按月发放" in str(error.value)
    with pytest.raises(ValidationError):
        subsidy_due_run(period="2026-Q5", project_code="lianzu", actor=city_admin)


def test_the_quarters_months_count_towards_the_months_limit(agreement, city_admin, settings):
    settings.SUBSIDY_PAYMENT_CYCLES = {"lianzu": "quarterly"}
    contract = agreement(amount_basis=[{"name": "累计发放月数上限", "value": "2", "measure": "月"}])
    subsidy_due_run(period="2026-Q1", project_code="lianzu", actor=city_admin)
    states = dict(SubsidyDue.objects.filter(agreement=contract).values_list("period", "state"))
    assert states == {"2026-01": "payable", "2026-02": "payable", "2026-03": "held"}


def _review(entry):
    return AnnualReview.objects.create(
        number=f"NS-T-{entry.pk}", year=2026, deadline=datetime.date(2026, 12, 31), registry_entry=entry,
        project_code="lianzu", mode_code="rent_subsidy", region_code=entry.region_code,
        state=AnnualReviewState.PENDING,
    )  # fmt: skip


def test_a_june_change_of_standard_pays_the_new_amount_from_july(agreement, city_admin):
    contract = agreement("1000.00")
    other = agreement("800.00")
    review = _review(contract.registry_entry)
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC)):
        annual_review_decide(review=review, actor=city_admin, decision="change_standard", opinion="收入下降",
                             new_subsidy_amount=Decimal("1234.56"))  # fmt: skip
    for period in ("2026-06", "2026-07"):
        subsidy_due_run(period=period, project_code="lianzu", actor=city_admin)
    june = SubsidyDue.objects.get(agreement=contract, period="2026-06")
    july = SubsidyDue.objects.get(agreement=contract, period="2026-07")
    assert (june.standard_amount, june.amount) == (Decimal("1000.00"), Decimal("1000.00"))
    assert (july.standard_amount, july.amount) == (Decimal("1000.00"), Decimal("1234.56"))
    assert SubsidyDue.objects.get(agreement=other, period="2026-07").amount == Decimal("800.00")


def test_a_change_of_standard_then_a_missed_review_suspends_without_back_pay(agreement, city_admin):
    contract = agreement("1000.00")
    entry = contract.registry_entry
    with time_machine.travel(datetime.datetime(2026, 6, 15, 10, tzinfo=datetime.UTC)):
        annual_review_decide(review=_review(entry), actor=city_admin, decision="change_standard", opinion="调整",
                             new_subsidy_amount=Decimal("600.00"))  # fmt: skip
    AnnualReview.objects.create(
        number="NS-T-2027", year=2027, deadline=datetime.date(2026, 8, 31), registry_entry=entry,
        project_code="lianzu", mode_code="rent_subsidy", region_code=entry.region_code,
        suspended_from=datetime.date(2026, 9, 1), resumes_on=datetime.date(2026, 11, 1),
    )  # fmt: skip
    for month in range(7, 12):
        subsidy_due_run(period=f"2026-{month:02d}", project_code="lianzu", actor=city_admin)
    got = dict(SubsidyDue.objects.filter(agreement=contract).values_list("period", "state"))
    assert got == {"2026-07": "payable", "2026-08": "payable", "2026-09": "cancelled", "2026-10": "cancelled",
                   "2026-11": "payable"}  # fmt: skip
    paid = SubsidyDue.objects.filter(agreement=contract).exclude(state=SubsidyDueState.CANCELLED)
    assert sorted(paid.values_list("amount", flat=True)) == [Decimal("600.00")] * 3  # nothing paid back


def test_the_run_record_counts_and_reports_progress(
    agreement, city_admin, monkeypatch, django_capture_on_commit_callbacks
):
    for amount in ("100.00", "200.00", "300.00"):
        agreement(amount)
    subsidy_due_run(period="2026-03", project_code="lianzu", actor=city_admin)
    SubsidyDue.objects.filter(amount=Decimal("300.00")).delete()  # one missing: the run adds only it
    monkeypatch.setattr(services, "CHUNK", 1)
    with django_capture_on_commit_callbacks(execute=True):
        run = subsidy_due_run_start(period="2026-3", project_code="lianzu", actor=city_admin)
    run.refresh_from_db()
    assert (run.period, run.state, run.total, run.processed, run.existing, run.created) == (
        "2026-03", SubsidyDueRunState.DONE, 3, 3, 2, 1,
    )  # fmt: skip
    assert run.attempts == 1 and run.percent == 100 and run.finished_at is not None


def _crash_on_chunk(monkeypatch, n):
    calls = {"n": 0}
    real = SubsidyDue.objects.bulk_create

    def bulk_create(rows, **kwargs):
        calls["n"] += 1
        if calls["n"] == n:
            raise RuntimeError("worker killed")
        return real(rows, **kwargs)

    monkeypatch.setattr(SubsidyDue.objects, "bulk_create", bulk_create)
    return lambda: monkeypatch.setattr(SubsidyDue.objects, "bulk_create", real)


@pytest.mark.parametrize("how", ["exception", "killed"])
def test_a_run_crashed_half_way_and_resumed_equals_an_uninterrupted_run(
    agreement, mirror, city_admin, monkeypatch, how
):
    contracts = [agreement(a, start=datetime.date(2026, 3, d)) for a, d in (("100.00", 1), ("200.00", 11),
                                                                             ("300.00", 1), ("400.00", 20))]  # fmt: skip
    mirror(
        contracts[2].registry_entry, "real_estate", certificate_number="X", address="某处", floor_area="50"
    )
    monkeypatch.setattr(services, "CHUNK", 1)
    subsidy_due_run(period="2026-03", project_code="lianzu", actor=city_admin)
    uninterrupted = rows()
    SubsidyDue.objects.all().delete()

    run = SubsidyDueRun.objects.create(period="2026-03", project_code="lianzu", started_by=city_admin)
    restore = _crash_on_chunk(monkeypatch, 3)
    with pytest.raises(RuntimeError):
        subsidy_due_run_execute(run_id=run.pk)
    restore()
    run.refresh_from_db()
    assert SubsidyDue.objects.count() == 2 and run.processed == 2 and run.created == 2
    if how == "killed":  # SIGKILL: no handler ran, the record stays 进行中 and its heartbeat ages
        SubsidyDueRun.objects.filter(pk=run.pk).update(
            state=SubsidyDueRunState.RUNNING, error="",
            heartbeat_at=timezone.now() - datetime.timedelta(minutes=30),
        )  # fmt: skip
        run.refresh_from_db()
        assert run.is_interrupted and run.state_label == "中断"
    else:
        assert run.state == SubsidyDueRunState.FAILED and "worker killed" in run.error
    assert run.can_resume
    resumed = subsidy_due_run_resume(run=run, actor=city_admin)  # queues the task after commit …
    subsidy_due_run_execute(run_id=resumed.pk)  # … which is this, in the worker
    run.refresh_from_db()
    assert rows() == uninterrupted
    assert (run.state, run.total, run.processed, run.created, run.existing) == ("done", 4, 4, 4, 0)
    assert run.attempts == 2 and not run.can_resume
    with pytest.raises(ValidationError):
        subsidy_due_run_resume(run=run, actor=city_admin)


def test_a_live_run_is_not_started_twice(agreement, city_admin):
    agreement()
    first = subsidy_due_run_start(period="2026-03", project_code="lianzu", actor=city_admin)
    assert subsidy_due_run_start(period="2026-03", project_code="lianzu", actor=city_admin).pk == first.pk
    assert SubsidyDueRun.objects.count() == 1


def test_the_due_run_keeps_its_queries_per_chunk_constant(agreement, city_admin, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    monkeypatch.setattr(services, "CHUNK", 50)
    for _n in range(3):
        agreement()
    with CaptureQueriesContext(connection) as small:
        subsidy_due_run(period="2026-03", project_code="lianzu", actor=city_admin)
    for _n in range(40):
        agreement()
    SubsidyDue.objects.all().delete()
    with CaptureQueriesContext(connection) as large:
        subsidy_due_run(period="2026-03", project_code="lianzu", actor=city_admin)
    assert SubsidyDue.objects.count() == 43
    assert len(large.captured_queries) == len(small.captured_queries)
