from django.urls import path, re_path

from motcua.stats import views

app_name = "stats"

urlpatterns = [
    path("", views.public_page, name="public"),
    path("bao-cao/", views.report, name="report"),
    re_path(r"^bao-cao\.(?P<fmt>xlsx|pdf)$", views.report_export, name="report_export"),
    path("ho-so/", views.drill_down, name="drill_down"),
    path("chi-so-766/", views.index_page, name="service_index"),
    path("chi-so-766.xlsx", views.index_export, name="service_index_export"),
]
