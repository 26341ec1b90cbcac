"""The demo seeder: this year's reviews, one decided; a second run adds nothing."""

from __future__ import annotations

from allocation.annual_review.demo import seed_demo_annual_review
from allocation.annual_review.models import AnnualReview, AnnualReviewDecision, AnnualReviewState

CITY = "440400000000"


def test_demo_annual_review_idempotent(guaranteed, make_staff):
    assert seed_demo_annual_review() == []  # no city account: nothing
    make_staff("city", [("city_centre", CITY)], is_staff=True)
    for _ in range(3):
        guaranteed()
    seed_demo_annual_review()
    seed_demo_annual_review()
    assert AnnualReview.objects.count() == 3
    assert sorted(AnnualReview.objects.exclude(decision="").values_list("decision", flat=True)) == sorted(
        [AnnualReviewDecision.CHANGE_STANDARD, AnnualReviewDecision.EXIT]
    )
    assert AnnualReview.objects.filter(state=AnnualReviewState.PENDING).count() == 1
