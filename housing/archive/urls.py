from django.urls import path

from . import views

app_name = "archive"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="list"),
    path("upload/", views.document_upload_view, name="upload"),
    path("<int:pk>/", views.document_detail_view, name="detail"),
    path("<int:pk>/download/", views.document_download_view, name="download"),
    path("<int:pk>/new-version/", views.document_new_version_view, name="new_version"),
    path("<int:pk>/withdraw/", views.document_withdraw_view, name="withdraw"),
]
