"""Back-office URLs of this part; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("ledgers/", views.GuaranteeLedgerListView.as_view(), name="ledgers_guarantee_list"),
    path("ledgers/<int:pk>/", views.guarantee_ledger_detail, name="ledgers_guarantee_detail"),
    path("ledgers/support/", views.SupportLedgerListView.as_view(), name="ledgers_support_list"),
    path("ledgers/support/<int:pk>/", views.support_ledger_detail, name="ledgers_support_detail"),
    path("ledgers/rebuild/", views.ledger_rebuild_form, name="ledgers_rebuild_form"),
    path("ledgers/rebuild/run/", views.ledger_rebuild_view, name="ledgers_rebuild"),
    path("ledgers/payment-plans/", views.PaymentPlanListView.as_view(), name="ledgers_payment_plan_list"),
    path("ledgers/payment-plans/new/", views.payment_plan_create_view, name="ledgers_payment_plan_create"),
    path("ledgers/payment-plans/<int:pk>/", views.payment_plan_detail, name="ledgers_payment_plan_detail"),
    path(
        "ledgers/payment-plans/<int:pk>/edit/", views.payment_plan_edit_view, name="ledgers_payment_plan_edit"
    ),
    path("ledgers/land-supply/", views.LandSupplyListView.as_view(), name="ledgers_land_supply_list"),
    path("ledgers/land-supply/new/", views.land_supply_create_view, name="ledgers_land_supply_create"),
    path("ledgers/land-supply/<int:pk>/", views.land_supply_detail, name="ledgers_land_supply_detail"),
]
