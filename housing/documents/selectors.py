"""Reads of the documents subsystem, always scoped by the user's region."""

from __future__ import annotations

from django.db.models import QuerySet

from housing.accounts.scope import get_in_scope_or_404, scope_queryset

from .models import DocumentTemplate, IssuedDocument


def document_template_list(*, user) -> QuerySet[DocumentTemplate]:
    return scope_queryset(DocumentTemplate.objects.all(), user)


def document_template_get_for_user(*, user, pk: int) -> DocumentTemplate:
    """One template version in the user's scope; out of scope is a 404."""
    return get_in_scope_or_404(DocumentTemplate.objects.all(), user, pk=pk)


def issued_document_verify(*, number: str) -> IssuedDocument | None:
    """The public check: is this a number we issued? No scope: anyone may verify a document."""
    return IssuedDocument.objects.filter(number=number).only("number", "title", "issued_at").first()
