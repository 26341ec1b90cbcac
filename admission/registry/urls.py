"""Back-office URLs of this part; ``admission/urls.py`` appends them (namespace ``admission``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("registry/", views.RegistryListView.as_view(), name="registry_list"),
    path("registry/<int:pk>/", views.registry_detail, name="registry_detail"),
    path("registry/waitlist/", views.WaitlistView.as_view(), name="registry_waitlist"),
    path("registry/appeals/", views.AppealListView.as_view(), name="registry_appeal_list"),
    path("registry/appeals/<int:pk>/", views.appeal_detail, name="registry_appeal_detail"),
    path("registry/appeals/<int:pk>/decide/", views.appeal_decide_view, name="registry_appeal_decide"),
    path(
        "registry/appeals/new/<int:application_pk>/", views.appeal_create_view, name="registry_appeal_create"
    ),
    path("registry/notices/<int:pk>/download/", views.notice_download, name="registry_notice_download"),
    path("registry/notices/<int:pk>/reissue/", views.notice_reissue, name="registry_notice_reissue"),
]
