"""Bearer-token authentication for the API."""

from __future__ import annotations

from ninja.security import HttpBearer

from motcua.org.services import api_token_user


class BearerToken(HttpBearer):
    def authenticate(self, request, token: str):
        user = api_token_user(token)
        if user is not None:
            request.user = user
        return user


class OptionalBearerToken(BearerToken):
    """Authenticates when a token is given; lets anonymous callers through otherwise."""

    def __call__(self, request):
        return super().__call__(request) or True
