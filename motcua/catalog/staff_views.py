"""Catalog import and export, inside the admin's look.

The direct import changes the catalog in force at once, bypassing a publication decision (drafted,
reviewed by the Office, signed by the Chairman): it is the administrator's tool for setting up or repairing
the catalog, and says so on the page (issue 9 item 9). Office reviewers and administrators may export.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from motcua.catalog.spreadsheet import FORMATS, export_procedures, import_procedures
from motcua.core.errors import InvalidInput
from motcua.org.choices import Role
from motcua.org.selectors import user_roles

CATALOG_EDITORS = (Role.ADMINISTRATOR, Role.OFFICE_REVIEWER)


def _require_catalog_editor(request: HttpRequest) -> None:
    user = request.user
    if user.is_superuser:
        return
    if not any(role in CATALOG_EDITORS for role, _agency in user_roles(user)):
        raise PermissionDenied(_("Only administrators and Office reviewers may export the catalog."))


def _require_administrator(request: HttpRequest) -> None:
    user = request.user
    if user.is_superuser or any(role == Role.ADMINISTRATOR for role, _agency in user_roles(user)):
        return
    raise PermissionDenied(
        _(
            "Only the administrator may import the catalog directly: it bypasses a publication decision. "
            "Add the procedures to a draft decision instead."
        )
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Spreadsheet (.xlsx or .csv)"),
        help_text=gettext_lazy(
            "One row per procedure; see docs/catalog-import.md. A file with any bad row imports nothing."
        ),
    )


@staff_member_required
def catalog_import(request: HttpRequest) -> HttpResponse:
    _require_administrator(request)
    errors: list[dict] = []
    if request.method == "POST":
        form = ImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > settings.MAX_UPLOAD_BYTES:
                form.add_error(
                    "file",
                    _("The file is larger than the %(mb)d MB limit.")
                    % {"mb": settings.MAX_UPLOAD_BYTES // (1024 * 1024)},
                )
            else:
                try:
                    summary = import_procedures(upload, upload.name)
                except InvalidInput as exc:
                    form.add_error("file", exc.message)
                    errors = list(exc.details or [])
                else:
                    messages.success(request, str(summary))
                    return redirect("admin:catalog_procedureversion_changelist")
    else:
        form = ImportForm()
    context = {
        **admin.site.each_context(request),
        "title": _("Import procedures"),
        "form": form,
        "errors": errors,
        "formats": FORMATS,
    }
    return render(request, "catalog/import.html", context)


@staff_member_required
def catalog_export(request: HttpRequest, fmt: str) -> HttpResponse:
    _require_catalog_editor(request)
    if fmt not in FORMATS:
        raise PermissionDenied
    content = export_procedures(fmt)
    content_type = (
        "text/csv; charset=utf-8"
        if fmt == "csv"
        else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="thu-tuc-{timezone.localdate():%Y%m%d}.{fmt}"'
    return response
