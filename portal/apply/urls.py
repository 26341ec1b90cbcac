"""/apply/: 导航式网上申请 (included from portal/urls.py, url names in the ``portal`` namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.apply_start, name="apply_start"),
    path("from-selfcheck/", views.apply_from_selfcheck, name="apply_from_selfcheck"),
    path("<int:pk>/submit/", views.apply_submit, name="apply_submit"),
    path("<int:pk>/receipt/", views.apply_receipt, name="apply_receipt"),
    path("<int:pk>/receipt.pdf", views.apply_receipt_pdf, name="apply_receipt_pdf"),
    path("<int:pk>/<slug:step>/", views.apply_step, name="apply_step"),
]
