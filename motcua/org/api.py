import contextlib

from django.http import HttpRequest
from ninja import Router

from motcua.core import ratelimit
from motcua.core.errors import NotAuthenticated
from motcua.org import selectors, services
from motcua.org.schemas import AgencyOut, TokenIn, TokenOut, UnitOut

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


@router.get("/units", response=list[UnitOut], summary="Administrative units")
def units(request: HttpRequest, level: str | None = None, parent: str | None = None):
    return selectors.units_list(level=level, parent=parent)


@router.get("/agencies", response=list[AgencyOut], summary="Agencies")
def agencies(request: HttpRequest, unit: str | None = None, kind: str | None = None):
    return selectors.agencies_list(unit=unit, kind=kind)
