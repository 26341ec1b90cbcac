from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("verify/<str:number>/", views.verify, name="verify"),
]
