from django.urls import path

from . import edit_views, views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("add/", edit_views.project_create, name="project_create"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/edit/", edit_views.project_edit, name="project_edit"),
    path("<int:pk>/buildings/add/", edit_views.building_create, name="building_create"),
    path("<int:pk>/records/<slug:kind>/add/", edit_views.record_add, name="record_add"),
    path("<int:pk>/records/<slug:kind>/<int:item>/edit/", edit_views.record_edit, name="record_edit"),
    path("<int:pk>/handover/", views.handover_create, name="handover_create"),
    path("<int:pk>/certificates/add/", views.certificate_add, name="certificate_add"),
    path("handovers/", views.HandoverListView.as_view(), name="handover_list"),
    path("buildings/", views.BuildingListView.as_view(), name="building_list"),
    path("buildings/<int:pk>/", views.building_detail, name="building_detail"),
    path("buildings/<int:pk>/edit/", edit_views.building_edit, name="building_edit"),
    path("land/", edit_views.LandReserveListView.as_view(), name="land_list"),
    path("land/add/", edit_views.land_create, name="land_create"),
    path("land/<int:pk>/", edit_views.land_detail, name="land_detail"),
    path("land/<int:pk>/edit/", edit_views.land_edit, name="land_edit"),
    path("units/", views.UnitListView.as_view(), name="unit_list"),
    path("units/<int:pk>/", views.unit_detail, name="unit_detail"),
    path("units/<int:pk>/transition/", views.unit_transition, name="unit_transition"),
    path("units/<int:pk>/transfer/", views.unit_transfer, name="unit_transfer"),
    path("units/<int:pk>/change/", views.unit_change, name="unit_change"),
    path("import/", views.import_page, name="import"),
    path("import/template/<str:kind>.xlsx", views.import_template, name="import_template"),
    path("map/", views.project_map, name="map"),
    path("progress/", views.progress, name="progress"),
]
