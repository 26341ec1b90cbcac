"""Demo: this year's 保障对象年审 of the demo families in guarantee, one of them decided 继续保障.

Idempotent: the run adds nothing a second time and only an undecided review is decided. Does nothing when
no demo family is in guarantee yet.
"""

from __future__ import annotations

from django.utils import timezone

from housing.accounts.models import User

from .models import AnnualReview, AnnualReviewDecision, AnnualReviewState
from .services import annual_review_decide, annual_review_run

CITY = "440400000000"


def seed_demo_annual_review() -> list[tuple[str, str, str]]:
    city = User.objects.filter(username="city").first()
    if city is None:
        return []
    year = timezone.localdate().year
    annual_review_run(year=year, region_code=CITY, actor=city)
    if not AnnualReview.objects.filter(year=year, state=AnnualReviewState.DECIDED).exists():
        review = (
            AnnualReview.objects.filter(year=year, state=AnnualReviewState.PENDING).order_by("pk").first()
        )
        if review is not None:
            annual_review_decide(
                review=review, actor=city, decision=AnnualReviewDecision.CONTINUE,
                opinion="演示：家庭情况无变化，继续保障。",
            )  # fmt: skip
    return []
