"""URLs of the printable forms and the tracking register (mounted at /ho-so/)."""

from django.urls import path, register_converter

from motcua.dossiers import document_views as views


class FormNumberConverter:
    """01 … 07, the forms of Circular 03/2025 Annex I."""

    regex = "0[1-7]"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormNumberConverter, "form_number")

app_name = "dossier_documents"

urlpatterns = [
    path("so-theo-doi/", views.register_view, name="register"),
    path("so-theo-doi/pdf", views.register_view, {"fmt": "pdf"}, name="register_pdf"),
    path("so-theo-doi/xlsx", views.register_view, {"fmt": "xlsx"}, name="register_xlsx"),
    path("<str:code>/mau/", views.documents_index, name="index"),
    path("<str:code>/mau/<form_number:number>/", views.form_page, name="form"),
    path("<str:code>/mau/<form_number:number>/pdf", views.form_pdf, name="form_pdf"),
]
