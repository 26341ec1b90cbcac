from django.urls import path

from . import public_views

app_name = "listings"

urlpatterns = [
    path("", public_views.public_listings, name="index"),
    path("projects/<int:pk>/", public_views.public_project, name="project"),
    path("buildings/<int:pk>/", public_views.public_building, name="building"),
    path("photos/<int:pk>/<str:size>/", public_views.public_photo, name="photo"),
]
