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


def test_demo_declaration_gives_a_portal_family_a_declared_pending_review(guaranteed, make_staff, client):
    from django.urls import reverse

    from allocation.annual_review.declarations import AnnualReviewDeclaration
    from housing.accounts.models import User

    make_staff("city", [("city_centre", CITY)], is_staff=True)
    guaranteed(), guaranteed(), guaranteed()
    accounts = seed_demo_annual_review()
    seed_demo_annual_review()
    assert [a[1] for a in accounts] == ["13800000002"]
    declaration = AnnualReviewDeclaration.objects.get()
    assert declaration.version == 1 and declaration.review.state == AnnualReviewState.PENDING
    client.force_login(User.objects.get(phone="13800000002"))
    me = client.get(reverse("portal:me")).content.decode()
    assert "年度复核：请更新家庭信息" in me and "已申报，待审核" in me


def test_demo_with_two_families_decides_one_and_keeps_the_other_pending_and_declared(guaranteed, make_staff):
    from allocation.annual_review.declarations import AnnualReviewDeclaration

    make_staff("city", [("city_centre", CITY)], is_staff=True)
    guaranteed(project="gongzu", mode="rental_in_kind"), guaranteed()
    seed_demo_annual_review()
    decided = AnnualReview.objects.exclude(decision="").get()
    assert (decided.decision, decided.mode_code) == (AnnualReviewDecision.CHANGE_STANDARD, "rent_subsidy")
    assert AnnualReviewDeclaration.objects.get().review.state == AnnualReviewState.PENDING
