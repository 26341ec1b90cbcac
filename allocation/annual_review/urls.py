"""Back-office URLs of 年审; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("annual-reviews/", views.AnnualReviewListView.as_view(), name="annual_review_list"),
    path("annual-reviews/run/", views.annual_review_run_view, name="annual_review_run"),
    path("annual-reviews/runs/", views.annual_review_runs_fragment, name="annual_review_runs"),
    path(
        "annual-reviews/runs/<int:pk>/resume/",
        views.annual_review_run_resume_view,
        name="annual_review_run_resume",
    ),
    path("annual-reviews/<int:pk>/", views.annual_review_detail, name="annual_review_detail"),
]

# 年审申报 (窗口代为申报): its own module, so the declaration part stays apart from the run and list.
from . import declaration_views  # noqa: E402

urlpatterns += [
    path("annual-reviews/<int:pk>/declare/", declaration_views.annual_review_declare_window,
         name="annual_review_declare_window"),
]  # fmt: skip
