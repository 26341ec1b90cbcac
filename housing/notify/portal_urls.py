app_name = "notify_portal"

urlpatterns: list = []
