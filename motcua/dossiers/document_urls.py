app_name = "dossier_documents"

urlpatterns: list = []
