from django.urls import path

from . import views

app_name = "notify"

urlpatterns = [
    path("", views.OutboxListView.as_view(), name="outbox"),
]
