"""The one list-page pattern of the back office: filters, search, sort, pagination, Excel export.

A subsystem's list view subclasses ``ScopedListView``, names its columns, and returns its
selector's (already region-scoped) queryset from ``get_base_queryset``. The page, the
fragment htmx swaps in, and the export of the filtered list all come from here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import ImproperlyConfigured
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.views.generic import ListView

from housing.audit.services import AuditAction, audit_record
from housing.documents.excel import xlsx_response

MAX_EXPORT_ROWS = 200_000
# Past this many matching rows a list page says "超过 10,000 条" instead of counting them all.
LIST_COUNT_CAP = 10_000


class CappedCountPaginator(Paginator):
    """A paginator that never counts more than ``count_cap`` + 1 rows.

    An exact ``COUNT(*)`` over a city's million audit events or payment rows reads the whole
    scoped range on every page view (PostgreSQL has no cached row counts); counting through
    ``LIMIT cap+1`` costs at most cap+1 index entries, however large the table. Past the cap the
    page says so honestly ("超过 10,000 条") and offers pages up to the cap; narrowing the filters
    brings the exact figure back. Order does not change how many rows there are, so the count
    drops the ordering and lets the planner pick the cheapest index.
    """

    def __init__(
        self, object_list, per_page, orphans=0, allow_empty_first_page=True, *, count_cap=LIST_COUNT_CAP
    ):
        super().__init__(object_list, per_page, orphans, allow_empty_first_page)
        self.count_cap = count_cap

    @cached_property
    def _bounded_count(self) -> int:
        if isinstance(self.object_list, QuerySet):
            if self.object_list.query.is_sliced:  # already bounded by its own slice
                return self.object_list.count()
            return self.object_list.order_by()[: self.count_cap + 1].count()
        return len(self.object_list)  # a list in memory is counted exactly, for free

    @cached_property
    def is_capped(self) -> bool:
        """True when more rows match than were counted: ``count`` is then a lower bound."""
        return isinstance(self.object_list, QuerySet) and self._bounded_count > self.count_cap

    @cached_property
    def count(self) -> int:
        return self.count_cap if self.is_capped else self._bounded_count


@dataclass(frozen=True)
class Column:
    """A list column: ``accessor`` is a dotted attribute path or a callable taking the row."""

    label: str
    accessor: str | Callable[[Any], Any]
    sort: str | None = None  # the ORM field this column sorts by, if sortable
    link: bool = False  # render as a link to the row's get_absolute_url

    def value(self, row) -> Any:
        if callable(self.accessor):
            return self.accessor(row)
        value = row
        for part in self.accessor.split("."):
            if value is None:
                return None
            display = getattr(value, f"get_{part}_display", None)
            value = display() if display else getattr(value, part)
            if callable(value) and not hasattr(value, "all"):
                value = value()
        return value


class StaffRequiredMixin(LoginRequiredMixin):
    """Back-office pages: applicants are sent to the staff login like anonymous users."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and request.user.is_applicant:
            return self.handle_no_permission()
        return super().dispatch(request, *args, **kwargs)


class ScopedListView(StaffRequiredMixin, PermissionRequiredMixin, ListView):
    template_name = "backoffice/list.html"
    fragment_template_name = "backoffice/_list_table.html"
    paginate_by = 20
    title = ""
    columns: list[Column] = []
    search_fields: tuple[str, ...] = ()
    search_placeholder = ""
    filterset_class = None
    default_ordering: tuple[str, ...] = ("-pk",)
    export_filename: str | None = None
    # The Excel export's columns when it should carry more than the page shows (wide tables such as
    # ledgers: the page keeps the balances people read, the file every figure); default: ``columns``.
    export_columns: list[Column] | None = None
    breadcrumbs: list[tuple[str, str | None]] = []
    raise_exception = False
    paginator_class = CappedCountPaginator
    count_cap = LIST_COUNT_CAP

    def get_permission_required(self):
        return (
            (self.permission_required,)
            if isinstance(self.permission_required, str)
            else (self.permission_required or ())
        )

    def has_permission(self):
        return not self.get_permission_required() or super().has_permission()

    def get_base_queryset(self) -> QuerySet:
        raise ImproperlyConfigured(
            "ScopedListView needs get_base_queryset() returning a scoped selector's queryset."
        )

    # --- the pipeline: base (scoped) → filters → search → sort ----------------------------
    def get_queryset(self) -> QuerySet:
        queryset = self.get_base_queryset()
        self.filterset = None
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(
                self.request.GET or None, queryset=queryset, request=self.request
            )
            queryset = (
                self.filterset.qs if self.filterset.is_bound and self.filterset.is_valid() else queryset
            )
        self.search_term = self.request.GET.get("q", "").strip()[:100]
        if self.search_term and self.search_fields:
            condition = Q()
            for field in self.search_fields:
                condition |= Q(**{field: self.search_term})
            queryset = queryset.filter(condition)
        return queryset.order_by(*self.get_ordering_fields())

    def get_paginator(self, queryset, per_page, orphans=0, allow_empty_first_page=True, **kwargs):
        return self.paginator_class(
            queryset, per_page, orphans, allow_empty_first_page, count_cap=self.count_cap, **kwargs
        )

    def get_ordering_fields(self) -> tuple[str, ...]:
        sortable = {c.sort for c in self.columns if c.sort}
        requested = self.request.GET.get("sort", "")
        if requested.lstrip("-") in sortable:
            return (requested, "-pk")
        return self.default_ordering

    # --- rendering --------------------------------------------------------------------------
    def get(self, request, *args, **kwargs):
        if request.GET.get("export") == "xlsx" and self.export_filename:
            return self.export()
        response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request",))
        return response

    def get_template_names(self):
        if getattr(self.request, "htmx", False) and not self.request.htmx.boosted:
            return [self.fragment_template_name]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        query_without_sort = query.copy()
        query_without_sort.pop("sort", None)
        context.update(
            title=self.title,
            columns=self.columns,
            rows=[(row, [c.value(row) for c in self.columns]) for row in context["object_list"]],
            filterset=self.filterset,
            search_term=self.search_term,
            has_search=bool(self.search_fields),
            search_placeholder=self.search_placeholder,
            current_sort=self.request.GET.get("sort", ""),
            querystring=query.urlencode(),
            querystring_without_sort=query_without_sort.urlencode(),
            can_export=bool(self.export_filename),
            breadcrumbs=self.breadcrumbs or [(self.title, None)],
        )
        return context

    def export(self):
        queryset = self.get_queryset()[:MAX_EXPORT_ROWS]
        columns = self.export_columns or self.columns
        headers = [c.label for c in columns]
        rows = ([c.value(row) for c in columns] for row in queryset.iterator(chunk_size=2000))
        stamp = timezone.localtime().strftime("%Y%m%d%H%M")
        filename = f"{self.export_filename}-{stamp}.xlsx"
        audit_record(
            action=AuditAction.EXPORT,
            object_type=queryset.model._meta.label_lower,
            description=_("导出“%(title)s”：%(query)s")
            % {"title": self.title, "query": self.request.GET.urlencode()},
        )
        return xlsx_response(filename=filename, headers=headers, rows=rows, sheet_title=self.title or "数据")
