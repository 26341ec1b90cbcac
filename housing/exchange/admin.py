"""Admin: datasets are edited here (the schema is data); batches and mirror rows are read-only records."""

from django.contrib import admin

from .models import Dataset, ImportBatch, MirrorRecord


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "department", "is_active")
    search_fields = ("code", "name", "department")
    list_filter = ("is_active",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("imported_at", "dataset", "file_name", "source_date", "rows_ok", "rows_failed", "status")
    list_filter = ("status", "dataset")
    list_select_related = ("dataset",)
    search_fields = ("file_name",)


@admin.register(MirrorRecord)
class MirrorRecordAdmin(ReadOnlyAdmin):
    list_display = ("dataset", "id_number_masked", "source", "source_date", "imported_at")
    list_filter = ("dataset",)
    list_select_related = ("dataset",)
    exclude = ("id_number_digest",)
    show_full_result_count = False
