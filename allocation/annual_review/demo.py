"""Demo: this year's 保障对象年审 of the demo families in guarantee, one decided 变更标准, one 退出, the rest
待审核 (always at least one: the year's review is in progress and that family has declared).

Idempotent: the run adds nothing a second time and only an undecided review is decided. Does nothing when
no demo family is in guarantee yet.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Case, When
from django.utils import timezone

from housing.accounts.models import User

from .models import AnnualReview, AnnualReviewDecision, AnnualReviewRun, AnnualReviewState
from .runs import annual_review_run_execute
from .services import annual_review_decide, annual_review_run

CITY = "440400000000"


def seed_demo_annual_review() -> list[tuple[str, str, str]]:
    city = User.objects.filter(username="city").first()
    if city is None:
        return []
    year = timezone.localdate().year
    # Through a run record the first time, so the list page shows its 生成记录; later seeds only top up.
    if AnnualReviewRun.objects.filter(year=year, region_code=CITY, mode_code="").exists():
        annual_review_run(year=year, region_code=CITY, actor=city)
    else:
        run = AnnualReviewRun.objects.create(
            year=year, region_code=CITY, started_by=city, heartbeat_at=timezone.now()
        )
        annual_review_run_execute(run_id=run.pk)
    # One 变更标准 and one 退出 to look at; the other reviews stay 待审核. Each only once (idempotent).
    # The new monthly subsidy goes to a 租赁补贴 family, the 退出 to a family living in its unit.
    for decision, preferred, extra in (
        (AnnualReviewDecision.CHANGE_STANDARD, "rent_subsidy",
         {"new_subsidy_amount": Decimal("800.00"), "opinion": "演示：家庭收入增加，补贴标准下调。"}),
        (AnnualReviewDecision.EXIT, "rental_in_kind",
         {"exit_reason": "演示：家庭收入超过保障标准", "opinion": "演示：复核收入超标，退出保障。"}),
    ):  # fmt: skip
        pending = AnnualReview.objects.filter(year=year, state=AnnualReviewState.PENDING)
        # At least one review stays 待审核 (the year's review is "in progress", and its family declares).
        if AnnualReview.objects.filter(year=year, decision=decision).exists() or pending.count() < 2:
            continue
        review = pending.order_by(Case(When(mode_code=preferred, then=0), default=1), "pk").first()
        if review is not None:
            annual_review_decide(review=review, actor=city, decision=decision, **extra)
    return seed_demo_declaration()


# --- 年审申报 (the family updates its information) ---
# The demo applicant 张小明 (13800000001) has no family in guarantee (his cases are a returned application
# and a draft), so the declaration is made for the first demo family still 待审核, through a portal account
# of its own applicant (13800000002), the way the portal makes it.
DECLARING_PHONE = "13800000002"


def seed_demo_declaration() -> list[tuple[str, str, str]]:
    """One 门户 declaration (version 1) for a pending review, and the portal account that made it.

    Idempotent: the account is made once; nothing is declared when the review already has a declaration.
    """
    from admission.models import MemberStatus
    from housing.accounts.demo import DEMO_PASSWORD
    from housing.accounts.models import UserKind
    from housing.accounts.services import applicant_register

    from .declaration_services import annual_review_declaration_submit
    from .declarations import DeclarationChannel

    year = timezone.localdate().year
    user = User.objects.filter(kind=UserKind.APPLICANT, phone=DECLARING_PHONE).first()
    if user is not None:
        review = AnnualReview.objects.filter(
            year=year, registry_entry__id_number_digest=user.id_number_digest
        ).first()
    else:
        # A family that already has a portal account (the subsidy demo's) is not given a second one.
        accounts = User.objects.filter(kind=UserKind.APPLICANT).values("id_number_digest")
        review = (
            AnnualReview.objects.filter(year=year, state=AnnualReviewState.PENDING)
            .exclude(registry_entry__id_number_digest__in=accounts)
            .select_related("registry_entry__family")
            .order_by("pk")
            .first()
        )
        if review is None:
            return []
        family = review.registry_entry.family
        user = applicant_register(
            phone=DECLARING_PHONE, id_number=family.id_number, real_name=family.applicant_name,
            password=DEMO_PASSWORD,
        )  # fmt: skip
    account = [("申请人（门户，有待审核的年审并已申报）", DECLARING_PHONE, DEMO_PASSWORD)]
    if review is None or not review.can_decide or review.declarations.exists():
        return account
    entry = review.registry_entry
    members = [
        {"member_id": m.pk, "name": m.name, "relation": m.relation, "living_together": True,
         "annual_income": str(m.annual_income), "left_on": ""}
        for m in entry.family.members.filter(status=MemberStatus.ACTIVE).order_by("pk")
    ]  # fmt: skip
    annual_review_declaration_submit(
        review=review, actor=user, channel=DeclarationChannel.PORTAL,
        declared={
            "members": members, "floor_area": entry.total_floor_area, "owns_property_in_city": False,
            "phone": DECLARING_PHONE, "address": "香洲区翠香街道康宁路18号", "is_employed": True,
            "has_local_social_insurance": True, "commitment_signed": True,
        },
    )  # fmt: skip
    return account
