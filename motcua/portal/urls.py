from django.urls import path

from motcua.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("thu-tuc/", views.procedure_list, name="procedure_list"),
    path("thu-tuc/<str:code>/", views.procedure_detail, name="procedure_detail"),
    path("thu-tuc/<str:code>/mau/<int:document_id>/", views.document_template, name="document_template"),
    path("tin-tuc/", views.announcement_list, name="announcement_list"),
    path("tin-tuc/<slug:slug>/", views.announcement_detail, name="announcement_detail"),
    path("thuat-ngu/", views.glossary, name="glossary"),
    path("tra-cuu/", views.track, name="track"),
    path("co-chu/", views.font_size, name="font_size"),
    path("kiem-toan/so-cai/", views.audit_ledger, name="audit_ledger"),
    path("kiem-toan/so-cai.json", views.audit_ledger_json, name="audit_ledger_json"),
    path("healthz", views.healthz, name="healthz"),
]
