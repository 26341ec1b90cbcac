"""Reads of the exchange. Mirror data is city-wide (see models), so access is by permission, not region."""

from __future__ import annotations

from django.db.models import Count, Max, QuerySet
from django.shortcuts import get_object_or_404

from .models import Dataset, ImportBatch


def dataset_list(*, user) -> QuerySet[Dataset]:
    return Dataset.objects.annotate(record_count=Count("records"), last_import=Max("batches__imported_at"))


def import_batch_list(*, user) -> QuerySet[ImportBatch]:
    return ImportBatch.objects.select_related("dataset", "imported_by")


def import_batch_get_for_user(*, user, pk: int) -> ImportBatch:
    return get_object_or_404(import_batch_list(user=user), pk=pk)
