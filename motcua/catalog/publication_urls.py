"""Publication decision pages; included by `motcua.control.urls` under /van-phong/ (namespace "control")."""

from django.urls import path

from motcua.catalog import publication_views as views

urlpatterns = [
    path("quyet-dinh/", views.publication_list, name="publication_list"),
    path("quyet-dinh/<int:pk>/", views.publication_detail, name="publication_detail"),
    path("quyet-dinh/xu-ly/", views.publication_queue, name="publication_queue"),
    path("quyet-dinh/tao-moi/", views.publication_create, name="publication_create"),
    path("quyet-dinh/<int:pk>/xu-ly/", views.publication_review, name="publication_review"),
    path("quyet-dinh/<int:pk>/hanh-dong/", views.publication_action, name="publication_action"),
    path("quyet-dinh/<int:pk>/y-kien/", views.publication_comment, name="publication_comment"),
    path(
        "quyet-dinh/<int:pk>/y-kien/<int:comment_id>/da-xu-ly/",
        views.publication_comment_resolve,
        name="publication_comment_resolve",
    ),
    path("quyet-dinh/<int:pk>/nhap-tep/", views.publication_import, name="publication_import"),
    path("quyet-dinh/<int:pk>/bai-bo/", views.publication_item_add, name="publication_item_add"),
    path("quyet-dinh/<int:pk>/thay-the/", views.publication_item_replace, name="publication_item_replace"),
    path("quyet-dinh/<int:pk>/dinh-kem/", views.publication_attach_file, name="publication_attach_file"),
    path("quyet-dinh/<int:pk>/tep/", views.publication_signed_file, name="publication_signed_file"),
    path(
        "quyet-dinh/<int:pk>/muc/<int:item_id>/xoa/",
        views.publication_item_remove,
        name="publication_item_remove",
    ),
    path("thu-tuc/<str:code>/so-sanh/", views.version_diff, name="version_diff"),
]
