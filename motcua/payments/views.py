"""Pages of online payment: start, back from the platform, the platform's notification, the receipt, the
desk's list with cash payments, the administrator's reconciliation. Logic lives in services/selectors."""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from motcua.core.errors import DomainError, NotFound
from motcua.dossiers.pdf import render_pdf
from motcua.dvcqg.selectors import may_manage_sync
from motcua.payments import selectors, services


def _back(request: HttpRequest, code: str) -> str:
    return (
        request.POST.get("next") or request.META.get("HTTP_REFERER") or reverse("filing:dossier", args=[code])
    )


@login_required
@require_POST
def pay_start(request: HttpRequest, code: str) -> HttpResponse:
    try:
        _payment, url = services.payment_start(
            actor=request.user,
            dossier_code=code,
            return_url=request.build_absolute_uri(reverse("payments:return")),
            notify_url=request.build_absolute_uri(reverse("payments:notify")),
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_back(request, code))
    return redirect(url)


@login_required
def pay_return(request: HttpRequest) -> HttpResponse:
    """Where the platform sends the browser back. What it shows comes from our records (the notification),
    never from the address the browser arrived with."""
    try:
        payment = selectors.payment_for(request.user, request.GET.get("order", ""))
    except NotFound as exc:
        raise Http404(exc.message) from exc
    return render(request, "payments/return.html", {"payment": payment})


@csrf_exempt
@require_POST
def notify(request: HttpRequest) -> HttpResponse:
    """The platform's server-to-server notification. Always answers 200 once recorded (a platform retries
    on errors); the outcome is in the body and in the log."""
    try:
        body = json.loads(request.body or b"{}")
    except ValueError:
        body = request.body.decode(errors="replace")
    notice = services.notice_receive(body=body)
    return JsonResponse({"code": "00" if notice.outcome == "accepted" else notice.outcome})


@login_required
def receipt(request: HttpRequest, number: str, fmt: str = "html") -> HttpResponse:
    try:
        payment = selectors.receipt_for(request.user, number)
    except NotFound as exc:
        raise Http404(exc.message) from exc
    context = {"payment": payment, "dossier": payment.dossier}
    if fmt == "pdf":
        pdf = render_pdf("payments/receipt.html", context, request=request)
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="bien-lai-{payment.receipt_number}.pdf"'
        return response
    return render(request, "payments/receipt.html", context)


@login_required
def desk(request: HttpRequest) -> HttpResponse:
    unpaid_only = request.GET.get("chua_nop") == "1"
    dossiers = list(selectors.dossiers_with_fees(request.user, unpaid_only=unpaid_only)[:200])
    rows = [(d, services.fees_due(d)) for d in dossiers]
    return render(request, "payments/desk.html", {"rows": rows, "unpaid_only": unpaid_only})


@login_required
@require_POST
def cash(request: HttpRequest, code: str) -> HttpResponse:
    try:
        payment = services.cash_record(
            actor=request.user, dossier_code=code, amount=request.POST.get("amount")
        )
    except NotFound as exc:
        raise Http404(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Cash payment recorded: receipt %(number)s.") % {"number": payment.receipt_number}
        )
    return redirect(_back(request, code))


@staff_member_required
def reconcile_page(request: HttpRequest) -> HttpResponse:
    if not may_manage_sync(request.user):
        raise DjangoPermissionDenied(_("Only administrators see the payment reconciliation."))
    try:
        mismatches, unavailable = selectors.payment_mismatches(), ""
    except Exception as exc:  # the platform away: say so, show the log anyway
        mismatches, unavailable = [], str(exc)
    context = {
        **admin.site.each_context(request),
        "title": _("Online payments: reconciliation"),
        "mismatches": mismatches,
        "unavailable": unavailable,
        "notices": selectors.notices(),
    }
    return render(request, "payments/reconcile.html", context)
