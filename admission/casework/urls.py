"""Back-office URLs of this part; ``admission/urls.py`` appends them (namespace ``admission``).

All under ``casework/``: a path of two segments after ``applications/<pk>/`` would be taken by the
application transition URL first.
"""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("casework/inspections/", views.InspectionListView.as_view(), name="casework_inspection_list"),
    path("casework/inspections/mine/", views.MyInspectionListView.as_view(), name="casework_my_inspections"),
    path("casework/inspections/<int:pk>/", views.inspection_detail, name="casework_inspection_detail"),
    path(
        "casework/inspections/<int:pk>/findings/",
        views.inspection_record_view,
        name="casework_inspection_record",
    ),
    path(
        "casework/inspections/<int:pk>/photos/",
        views.inspection_photo_add_view,
        name="casework_inspection_photo_add",
    ),
    path(
        "casework/inspections/<int:pk>/photos/<int:photo_pk>/",
        views.inspection_photo_view,
        name="casework_inspection_photo",
    ),
    path(
        "casework/inspections/<int:pk>/revoke/",
        views.inspection_revoke_view,
        name="casework_inspection_revoke",
    ),
    path(
        "casework/applications/<int:pk>/inspections/new/",
        views.inspection_assign_view,
        name="casework_inspection_assign",
    ),
    path("casework/applications/<int:pk>/housings/new/", views.housing_add, name="casework_housing_add"),
    path(
        "casework/applications/<int:pk>/housings/<int:row_pk>/edit/",
        views.housing_edit,
        name="casework_housing_edit",
    ),
    path(
        "casework/applications/<int:pk>/housings/<int:row_pk>/remove/",
        views.housing_remove,
        name="casework_housing_remove",
    ),
    path("casework/applications/<int:pk>/assets/new/", views.asset_add, name="casework_asset_add"),
    path(
        "casework/applications/<int:pk>/assets/<int:row_pk>/edit/",
        views.asset_edit,
        name="casework_asset_edit",
    ),
    path(
        "casework/applications/<int:pk>/assets/<int:row_pk>/remove/",
        views.asset_remove,
        name="casework_asset_remove",
    ),
    path("casework/families/<int:pk>/timeline/", views.family_timeline_view, name="casework_family_timeline"),
    path("casework/overdue/", views.OverdueListView.as_view(), name="casework_overdue_list"),
    path("casework/report/", views.stage_report_view, name="casework_stage_report"),
]
