"""Back-office URLs of this part; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("tenancy/move-ins/", views.MoveInListView.as_view(), name="tenancy_moveins"),
    path("tenancy/move-ins/new/", views.move_in_new, name="tenancy_move_in_new"),
    path("tenancy/move-ins/<int:pk>/vacate/", views.vacating_new, name="tenancy_vacate"),
    path("tenancy/receivables/", views.ReceivableListView.as_view(), name="tenancy_receivables"),
    path("tenancy/receivables/run/", views.rent_run_view, name="tenancy_rent_run"),
    path("tenancy/receivables/<int:pk>/receipt/", views.receipt_new, name="tenancy_receipt_new"),
    path("tenancy/receivables/runs/", views.rent_runs_fragment, name="tenancy_rent_runs"),
    path(
        "tenancy/receivables/runs/<int:pk>/resume/",
        views.rent_run_resume_view,
        name="tenancy_rent_run_resume",
    ),
    path("tenancy/collections/", views.CollectionImportListView.as_view(), name="tenancy_collections"),
    path("tenancy/collections/new/", views.collection_import_new, name="tenancy_collection_new"),
    path("tenancy/collections/<int:pk>/", views.collection_import_detail, name="tenancy_collection_detail"),
    path("tenancy/fixed-charges/", views.FixedChargeListView.as_view(), name="tenancy_fixed_charges"),
    path("tenancy/fixed-charges/new/", views.fixed_charge_new, name="tenancy_fixed_charge_new"),
    path("tenancy/arrears/", views.ArrearsListView.as_view(), name="tenancy_arrears"),
]
