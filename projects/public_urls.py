from django.urls import path

from . import views

app_name = "listings"

urlpatterns = [
    path("", views.public_listings, name="index"),
    path("buildings/<int:pk>/", views.public_building, name="building"),
]
