from django.http import HttpRequest
from ninja import Router

from motcua.org import selectors, services
from motcua.org.schemas import AgencyOut, TokenIn, TokenOut, UnitOut

auth_router = Router(tags=["auth"])
router = Router(tags=["organisation"])


@auth_router.post("/token", response={200: TokenOut}, summary="Exchange a username and password for a bearer token")
def token_create(request: HttpRequest, payload: TokenIn):
    return {"token": services.api_token_issue(username=payload.username, password=payload.password)}


@router.get("/units", response=list[UnitOut], summary="Administrative units")
def units(request: HttpRequest, level: str | None = None, parent: str | None = None):
    return selectors.units_list(level=level, parent=parent)


@router.get("/agencies", response=list[AgencyOut], summary="Agencies")
def agencies(request: HttpRequest, unit: str | None = None, kind: str | None = None):
    return selectors.agencies_list(unit=unit, kind=kind)
