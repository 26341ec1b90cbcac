"""Back-office URLs of this part; ``admission/urls.py`` appends them (namespace ``admission``).

Not under ``applications/<pk>/…``: that pattern is the transition view's (``applications/<pk>/<name>/``).
"""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("checks/", views.CheckRunListView.as_view(), name="checks_run_list"),
    path("checks/runs/<int:pk>/", views.check_run_detail, name="checks_run_detail"),
    path(
        "checks/applications/<int:pk>/",
        views.ApplicationCheckRunListView.as_view(),
        name="checks_application_runs",
    ),
    path("checks/applications/<int:pk>/rerun/", views.check_rerun, name="checks_rerun"),
]
