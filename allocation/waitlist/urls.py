"""Back-office URLs of this part; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("waitlist/waiting-period/", views.WaitingPeriodListView.as_view(), name="waitlist_waiting_period"),
    path("waitlist/refusals/", views.RefusalListView.as_view(), name="waitlist_refusal_list"),
    path("waitlist/<int:pk>/", views.waitlist_entry_detail, name="waitlist_entry_detail"),
    path("waitlist/<int:pk>/refusal/", views.waitlist_refusal_create, name="waitlist_refusal_create"),
    path("waitlist/<int:pk>/withdraw/", views.waitlist_withdraw_view, name="waitlist_withdraw"),
]
