"""Reads of the electronic archive, always through the region scope."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.regions.models import Region

from . import text as archive_text
from .models import Document

# Columns a list never shows; they can be large.
_HEAVY_FIELDS = ("content_text", "search_text", "search_vector")


def _with_region_name(queryset: QuerySet[Document]) -> QuerySet[Document]:
    return queryset.annotate(
        region_name=Subquery(Region.objects.filter(code=OuterRef("region_code")).values("name")[:1])
    )


def document_list(*, user, latest_only: bool = True) -> QuerySet[Document]:
    """Documents in the user's scope; by default only the newest version of each."""
    queryset = Document.objects.select_related("uploaded_by").defer(*_HEAVY_FIELDS)
    if latest_only:
        queryset = queryset.filter(superseded_by__isnull=True)
    return _with_region_name(scope_queryset(queryset, user))


def document_get_for_user(*, user, pk: int) -> Document:
    """One document in the user's scope; another street's document is a 404."""
    queryset = _with_region_name(
        Document.objects.select_related("uploaded_by", "withdrawn_by", "owner_content_type", "supersedes")
    )
    return get_in_scope_or_404(queryset, user, pk=pk)


def document_versions(*, user, document: Document) -> QuerySet[Document]:
    """Every version sharing the document's archive number, newest first."""
    queryset = Document.objects.filter(archive_number=document.archive_number).select_related("uploaded_by")
    return scope_queryset(queryset.defer(*_HEAVY_FIELDS), user).order_by("-version")


def document_latest_version(*, document: Document) -> Document:
    return (
        Document.objects.filter(archive_number=document.archive_number)
        .defer(*_HEAVY_FIELDS)
        .order_by("-version")
        .first()
    )


def document_search(queryset: QuerySet[Document], *, query: str) -> QuerySet[Document]:
    """Full-text search on segmented text (PostgreSQL), ``icontains`` per word elsewhere.

    An archive number typed in the box is matched directly as well.
    """
    query = (query or "").strip()
    if not query:
        return queryset
    terms = archive_text.segment_query(query)
    by_number = Q(archive_number__iexact=query) | Q(application_number__iexact=query)
    if not terms:
        return queryset.filter(by_number)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        condition = Q(search_vector=SearchQuery(" ".join(terms), config="simple", search_type="plain"))
    else:
        condition = Q()
        for term in terms:
            condition &= Q(search_text__icontains=term)
    return queryset.filter(condition | by_number)


def documents_for_owner(*, user, owner: models.Model) -> QuerySet[Document]:
    """The newest version of every document filed for ``owner`` that the user may see (the 档案 tab)."""
    content_type = ContentType.objects.get_for_model(owner)
    return document_list(user=user).filter(owner_content_type=content_type, owner_object_id=str(owner.pk))


def owner_reference(owner: models.Model) -> str:
    """The text form of an owner used in links to the upload page: ``app_label.model:pk``."""
    meta = owner._meta
    return f"{meta.app_label}.{meta.model_name}:{owner.pk}"


def owner_resolve(*, user, reference: str) -> models.Model | None:
    """The owner named by ``app_label.model:pk`` if it exists and lies in the user's scope, else None.

    An owner must carry a ``region_code`` (a RegionScoped row): that is how its scope is known.
    """
    try:
        label, pk = reference.strip().split(":", 1)
        app_label, model_name = label.split(".", 1)
        model = ContentType.objects.get_by_natural_key(app_label, model_name.lower()).model_class()
    except (ValueError, ContentType.DoesNotExist):
        return None
    if model is None or not any(f.name == "region_code" for f in model._meta.concrete_fields):
        return None
    try:
        return get_in_scope_or_404(model._default_manager.all(), user, pk=pk)
    except (Http404, ValueError, ValidationError):  # a malformed pk is "not found" too
        return None
