from django.urls import path

from motcua.feedback import views

app_name = "feedback"

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("gui/", views.submit, name="submit"),
    path("da-gui/<str:code>/", views.submitted, name="submitted"),
    path("tra-cuu/", views.lookup, name="lookup"),
    path("cua-toi/", views.my_petitions, name="mine"),
    path("cua-toi/<str:code>/", views.my_petition, name="mine_detail"),
    path("xu-ly/", views.staff_queue, name="staff_queue"),
    path("xu-ly/<str:code>/", views.staff_detail, name="staff_detail"),
    path("xu-ly/<str:code>/<slug:action>/", views.staff_action, name="staff_action"),
    path("<str:code>/", views.public_detail, name="public_detail"),
]
