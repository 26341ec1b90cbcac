from django.urls import path

from . import views

app_name = "plans"

urlpatterns = [
    path("", views.HousingPlanListView.as_view(), name="plans"),
    path("new/", views.plan_create, name="plan_create"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:plan_pk>/targets/new/", views.household_target_edit, name="target_create"),
    path("<int:plan_pk>/targets/<int:pk>/", views.household_target_edit, name="target_edit"),
    path("<int:plan_pk>/targets/<int:pk>/delete/", views.household_target_delete, name="target_delete"),
    path("<int:plan_pk>/macro/", views.macro_indicator_edit, name="macro_edit"),
    path("annual/", views.AnnualPlanListView.as_view(), name="annual_plans"),
    path("annual/new/", views.annual_create, name="annual_create"),
    path("annual/<int:pk>/", views.annual_detail, name="annual_detail"),
    path("annual/<int:pk>/edit/", views.annual_edit, name="annual_edit"),
    path("annual/<int:pk>/transition/", views.annual_transition, name="annual_transition"),
    path("annual/<int:pk>/export.xlsx", views.annual_export_xlsx, name="annual_export_xlsx"),
    path("annual/<int:pk>/export.pdf", views.annual_export_pdf, name="annual_export_pdf"),
    path("annual/<int:pk>/reserve/", views.reserve_select, name="reserve_select"),
    path("annual/<int:pk>/reserve/<int:item_pk>/", views.reserve_item_edit, name="reserve_item_edit"),
    path(
        "annual/<int:pk>/reserve/<int:item_pk>/remove/", views.reserve_item_remove, name="reserve_item_remove"
    ),
    path("standards/", views.SubsidyStandardListView.as_view(), name="standards"),
    path("standards/new/", views.reference_edit, {"kind": "standard"}, name="standard_create"),
    path("standards/<int:pk>/", views.reference_edit, {"kind": "standard"}, name="standard_edit"),
    path("factors/", views.RewardFactorListView.as_view(), name="factors"),
    path("factors/new/", views.reference_edit, {"kind": "factor"}, name="factor_create"),
    path("factors/<int:pk>/", views.reference_edit, {"kind": "factor"}, name="factor_edit"),
    path("allocations/", views.SubsidyAllocationListView.as_view(), name="allocations"),
    path("allocations/new/", views.reference_edit, {"kind": "allocation"}, name="allocation_create"),
    path("allocations/<int:pk>/", views.reference_edit, {"kind": "allocation"}, name="allocation_edit"),
]
