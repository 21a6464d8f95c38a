from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from config.api import api
from motcua.catalog import staff_views as catalog_staff
from motcua.dvcqg import views as dvcqg_views
from motcua.payments import views as payments_views
from motcua.workdays import views as workdays_views

urlpatterns = [
    path("admin/catalog/import/", catalog_staff.catalog_import, name="catalog_import"),
    path("admin/catalog/export.<str:fmt>", catalog_staff.catalog_export, name="catalog_export"),
    path("admin/dvcqg/dong-bo/", dvcqg_views.sync_page, name="dvcqg_sync"),
    path("admin/dvcqg/dong-bo/phat-lai/", dvcqg_views.replay, name="dvcqg_replay"),
    path("admin/thanh-toan/doi-soat/", payments_views.reconcile_page, name="payments_reconcile"),
    path("admin/workdays/lich-lam-viec/", workdays_views.calendar_page, name="workdays_calendar"),
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("tai-khoan/", include("motcua.org.urls")),
    path("phan-anh-kien-nghi/", include("motcua.feedback.urls")),
    path("open311/", include("motcua.feedback.open311_urls")),
    path("van-phong/", include("motcua.control.urls")),
    path("thong-ke/", include("motcua.stats.urls")),
    path("nop-ho-so/", include("motcua.filing.urls")),
    path("thanh-toan/", include("motcua.payments.urls")),
    # The forms first: their fixed prefixes (so-theo-doi/) must win over the dossier page's <code>/.
    path("ho-so/", include("motcua.dossiers.document_urls")),
    path("ho-so/", include("motcua.dossiers.urls")),
    path("", include("motcua.portal.urls")),
]
if settings.MOTCUA_LOCAL_IDP:
    # The demo stand-in for VNeID (never in production): its pages and its OpenID Connect endpoints.
    from motcua.idp import urls as idp_urls

    urlpatterns = [
        path("vneid-demo/", include((idp_urls.urlpatterns, "idp"))),
        path("vneid-demo/", include(idp_urls.provider_patterns)),
        *urlpatterns,
    ]
# The error pages in the site's layout and language (Django's own are bare English).
handler400 = "motcua.core.error_pages.bad_request"
handler403 = "motcua.core.error_pages.permission_denied"
handler404 = "motcua.core.error_pages.page_not_found"
handler500 = "motcua.core.error_pages.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
