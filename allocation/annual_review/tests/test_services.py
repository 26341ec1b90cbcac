"""The yearly run (one review per family in guarantee, never twice), the mirror checks on the review,
each decision with its required opinion, and 逾期未审 after the deadline with the subsidy suspension."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from admission.registry.models import GuaranteeStatus, RegistryEntry
from allocation.annual_review.models import (
    AnnualReview,
    AnnualReviewDecision,
    AnnualReviewEvent,
    AnnualReviewState,
)
from allocation.annual_review.selectors import annual_review_suspended
from allocation.annual_review.services import (
    annual_review_deadline,
    annual_review_decide,
    annual_review_mark_overdue,
    annual_review_run,
)
from allocation.annual_review.tasks import annual_review_run_task

CITY = "440400000000"
S = AnnualReviewState
D = AnnualReviewDecision


def at(day: str) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.fromisoformat(f"{day}T10:00:00"))


def run(actor, year=2026, **kw):
    return annual_review_run(year=year, region_code=CITY, actor=actor, **kw)


def test_run_creates_one_review_per_family_in_guarantee_and_none_twice(guaranteed, family, city_admin):
    a, b = guaranteed(), guaranteed()
    family("lianzu", "rent_subsidy", name="轮候户")  # still 轮候中: not reviewed
    exited = guaranteed()
    RegistryEntry.objects.filter(pk=exited.pk).update(status=GuaranteeStatus.EXITED)
    assert run(city_admin)["created"] == 2
    assert set(AnnualReview.objects.values_list("registry_entry_id", flat=True)) == {a.pk, b.pk}
    review = AnnualReview.objects.get(registry_entry=a)
    assert (
        review.year == 2026 and review.deadline == datetime.date(2026, 12, 31) and review.state == S.PENDING
    )
    assert run(city_admin)["created"] == 0
    c = guaranteed()
    assert run(city_admin)["created"] == 1  # only the family new since the last run
    assert AnnualReview.objects.count() == 3 and AnnualReview.objects.filter(registry_entry=c).exists()
    assert run(city_admin, year=2027)["created"] == 3  # another year is another review


def test_run_by_mode_reviews_only_that_mode(guaranteed, city_admin):
    guaranteed(mode="rent_subsidy")
    other = guaranteed(project="gongzu", mode="rental_in_kind")
    assert run(city_admin, mode_code="rental_in_kind")["created"] == 1
    assert AnnualReview.objects.get().registry_entry_id == other.pk


def test_families_who_bought_their_home_are_not_reviewed(guaranteed, city_admin):
    renter = guaranteed(project="gongzu", mode="rental_in_kind")
    guaranteed(project="jingshi", mode="sale_in_kind", name="吴经适")
    assert run(city_admin)["created"] == 1
    assert AnnualReview.objects.get().registry_entry_id == renter.pk
    assert run(city_admin, mode_code="sale_in_kind")["created"] == 0


def test_run_form_offers_only_the_modes_that_are_reviewed(guaranteed, city_admin):
    from allocation.annual_review.forms import RunForm

    offered = {code for code, _ in RunForm(user=city_admin).fields["mode_code"].choices}
    assert {"", "rent_subsidy", "rental_in_kind"} <= offered
    assert "sale_in_kind" not in offered


def test_failed_mirror_check_is_shown_on_the_review_in_plain_chinese(guaranteed, mirror, city_admin):
    owner = guaranteed()
    clean = guaranteed()
    mirror(owner, "real_estate", address="香洲区凤凰路1号")
    assert run(city_admin) == {"created": 2, "flagged": 1}
    review = AnnualReview.objects.get(registry_entry=owner)
    assert review.check_problems == [
        "不动产登记显示家庭在本市已有住房（香洲区凤凰路1号），需复核是否仍符合补贴条件。"
    ]
    row = next(r for r in review.check_rows if r["code"] == "real_estate")
    assert row["label"] == "本市住房" and row["outcome"] == "不通过"
    assert AnnualReview.objects.get(registry_entry=clean).check_problems == []


@time_machine.travel(at("2026-11-22"), tick=False)
def test_continue_needs_an_opinion_and_is_recorded(guaranteed, city_admin):
    guaranteed()
    run(city_admin)
    review = AnnualReview.objects.get()
    with pytest.raises(ValidationError) as exc:
        annual_review_decide(review=review, actor=city_admin, decision=D.CONTINUE, opinion="  ")
    assert "请填写审核意见" in str(exc.value)
    review.refresh_from_db()
    assert review.state == S.PENDING and review.decision == ""
    review = annual_review_decide(review=review, actor=city_admin, decision=D.CONTINUE, opinion="情况无变化")
    assert review.state == S.DECIDED and review.decision == D.CONTINUE and review.decided_by == city_admin
    assert review.effective_on is None
    assert RegistryEntry.objects.get(pk=review.registry_entry_id).last_annual_review_year == 2026
    assert AnnualReviewEvent.objects.get(review=review).to_state == S.DECIDED
    with pytest.raises(ValidationError, match="不能再作结论"):
        annual_review_decide(review=review, actor=city_admin, decision=D.EXIT, opinion="x", exit_reason="y")


@time_machine.travel(at("2026-06-15"), tick=False)
def test_change_standard_takes_effect_the_first_of_next_month(guaranteed, city_admin):
    guaranteed()
    run(city_admin)
    review = AnnualReview.objects.get()
    with pytest.raises(ValidationError) as exc:
        annual_review_decide(review=review, actor=city_admin, decision=D.CHANGE_STANDARD, opinion="收入增加")
    assert "新的月租金或月补贴金额" in str(exc.value)
    review = annual_review_decide(
        review=review, actor=city_admin, decision=D.CHANGE_STANDARD, opinion="收入增加，补贴下调",
        new_subsidy_amount=Decimal("600.00"),
    )  # fmt: skip
    assert review.new_subsidy_amount == Decimal("600.00") and review.new_monthly_rent is None
    assert review.effective_on == datetime.date(2026, 7, 1)


@time_machine.travel(at("2026-12-10"), tick=False)
def test_change_standard_in_december_takes_effect_in_january(guaranteed, city_admin):
    guaranteed()
    run(city_admin)
    review = annual_review_decide(
        review=AnnualReview.objects.get(), actor=city_admin, decision=D.CHANGE_STANDARD, opinion="调整租金",
        new_monthly_rent=Decimal("350.50"),
    )  # fmt: skip
    assert review.effective_on == datetime.date(2027, 1, 1) and review.new_monthly_rent == Decimal("350.50")


def test_exit_needs_a_reason_and_is_only_recorded(guaranteed, city_admin):
    entry = guaranteed()
    run(city_admin)
    review = AnnualReview.objects.get()
    with pytest.raises(ValidationError) as exc:
        annual_review_decide(review=review, actor=city_admin, decision=D.EXIT, opinion="已购房")
    assert "退出原因" in str(exc.value)
    review = annual_review_decide(
        review=review, actor=city_admin, decision=D.EXIT, opinion="已购房", exit_reason="家庭已在本市购房"
    )
    assert review.decision == D.EXIT and review.exit_reason == "家庭已在本市购房"
    # the exit process is another part: the family stays 保障中 until it runs
    assert RegistryEntry.objects.get(pk=entry.pk).status == GuaranteeStatus.GUARANTEED


def test_undecided_review_becomes_overdue_after_the_deadline_and_its_subsidy_stops(
    guaranteed, city_admin, settings
):
    settings.ANNUAL_REVIEW_DEADLINE = "11-30"
    late, done = guaranteed(), guaranteed()
    with time_machine.travel(at("2026-03-01"), tick=False):
        run(city_admin)
        annual_review_decide(
            review=AnnualReview.objects.get(registry_entry=done), actor=city_admin, decision=D.CONTINUE,
            opinion="无变化",
        )  # fmt: skip
    assert AnnualReview.objects.get(registry_entry=late).deadline == datetime.date(2026, 11, 30)
    with time_machine.travel(at("2026-11-30"), tick=False):
        assert annual_review_mark_overdue() == 0  # the deadline day itself is still in time
    with time_machine.travel(at("2026-12-01"), tick=False):
        assert annual_review_mark_overdue() == 1
        assert annual_review_mark_overdue() == 0
    review = AnnualReview.objects.get(registry_entry=late)
    assert review.state == S.OVERDUE and review.suspended_from == datetime.date(2026, 12, 1)
    assert AnnualReview.objects.get(registry_entry=done).state == S.DECIDED
    ids = [late.pk, done.pk]
    assert annual_review_suspended(ids, "2026-11") == set()
    assert annual_review_suspended(ids, "2026-12") == {late.pk}
    assert annual_review_suspended(ids, "2027-01") == {late.pk}
    # A late decision restarts the subsidy from the next month; the suspended months are not paid back.
    with time_machine.travel(at("2027-01-20"), tick=False):
        annual_review_decide(review=review, actor=city_admin, decision=D.CONTINUE, opinion="补审通过")
    assert annual_review_suspended(ids, "2027-01") == {late.pk}
    assert annual_review_suspended(ids, "2027-02") == set()
    settings.ANNUAL_REVIEW_SUSPEND_OVERDUE = False
    assert annual_review_suspended(ids, "2027-01") == set()


def test_task_runs_and_marks_overdue_in_one_go(guaranteed, city_admin):
    guaranteed()
    with time_machine.travel(at("2025-06-01"), tick=False):
        annual_review_run_task(2025, CITY, "", city_admin.pk)
    with time_machine.travel(at("2026-01-05"), tick=False):
        guaranteed()
        result = annual_review_run_task(2026, CITY, "", city_admin.pk)
    assert result == {"created": 2, "flagged": 0, "overdue": 1}
    assert AnnualReview.objects.get(year=2025).state == S.OVERDUE


def test_deadline_setting_is_month_day(settings):
    assert annual_review_deadline(2026) == datetime.date(2026, 12, 31)
    settings.ANNUAL_REVIEW_DEADLINE = "3-31"
    assert annual_review_deadline(2026) == datetime.date(2026, 3, 31)
    settings.ANNUAL_REVIEW_DEADLINE = "13-01"
    with pytest.raises(ValidationError, match="月-日"):
        annual_review_deadline(2026)


def test_standard_change_applies_from_its_effective_month_and_a_later_change_wins(guaranteed, city_admin):
    from allocation.annual_review.selectors import annual_review_standard_changes

    entry = guaranteed()
    with time_machine.travel(at("2026-06-15"), tick=False):
        run(city_admin)
        annual_review_decide(
            review=AnnualReview.objects.get(), actor=city_admin, decision=D.CHANGE_STANDARD, opinion="收入增加",
            new_subsidy_amount=Decimal("600.00"), new_monthly_rent=Decimal("420.00"),
        )  # fmt: skip
    assert annual_review_standard_changes([entry.pk], "2026-06") == {}
    july = annual_review_standard_changes([entry.pk], "2026-07")[entry.pk]
    assert (july.monthly_subsidy, july.monthly_rent) == (Decimal("600.00"), Decimal("420.00"))
    with time_machine.travel(at("2027-03-10"), tick=False):
        run(city_admin, year=2027)
        annual_review_decide(
            review=AnnualReview.objects.get(year=2027), actor=city_admin, decision=D.CHANGE_STANDARD,
            opinion="再次调整", new_subsidy_amount=Decimal("500.00"),
        )  # fmt: skip
    april = annual_review_standard_changes([entry.pk], "2027-04")[entry.pk]
    assert (april.monthly_subsidy, april.monthly_rent) == (Decimal("500.00"), Decimal("420.00"))
    assert annual_review_standard_changes([entry.pk], "2027-03")[entry.pk].monthly_subsidy == Decimal(
        "600.00"
    )


def test_in_kind_familys_own_lease_is_not_another_benefit(guaranteed, agreement, city_admin):
    tenant = guaranteed(project="gongzu", mode="rental_in_kind")
    agreement(entry=tenant, kind="public_rental", number="GZ-OWN")
    assert run(city_admin) == {"created": 1, "flagged": 0}
    review = AnnualReview.objects.get(registry_entry=tenant)
    row = next(r for r in review.check_rows if r["code"] == "other_benefit")
    assert row["outcome"] == "通过" and review.check_problems == []


def test_subsidy_family_with_a_lease_is_still_flagged_at_its_review(guaranteed, agreement, city_admin):
    subsidised = guaranteed(mode="rent_subsidy")
    agreement(entry=subsidised)
    agreement(entry=subsidised, kind="public_rental", number="GZ-2")
    assert run(city_admin)["flagged"] == 1
    assert AnnualReview.objects.get(registry_entry=subsidised).check_problems == [
        "同时享受其他住房保障：公租房租赁合同（GZ-2）。"
    ]
