"""Back-office URLs of 补贴发放; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("subsidies/", views.SubsidyDueListView.as_view(), name="subsidies_due_list"),
    path("subsidies/run/", views.subsidy_due_run_view, name="subsidies_due_run"),
    path("subsidies/runs/", views.subsidy_due_runs_fragment, name="subsidies_due_runs"),
    path(
        "subsidies/runs/<int:pk>/resume/", views.subsidy_due_run_resume_view, name="subsidies_due_run_resume"
    ),
    path("subsidies/<int:pk>/", views.subsidy_due_detail, name="subsidies_due_detail"),
    path("subsidies/reconciliation/", views.subsidy_reconciliation_view, name="subsidies_reconciliation"),
    path("subsidies/recoveries/", views.SubsidyRecoveryListView.as_view(), name="subsidies_recovery_list"),
    path("subsidies/recoveries/<int:pk>/", views.subsidy_recovery_detail, name="subsidies_recovery_detail"),
    path("subsidies/payments/<int:pk>/recover/", views.subsidy_recovery_new, name="subsidies_recovery_new"),
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
