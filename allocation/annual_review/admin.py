"""年审 in the admin: looked up only, scoped; every step goes through the services.

Registered from ``hooks.ready()`` (the admin autodiscovers only ``allocation/admin.py``).
"""

from __future__ import annotations

from django.contrib import admin

from housing.accounts.admin import ReadOnlyScopedAdmin

from .models import AnnualReview, AnnualReviewRun


@admin.register(AnnualReview)
class AnnualReviewAdmin(ReadOnlyScopedAdmin):
    list_display = ["number", "year", "deadline", "region_code", "state", "decision"]
    list_filter = ["state", "decision"]
    search_fields = ["=number"]
    raw_id_fields = ["registry_entry", "created_by", "decided_by"]
    show_full_result_count = False


@admin.register(AnnualReviewRun)
class AnnualReviewRunAdmin(ReadOnlyScopedAdmin):
    list_display = [
        "year",
        "region_code",
        "mode_code",
        "state",
        "total",
        "processed",
        "created",
        "started_at",
    ]
    list_filter = ["state"]
    raw_id_fields = ["started_by"]
    show_full_result_count = False
