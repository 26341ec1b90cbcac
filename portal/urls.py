from django.urls import path

from . import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("portal/register/", views.register, name="register"),
    path("portal/login/", views.PortalLoginView.as_view(), name="login"),
    path("portal/logout/", views.PortalLogoutView.as_view(), name="logout"),
    path("portal/me/", views.me, name="me"),
]
