"""Back-office URLs of this part; ``allocation/urls.py`` appends them (namespace ``allocation``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("contracts/", views.ContractListView.as_view(), name="contracts_list"),
    path("contracts/new/", views.contract_new, name="contracts_new"),
    path("contracts/<int:pk>/", views.contract_detail, name="contracts_detail"),
    path("contracts/<int:pk>/sign/", views.contract_sign_view, name="contracts_sign"),
    path("contracts/<int:pk>/renew/", views.contract_renew_view, name="contracts_renew"),
    path("contracts/<int:pk>/terminate/", views.contract_terminate_view, name="contracts_terminate"),
    path("contracts/<int:pk>/pdf/", views.contract_pdf, name="contracts_pdf"),
    path("contracts/<int:pk>/pdf/retry/", views.contract_pdf_retry, name="contracts_pdf_retry"),
]
