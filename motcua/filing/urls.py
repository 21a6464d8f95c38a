"""Online filing pages, mounted at /nop-ho-so/. The fixed prefixes come before a procedure code."""

from django.urls import path

from motcua.filing import views

app_name = "filing"

urlpatterns = [
    path("cua-toi/", views.mine, name="mine"),
    path("nhap/<int:pk>/", views.draft_page, name="draft"),
    path("nhap/<int:pk>/xem-lai/", views.review, name="review"),
    path("nhap/<int:pk>/da-nop/", views.submitted, name="submitted"),
    path("ho-so/<str:code>/", views.dossier_page, name="dossier"),
    path("ho-so/<str:code>/bo-sung/", views.supplement, name="supplement"),
    path("ho-so/<str:code>/danh-gia/", views.rate, name="rate"),
    path("ho-so/<str:code>/ket-qua/", views.result_file, name="result_file"),
    path("tep/<int:pk>/", views.attachment_download, name="attachment"),
    path("<str:code>/", views.start, name="start"),
]
