"""The relying-party side of sign-in with VNeID: OpenID Connect authorization code flow with PKCE, `state`
and `nonce`, through authlib's Django client (it checks the ID token's signature against the provider's
JWKS, its issuer, audience, expiry and nonce; no JWT code of ours).

The provider is configuration (settings.MOTCUA_VNEID_*). With the demo provider on and no discovery URL
set, motcua signs in against the stand-in this same server runs under /vneid-demo/.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from dataclasses import asdict, dataclass

from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.core.errors import InvalidInput

LOCAL_DISCOVERY_PATH = "/vneid-demo/o/.well-known/openid-configuration"

_clients: dict[str, object] = {}
_lock = threading.Lock()


class NotConfigured(Exception):
    """No provider is configured (and the demo provider is off)."""


def discovery_url(request: HttpRequest) -> str:
    if settings.MOTCUA_VNEID_DISCOVERY_URL:
        return settings.MOTCUA_VNEID_DISCOVERY_URL
    if settings.MOTCUA_LOCAL_IDP:
        # The stand-in answers on whatever host and port this server is reached at.
        return request.build_absolute_uri(LOCAL_DISCOVERY_PATH)
    return ""


def is_available(request: HttpRequest) -> bool:
    return settings.MOTCUA_VNEID_ENABLED and bool(discovery_url(request))


def client(request: HttpRequest):
    """authlib's client for the configured provider; its metadata and keys are fetched once and kept."""
    url = discovery_url(request)
    if not (settings.MOTCUA_VNEID_ENABLED and url):
        raise NotConfigured
    with _lock:
        found = _clients.get(url)
        if found is None:
            found = OAuth().register(
                name="vneid",
                client_id=settings.MOTCUA_VNEID_CLIENT_ID,
                client_secret=settings.MOTCUA_VNEID_CLIENT_SECRET,
                server_metadata_url=url,
                client_kwargs={
                    "scope": settings.MOTCUA_VNEID_SCOPES,
                    "code_challenge_method": "S256",
                    # A provider that is slow or down answers within this, as a clear message, not a hang.
                    "default_timeout": settings.MOTCUA_VNEID_TIMEOUT,
                },
            )
            _clients[url] = found
    return found


def forget_clients() -> None:
    """Drop the kept clients (tests that change the provider's settings)."""
    with _lock:
        _clients.clear()


@dataclass(frozen=True)
class VerifiedIdentity:
    """What the provider vouched for, in motcua's terms (settings.MOTCUA_VNEID_CLAIMS maps the names)."""

    subject: str
    name: str
    identifier: str = ""  # a person's số định danh cá nhân
    birth_date: dt.date | None = None
    phone: str = ""
    email: str = ""
    address: str = ""
    tax_code: str = ""  # an organisation's mã số thuế
    representative_name: str = ""
    representative_identifier: str = ""

    @property
    def is_organisation(self) -> bool:
        return bool(self.tax_code)

    def to_session(self) -> dict:
        data = asdict(self)
        data["birth_date"] = self.birth_date.isoformat() if self.birth_date else ""
        return data

    @classmethod
    def from_session(cls, data: dict) -> VerifiedIdentity:
        data = dict(data)
        data["birth_date"] = dt.date.fromisoformat(data["birth_date"]) if data.get("birth_date") else None
        return cls(**data)


def _text(claims: dict, field: str, limit: int) -> str:
    value = claims.get(settings.MOTCUA_VNEID_CLAIMS[field])
    if value is None:
        return ""
    if isinstance(value, dict):  # OIDC's structured address claim
        value = value.get("formatted", "")
    return str(value).strip()[:limit]


def identity_from_claims(claims: dict) -> VerifiedIdentity:
    """The identity in the ID token's claims (already validated by authlib). InvalidInput when the provider
    sent no usable identifier: nothing is signed in on a guess."""
    refused = InvalidInput(
        _("VNeID did not send a usable identity. Nothing was changed; try again or use another way."),
        code="vneid_claims_invalid",
    )
    subject = str(claims.get("sub") or "").strip()
    tax_code = _text(claims, "tax_code", 14)
    if not subject or len(subject) > 255:
        raise refused
    if tax_code:
        if not re.fullmatch(r"\d{10}(-\d{3})?", tax_code):
            raise refused
        name = _text(claims, "organisation_name", 150)
        identifier = ""
        birth_date = None
    else:
        identifier = _text(claims, "identifier", 12)
        if not re.fullmatch(r"\d{12}", identifier):
            raise refused
        name = _text(claims, "name", 150)
        try:
            raw = _text(claims, "birth_date", 10)
            birth_date = dt.date.fromisoformat(raw) if raw else None
        except ValueError:
            birth_date = None
    if not name:
        raise refused
    return VerifiedIdentity(
        subject=subject,
        name=name,
        identifier=identifier,
        birth_date=birth_date,
        phone=_text(claims, "phone", 20),
        email=_text(claims, "email", 254),
        address=_text(claims, "address", 255),
        tax_code=tax_code,
        representative_name=_text(claims, "representative_name", 150),
        representative_identifier=_text(claims, "representative_identifier", 12),
    )
