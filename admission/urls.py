from django.urls import path
from django.views.generic import RedirectView

from . import application_views, support_views, views
from .casework import urls as casework_urls
from .checks import urls as checks_urls
from .publicity import urls as publicity_urls
from .registry import urls as registry_urls

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
    path(
        "families/<int:family_pk>/applications/new/",
        application_views.application_create_view,
        name="application_create",
    ),
    path("applications/", application_views.ApplicationListView.as_view(), name="application_list"),
    path("applications/queue/", application_views.ApplicationQueueView.as_view(), name="application_queue"),
    path("applications/<int:pk>/", application_views.application_detail, name="application_detail"),
    path(
        "applications/<int:pk>/plan/revise/",
        application_views.application_plan_revise_view,
        name="application_plan_revise",
    ),
    path(
        "applications/<int:pk>/<str:name>/",
        application_views.application_transition_view,
        name="application_transition",
    ),
]

# The parts' own pages, in the same ``admission`` namespace.
urlpatterns += [
    *casework_urls.urlpatterns,
    *checks_urls.urlpatterns,
    *publicity_urls.urlpatterns,
    *registry_urls.urlpatterns,
]

# 支持对象管理 (A.3.17/A.3.18): support_unit_* and support_person_* pages.
urlpatterns += support_views.support_urlpatterns()
