"""Domain errors on pages, in one place: the pages' counterpart of the API's exception handler.

Services and selectors raise `motcua.core.errors.DomainError`s; `config/api.py` turns them into
`{code, message}` for the API. For pages, `DomainErrorPageMiddleware` does the same once for every view:
NotFound is the site's 404 page, PermissionDenied its 403 page, and any other domain error (bad input,
a conflict) a page with the message and the error's status, never a server error. A view that knows a
better place for the message (the form it came from) still catches the error itself; a POST view whose
message belongs on the page it came from uses `errors_to_messages`.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from motcua.core.errors import DomainError, NotFound, PermissionDenied


class DomainErrorPageMiddleware:
    """Turn a domain error a view let through into the page a user should see."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotFound):
            # The same page as `raise Http404(message)` from the view (the URLconf's handler404).
            return response_for_exception(request, Http404(exception.message))
        if isinstance(exception, PermissionDenied):
            return response_for_exception(request, DjangoPermissionDenied(exception.message))
        return render(
            request,
            "domain_error.html",
            {"message": exception.message, "code": exception.code, "details": _details(exception)},
            status=exception.status,
        )


def _details(exception: DomainError) -> list[str]:
    details = exception.details if isinstance(exception.details, list) else []
    return [", ".join(str(v) for v in d.values()) if isinstance(d, dict) else str(d) for d in details[:20]]


def errors_to_messages(back: str | Callable[..., str]) -> Callable:
    """A POST view's domain error becomes a message (with its details) on the page the user came from:
    `back` is that page's URL, or a function of the view's keyword arguments giving it. NotFound stays a 404
    (the middleware's page): there is no page to go back to."""

    def decorate(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except NotFound:
                raise
            except DomainError as exc:
                messages.error(request, exc.message)
                for detail in _details(exc):
                    messages.error(request, detail)
                return redirect(back(**kwargs) if callable(back) else back)

        return wrapper

    return decorate
