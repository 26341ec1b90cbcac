"""Back-office URLs of this part; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("selection/", views.SessionListView.as_view(), name="selection_session_list"),
    path("selection/new/", views.session_create, name="selection_session_create"),
    path("selection/<int:pk>/", views.session_detail, name="selection_session_detail"),
    path("selection/<int:pk>/start/", views.session_start, name="selection_session_start"),
    path("selection/<int:pk>/end/", views.session_end, name="selection_session_end"),
    path("selection/<int:pk>/void/", views.session_void, name="selection_session_void"),
    path("selection/<int:pk>/desk/", views.desk, name="selection_desk"),
    path("selection/<int:pk>/call/", views.call_next, name="selection_call_next"),
    path("selection/orders/<int:pk>/pick/", views.order_pick, name="selection_order_pick"),
    path("selection/orders/<int:pk>/pass/", views.order_pass, name="selection_order_pass"),
    path("selection/picks/<int:pk>/review/", views.pick_review, name="selection_pick_review"),
    path("selection/picks/<int:pk>/cancel/", views.pick_cancel, name="selection_pick_cancel"),
    path("selection/picks/<int:pk>/notice.pdf", views.pick_notice, name="selection_pick_notice"),
    path("selection/from-plan/<int:plan_pk>/", views.session_from_plan, name="selection_session_from_plan"),
]
