"""Back-office dossier pages, under /ho-so/ (the printable forms are in `document_urls`)."""

from django.urls import path

from motcua.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("", views.task_list, name="task_list"),
    path("tiep-nhan/", views.desk, name="desk"),
    path("qua-han/", views.overdue_board, name="overdue_board"),
    path("tim-kiem/", views.search, name="search"),
    path("<str:code>/", views.dossier_detail, name="detail"),
    path("<str:code>/hanh-dong/<str:action>/", views.dossier_action, name="action"),
    path("<str:code>/ket-qua/", views.result_file_download, name="result_file"),
]
