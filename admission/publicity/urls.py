"""Back-office URLs of this part; ``admission/urls.py`` appends them (namespace ``admission``)."""

from __future__ import annotations

from django.urls import path

from . import views

urlpatterns: list = [
    path("publicity/batches/", views.PublicityBatchListView.as_view(), name="publicity_batch_list"),
    path(
        "publicity/batches/new/<str:level>/", views.publicity_batch_create_view, name="publicity_batch_create"
    ),
    path("publicity/batches/<int:pk>/", views.publicity_batch_detail, name="publicity_batch_detail"),
    path(
        "publicity/batches/<int:pk>/publish/",
        views.publicity_batch_publish_view,
        name="publicity_batch_publish",
    ),
    path("publicity/batches/<int:pk>/pdf/", views.publicity_batch_pdf, name="publicity_batch_pdf"),
    path("publicity/batches/<int:pk>/xlsx/", views.publicity_batch_xlsx, name="publicity_batch_xlsx"),
    path("publicity/objections/", views.ObjectionListView.as_view(), name="publicity_objection_list"),
    path(
        "publicity/objections/<int:pk>/", views.publicity_objection_detail, name="publicity_objection_detail"
    ),
    path(
        "publicity/objections/<int:pk>/assign/",
        views.publicity_objection_assign,
        name="publicity_objection_assign",
    ),
    path(
        "publicity/objections/<int:pk>/decide/",
        views.publicity_objection_decide,
        name="publicity_objection_decide",
    ),
    path(
        "publicity/applications/<int:application_pk>/objections/new/",
        views.publicity_objection_record,
        name="publicity_objection_record",
    ),
]
