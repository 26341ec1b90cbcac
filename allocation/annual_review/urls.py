"""Back-office URLs of 年审; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("annual-reviews/", views.AnnualReviewListView.as_view(), name="annual_review_list"),
    path("annual-reviews/run/", views.annual_review_run_view, name="annual_review_run"),
    path("annual-reviews/<int:pk>/", views.annual_review_detail, name="annual_review_detail"),
]
