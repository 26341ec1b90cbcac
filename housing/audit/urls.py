from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("", views.AuditEventListView.as_view(), name="events"),
    path("<int:pk>/", views.audit_event_detail, name="event_detail"),
    path("reveal/<str:model>/<str:pk>/<str:field>/", views.reveal, name="reveal"),
]
