"""Reads of the family register, always through the region scope (DESIGN §4 rule 2)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Case, Exists, OuterRef, Q, QuerySet, Subquery, Value, When
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from housing.accounts.identity import id_number_digest, normalise_id_number
from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.audit.services import mask_for_field
from housing.regions.codes import Level, scope_prefix
from housing.regions.models import Region

from .models import Family, FamilyMember, MemberStatus, Relation

# Clear personal numbers are never loaded for a list or an export: the masked copies are shown.
LIST_DEFERRED_FIELDS = ("id_number", "agent_id_number", "phone", "agent_phone")


def _region_name() -> Subquery:
    return Subquery(Region.objects.filter(code=OuterRef("region_code")).values("name")[:1])


def id_number_match_q(id_number: str, *, prefix: str = "") -> Q | None:
    """Families whose applicant or any active member holds ``id_number``; None if it is not valid."""
    try:
        digest = id_number_digest(normalise_id_number(id_number))
    except ValidationError:
        return None
    members = FamilyMember.objects.filter(
        family=OuterRef(f"{prefix}pk"), id_number_digest=digest, status=MemberStatus.ACTIVE
    )
    return Q(**{f"{prefix}id_number_digest": digest}) | Q(Exists(members))


def family_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[Family]:
    """Families in the user's scope, with their region's name, without clear personal numbers.

    ``filters``: ``region`` (a code prefix inside the scope), ``stage``, ``registration_year``,
    ``name`` (contains), ``id_number`` (exact, through the keyed hash).
    """
    queryset = scope_queryset(
        Family.objects.defer(*LIST_DEFERRED_FIELDS).annotate(region_name=_region_name()), user
    )
    filters = filters or {}
    if region := filters.get("region"):
        queryset = queryset.filter(region_code__startswith=scope_prefix(str(region)))
    if stage := filters.get("stage"):
        queryset = queryset.filter(stage=stage)
    if year := filters.get("registration_year"):
        queryset = queryset.filter(registration_year=year)
    if name := filters.get("name"):
        queryset = queryset.filter(applicant_name__icontains=name)
    if id_number := filters.get("id_number"):
        condition = id_number_match_q(id_number)
        queryset = queryset.filter(condition) if condition is not None else queryset.none()
    return queryset


def family_get_for_user(*, user, pk) -> Family:
    """One family inside the user's scope; out of scope, missing or a malformed id are all a 404."""
    try:
        return get_in_scope_or_404(
            Family.objects.annotate(region_name=_region_name()).select_related("created_by", "reviewer"),
            user,
            pk=pk,
        )
    except (ValueError, TypeError) as exc:
        raise Http404 from exc


def family_find_by_id_number(*, user, id_number: str) -> QuerySet[Family]:
    """Families in scope where ``id_number`` is the applicant's or an active member's (exact, by digest).

    An invalid number matches nothing (it cannot be anyone's); the caller validates input it shows back.
    """
    return family_list(user=user, filters={"id_number": id_number})


def family_members(*, family: Family, include_removed: bool = True) -> QuerySet[FamilyMember]:
    """The members of a family the caller has already fetched in scope: active first, the applicant first."""
    queryset = family.members.select_related("removed_by").annotate(
        applicant_first=Case(When(relation=Relation.SELF, then=Value(0)), default=Value(1))
    )
    if not include_removed:
        queryset = queryset.filter(status=MemberStatus.ACTIVE)
    return queryset.order_by("status", "applicant_first", "pk")


def family_member_get_for_user(*, user, pk, family_pk=None) -> FamilyMember:
    """One member whose family is in the user's scope (and, if given, of that family); else 404."""
    lookup = {"pk": pk}
    if family_pk is not None:
        lookup["family_id"] = family_pk
    try:
        return get_in_scope_or_404(
            FamilyMember.objects.select_related("family"), user, field="family__region_code", **lookup
        )
    except (ValueError, TypeError) as exc:
        raise Http404 from exc


def family_scope_regions(*, user) -> QuerySet[Region]:
    """Streets and communities a user may file a family under (window intake)."""
    return scope_queryset(
        Region.objects.filter(level__in=[Level.STREET, Level.COMMUNITY], is_active=True), user, field="code"
    ).order_by("code")


_HISTORY_TYPES = {"+": gettext_lazy("新增"), "~": gettext_lazy("修改"), "-": gettext_lazy("删除")}
# Derived or bookkeeping columns are not worth a line in the history tab.
_HISTORY_HIDDEN = {
    "id",
    "id_number_digest",
    "id_number_masked",
    "agent_id_number_masked",
    "created_at",
    "updated_at",
}
HISTORY_LIMIT = 200


def _display(record, field) -> str:
    if record is None:
        return ""
    if field.is_relation:
        related_id = getattr(record, field.attname)
        return "" if related_id is None else str(getattr(record, field.name))
    display = getattr(record, f"get_{field.name}_display", None)
    value = display() if display else getattr(record, field.attname)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    # History is a display too: ID and phone numbers stay masked here (DESIGN §4 rule 8).
    return "" if value is None else str(mask_for_field(field.name, value))


def _diff(records, fields, source: str) -> list[dict]:
    entries, previous = [], None
    for record in records:
        changes = []
        for field in fields:
            if previous is not None and getattr(previous, field.attname) == getattr(record, field.attname):
                continue
            new, old = _display(record, field), _display(previous, field)
            if previous is None and not new:
                continue
            changes.append({"label": field.verbose_name, "old": old, "new": new})
        who = record.history_user
        entries.append(
            {
                "when": record.history_date,
                "who": who.display_name if who is not None else _("系统"),
                "type": str(_HISTORY_TYPES.get(record.history_type, record.history_type)),
                "source": source,
                "changes": changes,
            }
        )
        previous = record
    return entries


def family_history(*, family: Family) -> list[dict]:
    """变更历史 of the family and its members (django-simple-history), newest first, masked."""
    family_fields = [f for f in Family.history.model.tracked_fields if f.name not in _HISTORY_HIDDEN]
    member_fields = [
        f for f in FamilyMember.history.model.tracked_fields if f.name not in _HISTORY_HIDDEN | {"family"}
    ]
    records = family.history.select_related("history_user").order_by("history_date", "history_id")
    entries = _diff(records, family_fields, _("家庭"))
    member_records = (
        FamilyMember.history.filter(family_id=family.pk)
        .select_related("history_user")
        .order_by("id", "history_date", "history_id")
    )
    by_member: dict[int, list] = {}
    for record in member_records[: HISTORY_LIMIT * 5]:
        by_member.setdefault(record.id, []).append(record)
    for rows in by_member.values():
        entries.extend(_diff(rows, member_fields, _("成员：%(name)s") % {"name": rows[-1].name}))
    entries.sort(key=lambda e: e["when"], reverse=True)
    return entries[:HISTORY_LIMIT]


# --- the applicant's own applications (portal 我的办事) ------------------------------------------------


def applications_of_applicant(*, user) -> QuerySet:
    """The applications whose applicant (申请人) is this portal account, newest first.

    Matched by the keyed digest of the ID number against the family's applicant, as the registry's
    ``registry_entries_of_applicant`` does (the clear number is never compared). Family members other than
    the applicant do not see the case. Empty for staff and for accounts without an ID number.
    """
    from .models import Application

    digest = getattr(user, "id_number_digest", "")
    if not digest or getattr(user, "kind", "") != "applicant":
        return Application.objects.none()
    return Application.objects.filter(family__id_number_digest=digest).order_by("-created_at", "-pk")
