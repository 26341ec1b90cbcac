"""发起年审 as a run record: progress on the list page, a crash half-way and 继续 to exactly the rows of an
uninterrupted run, 中断 after a silent worker, the region scope, and the yearly start by beat."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from allocation.annual_review import services
from allocation.annual_review.models import AnnualReview, AnnualReviewRun
from allocation.annual_review.runs import (
    annual_review_run_execute,
    annual_review_run_resume,
    annual_review_run_scheduled,
    annual_review_run_start,
)
from allocation.common import RunState

CITY = "440400000000"
DISTRICT_B = "440403000000"


def rows():
    return set(
        AnnualReview.objects.values_list("number", "year", "registry_entry_id", "region_code", "mode_code")
    )


@pytest.fixture
def five_families(guaranteed):
    return [guaranteed() for _ in range(5)]


def test_a_run_crashing_in_the_middle_chunk_resumes_to_exactly_the_uninterrupted_rows(
    five_families, city_admin, monkeypatch, django_capture_on_commit_callbacks
):
    services.annual_review_run(year=2026, region_code=CITY, actor=city_admin, chunk_size=2)
    expected = rows()
    assert len(expected) == 5
    AnnualReview.objects.all().delete()

    calls = {"n": 0}
    original = services.run_checks

    def crash_in_second_chunk(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed")
        return original(*args, **kwargs)

    monkeypatch.setattr(services, "run_checks", crash_in_second_chunk)
    monkeypatch.setattr(services, "CHUNK", 2)
    with django_capture_on_commit_callbacks(execute=False):
        run = annual_review_run_start(year=2026, region_code=CITY, actor=city_admin)
    with pytest.raises(RuntimeError):
        annual_review_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.state == RunState.FAILED and run.can_resume and "worker killed" in run.error
    assert (run.total, run.processed, run.created) == (5, 2, 2)  # the first chunk is kept
    assert AnnualReview.objects.count() == 2

    with django_capture_on_commit_callbacks(execute=True):
        annual_review_run_resume(run=run, actor=city_admin)
    run.refresh_from_db()
    assert run.state == RunState.DONE and (run.processed, run.created, run.attempts) == (5, 5, 2)
    assert rows() == expected

    # run again for the same year: nothing new, and the record says so
    with django_capture_on_commit_callbacks(execute=True):
        again = annual_review_run_start(year=2026, region_code=CITY, actor=city_admin)
    again.refresh_from_db()
    assert (again.total, again.processed, again.created) == (5, 5, 0) and rows() == expected


def test_the_list_polls_a_live_run_and_offers_resume_once_it_is_interrupted(
    five_families, city_admin, client, django_capture_on_commit_callbacks
):
    client.force_login(city_admin)
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("allocation:annual_review_run"), {"year": "2026", "region_code": CITY})
    run = AnnualReviewRun.objects.get()
    fragment = client.get(reverse("allocation:annual_review_runs"), HTTP_HX_REQUEST="true")
    assert "HX-Request" in fragment["Vary"]
    html = fragment.content.decode()
    assert 'hx-trigger="every 2s"' in html and "中断" not in html
    assert 'data-testid="review-run-resume"' not in html and "珠海市" in html
    AnnualReviewRun.objects.filter(pk=run.pk).update(
        heartbeat_at=timezone.now() - datetime.timedelta(minutes=30)
    )
    html = client.get(reverse("allocation:annual_review_list")).content.decode()
    assert "中断" in html and 'data-testid="review-run-resume"' in html and "every 2s" not in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("allocation:annual_review_run_resume", args=[run.pk]))
    assert response.status_code == 302
    html = client.get(reverse("allocation:annual_review_runs")).content.decode()
    assert "在保家庭 5 户，已处理 5 户，新增年审 5 条" in html and "已完成" in html
    # a finished run is not resumed again: a message, the same record
    response = client.post(reverse("allocation:annual_review_run_resume", args=[run.pk]), follow=True)
    assert "不需要继续" in response.content.decode()
    assert AnnualReviewRun.objects.get(pk=run.pk).attempts == 1


def test_a_district_sees_only_its_own_runs_and_cannot_run_outside_its_area(
    guaranteed, district_reviewer, city_admin, client, django_capture_on_commit_callbacks
):
    guaranteed()
    with django_capture_on_commit_callbacks(execute=True):
        city_run = annual_review_run_start(year=2026, region_code=CITY, actor=city_admin)
    client.force_login(district_reviewer)
    html = client.get(reverse("allocation:annual_review_list")).content.decode()
    assert 'data-testid="review-run-row"' not in html  # the city's run is not the district's
    AnnualReviewRun.objects.filter(pk=city_run.pk).update(state=RunState.FAILED)
    assert client.post(reverse("allocation:annual_review_run_resume", args=[city_run.pk])).status_code == 403
    district_reviewer.user_permissions.add(Permission.objects.get(codename="run_annual_review"))
    runner = type(district_reviewer).objects.get(pk=district_reviewer.pk)
    with pytest.raises(ValidationError, match="管辖范围"):
        annual_review_run_start(year=2026, region_code=DISTRICT_B, actor=runner)
    assert AnnualReviewRun.objects.count() == 1


def test_beat_starts_the_years_city_wide_run_once_from_the_configured_day(
    five_families, settings, django_capture_on_commit_callbacks
):
    assert annual_review_run_scheduled(today=datetime.date(2026, 3, 1)) is None  # off by default
    settings.ANNUAL_REVIEW_AUTO_START = "03-10"
    assert annual_review_run_scheduled(today=datetime.date(2026, 3, 9)) is None
    with django_capture_on_commit_callbacks(execute=True):
        run = annual_review_run_scheduled(today=datetime.date(2026, 3, 10))
    run.refresh_from_db()
    assert (run.year, run.region_code, run.state, run.created, run.started_by) == (
        2026,
        CITY,
        "done",
        5,
        None,
    )
    assert annual_review_run_scheduled(today=datetime.date(2026, 3, 11)) is None
    assert AnnualReviewRun.objects.count() == 1 and AnnualReview.objects.count() == 5
