"""Back-office URLs of 经适房退回与再上市; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("resales/", views.ResaleListView.as_view(), name="resale_list"),
    path("resales/new/", views.resale_new, name="resale_new"),
    path("resales/<int:pk>/", views.resale_detail, name="resale_detail"),
    path("resales/<int:pk>/notice.pdf", views.resale_notice_pdf, name="resale_notice_pdf"),
    path("resales/returns/", views.SaleReturnListView.as_view(), name="resale_returns"),
    path("resales/returns/new/", views.sale_return_new, name="resale_return_new"),
    path("resales/returns/<int:pk>/", views.sale_return_detail, name="resale_return_detail"),
]
