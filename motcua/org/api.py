import contextlib

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Router, Status

from motcua.core import ratelimit
from motcua.core.errors import NotAuthenticated, NotFound
from motcua.org import selectors, services
from motcua.org.auth import BearerToken
from motcua.org.schemas import AgencyOut, TokenIn, TokenInfoOut, TokenOut, UnitOut

auth_router = Router(tags=["auth"])
router = Router(tags=["organisation"])


@auth_router.post(
    "/token", response={200: TokenOut}, summary="Exchange a username and password for a bearer token"
)
def token_create(request: HttpRequest, payload: TokenIn):
    # Failures count per client IP and username, like the sign-in page: 429 once they are used up.
    key = f"{ratelimit.client_ip(request)}:{payload.username.strip().lower()}"
    ratelimit.check("login", key)
    try:
        token = services.api_token_issue(username=payload.username, password=payload.password)
    except NotAuthenticated:
        with contextlib.suppress(ratelimit.RateLimited):  # the next call is the one refused
            ratelimit.hit("login", key)
        raise
    ratelimit.reset("login", key)
    return {"token": token}


@auth_router.get(
    "/tokens", response=list[TokenInfoOut], auth=BearerToken(), summary="The caller's own API tokens"
)
def tokens_list(request: HttpRequest):
    return [
        {
            "id": row.token.pk,
            "created_at": row.token.created_at,
            "expires_at": row.token.expires_at,
            "last_used_at": row.token.last_used_at,
            "active": row.is_live,
            "revoked_reason": row.dead_reason,
        }
        for row in selectors.api_tokens_of(request.user)
    ]


@auth_router.delete(
    "/tokens/{token_id}",
    response={204: None},
    auth=BearerToken(),
    summary="Revoke one of the caller's tokens",
)
def token_revoke(request: HttpRequest, token_id: int = Path(..., ge=1, le=2**63 - 1)):
    if not services.api_token_revoke(user=request.user, token_id=token_id):
        raise NotFound(_("Token not found."), code="token_not_found")
    return Status(204, None)


@router.get("/units", response=list[UnitOut], summary="Administrative units")
def units(request: HttpRequest, level: str | None = None, parent: str | None = None):
    return selectors.units_list(level=level, parent=parent)


@router.get("/agencies", response=list[AgencyOut], summary="Agencies")
def agencies(request: HttpRequest, unit: str | None = None, kind: str | None = None):
    return selectors.agencies_list(unit=unit, kind=kind)
