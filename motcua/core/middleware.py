"""The UI language: Vietnamese unless the user chose otherwise.

Django's LocaleMiddleware follows the browser's Accept-Language, so a browser set to English would
get an English portal; a Vietnamese public service speaks Vietnamese by default and switches only
on the user's explicit choice (the language cookie set by the vi/en switch).
"""

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in dict(settings.LANGUAGES):
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = translation.get_language()


class RejectNulCharactersMiddleware:
    """Refuse input carrying NUL characters with a clear 400.

    No text in motcua may hold one, and PostgreSQL refuses them in any string (the query would fail with
    a server error): query parameters, form fields and JSON bodies are checked before any view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._has_nul(request):
            from django.http import JsonResponse

            from motcua.core.error_pages import bad_request_page

            message = str(translation.gettext("The request contains a NUL character, which is not allowed."))
            if request.path.startswith("/api/"):
                return JsonResponse({"code": "invalid_input", "message": message}, status=400)
            return bad_request_page(request, message)
        return self.get_response(request)

    @staticmethod
    def _has_nul(request) -> bool:
        if "%00" in request.META.get("QUERY_STRING", "") or "\x00" in request.path:
            return True
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method in ("POST", "PUT", "PATCH") and content_type.startswith("application/json"):
            body = request.body  # read once; Django caches it for the view
            return b"\x00" in body or b"\\u0000" in body
        if request.method == "POST" and content_type.startswith("application/x-www-form-urlencoded"):
            return b"%00" in request.body or b"\x00" in request.body
        return False


class SessionIdleTimeoutMiddleware:
    """Sign a browser session out after `MOTCUA_SESSION_IDLE_MINUTES` without a request (0: never), besides
    the absolute lifetime of the cookie (SESSION_COOKIE_AGE): a desk computer left open does not stay signed
    in. The last request's time is written at most once a minute, so the session is not saved on every hit."""

    KEY = "motcua_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        idle = int(getattr(settings, "MOTCUA_SESSION_IDLE_MINUTES", 0)) * 60
        user = getattr(request, "user", None)
        if idle and user is not None and user.is_authenticated and hasattr(request, "session"):
            import time

            from django.contrib import messages
            from django.contrib.auth import logout

            now = int(time.time())
            last = request.session.get(self.KEY)
            if isinstance(last, int) and now - last > idle:
                logout(request)
                messages.info(
                    request, translation.gettext("You were signed out after a period without activity.")
                )
            elif not isinstance(last, int) or now - last >= 60:
                request.session[self.KEY] = now
        return self.get_response(request)
