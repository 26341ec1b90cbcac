"""Reads of publicity batches and objections: back-office reads through the region scope (DESIGN §4 rule 2);
the ``public_*`` reads serve the portal and return only published batches and their masked snapshot."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from housing.accounts.scope import code_in_scope, get_in_scope_or_404, scope_queryset
from housing.regions.codes import Level, scope_prefix
from housing.regions.models import Region

from ..models import LEVEL_PERMISSION, Application, ReviewLevel
from .models import BatchState, Objection, ObjectionState, PublicityBatch, PublicityEntry
from .services import LEVEL_REGION_LEVEL, eligible_applications, objection_entry_for

PUBLIC_STATES = (BatchState.PUBLISHED, BatchState.CLOSED)


def _region_name():
    return Subquery(Region.objects.filter(code=OuterRef("region_code")).values("name")[:1])


def _batches() -> QuerySet[PublicityBatch]:
    return PublicityBatch.objects.annotate(region_name=_region_name(), entry_count=Count("entries"))


def publicity_levels_for_user(*, user) -> list[str]:
    """The levels whose batches the user may compile and publish."""
    return [level for level in ReviewLevel.values if user.has_perm(LEVEL_PERMISSION[level])]


def publicity_regions_for_user(*, user, level: str) -> QuerySet[Region]:
    """Publishing bodies of ``level`` in the user's scope (their street, district or city)."""
    return scope_queryset(
        Region.objects.filter(level=LEVEL_REGION_LEVEL[level], is_active=True), user, field="code"
    ).order_by("code")


def publicity_batch_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[PublicityBatch]:
    queryset = scope_queryset(_batches(), user)
    filters = filters or {}
    if level := filters.get("level"):
        queryset = queryset.filter(level=level)
    if state := filters.get("state"):
        queryset = queryset.filter(state=state)
    return queryset


def publicity_batch_get_for_user(*, user, pk) -> PublicityBatch:
    try:
        return get_in_scope_or_404(_batches(), user, pk=pk)
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def publicity_batch_entries(*, batch: PublicityBatch) -> QuerySet[PublicityEntry]:
    return (
        batch.entries.select_related("application")
        .only(
            *(f.name for f in PublicityEntry._meta.concrete_fields),
            "application__receipt_number",
            "application__state",
            "application__region_code",
        )
        .order_by("sequence")
    )


def publicity_eligible(*, user, level: str, region_code: str) -> QuerySet[Application]:
    """Cases the user may put into a new batch of ``level`` published by ``region_code``."""
    if not code_in_scope(user, region_code):
        return Application.objects.none()
    return eligible_applications(level=level, region_code=region_code)


def objection_list(*, user, filters: Mapping[str, Any] | None = None) -> QuerySet[Objection]:
    queryset = scope_queryset(
        Objection.objects.select_related("application", "investigator", "entry"), user
    ).defer("content", "verification_result")
    filters = filters or {}
    if state := filters.get("state"):
        queryset = queryset.filter(state=state)
    if filters.get("overdue"):
        queryset = queryset.filter(state=ObjectionState.PENDING, due_date__lt=timezone.localdate())
    return queryset


def objection_get_for_user(*, user, pk) -> Objection:
    try:
        return get_in_scope_or_404(
            Objection.objects.select_related(
                "application__family", "entry__batch", "investigator", "recorded_by", "decided_by"
            ),
            user,
            pk=pk,
        )
    except (ValueError, TypeError, ValidationError) as exc:
        raise Http404 from exc


def application_publicity_entries(*, application: Application) -> list[PublicityEntry]:
    return list(application.publicity_entries.select_related("batch").order_by("batch__created_at", "pk"))


def application_objections(*, application: Application) -> list[Objection]:
    return list(application.objections.select_related("investigator").order_by("received_at", "pk"))


def objection_recordable_entry(*, user, application: Application) -> PublicityEntry | None:
    """The entry an objection on this case would be recorded against, if this user may record one now."""
    if not user.has_perm("admission.add_objection") or not code_in_scope(user, application.region_code):
        return None
    entry = objection_entry_for(application)
    if entry is None or not user.has_perm(LEVEL_PERMISSION[entry.level]):
        return None
    return entry


# --- public (portal, no login) -------------------------------------------------------------------


def public_districts() -> QuerySet[Region]:
    return Region.objects.filter(level__in=[Level.DISTRICT], is_active=True).order_by("code")


def public_batches(*, level: str = "", district: str = "", current: bool | None = None) -> QuerySet:
    """Published and closed batches, newest first; never a draft. ``district`` is a district code."""
    queryset = (
        PublicityBatch.objects.filter(state__in=PUBLIC_STATES)
        .annotate(region_name=_region_name(), entry_count=Count("entries"))
        .only(
            "number",
            "level",
            "title",
            "method",
            "location",
            "working_days",
            "start_date",
            "end_date",
            "state",
            "region_code",
        )
        .order_by("-start_date", "-pk")
    )
    if level in ReviewLevel.values:
        queryset = queryset.filter(level=level)
    if district and district.isdigit() and len(district) == 12:
        queryset = queryset.filter(
            Q(region_code__startswith=scope_prefix(district)) | Q(level=ReviewLevel.CITY)
        )
    if current is True:
        queryset = queryset.filter(state=BatchState.PUBLISHED)
    elif current is False:
        queryset = queryset.filter(state=BatchState.CLOSED)
    return queryset


def public_batch_get(*, number: str) -> PublicityBatch:
    batch = public_batches().filter(number=number).first()
    if batch is None:
        raise Http404
    return batch


PUBLIC_ENTRY_FIELDS = (
    "sequence",
    "publicity_number",
    "receipt_number",
    "applicant_name_masked",
    "id_number_masked",
    "household_size",
    "address",
    "mode_name",
    "stage",
)


def public_entries(*, batch: PublicityBatch) -> QuerySet[PublicityEntry]:
    """The posted rows: the masked snapshot only (the family's clear data is never loaded)."""
    return PublicityEntry.objects.filter(batch=batch).only(*PUBLIC_ENTRY_FIELDS).order_by("sequence")


def public_entry_search(*, receipt_number: str) -> QuerySet[PublicityEntry]:
    """A citizen looks up their own case by 申请编号 (exact) across published batches."""
    term = (receipt_number or "").strip()[:32]
    if not term:
        return PublicityEntry.objects.none()
    return (
        PublicityEntry.objects.filter(receipt_number__iexact=term, batch__state__in=PUBLIC_STATES)
        .select_related("batch")
        .only(
            *PUBLIC_ENTRY_FIELDS,
            "batch__number",
            "batch__title",
            "batch__level",
            "batch__start_date",
            "batch__end_date",
            "batch__state",
        )
        .order_by("-batch__start_date")
    )


def workflow_nodes(*, obj, process_code: str):
    """办理记录 of a batch or an objection: its workflow nodes, oldest first."""
    from django.contrib.contenttypes.models import ContentType

    from housing.workflow.models import NodeInstance

    return (
        NodeInstance.objects.filter(
            process__content_type=ContentType.objects.get_for_model(obj),
            process__object_id=str(obj.pk),
            process__process_code=process_code,
        )
        .select_related("actor")
        .order_by("created_at", "pk")
    )
