"""The rent run's progress record, a crash half-way and 继续, and 年审变更标准 applied from its month."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from admission.registry.models import GuaranteeStatus, RegistryEntry
from allocation.annual_review.models import AnnualReview, AnnualReviewDecision
from allocation.annual_review.services import annual_review_decide, annual_review_run
from allocation.tenancy import services
from allocation.tenancy.models import RentReceivable, RentRun, RentRunState
from allocation.tenancy.services import move_in_register, rent_run_execute, rent_run_resume, rent_run_start

D = datetime.date


def rows_of(year, month):
    return set(
        RentReceivable.objects.filter(year=year, month=month).values_list(
            "move_in_id", "year", "month", "amount"
        )
    )


@pytest.fixture
def five_move_ins(signed_contract, officer):
    return [
        move_in_register(
            contract=signed_contract(name=f"住户{i}"), actor=officer, moved_in_on=D(2026, 1, 1 + i)
        )
        for i in range(5)
    ]


def test_a_run_crashing_in_the_middle_chunk_resumes_to_exactly_the_uninterrupted_rows(
    five_move_ins, officer, monkeypatch, django_capture_on_commit_callbacks
):
    # the uninterrupted run, for comparison; then cleared
    services.rent_receivables_run("2026-01", officer, chunk=2)
    expected = rows_of(2026, 1)
    assert len(expected) == 5
    RentReceivable.objects.all().delete()

    from allocation.annual_review import selectors as review_selectors

    calls = {"n": 0}
    original = review_selectors.annual_review_standard_changes

    def crash_in_second_chunk(ids, period):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return original(ids, period)

    # the run imports the selector when it starts, so this stands in for a worker dying in chunk 2
    monkeypatch.setattr(review_selectors, "annual_review_standard_changes", crash_in_second_chunk)
    monkeypatch.setattr(services, "CHUNK", 2)
    with django_capture_on_commit_callbacks(execute=False):
        run = rent_run_start(period="2026-01", actor=officer)
    with pytest.raises(RuntimeError):
        rent_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == RentRunState.FAILED and run.can_resume
    assert (run.total, run.processed, run.created) == (5, 2, 2)  # the first chunk committed
    assert len(rows_of(2026, 1)) == 2

    with django_capture_on_commit_callbacks(execute=True):
        rent_run_resume(run=run, actor=officer)
    run.refresh_from_db()
    assert run.state == RentRunState.DONE and run.attempts == 2
    assert (run.total, run.processed, run.created, run.existing) == (5, 5, 5, 0)
    assert rows_of(2026, 1) == expected
    # and a third pass creates nothing new
    assert services.rent_receivables_run("2026-01", officer).created == 0
    assert rows_of(2026, 1) == expected


def test_a_run_without_heartbeat_shows_interrupted_with_a_resume_button(
    five_move_ins, officer, client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        run = rent_run_start(period="2026-02", actor=officer)
    client.force_login(officer)
    fragment = client.get(reverse("allocation:tenancy_rent_runs"), HTTP_HX_REQUEST="true")
    assert fragment["Vary"] and "HX-Request" in fragment["Vary"]
    html = fragment.content.decode()
    assert 'hx-trigger="every 2s"' in html and "中断" not in html  # alive: polled, no 继续
    assert 'data-testid="rent-run-resume"' not in html
    RentRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - datetime.timedelta(minutes=30))
    html = client.get(reverse("allocation:tenancy_receivables")).content.decode()
    assert "中断" in html and 'data-testid="rent-run-resume"' in html and "every 2s" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("allocation:tenancy_rent_run_resume", args=[run.pk]))
    assert response.status_code == 302
    run.refresh_from_db()
    assert run.state == RentRunState.DONE and run.created == 5
    html = client.get(reverse("allocation:tenancy_rent_runs")).content.decode()
    assert "待处理 5 户，已处理 5 户，新增应收 5 条，已有 0 条" in html
    # a finished run cannot be resumed again
    client.post(reverse("allocation:tenancy_rent_run_resume", args=[run.pk]))
    assert RentRun.objects.get(pk=run.pk).attempts == 1


@time_machine.travel(timezone.make_aware(datetime.datetime(2026, 6, 15, 10)), tick=False)
def test_a_change_of_standard_decided_in_june_changes_julys_rent_not_junes(
    signed_contract, officer, city_admin
):
    move_in = move_in_register(contract=signed_contract(), actor=officer, moved_in_on=D(2026, 1, 1),
                               rent_reduction=Decimal("10.00"), reduction_reason="困难减免")  # fmt: skip
    RegistryEntry.objects.filter(pk=move_in.registry_entry_id).update(status=GuaranteeStatus.GUARANTEED)
    annual_review_run(year=2026, region_code="440400000000", actor=city_admin)
    review = AnnualReview.objects.get(registry_entry_id=move_in.registry_entry_id)
    annual_review_decide(review=review, actor=city_admin, decision=AnnualReviewDecision.CHANGE_STANDARD,
                         opinion="收入增加，租金上调", new_monthly_rent=Decimal("888.88"))  # fmt: skip
    services.rent_receivables_run("2026-06", officer)
    services.rent_receivables_run("2026-07", officer)
    june = RentReceivable.objects.get(year=2026, month=6)
    july = RentReceivable.objects.get(year=2026, month=7)
    assert june.monthly_rent == move_in.monthly_rent and june.amount == move_in.monthly_rent - Decimal(
        "10.00"
    )
    assert july.monthly_rent == Decimal("888.88") and july.amount == Decimal("878.88")
