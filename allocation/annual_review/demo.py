"""Demo: this year's 保障对象年审 of the demo families in guarantee, one decided 变更标准, one 退出, the rest 待审核.

Idempotent: the run adds nothing a second time and only an undecided review is decided. Does nothing when
no demo family is in guarantee yet.
"""

from __future__ import annotations

from decimal import Decimal

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
    # One 变更标准 and one 退出 to look at; the other reviews stay 待审核. Each only once (idempotent).
    for decision, extra in (
        (AnnualReviewDecision.CHANGE_STANDARD,
         {"new_subsidy_amount": Decimal("800.00"), "opinion": "演示：家庭收入增加，补贴标准下调。"}),
        (AnnualReviewDecision.EXIT, {"exit_reason": "演示：已购买商品住房", "opinion": "演示：家庭已有住房，退出保障。"}),
    ):  # fmt: skip
        if AnnualReview.objects.filter(year=year, decision=decision).exists():
            continue
        review = (
            AnnualReview.objects.filter(year=year, state=AnnualReviewState.PENDING).order_by("pk").first()
        )
        if review is not None:
            annual_review_decide(review=review, actor=city, decision=decision, **extra)
    return []
