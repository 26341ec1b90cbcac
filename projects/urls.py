from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("", views.ProjectListView.as_view(), name="project_list"),
    path("<int:pk>/", views.project_detail, name="project_detail"),
    path("<int:pk>/handover/", views.handover_create, name="handover_create"),
    path("<int:pk>/certificates/add/", views.certificate_add, name="certificate_add"),
    path("handovers/", views.HandoverListView.as_view(), name="handover_list"),
    path("buildings/", views.BuildingListView.as_view(), name="building_list"),
    path("buildings/<int:pk>/", views.building_detail, name="building_detail"),
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
