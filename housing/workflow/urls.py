app_name = "workflow"

urlpatterns: list = []
