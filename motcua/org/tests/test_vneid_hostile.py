"""Sign-in with VNeID refuses every bad or hostile answer with a clear page and changes nothing (issue 12,
item 6): a tampered or replayed `state`, a wrong `nonce`, an expired or reused code, an ID token for another
audience, from another issuer or with a wrong signature, a provider that is down or slow.

Two real providers over real sockets: the demo provider (django-oauth-toolkit, served by the live server)
for the code's lifecycle, and a hostile one (a small HTTP server below) that answers with the ID token each
test crafts, signed with its own key, to prove motcua's checks of the token itself."""

from __future__ import annotations

import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import requests
from django.core.cache import cache
from django.utils import timezone
from joserfc import jwt
from joserfc.jwk import RSAKey

from motcua.idp.demo import load_identities
from motcua.idp.models import Application, Grant
from motcua.org.models import User
from motcua.org.vneid import LOCAL_DISCOVERY_PATH, forget_clients

PASSWORD = "motcua-demo-2026"
CALLBACK = "http://testserver/tai-khoan/vneid/callback/"
REFUSED = "could not be verified"  # the English text of the refusal (the page's language is set below)


@pytest.fixture(autouse=True)
def _fresh(settings):
    settings.LANGUAGE_CODE = "en"
    settings.MOTCUA_RATE_LIMITS_ENABLED = False
    cache.clear()
    forget_clients()
    yield
    forget_clients()


def _nothing_changed(client, users_before: int) -> None:
    assert User.objects.count() == users_before
    assert "_auth_user_id" not in client.session


