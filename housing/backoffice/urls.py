from django.urls import path

from . import views

app_name = "backoffice"

urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisations"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("staff/", views.StaffListView.as_view(), name="staff"),
]
