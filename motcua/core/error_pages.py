"""The HTTP error pages (400, 403, 404, 500, and the CSRF refusal) in the site's layout and language.

Wired as Django's `handler400`…`handler500` in config/urls.py and as `CSRF_FAILURE_VIEW`. Each page says
what happened in plain words and offers a way on: back to where the visitor came from (when that was this
site), the home page, the procedure search, and for a visitor refused because not signed in, the sign-in
page. The 500 page must render even when the database is what failed: it is drawn without the request's
context processors (no user lookup, no role query) and, if even that fails, as a fixed page.
"""

from __future__ import annotations

import logging

from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

TEMPLATE = "error.html"


def _page_context(request: HttpRequest, status: int) -> dict:
    titles = {
        400: _("The request could not be understood"),
        403: _("You may not open this page"),
        404: _("Page not found"),
        500: _("Something went wrong on our side"),
    }
    explanations = {
        400: _("The address or the form sent was not valid. Check it and try again."),
        403: _("Your account does not give access to this page."),
        404: _("The page you asked for does not exist or has moved. Check the address, or search below."),
        500: _(
            "The page could not be shown because of an error on the server. It has been recorded; "
            "please try again in a few minutes."
        ),
    }
    try:
        host = request.get_host()
    except DisallowedHost:  # the 400 for a forged Host header is drawn for that very request
        host = None
    referer = request.META.get("HTTP_REFERER", "")
    back = (
        referer
        if host
        and referer
        and referer != request.build_absolute_uri()
        and url_has_allowed_host_and_scheme(referer, allowed_hosts={host})
        else ""
    )
    return {"status": status, "title": titles[status], "explanation": explanations[status], "back_url": back}


def _render(request: HttpRequest, status: int, **extra) -> HttpResponse:
    return render(request, TEMPLATE, {**_page_context(request, status), **extra}, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 400)


def bad_request_page(request: HttpRequest, message: str) -> HttpResponse:
    """A 400 page carrying `message` (what was wrong with the input), for middleware that refuses early."""
    return _render(request, 400, detail=message)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403. A refusal that names its reason (`PermissionDenied("…")`) shows it; an anonymous visitor is
    offered the sign-in page, since signing in may be all that is missing."""
    detail = str(exception) if exception is not None and exception.args else ""
    return _render(request, 403, detail=detail, offer_sign_in=not request.user.is_authenticated)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, 404, offer_search=True)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form refused by the CSRF check: almost always a page left open too long or cookies blocked."""
    return _render(
        request,
        403,
        detail=_(
            "The form could not be sent because the page had expired or your browser blocks cookies "
            "for this site. Go back, reload the page and send the form again."
        ),
    )


def server_error(request: HttpRequest) -> HttpResponse:
    if request.path.startswith("/api/"):
        # An API client reads JSON, whatever failed: the same {code, message} as every other error.
        return JsonResponse(
            {
                "code": "server_error",
                "message": _("An error occurred on the server. Please try again later."),
            },
            status=500,
        )
    try:
        context = {**_page_context(request, 500), "request": request, "user": None, "error_page": True}
        return HttpResponseServerError(render_to_string(TEMPLATE, context))
    except Exception:  # the page about an error must not fail in turn
        logger.exception("the 500 page could not be rendered")
        return HttpResponseServerError(
            '<!doctype html><html lang="vi"><meta charset="utf-8"><title>Lỗi máy chủ</title>'
            "<h1>Đã có lỗi ở phía máy chủ</h1><p>Vui lòng thử lại sau ít phút.</p>"
            '<p><a href="/">Về trang chủ</a></p></html>'
        )
