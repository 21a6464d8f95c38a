"""The one NinjaAPI: every app adds its router here; every error leaves as {code, message}."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from motcua.catalog.api import router as catalog_router
from motcua.control.api import router as control_router
from motcua.core.errors import DomainError
from motcua.dossiers.api import router as dossiers_router
from motcua.feedback.api import router as feedback_router
from motcua.filing.api import router as filing_router
from motcua.org.api import auth_router
from motcua.org.api import router as org_router
from motcua.ratings.api import router as ratings_router
from motcua.stats.api import router as stats_router
from motcua.workdays.api import router as workdays_router

# Every operation may answer these with the one error body below; declared once here rather than on
# each route, so the OpenAPI document tells clients (and schemathesis) the truth.
logger = logging.getLogger("motcua.api")

ERROR_STATUSES = {
    "400": "Invalid input",
    "401": "Authentication required or failed",
    "403": "Forbidden",
    "404": "Not found or not visible to the caller",
    "409": "Conflict: stale version or action not allowed now",
    "422": "The request contradicts an earlier one (an Idempotency-Key reused with another body)",
    "429": "Too many requests",
}
ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "Stable machine code, e.g. stale_version"},
        "message": {"type": "string", "description": "Human message in the user's language"},
        "details": {"description": "Optional: e.g. the invalid fields or rows"},
    },
}


class MotcuaAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for operations in schema["paths"].values():
            for operation in operations.values():
                # ninja keys the responses a route declares by int (404), these by str ("404"): one key
                # per status, or the JSON holds "404" twice and Swagger UI refuses the whole document.
                responses = {str(status): body for status, body in operation.get("responses", {}).items()}
                operation["responses"] = responses
                for status, description in ERROR_STATUSES.items():
                    responses.setdefault(status, {"description": description, **error})
        return schema


api = MotcuaAPI(
    title="motcua API",
    version="1",
    description="Public administration one-stop shop: catalog, working time, dossiers.",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)

api.add_router("/v1/auth", auth_router)
api.add_router("/v1", org_router)
api.add_router("/v1", workdays_router)
api.add_router("/v1", catalog_router)
api.add_router("/v1", dossiers_router)
api.add_router("/v1", filing_router)
api.add_router("/v1", feedback_router)
api.add_router("/v1", control_router)
api.add_router("/v1", ratings_router)
api.add_router("/v1", stats_router)


def error_response(request: HttpRequest, status: int, code: str, message: str, details=None) -> HttpResponse:
    body = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return api.create_response(request, body, status=status)


@api.exception_handler(DomainError)
def on_domain_error(request, exc: DomainError):
    return error_response(request, exc.status, exc.code, exc.message, exc.details)


def _describe(error: dict) -> dict:
    # ninja's loc is like ["query", "days"]; keep the field name, drop the container.
    loc = [str(part) for part in error.get("loc", ()) if part not in ("query", "body", "path", "header")]
    return {"field": ".".join(loc), "message": error.get("msg", "")}


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    details = [_describe(e) for e in exc.errors]
    fields = ", ".join(d["field"] for d in details if d["field"])
    message = _("Invalid input: %(fields)s.") % {"fields": fields} if fields else _("Invalid input.")
    return error_response(request, 400, "invalid_input", message, details)


@api.exception_handler(AuthenticationError)
def on_auth_error(request, exc):
    return error_response(request, 401, "not_authenticated", _("Authentication is required."))


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return error_response(request, 404, "not_found", _("Not found."))


@api.exception_handler(Exception)
def on_unexpected_error(request, exc: Exception):
    """A bug, or an outside system down: logged with its traceback, answered as JSON like every error."""
    logger.exception("unexpected error in %s %s", request.method, request.path)
    return error_response(
        request, 500, "server_error", _("An error occurred on the server. Please try again later.")
    )


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    # ninja raises HttpError(400) for a body it cannot parse (malformed JSON).
    code = {400: "invalid_input", 401: "not_authenticated", 403: "forbidden", 404: "not_found"}.get(
        exc.status_code, "error"
    )
    return error_response(request, exc.status_code, code, str(exc))
