"""The demo seeder: this year's reviews, one decided; a second run adds nothing."""

from __future__ import annotations

from allocation.annual_review.demo import seed_demo_annual_review
from allocation.annual_review.models import AnnualReview, AnnualReviewState

CITY = "440400000000"


def test_demo_annual_review_idempotent(guaranteed, make_staff):
    assert seed_demo_annual_review() == []  # no city account: nothing
    make_staff("city", [("city_centre", CITY)], is_staff=True)
    guaranteed(), guaranteed()
    seed_demo_annual_review()
    seed_demo_annual_review()
    assert AnnualReview.objects.count() == 2
    assert AnnualReview.objects.filter(state=AnnualReviewState.DECIDED).count() == 1
