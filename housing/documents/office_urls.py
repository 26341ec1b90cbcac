from django.urls import path

from . import views

app_name = "documents_office"

urlpatterns = [
    path("templates/", views.TemplateListView.as_view(), name="templates"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/transition/", views.template_transition, name="template_transition"),
    path("templates/<int:pk>/copy/", views.template_copy, name="template_copy"),
    path("templates/<int:pk>/edit/", views.template_edit, name="template_edit"),
    path("templates/<int:pk>/preview.pdf", views.template_preview, name="template_preview"),
]
