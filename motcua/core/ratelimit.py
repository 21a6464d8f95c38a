"""Rate limits: fixed windows counted in Django's cache (Redis in production, LocMem in the demo).

docs/design.md §7: sign-in, verification codes and the public tracking lookup are rate-limited. A limit is a
named *bucket* ("login", "track", …) with a rate, counted per key (an IP address, an account, a phone
number). Counting uses `cache.add` + `cache.incr`, both atomic on Redis, so several app servers share
one count; the LocMem cache of the embedded demo counts per process, which is enough there.

Why not django-ratelimit: it counts the same way (fixed windows on the cache) but cannot reset a
bucket on success (a correct sign-in clears the failures) nor tell how long to wait, and this is
all the code the two would share.

Rates are defaults below; a deployment may override any of them with the setting
`MOTCUA_RATE_LIMITS = {"track": "60/m"}`, or switch the limits off for a load test with
`MOTCUA_RATE_LIMITS_ENABLED = False`. Behind a reverse proxy, name the header that carries the
client's address in `MOTCUA_CLIENT_IP_HEADER` (e.g. "HTTP_X_REAL_IP", set by the proxy itself).
"""

from __future__ import annotations

import functools
import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from motcua.core.errors import DomainError

# bucket → "count/period" (period: s, m, h, or a number of seconds followed by s, e.g. "10/900s").
DEFAULT_RATES: dict[str, str] = {
    "login": "10/900s",  # failed sign-ins per IP and username
    "register": "10/h",  # accounts created per IP
    "code_send": "3/600s",  # verification codes sent per account or phone/e-mail
    "code_check": "10/900s",  # codes tried per account (each code also allows only 5 tries)
    "password_reset": "5/h",  # reset requests per IP
    "track": "30/m",  # tracking lookups per IP, page and API together
    "vneid_callback": "30/600s",  # returns from the identity provider per IP
    "totp": "5/300s",  # wrong second-factor codes per account
}
_PERIODS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RateLimited(DomainError):
    """Too many requests of one kind; the API answers 429 with `details.retry_after` seconds."""

    status = 429
    code = "rate_limited"


@dataclass(frozen=True)
class Rate:
    limit: int
    period: int

    @classmethod
    def parse(cls, text: str) -> Rate:
        count, _slash, period = text.partition("/")
        unit = period[-1]
        amount = int(period[:-1]) if len(period) > 1 else 1
        return cls(limit=int(count), period=amount * _PERIODS[unit])


def rate_for(bucket: str) -> Rate:
    return Rate.parse(settings.MOTCUA_RATE_LIMITS.get(bucket) or DEFAULT_RATES[bucket])


def _enabled() -> bool:
    return settings.MOTCUA_RATE_LIMITS_ENABLED


def _cache_key(bucket: str, key: str, window: int) -> str:
    # Hash the key: it may hold an e-mail or phone number, which need not sit in the cache in clear.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"rl:{bucket}:{digest}:{window}"


def _window(rate: Rate, now: float) -> tuple[int, int]:
    """The current window's number and the seconds left in it."""
    window = int(now // rate.period)
    return window, int((window + 1) * rate.period - now) + 1


def hit(bucket: str, key: str) -> None:
    """Count one request for `key`; raise RateLimited once the window's allowance is used up."""
    if not _enabled():
        return
    rate = rate_for(bucket)
    window, retry_after = _window(rate, time.time())
    cache_key = _cache_key(bucket, key, window)
    cache.add(cache_key, 0, timeout=rate.period + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=rate.period + 1)
        count = 1
    if count > rate.limit:
        raise _refusal(retry_after)


def check(bucket: str, key: str) -> None:
    """Raise RateLimited if `key` has used up the window's allowance, without counting a request."""
    if not _enabled():
        return
    rate = rate_for(bucket)
    window, retry_after = _window(rate, time.time())
    if (cache.get(_cache_key(bucket, key, window)) or 0) >= rate.limit:
        raise _refusal(retry_after)


def reset(bucket: str, key: str) -> None:
    """Forget the current window's count for `key` (e.g. after a correct sign-in)."""
    rate = rate_for(bucket)
    window, _left = _window(rate, time.time())
    cache.delete(_cache_key(bucket, key, window))


def _refusal(retry_after: int) -> RateLimited:
    minutes = max(1, round(retry_after / 60))
    return RateLimited(
        _("Too many attempts. Please try again in %(minutes)d minute(s).") % {"minutes": minutes},
        details={"retry_after": retry_after},
    )


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or the header a trusted proxy sets (MOTCUA_CLIENT_IP_HEADER).
    Never X-Forwarded-For as the client sent it: anyone can write that header."""
    header = settings.MOTCUA_CLIENT_IP_HEADER
    value = request.META.get(header) or request.META.get("REMOTE_ADDR") or "unknown"
    return value.split(",")[0].strip()


def limit_by_ip(bucket: str) -> Callable:
    """Decorate a view (Django or django-ninja) so each call counts against `bucket` per client IP.

    In a ninja operation the RateLimited error reaches the API's DomainError handler: HTTP 429 with
    `{code: "rate_limited", message, details: {retry_after}}`."""

    def decorator(view: Callable) -> Callable:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            hit(bucket, client_ip(request))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
