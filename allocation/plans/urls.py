"""Back-office URLs of this part; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("plans/", views.PlanListView.as_view(), name="plans_list"),
    path("plans/demand/", views.demand_view, name="plans_demand"),
    path("plans/new/", views.create_view, name="plans_create"),
    path("plans/<int:pk>/", views.detail_view, name="plans_detail"),
    path("plans/<int:pk>/edit/", views.edit_view, name="plans_edit"),
    path("plans/<int:pk>/units/", views.units_view, name="plans_units"),
    path("plans/<int:pk>/units/remove/", views.units_remove_view, name="plans_units_remove"),
    path("plans/<int:pk>/invite/", views.invite_view, name="plans_invite"),
    path("plans/<int:pk>/publish/", views.publish_view, name="plans_publish"),
    path("plans/<int:pk>/withdraw/", views.withdraw_view, name="plans_withdraw"),
    path("plans/<int:pk>/complete/", views.complete_view, name="plans_complete"),
    path("support-plans/", views.SupportPlanListView.as_view(), name="plans_support_list"),
    path("support-plans/new/", views.support_create_view, name="plans_support_create"),
    path("support-plans/<int:pk>/", views.support_detail_view, name="plans_support_detail"),
    path("support-plans/<int:pk>/objects/", views.support_objects_view, name="plans_support_objects"),
    path(
        "support-plans/<int:pk>/objects/remove/",
        views.support_objects_remove_view,
        name="plans_support_objects_remove",
    ),
    path("support-plans/<int:pk>/publish/", views.support_publish_view, name="plans_support_publish"),
]
