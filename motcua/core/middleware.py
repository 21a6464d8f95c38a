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
    a server error): the path, query parameters, headers and every kind of body (form fields, multipart text
    fields and file names, JSON, text/plain) are checked before any view runs.
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
        # Headers a view stores (Idempotency-Key…): a server in front would refuse them, the test client not.
        if any(
            "\x00" in value
            for key, value in request.META.items()
            if key.startswith("HTTP_") and isinstance(value, str)
        ):
            return True
        if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
            return False
        content_type = request.META.get("CONTENT_TYPE", "")
        if content_type.startswith("multipart/form-data"):
            return RejectNulCharactersMiddleware._multipart_has_nul(request, content_type)
        body = request.body  # read once; Django caches it for the view
        if content_type.startswith("application/x-www-form-urlencoded"):
            return b"%00" in body or b"\x00" in body
        # JSON, text/plain, or no type at all: the API parses any of them as JSON.
        return b"\x00" in body or b"\\u0000" in body

    @staticmethod
    def _multipart_has_nul(request, content_type: str) -> bool:
        """NUL in a multipart text field or a file's name; a file's content may hold NUL bytes (a PDF does).

        Read from the raw body, not request.POST: parsing here would run before a view installs its own
        upload handlers (the pages read the sender's file name as sent, to refuse "../" in it). The body stays
        cached for the view. A body too large to hold in memory is left to the view and the forms, whose
        fields refuse NUL characters too."""
        boundary = content_type.partition("boundary=")[2].split(";")[0].strip().strip('"').encode()
        if not boundary:
            return False
        try:
            body = request.body
        except Exception:  # RequestDataTooBig: the view answers it
            return False
        if b"\x00" not in body:
            return False
        for part in body.split(b"--" + boundary):
            headers, _sep, content = part.partition(b"\r\n\r\n")
            if b"\x00" in headers:
                return True
            if b"filename=" not in headers and b"\x00" in content:
                return True
        return False


class SessionIdleTimeoutMiddleware:
    """Sign a browser session out after `MOTCUA_SESSION_IDLE_MINUTES` without a request (0: never), besides
    the absolute lifetime of the cookie (SESSION_COOKIE_AGE): a desk computer left open does not stay signed
    in. The last request's time is written at most once a minute, so the session is not saved on every hit."""

    KEY = "motcua_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        idle = settings.MOTCUA_SESSION_IDLE_MINUTES * 60
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
