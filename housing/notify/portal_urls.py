from django.urls import path

from . import views

app_name = "notify_portal"

urlpatterns = [
    path("", views.portal_message_list, name="list"),
    path("<int:pk>/", views.portal_message_detail, name="detail"),
]
