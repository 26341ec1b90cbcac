"""门户账号 URLs, included by portal/urls.py under ``portal/`` (names in the ``portal`` namespace)."""

from captcha import views as captcha_views
from django.urls import path

from . import views

urlpatterns = [
    path("password-reset/", views.password_reset, name="password_reset"),
    path("sms-code/", views.sms_code_send_view, name="sms_code_send"),
    path("captcha/refresh/", views.captcha_refresh, name="captcha_refresh"),
    path("captcha/<str:key>/", captcha_views.captcha_image, {"scale": 1}, name="captcha_image"),
]