def _start(client) -> dict:
    """motcua's redirect to the provider; returns the authorization request's parameters."""
    response = client.get("/tai-khoan/vneid/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 302, response.content[:300]
    url = response["Location"]
    params = {k: v[0] for k, v in parse_qs(urlparse(url).query).items()}
    params["_url"] = url
    return params


# --- the demo provider, for the authorization code's lifecycle ---------------------------------------------


@pytest.fixture
def provider(transactional_db, live_server, settings):
    settings.MOTCUA_VNEID_DISCOVERY_URL = live_server.url + LOCAL_DISCOVERY_PATH
    load_identities(PASSWORD)
    Application.objects.create(
        client_id=settings.MOTCUA_VNEID_CLIENT_ID,
        client_secret=settings.MOTCUA_VNEID_CLIENT_SECRET,
        name="motcua (test)",
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
        redirect_uris=CALLBACK,
        post_logout_redirect_uris="http://testserver/",
    )
    return live_server.url


def _approve_at_provider(base: str, authorize_url: str, login: str = "014095000321") -> str:
    """The person signs in at the demo provider (its own cookies); returns the callback URL it sends back."""
    browser = requests.Session()
    page = browser.get(f"{base}/vneid-demo/dang-nhap/", timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    signed_in = browser.post(
        f"{base}/vneid-demo/dang-nhap/",
        data={"csrfmiddlewaretoken": token, "login": login, "password": PASSWORD, "next": "/vneid-demo/"},
        headers={"Referer": f"{base}/vneid-demo/dang-nhap/"},
        allow_redirects=False,
        timeout=10,
    )
    assert signed_in.status_code == 302, signed_in.text[:500]
    answer = browser.get(authorize_url, allow_redirects=False, timeout=10)
    assert answer.status_code == 302 and answer.headers["Location"].startswith(CALLBACK), answer.text[:500]
    return answer.headers["Location"]


def _callback(client, url: str):
    parsed = urlparse(url)
    return client.get(parsed.path, parse_qs(parsed.query), HTTP_ACCEPT_LANGUAGE="en")


def test_the_honest_round_trip_signs_in(provider, client):
    users = User.objects.count()
    back = _approve_at_provider(provider, _start(client)["_url"])
    response = _callback(client, back)
    assert response.status_code == 302
    assert User.objects.count() == users + 1
    assert client.session["_auth_user_id"] == str(User.objects.get(personal_identifier="014095000321").pk)


def test_a_tampered_state_is_refused(provider, client):
    users = User.objects.count()
    back = _approve_at_provider(provider, _start(client)["_url"])
    response = _callback(client, re.sub(r"state=[^&]+", "state=forged-by-an-attacker", back))
    assert response.status_code == 400 and REFUSED in response.content.decode()
    _nothing_changed(client, users)


def test_a_replayed_callback_is_refused(provider, client):
    back = _approve_at_provider(provider, _start(client)["_url"])
    assert _callback(client, back).status_code == 302
    users = User.objects.count()
    client.logout()
    response = _callback(client, back)  # the same state and code, again
    assert response.status_code == 400 and REFUSED in response.content.decode()
    _nothing_changed(client, users)


def test_a_code_used_once_is_refused_with_a_fresh_state(provider, client):
    first = _approve_at_provider(provider, _start(client)["_url"])
    assert _callback(client, first).status_code == 302
    client.logout()
    users = User.objects.count()
    state = _start(client)["state"]  # a new, valid state of this browser …
    old_code = parse_qs(urlparse(first).query)["code"][0]
    response = _callback(client, f"{CALLBACK}?{urlencode({'code': old_code, 'state': state})}")  # … old code
    assert response.status_code == 400 and REFUSED in response.content.decode()
    _nothing_changed(client, users)


def test_an_expired_code_is_refused(provider, client):
    users = User.objects.count()
    back = _approve_at_provider(provider, _start(client)["_url"])
    Grant.objects.update(expires=timezone.now() - timezone.timedelta(seconds=1))
    response = _callback(client, back)
    assert response.status_code == 400 and REFUSED in response.content.decode()
    _nothing_changed(client, users)


def test_a_wrong_nonce_is_refused(provider, client):
    users = User.objects.count()
    params = _start(client)
    back = _approve_at_provider(provider, params["_url"])
    session = client.session
    key = f"_state_vneid_{params['state']}"
    data = session[key]
    data["data"]["nonce"] = "not-the-nonce-the-provider-signed"
    session[key] = data
    session.save()
    response = _callback(client, back)
    assert response.status_code == 400 and REFUSED in response.content.decode()
    _nothing_changed(client, users)


def test_a_cancelled_sign_in_says_so(provider, client):
    users = User.objects.count()
    state = _start(client)["state"]
    response = client.get(
        "/tai-khoan/vneid/callback/", {"error": "access_denied", "state": state}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400 and "cancelled" in response.content.decode()
    _nothing_changed(client, users)


# --- a hostile provider, for the ID token's own checks -----------------------------------------------------


class Hostile:
    """An OpenID Connect provider over a real socket that answers with whatever ID token the test sets."""

    def __init__(self):
        self.key = RSAKey.generate_key(2048, parameters={"kid": "hostile-1", "alg": "RS256", "use": "sig"})
        self.token_claims: dict = {}
        self.signing_key = self.key
        self.delay = 0.0
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _json(self, body: dict):
                data = json.dumps(body).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self):
                if self.path.startswith("/.well-known/openid-configuration"):
                    self._json(
                        {
                            "issuer": outer.url,
                            "authorization_endpoint": outer.url + "/authorize",
                            "token_endpoint": outer.url + "/token",
                            "jwks_uri": outer.url + "/jwks",
                            "id_token_signing_alg_values_supported": ["RS256"],
                        }
                    )
                elif self.path == "/jwks":
                    self._json({"keys": [outer.key.as_dict(private=False)]})
                else:
                    self.send_error(404)

            def do_POST(self):
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                time.sleep(outer.delay)
                header = {"alg": "RS256", "kid": outer.signing_key.kid}
                id_token = jwt.encode(header, outer.token_claims, outer.signing_key)
                self._json(
                    {"access_token": "opaque", "token_type": "Bearer", "expires_in": 60, "id_token": id_token}
                )

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def claims(self, sent_nonce: str, **overrides) -> dict:
        now = int(time.time())
        claims = {
            "iss": self.url,
            "aud": "motcua-demo",
            "sub": "hostile-subject",
            "iat": now,
            "exp": now + 300,
            "nonce": sent_nonce,
            "citizen_id": "014090009999",
            "name": "Kẻ Mạo Danh",
        }
        claims.update(overrides)
        return claims


@pytest.fixture
def hostile(db, settings):
    provider = Hostile()
    settings.MOTCUA_VNEID_DISCOVERY_URL = provider.url + "/.well-known/openid-configuration"
    settings.MOTCUA_VNEID_CLIENT_ID = "motcua-demo"
    yield provider
    provider.server.shutdown()


def _hostile_round_trip(client, hostile, **overrides):
    params = _start(client)
    hostile.token_claims = hostile.claims(params["nonce"], **overrides)
    return client.get(
        "/tai-khoan/vneid/callback/", {"code": "any", "state": params["state"]}, HTTP_ACCEPT_LANGUAGE="en"
    )


def test_the_hostile_harness_signs_in_when_the_token_is_right(hostile, client):
    """The control: the same provider with a correct token signs in (so each refusal below is the check's)."""
    response = _hostile_round_trip(client, hostile)
    assert response.status_code == 302
    assert User.objects.filter(
        personal_identifier="014090009999", identity_verified_at__isnull=False
    ).exists()


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"aud": "another-relying-party"}, id="another audience"),
        pytest.param({"iss": "http://evil.example"}, id="another issuer"),
        pytest.param({"nonce": "replayed-nonce"}, id="wrong nonce"),
        pytest.param({"exp": int(time.time()) - 3600, "iat": int(time.time()) - 7200}, id="expired token"),
    ],
)
def test_a_token_that_fails_a_check_is_refused(hostile, client, overrides):
    users = User.objects.count()
    response = _hostile_round_trip(client, hostile, **overrides)
    assert response.status_code == 400 and REFUSED in response.content.decode()
    _nothing_changed(client, users)


