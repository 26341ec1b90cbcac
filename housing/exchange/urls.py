from django.urls import path

from . import views

app_name = "exchange"

urlpatterns = [
    path("", views.datasets, name="datasets"),
    path("import/", views.import_file, name="import"),
    path("batches/", views.BatchListView.as_view(), name="batches"),
    path("batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("lookup/", views.lookup, name="lookup"),
]
