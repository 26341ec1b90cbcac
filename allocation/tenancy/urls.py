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
    path("tenancy/arrears/", views.ArrearsListView.as_view(), name="tenancy_arrears"),
]
