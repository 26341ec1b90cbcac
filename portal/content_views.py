"""Public pages of 内容管理 (no login): columns, articles with attachments, full-text search."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _

from housing.accounts.system import system_actor
from housing.archive.services import document_open_verified
from housing.archive.storage import StorageIntegrityError

from .content import selectors
from .content.forms import SearchForm

PER_PAGE = 20


def column_page(request, code: str):
    column = selectors.column_public_get(code=code)
    page = Paginator(selectors.articles_public().filter(column=column), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "portal/content/column.html",
        {"title": column.name, "column": column, "columns": selectors.columns_public(), "page_obj": page},
    )


def article_page(request, pk: int):
    article = selectors.article_public_get(pk=pk)
    return render(
        request,
        "portal/content/article.html",
        {
            "title": article.title,
            "article": article,
            "attachments": selectors.article_attachments(article=article),
        },
    )


def attachment_download(request, pk: int, document_pk: int):
    """An attachment of a public article, re-hashed before it is sent (the archive's rule)."""
    article = selectors.article_public_get(pk=pk)
    document = selectors.article_attachments(article=article).filter(pk=document_pk).first()
    if document is None:
        raise Http404
    try:
        handle = document_open_verified(actor=system_actor(), document=document)
    except StorageIntegrityError as exc:
        raise Http404(str(exc)) from exc
    return FileResponse(handle, as_attachment=True, filename=document.original_filename or document.name)


def search_page(request):
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    page = None
    if query:
        found = selectors.article_search(selectors.articles_public(), query=query)
        page = Paginator(found, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "portal/content/search.html",
        {"title": _("站内搜索"), "form": form, "q": query, "page_obj": page},
    )


urlpatterns = [
    path("search/", search_page, name="content_search"),
    path("articles/<int:pk>/", article_page, name="content_article"),
    path("articles/<int:pk>/files/<int:document_pk>/", attachment_download, name="content_attachment"),
    path("<slug:code>/", column_page, name="content_column"),
]
