"""The administrator's sync page: the portal ledger, the parked messages with replay, missing mappings."""

from __future__ import annotations

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from motcua.dvcqg import selectors
from motcua.dvcqg.choices import MessageStatus
from motcua.dvcqg.services import message_replay


def _require_admin(request: HttpRequest) -> None:
    if not selectors.may_manage_sync(request.user):
        raise PermissionDenied(_("Only administrators see the portal synchronisation."))


@staff_member_required
def sync_page(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    years = selectors.years_with_messages()
    try:
        year = int(request.GET.get("nam") or (years[0] if years else timezone.localdate().year))
    except ValueError:
        year = timezone.localdate().year
    status = request.GET.get("trang_thai") or ""
    code = request.GET.get("ma") or ""
    listing = selectors.messages_listing(status=status or None, year=year, code=code)
    page = Paginator(listing, 50).get_page(request.GET.get("trang"))
    context = {
        **admin.site.each_context(request),
        "title": _("National portal synchronisation (DVCQG)"),
        "year": year,
        "years": years,
        "status": status,
        "code": code,
        "statuses": MessageStatus.choices,
        "counts": selectors.sync_counts(year=year),
        "parked": list(selectors.parked_messages()[:100]),
        "page": page,
        "missing": selectors.missing_mappings(),
        "filings": selectors.national_filings(),
    }
    return render(request, "dvcqg/sync.html", context)


@staff_member_required
@require_POST
def replay(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    ids = [int(i) for i in request.POST.getlist("message") if i.isdigit()]
    count = message_replay(actor=request.user, message_ids=ids)
    messages.success(request, _("%(n)d messages are back in the queue.") % {"n": count})
    return redirect("dvcqg_sync")
