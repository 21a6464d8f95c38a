"""The national portal behind one interface, chosen by the DVCQG_ADAPTER setting.

`HttpPortal` speaks the portal's HTTP + JSON (docs/dvcqg.md) to DVCQG_URL: the shipped simulator
(`motcua.dvcqg.simulator`, started by `manage.py national_platform`, `make run` and the tests) or the real
portal's adapter endpoint. Every call is classified into an `AttemptOutcome`, so the worker decides what
to retry without knowing HTTP.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field

import requests
from django.conf import settings
from django.utils.module_loading import import_string

from motcua.dvcqg.choices import AttemptOutcome


@dataclass
class Reply:
    outcome: str
    http_status: int | None = None
    detail: str = ""
    duration_ms: int = 0
    data: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.outcome in (AttemptOutcome.DELIVERED, AttemptOutcome.DUPLICATE)


class PortalAdapter:
    """What the worker, the reconciliation and the intake of national filings need from the portal."""

    def send(self, body: dict, *, idempotency_key: str) -> Reply:  # pragma: no cover - interface
        raise NotImplementedError

    def lookup(self, codes: list[str]) -> dict[str, dict]:  # pragma: no cover - interface
        """The portal's record of each dossier code it holds (TraCuuHoSo)."""
        raise NotImplementedError

    def held_codes(self) -> list[str]:  # pragma: no cover - interface
        """Every dossier code of this province the portal holds."""
        raise NotImplementedError

    def new_filings(self) -> list[dict]:  # pragma: no cover - interface
        raise NotImplementedError

    def acknowledge_filing(self, *, national_code: str, dossier_code: str) -> Reply:  # pragma: no cover
        raise NotImplementedError


class PortalUnavailable(Exception):
    """A read (lookup, filings) could not get an answer."""


class HttpPortal(PortalAdapter):
    """HTTP + JSON to `base_url` with a session token from its auth endpoint (one keep-alive connection
    per thread)."""

    def __init__(self, base_url: str | None = None, *, timeout: float | None = None):
        self.base_url = (base_url or settings.DVCQG_URL).rstrip("/")
        self.timeout = float(timeout if timeout is not None else settings.DVCQG_TIMEOUT)
        self._local = threading.local()

    # --- plumbing --------------------------------------------------------------------------------------

    def _http(self) -> requests.Session:
        session = getattr(self._local, "http", None)
        if session is None:
            session = self._local.http = requests.Session()
        return session

    def _token(self, *, renew: bool = False) -> str:
        token = getattr(self._local, "token", None)
        if token and not renew:
            return token
        response = self._http().post(
            f"{self.base_url}/api/auth",
            json={"username": settings.DVCQG_USERNAME, "password": settings.DVCQG_PASSWORD},
            timeout=self.timeout,
        )
        answer = response.json()
        if str(answer.get("error_code")) not in ("0", "00") or not answer.get("session"):
            raise PortalUnavailable(f"auth refused: {answer}")
        self._local.token = answer["session"]
        return self._local.token

    def _post(self, body: dict, *, idempotency_key: str | None = None) -> requests.Response:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self._token()}"}
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        data = json.dumps(body, ensure_ascii=False).encode()
        url = f"{self.base_url}/api/dvcqg"
        response = self._http().post(url, data=data, headers=headers, timeout=self.timeout)
        if response.status_code == 401:
            headers["Authorization"] = f"Bearer {self._token(renew=True)}"
            response = self._http().post(url, data=data, headers=headers, timeout=self.timeout)
        return response

    def _read(self, body: dict) -> dict:
        try:
            response = self._post(body)
            answer = response.json()
        except (requests.RequestException, ValueError) as exc:
            raise PortalUnavailable(str(exc)) from exc
        if response.status_code != 200 or str(answer.get("error_code")) != "00":
            raise PortalUnavailable(f"HTTP {response.status_code}: {response.text[:200]}")
        return answer

    # --- the interface ---------------------------------------------------------------------------------

    def send(self, body: dict, *, idempotency_key: str) -> Reply:
        started = time.monotonic()

        def reply(outcome, status=None, detail="", data=None) -> Reply:
            return Reply(outcome, status, detail[:2000], int((time.monotonic() - started) * 1000), data or {})

        try:
            response = self._post(body, idempotency_key=idempotency_key)
        except requests.Timeout as exc:
            return reply(AttemptOutcome.TIMEOUT, detail=str(exc))
        except (requests.ConnectionError, PortalUnavailable) as exc:
            return reply(AttemptOutcome.CONNECTION, detail=str(exc))
        except requests.RequestException as exc:
            return reply(AttemptOutcome.CONNECTION, detail=str(exc))
        if response.status_code >= 500:
            return reply(AttemptOutcome.SERVER_ERROR, response.status_code, response.text[:500])
        try:
            answer = response.json()
            code = str(answer["error_code"])
        except (ValueError, KeyError, TypeError):
            return reply(AttemptOutcome.MALFORMED, response.status_code, response.text[:500])
        if response.status_code == 200 and code == "00":
            outcome = AttemptOutcome.DUPLICATE if answer.get("duplicate") else AttemptOutcome.DELIVERED
            return reply(outcome, 200, answer.get("message", ""), answer)
        if response.status_code in (200, 400, 404, 409, 422):
            # The portal read the message and said no: sending it again will not change its mind.
            return reply(
                AttemptOutcome.REFUSED, response.status_code, f"{code}: {answer.get('message', '')}", answer
            )
        return reply(AttemptOutcome.SERVER_ERROR, response.status_code, response.text[:500])

    def lookup(self, codes: list[str]) -> dict[str, dict]:
        found: dict[str, dict] = {}
        for start in range(0, len(codes), 500):
            answer = self._read({"service": "TraCuuHoSo", "data": codes[start : start + 500]})
            for row in answer.get("result", []):
                found[row["MaHoSo"]] = row
        return found

    def held_codes(self) -> list[str]:
        return list(self._read({"service": "DanhSachHoSo", "data": []}).get("result", []))

    def new_filings(self) -> list[dict]:
        return list(self._read({"service": "LayHoSoMoi", "data": []}).get("result", []))

    def acknowledge_filing(self, *, national_code: str, dossier_code: str) -> Reply:
        body = {"service": "XacNhanHoSo", "data": [{"MaHoSoQG": national_code, "MaHoSo": dossier_code}]}
        return self.send(body, idempotency_key=f"ack-{national_code}")


_adapter: PortalAdapter | None = None
_adapter_key: tuple | None = None


def portal() -> PortalAdapter:
    """The adapter the settings choose (one per process, rebuilt when the settings change, as in tests)."""
    global _adapter, _adapter_key
    key = (settings.DVCQG_ADAPTER, settings.DVCQG_URL, settings.DVCQG_TIMEOUT)
    if _adapter is None or _adapter_key != key:
        _adapter = import_string(settings.DVCQG_ADAPTER)()
        _adapter_key = key
    return _adapter
