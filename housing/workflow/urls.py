from django.urls import path

from . import views

app_name = "workflow"

urlpatterns = [
    path("tasks/", views.TaskListView.as_view(), name="tasks"),
    path("tasks/<int:pk>/", views.task_detail, name="task_detail"),
    path("instances/", views.ProcessInstanceListView.as_view(), name="instances"),
    path("instances/<int:pk>/", views.instance_detail, name="instance_detail"),
    path("stats/", views.statistics, name="stats"),
]
