"""Back-office URLs of the rules subsystem, mounted at /office/rules/."""

from django.urls import path

from . import views

app_name = "rules"

urlpatterns = [
    path("", views.RuleSetListView.as_view(), name="ruleset_list"),
    path("new/", views.ruleset_create_view, name="ruleset_create"),
    path("import/", views.ruleset_import_view, name="ruleset_import"),
    path("trial/", views.trial, name="trial"),
    path("<int:pk>/", views.ruleset_detail, name="ruleset_detail"),
    path("<int:pk>/edit/", views.ruleset_edit, name="ruleset_edit"),
    path("<int:pk>/validate/", views.ruleset_validate_view, name="ruleset_validate"),
    path("<int:pk>/activate/", views.ruleset_activate_view, name="ruleset_activate"),
    path("<int:pk>/retire/", views.ruleset_retire_view, name="ruleset_retire"),
    path("<int:pk>/copy/", views.ruleset_copy, name="ruleset_copy"),
    path("<int:pk>/export/", views.ruleset_export_view, name="ruleset_export"),
    path("<int:pk>/diff/", views.ruleset_diff_view, name="ruleset_diff"),
    path("<int:pk>/items/<slug:kind>/new/", views.item_edit, name="item_add"),
    path("<int:pk>/items/<slug:kind>/<int:item_pk>/", views.item_edit, name="item_edit"),
    path("<int:pk>/items/<slug:kind>/<int:item_pk>/delete/", views.item_delete, name="item_delete"),
]
