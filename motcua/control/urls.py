from django.urls import include, path

from motcua.control import views

app_name = "control"

urlpatterns = [
    path("", include("motcua.catalog.publication_urls")),
    path("ke-hoach/", views.plan_list, name="plan_list"),
    path("ke-hoach/tao-moi/", views.plan_create, name="plan_create"),
    path("ke-hoach/so/<int:pk>/", views.plan_by_id, name="plan_by_id"),
    path("ke-hoach/so/<int:pk>/nhom/", views.group_add, name="group_add"),
    path("ke-hoach/so/<int:pk>/nhiem-vu/", views.task_add, name="task_add"),
    path("ke-hoach/<int:year>/", views.plan_detail, name="plan_detail"),
    path("ke-hoach/nhiem-vu/<int:pk>/", views.task_detail, name="task_detail"),
    path("ke-hoach/nhiem-vu/<int:pk>/cap-nhat/", views.task_update, name="task_update"),
    path("ke-hoach/nhiem-vu/<int:pk>/bao-cao/", views.task_report, name="task_report"),
    path("ke-hoach/nhiem-vu/<int:pk>/minh-chung/", views.task_evidence_add, name="task_evidence_add"),
    path("ke-hoach/minh-chung/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("hop/", views.meeting_list, name="meeting_list"),
    path("hop/tao-moi/", views.meeting_create, name="meeting_create"),
    path("hop/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("hop/<int:pk>/bien-ban/", views.meeting_minutes, name="meeting_minutes"),
    path("hop/<int:pk>/noi-dung/", views.meeting_subjects, name="meeting_subjects"),
    path("hop/<int:pk>/bien-ban/tai-ve/", views.minutes_download, name="minutes_download"),
]
