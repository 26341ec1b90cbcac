"""Reads of 年审申报: the applicant's own pending reviews (portal), the form's starting values, and the
back office's side-by-side of the latest declaration against the registered family."""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404
from django.utils.translation import gettext as _

from .declarations import AnnualReviewDeclaration
from .models import AnnualReview, AnnualReviewState

OPEN_STATES = (AnnualReviewState.PENDING, AnnualReviewState.OVERDUE)


def open_reviews_of_applicant(*, user) -> list[AnnualReview]:
    """The applicant's reviews still 待审核 or 逾期未审 (matched by the ID digest through the registry)."""
    from admission.registry.selectors import registry_entries_of_applicant

    entries = registry_entries_of_applicant(user=user)
    return list(
        AnnualReview.objects.filter(registry_entry__in=entries.values("pk"), state__in=OPEN_STATES).order_by(
            "-year", "-pk"
        )
    )


def review_of_applicant_or_404(*, user, pk) -> AnnualReview:
    """The applicant's own open review; another family's review, or a decided one, is a 404."""
    for review in open_reviews_of_applicant(user=user):
        if review.pk == int(pk):
            return review
    raise Http404


def declarations_of_review(review: AnnualReview) -> list[AnnualReviewDeclaration]:
    """Every version, newest first."""
    return list(review.declarations.select_related("submitted_by").order_by("-version"))


def latest_declaration(review: AnnualReview) -> AnnualReviewDeclaration | None:
    return review.declarations.order_by("-version").first()


def registered_members(review: AnnualReview) -> list[dict]:
    """The family's members in the file (在册), as the form lists them."""
    from admission.models import MemberStatus

    members = review.registry_entry.family.members.filter(status=MemberStatus.ACTIVE).order_by("pk")
    return [
        {"member_id": m.pk, "name": m.name, "relation": m.relation, "annual_income": m.annual_income,
         "living_together": m.lives_with_family}
        for m in members.only("pk", "name", "relation", "annual_income", "lives_with_family")
    ]  # fmt: skip


def declaration_initial(review: AnnualReview, members: list[dict]) -> dict:
    """The form's starting values: the latest declaration if any (a correction), else the file's."""
    latest = latest_declaration(review)
    initial: dict = {}
    if latest is not None:
        declared = {m["member_id"]: m for m in latest.members}
        for m in members:
            d = declared.get(m["member_id"])
            if d:
                key = f"member_{m['member_id']}"
                initial[f"{key}_living"] = d["living_together"]
                initial[f"{key}_income"] = d["annual_income"]
                initial[f"{key}_left_on"] = d.get("left_on") or None
        for f in ("new_member_name", "new_member_relation", "new_member_income", "new_member_joined_on",
                  "floor_area", "phone", "address"):  # fmt: skip
            initial[f] = getattr(latest, f)
        for f in ("owns_property_in_city", "is_employed", "has_local_social_insurance"):
            initial[f] = "yes" if getattr(latest, f) else "no"
        return initial
    entry = review.registry_entry
    for m in members:
        key = f"member_{m['member_id']}"
        initial[f"{key}_living"] = m["living_together"]
        initial[f"{key}_income"] = m["annual_income"]
    initial["floor_area"] = entry.total_floor_area
    initial["phone"] = entry.phone
    return initial


@dataclass(frozen=True)
class ComparisonRow:
    label: str
    registered: object
    declared: object

    @property
    def differs(self) -> bool:
        return self.registered is not None and self.declared is not None and self.registered != self.declared


def _yes_no(value: bool | None) -> str | None:
    return None if value is None else (_("是") if value else _("否"))


def _registered_owns_property(review: AnnualReview) -> bool | None:
    """The registry does not record 本市住房; the review's mirror check of 不动产 is what the office knows."""
    for row in review.check_results or []:
        if row.get("code") == "real_estate" and row.get("passed") is not None:
            return not row["passed"]
    return None


def declaration_comparison(review: AnnualReview, declaration: AnnualReviewDeclaration) -> list[ComparisonRow]:
    """登记 vs 申报: household size, per-capita annual income (recomputed from the declared incomes in
    Decimal, half-up once), floor area, per-capita floor area and 本市住房."""
    entry = review.registry_entry
    size = entry.household_size or 0
    return [
        ComparisonRow(_("家庭人口数"), size, declaration.household_size),
        ComparisonRow(_("家庭年总收入（元）"), entry.total_income, declaration.total_income),
        ComparisonRow(_("家庭人均年收入（元）"), entry.per_capita_income, declaration.per_capita_income),
        ComparisonRow(_("住房建筑面积（平方米）"), entry.total_floor_area, declaration.floor_area),
        ComparisonRow(
            _("人均建筑面积（平方米）"), entry.per_capita_floor_area, declaration.per_capita_floor_area
        ),
        ComparisonRow(
            _("是否在本市拥有住房"),
            _yes_no(_registered_owns_property(review)),
            _yes_no(declaration.owns_property_in_city),
        ),
    ]