def test_a_token_signed_with_another_key_is_refused(hostile, client):
    users = User.objects.count()
    hostile.signing_key = RSAKey.generate_key(2048, parameters={"kid": "hostile-1", "alg": "RS256"})
    response = _hostile_round_trip(client, hostile)
    assert response.status_code == 400 and REFUSED in response.content.decode()
    _nothing_changed(client, users)


def test_a_token_without_a_usable_identifier_is_refused(hostile, client):
    users = User.objects.count()
    response = _hostile_round_trip(client, hostile, citizen_id="12345")
    assert response.status_code == 400 and "usable identity" in response.content.decode()
    _nothing_changed(client, users)


def test_a_slow_provider_times_out_with_a_message(hostile, client, settings):
    settings.MOTCUA_VNEID_TIMEOUT = 0.5
    forget_clients()
    users = User.objects.count()
    hostile.delay = 2.0
    started = time.monotonic()
    response = _hostile_round_trip(client, hostile)
    assert time.monotonic() - started < 2.0
    assert response.status_code == 503 and "not answering" in response.content.decode()
    assert b"/tai-khoan/dang-nhap/" in response.content  # a way back
    _nothing_changed(client, users)


def test_a_provider_that_is_down_gets_a_message(db, client, settings):
    settings.MOTCUA_VNEID_DISCOVERY_URL = (
        "http://127.0.0.1:9/.well-known/openid-configuration"  # nothing there
    )
    response = client.get("/tai-khoan/vneid/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503 and "not answering" in response.content.decode()


def test_a_provider_that_is_down_gets_a_message_in_vietnamese(db, client, settings):
    settings.LANGUAGE_CODE = "vi"
    settings.MOTCUA_VNEID_DISCOVERY_URL = "http://127.0.0.1:9/.well-known/openid-configuration"
    response = client.get("/tai-khoan/vneid/")
    assert response.status_code == 503 and "VNeID hiện không phản hồi" in response.content.decode()


def test_a_flood_of_callbacks_is_rate_limited(db, client, settings):
    settings.MOTCUA_RATE_LIMITS_ENABLED = True
    cache.clear()
    statuses = {
        client.get("/tai-khoan/vneid/callback/", {"code": "x", "state": "y"}).status_code for _ in range(31)
    }
    assert 429 in statuses
