"""Domain errors. Services raise them; the API and views turn them into clear messages.

Each error carries a stable machine `code` (API clients switch on it) and a human `message`
(Vietnamese by default, through gettext).
"""

from __future__ import annotations


class DomainError(Exception):
    """A rule of the domain refused the request. HTTP 400 unless a subclass says otherwise."""

    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, details: object = None):
        super().__init__(message)
        self.message = str(message)
        if code:
            self.code = code
        self.details = details


class InvalidInput(DomainError):
    status = 400
    code = "invalid_input"


class NotAuthenticated(DomainError):
    status = 401
    code = "not_authenticated"


class PermissionDenied(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Unprocessable(DomainError):
    """Well-formed, but it contradicts an earlier request (e.g. an idempotency key reused with another body)."""

    status = 422
    code = "unprocessable"
