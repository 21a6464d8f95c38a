from django.urls import path

from motcua.payments import views

app_name = "payments"
urlpatterns = [
    path("ho-so/<str:code>/", views.pay_start, name="start"),
    path("ho-so/<str:code>/tien-mat/", views.cash, name="cash"),
    path("ket-qua/", views.pay_return, name="return"),
    path("thong-bao/", views.notify, name="notify"),
    path("bien-lai/<str:number>/", views.receipt, name="receipt"),
    path("bien-lai/<str:number>/pdf", views.receipt, {"fmt": "pdf"}, name="receipt_pdf"),
    path("quay/", views.desk, name="desk"),
]
