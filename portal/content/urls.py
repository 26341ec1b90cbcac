"""Back-office URLs of 内容管理, mounted at /office/content/ (namespace ``portal_content``)."""

from django.urls import path

from . import views

app_name = "portal_content"

urlpatterns = [
    path("", views.ArticleListView.as_view(), name="article_list"),
    path("new/", views.article_create, name="article_create"),
    path("<int:pk>/", views.article_detail, name="article_detail"),
    path("<int:pk>/edit/", views.article_edit, name="article_edit"),
    path("<int:pk>/publish/", views.article_publish, name="article_publish"),
    path("<int:pk>/withdraw/", views.article_withdraw, name="article_withdraw"),
    path("<int:pk>/attach/", views.article_attach, name="article_attach"),
]
