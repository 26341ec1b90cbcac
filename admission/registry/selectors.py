"""Reads of the registry, waitlist, notices and appeals: every one through the region scope."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.regions.models import Region

from ..models import Application
from .models import (
    HOUSING_MODE_KINDS,
    DecisionNotice,
    RegistryEntry,
    ReviewAppeal,
    WaitlistEntry,
    WaitlistStatus,
)


def _region_name() -> Subquery:
    return Subquery(Region.objects.filter(code=OuterRef("region_code")).values("name")[:1])


def _in_scope_or_404(queryset: QuerySet, user, pk):
    try:
        return get_in_scope_or_404(queryset, user, pk=pk)
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


# --- registry ----------------------------------------------------------------------------------------


def registry_entry_list(*, user) -> QuerySet[RegistryEntry]:
    """登记簿 in scope; the encrypted number is never loaded for a list."""
    return (
        scope_queryset(RegistryEntry.objects.all(), user)
        .defer("id_number")
        .annotate(region_name=_region_name())
    )


def registry_entry_get_for_user(*, user, pk) -> RegistryEntry:
    queryset = RegistryEntry.objects.select_related("application", "family", "waitlist_entry").annotate(
        region_name=_region_name()
    )
    return _in_scope_or_404(queryset, user, pk)


# --- waitlist ----------------------------------------------------------------------------------------


def waitlist_choices() -> list[tuple[str, str]]:
    """The housing-mode waitlists a city runs, as ``project:mode`` → “项目 · 方式” (one small query)."""
    from rules.models import GuaranteeMode

    modes = (
        GuaranteeMode.objects.filter(kind__in=HOUSING_MODE_KINDS, is_enabled=True)
        .select_related("project")
        .order_by("project__code", "code")
    )
    seen: dict[str, str] = {}
    for mode in modes:
        key = f"{mode.project.code}:{mode.code}"
        seen.setdefault(key, f"{mode.project.name} · {mode.name or mode.get_kind_display()}")
    return list(seen.items())


def waitlist_position() -> Coalesce:
    """轮候位次 of a waiting row in its whole waitlist (all regions): 1 + the waiting rows ahead of it.

    One correlated count per row on the (project, mode, waitlist region, status, sort key) index; the
    page shows 20 rows, so a page costs one query whatever the waitlist's length.
    """
    ahead = (
        WaitlistEntry.objects.filter(
            project_code=OuterRef("project_code"),
            mode_code=OuterRef("mode_code"),
            waitlist_region_code=OuterRef("waitlist_region_code"),
            status=WaitlistStatus.WAITING,
        )
        .filter(
            Q(sort_key__lt=OuterRef("sort_key")) | Q(sort_key=OuterRef("sort_key"), pk__lt=OuterRef("pk"))
        )
        .order_by()
        .values("project_code")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)) + Value(1)


def waitlist_list(
    *, user, project_code: str, mode_code: str, with_position: bool = False
) -> QuerySet[WaitlistEntry]:
    """One waitlist's rows in scope, in waitlist order (``with_position``: each row's place in the list)."""
    queryset = (
        scope_queryset(WaitlistEntry.objects.all(), user)
        .filter(project_code=project_code, mode_code=mode_code)
        .select_related("registry_entry")
        .defer("registry_entry__id_number")
        .annotate(region_name=_region_name())
        .order_by("sort_key", "pk")
    )
    return queryset.annotate(position=waitlist_position()) if with_position else queryset


def waitlist_positions(pks: list[int]) -> dict[int, int]:
    """Positions of a page of rows, in one query (the list's count never pays for them)."""
    if not pks:
        return {}
    return dict(
        WaitlistEntry.objects.filter(pk__in=pks)
        .annotate(position=waitlist_position())
        .values_list("pk", "position")
    )


def waitlist_entry_position(entry: WaitlistEntry) -> int | None:
    """The position of one waiting entry (None once it left the queue)."""
    if entry.status != WaitlistStatus.WAITING:
        return None
    return (
        WaitlistEntry.objects.filter(pk=entry.pk)
        .annotate(position=waitlist_position())
        .values_list("position", flat=True)
    ).first()


# --- notices and appeals -----------------------------------------------------------------------------


def notice_get_for_user(*, user, pk) -> DecisionNotice:
    return _in_scope_or_404(
        DecisionNotice.objects.select_related("application", "archive_document"), user, pk
    )


def application_notices(*, application: Application) -> list[DecisionNotice]:
    return list(DecisionNotice.objects.filter(application=application).order_by("-decision_at", "-pk"))


def application_appeals(*, application: Application) -> list[ReviewAppeal]:
    return list(
        ReviewAppeal.objects.filter(application=application)
        .select_related("decided_by")
        .order_by("-recorded_at", "-pk")
    )


def appeal_list(*, user) -> QuerySet[ReviewAppeal]:
    return (
        scope_queryset(ReviewAppeal.objects.all(), user)
        .select_related("application", "application__family")
        .defer("application__family__id_number", "application__family__agent_id_number")
        .annotate(region_name=_region_name())
    )


def appeal_get_for_user(*, user, pk) -> ReviewAppeal:
    queryset = ReviewAppeal.objects.select_related(
        "application", "application__family", "notice", "refused_by", "recorded_by", "decided_by"
    ).annotate(region_name=_region_name())
    return _in_scope_or_404(queryset, user, pk)


# --- the applicant's own entries (portal) ----------------------------------------------------------


def registry_entries_of_applicant(*, user) -> QuerySet[RegistryEntry]:
    """The registry entries whose applicant is this portal account, matched by the keyed digest of the
    ID number (the clear number is never compared). Empty for staff and for accounts without an ID."""
    digest = getattr(user, "id_number_digest", "")
    if not digest or getattr(user, "kind", "") != "applicant":
        return RegistryEntry.objects.none()
    return RegistryEntry.objects.filter(id_number_digest=digest).defer("id_number").order_by("-registered_at")
