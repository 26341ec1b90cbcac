"""Back-office URLs of 保障退出; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("exits/", views.ExitCaseListView.as_view(), name="exit_list"),
    path("exits/scan/", views.exit_scan_view, name="exit_scan"),
    path("exits/new/", views.exit_case_create_view, name="exit_create"),
    path("exits/<int:pk>/", views.exit_case_detail, name="exit_detail"),
]
