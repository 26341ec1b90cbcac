from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "admission"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="admission:family_list", permanent=False)),
    path("families/", views.FamilyListView.as_view(), name="family_list"),
    path("families/new/", views.family_create_view, name="family_create"),
    path("families/<int:pk>/", views.family_detail, name="family_detail"),
    path("families/<int:pk>/edit/", views.family_edit, name="family_edit"),
    path("families/<int:pk>/members/new/", views.member_add, name="member_add"),
    path("families/<int:pk>/members/<int:member_pk>/edit/", views.member_edit, name="member_edit"),
    path("families/<int:pk>/members/<int:member_pk>/remove/", views.member_remove, name="member_remove"),
]
