"""我的办事 URLs. No ``app_name``: portal/urls.py includes this module, so the names land in ``portal``."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.affairs_list, name="affairs_list"),
    path("messages/", views.affairs_messages, name="affairs_messages"),
    path("messages/<int:pk>/", views.affairs_message_detail, name="affairs_message_detail"),
    path("<int:pk>/", views.affairs_detail, name="affairs_detail"),
    path("<int:pk>/supplement/", views.affairs_supplement, name="affairs_supplement"),
    path("<int:pk>/withdraw/", views.affairs_withdraw, name="affairs_withdraw"),
    path("<int:pk>/appeal/", views.affairs_appeal, name="affairs_appeal"),
    path("<int:pk>/certificate.pdf", views.affairs_certificate, name="affairs_certificate"),
    path("<int:pk>/notices/<int:notice_pk>.pdf", views.affairs_notice, name="affairs_notice"),
]
