app_name = "filing"

urlpatterns: list = []
