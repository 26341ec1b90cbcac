"""Back-office URLs of 补贴发放; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("subsidies/", views.SubsidyDueListView.as_view(), name="subsidies_due_list"),
    path("subsidies/run/", views.subsidy_due_run_view, name="subsidies_due_run"),
    path("subsidies/<int:pk>/", views.subsidy_due_detail, name="subsidies_due_detail"),
    path("subsidies/batches/", views.PaymentBatchListView.as_view(), name="subsidies_batch_list"),
    path("subsidies/batches/new/", views.payment_batch_new, name="subsidies_batch_new"),
    path("subsidies/batches/<int:pk>/", views.payment_batch_detail, name="subsidies_batch_detail"),
    path(
        "subsidies/batches/<int:pk>/export/<str:file_format>/",
        views.payment_batch_export_view,
        name="subsidies_batch_export",
    ),
    path(
        "subsidies/payments/<int:pk>/reissue/", views.subsidy_payment_reissue_view, name="subsidies_reissue"
    ),
]
