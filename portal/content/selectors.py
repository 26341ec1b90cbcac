"""Reads of 内容管理: the public ones show only published articles whose time has come."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from housing.accounts.scope import get_in_scope_or_404, scope_queryset
from housing.archive import text as archive_text

from .models import Article, ArticleState, ContentColumn

_HEAVY = ("search_text", "search_vector")
HOME_PER_COLUMN = 5


def articles_public() -> QuerySet[Article]:
    return (
        Article.objects.filter(state=ArticleState.PUBLISHED, publish_at__lte=timezone.now())
        .select_related("column")
        .defer("body_html", *_HEAVY)
        .order_by("-publish_at", "-pk")
    )


def article_public_get(*, pk: int) -> Article:
    return get_object_or_404(
        Article.objects.filter(state=ArticleState.PUBLISHED, publish_at__lte=timezone.now())
        .select_related("column")
        .defer(*_HEAVY),
        pk=pk,
    )


def columns_public() -> QuerySet[ContentColumn]:
    return ContentColumn.objects.filter(is_active=True).order_by("position", "pk")


def column_public_get(*, code: str) -> ContentColumn:
    return get_object_or_404(columns_public(), code=code)


def home_columns() -> list[tuple[ContentColumn, list[Article]]]:
    """Each active column with its latest articles: one query per column (a handful of columns)."""
    public = articles_public()
    return [(column, list(public.filter(column=column)[:HOME_PER_COLUMN])) for column in columns_public()]


def article_search(queryset: QuerySet[Article], *, query: str) -> QuerySet[Article]:
    """全文检索 in Chinese: the query is segmented with jieba like the indexed text (PostgreSQL full text;
    icontains per word on the SQLite demo)."""
    terms = archive_text.segment_query((query or "").strip())
    if not terms:
        return queryset.none()
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        return queryset.filter(
            search_vector=SearchQuery(" ".join(terms), config="simple", search_type="plain")
        )
    condition = Q()
    for term in terms:
        condition &= Q(search_text__icontains=term)
    return queryset.filter(condition)


def article_attachments(*, article: Article):
    """The article's active attachments (newest version of each), for anybody once it is public."""
    from housing.archive.models import Document, DocumentStatus

    return (
        Document.objects.filter(
            owner_content_type=ContentType.objects.get_for_model(Article),
            owner_object_id=str(article.pk),
            status=DocumentStatus.ACTIVE,
            superseded_by__isnull=True,
        )
        .only("pk", "name", "file_kind", "size", "sha256", "original_filename", "mime_type")
        .order_by("pk")
    )


def article_list(*, user) -> QuerySet[Article]:
    return scope_queryset(Article.objects.select_related("column").defer("body_html", *_HEAVY), user)


def article_get_for_user(*, user, pk: int) -> Article:
    return get_in_scope_or_404(Article.objects.select_related("column").defer(*_HEAVY), user, pk=pk)
