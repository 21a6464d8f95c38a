"""motcua.core.ratelimit: fixed windows on the cache, and the decorator for API operations."""

import pytest
from django.test import RequestFactory
from ninja import NinjaAPI, Router
from ninja.testing import TestClient

from motcua.core import ratelimit
from motcua.core.errors import DomainError


def test_a_bucket_refuses_past_its_limit_and_forgets_on_reset(settings):
    settings.MOTCUA_RATE_LIMITS = {"track": "2/m"}
    ratelimit.hit("track", "1.2.3.4")
    ratelimit.hit("track", "1.2.3.4")
    with pytest.raises(ratelimit.RateLimited) as refused:
        ratelimit.hit("track", "1.2.3.4")
    assert refused.value.status == 429 and 0 < refused.value.details["retry_after"] <= 61
    ratelimit.hit("track", "5.6.7.8")  # other keys count apart
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.check("track", "1.2.3.4")
    ratelimit.reset("track", "1.2.3.4")
    ratelimit.check("track", "1.2.3.4")


def test_the_window_moves_on(settings, monkeypatch):
    settings.MOTCUA_RATE_LIMITS = {"track": "1/m"}
    now = [1_000_020.0]
    monkeypatch.setattr(ratelimit.time, "time", lambda: now[0])
    ratelimit.hit("track", "k")
    with pytest.raises(ratelimit.RateLimited):
        ratelimit.hit("track", "k")
    now[0] += 60
    ratelimit.hit("track", "k")


def test_limits_can_be_switched_off_for_a_load_test(settings):
    settings.MOTCUA_RATE_LIMITS = {"track": "1/m"}
    settings.MOTCUA_RATE_LIMITS_ENABLED = False
    for _ in range(5):
        ratelimit.hit("track", "k")


@pytest.mark.parametrize(
    "text,limit,period", [("30/m", 30, 60), ("10/900s", 10, 900), ("5/h", 5, 3600), ("1/2d", 1, 172800)]
)
def test_rates_parse(text, limit, period):
    assert ratelimit.Rate.parse(text) == ratelimit.Rate(limit, period)


def test_client_ip_ignores_a_forwarded_header_unless_told(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6")
    assert ratelimit.client_ip(request) == "10.0.0.1"
    settings.MOTCUA_CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_REAL_IP="203.0.113.7")
    assert ratelimit.client_ip(request) == "203.0.113.7"


def test_the_decorator_makes_a_ninja_operation_answer_429(settings):
    settings.MOTCUA_RATE_LIMITS = {"track": "2/m"}
    router = Router()

    @router.get("/track/{code}")
    @ratelimit.limit_by_ip("track")
    def track(request, code: str, phone: str):
        return {"code": code, "phone": phone}

    api = NinjaAPI(urls_namespace="ratelimit-test")
    api.add_router("/", router)

    @api.exception_handler(DomainError)
    def on_domain_error(request, exc):
        return api.create_response(
            request, {"code": exc.code, "message": exc.message, "details": exc.details}, status=exc.status
        )

    client = TestClient(api)
    assert client.get("/track/X?phone=1234").json() == {"code": "X", "phone": "1234"}
    assert client.get("/track/X?phone=1234").status_code == 200
    response = client.get("/track/X?phone=1234")
    assert response.status_code == 429 and response.json()["code"] == "rate_limited"
