"""A local National Public Service Portal (DVCQG) for the demo and the tests.

It speaks the HTTP + JSON the adapter speaks (docs/dvcqg.md) over a real socket, keeps what it receives in
its own SQLite file (so it survives a restart and `dvcqg_reconcile` can compare against it), and can be
told to misbehave for a while: HTTP 500s, timeouts (the message is recorded, the answer never comes),
malformed replies, slow answers, or down altogether (connections dropped).

    from motcua.dvcqg.simulator import PortalSimulator
    sim = PortalSimulator(port=0).start()      # sim.url, sim.faults(fail_rate=0.3), sim.stop()

or `manage.py national_platform` (with the payment simulator and the worker), or
`python -m motcua.dvcqg.simulator --port 8091`. Control endpoints live under /_sim/ (not the portal's).

Like the portal (as far as its documents show), it keeps the first delivery of each idempotency key
and answers repeats with error_code "00" and "duplicate": true, and it refuses (error_code "01") what it
cannot file: an unknown procedure or status code, a progress step of a dossier it has never received.
"""

from __future__ import annotations

import argparse
import json
import random
import secrets
import sqlite3
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

STATUS_CODES = {str(n) for n in range(1, 11)}
FAULT_MODES = ("500", "timeout", "malformed", "slow")

SCHEMA = """
CREATE TABLE IF NOT EXISTS received (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    key TEXT UNIQUE NOT NULL,
    service TEXT NOT NULL,
    code TEXT NOT NULL,
    seq INTEGER,
    body TEXT NOT NULL,
    at REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS received_code ON received (code, id);
CREATE TABLE IF NOT EXISTS dossiers (
    code TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    record TEXT NOT NULL,
    messages INTEGER NOT NULL DEFAULT 0,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS filings (
    national_code TEXT PRIMARY KEY,
    body TEXT NOT NULL,
    local_code TEXT,
    created REAL NOT NULL
);
"""


class _Store:
    """The simulator's memory: one SQLite connection behind a lock (writes are tiny)."""

    def __init__(self, path: str):
        self.lock = threading.RLock()
        self.db = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=NORMAL")
        self.db.executescript(SCHEMA)

    def query(self, sql: str, args: tuple = ()) -> list[tuple]:
        with self.lock:
            return self.db.execute(sql, args).fetchall()


class PortalSimulator:
    """The simulated portal: `start()` serves it on a thread, `stop()` closes the socket."""

    def __init__(
        self,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        db_path: str | Path = ":memory:",
        username: str = "motcua",
        password: str = "motcua-dvcqg",
        seed: int | None = None,
    ):
        self.store = _Store(str(db_path))
        self.username, self.password = username, password
        self.sessions: set[str] = set()
        self.rng = random.Random(seed)
        self.fault_lock = threading.Lock()
        self._faults: dict = {}
        self.calls = 0
        self.failures_injected = 0
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> PortalSimulator:
        self.thread = threading.Thread(target=self.server.serve_forever, name="dvcqg-simulator", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # --- faults ----------------------------------------------------------------------------------------

    def faults(
        self,
        *,
        fail_rate: float = 0.0,
        modes: tuple[str, ...] | list[str] = FAULT_MODES,
        down_seconds: float = 0.0,
        hang_seconds: float = 3.0,
        slow_seconds: float = 0.3,
        for_seconds: float | None = None,
    ) -> None:
        """Fail `fail_rate` of the calls at random with one of `modes`, be down for `down_seconds` from now;
        all of it ends after `for_seconds` (None: until told otherwise)."""
        with self.fault_lock:
            self._faults = {
                "fail_rate": float(fail_rate),
                "modes": [m for m in modes if m in FAULT_MODES] or list(FAULT_MODES),
                "down_until": time.time() + float(down_seconds) if down_seconds else 0.0,
                "hang_seconds": float(hang_seconds),
                "slow_seconds": float(slow_seconds),
                "until": time.time() + float(for_seconds) if for_seconds else None,
            }

    def _fault(self) -> str | None:
        with self.fault_lock:
            f = self._faults
            now = time.time()
            if not f or (f["until"] is not None and now > f["until"]):
                return None
            if f["down_until"] and now < f["down_until"]:
                return "down"
            if f["fail_rate"] and self.rng.random() < f["fail_rate"]:
                self.failures_injected += 1
                return self.rng.choice(f["modes"])
            return None

    # --- the portal's behaviour -----------------------------------------------------------------------

    def file_message(self, body: dict, key: str) -> tuple[int, dict]:
        """File one pushed message (DongBoHoSoMC / CapNhatTienDoHoSoMC); (HTTP status, answer)."""
        with self.store.lock:  # one message at a time: the duplicate check and the insert are one step
            return self._file_message(body, key)

    def _file_message(self, body: dict, key: str) -> tuple[int, dict]:
        service = body.get("service")
        data = body.get("data")
        if (
            service not in ("DongBoHoSoMC", "CapNhatTienDoHoSoMC", "XacNhanHoSo")
            or not isinstance(data, list)
            or not data
        ):
            return 400, {"error_code": "02", "message": "Yêu cầu không hợp lệ (service, data)."}
        if not key:
            return 400, {"error_code": "02", "message": "Thiếu Idempotency-Key."}
        if self.store.query("SELECT 1 FROM received WHERE key = ?", (key,)):
            return 200, {"error_code": "00", "message": "Đã nhận trước đó.", "duplicate": True}
        record = data[0]
        if service == "XacNhanHoSo":
            national, local = record.get("MaHoSoQG", ""), record.get("MaHoSo", "")
            if not self.store.query("SELECT 1 FROM filings WHERE national_code = ?", (national,)):
                return 200, {"error_code": "01", "message": f"Không có hồ sơ {national}."}
            with self.store.lock:
                self.store.db.execute(
                    "UPDATE filings SET local_code = ? WHERE national_code = ?", (local, national)
                )
                self.store.db.execute(
                    "INSERT INTO received (key, service, code, seq, body, at) VALUES (?, ?, ?, ?, ?, ?)",
                    (key, service, local, None, json.dumps(body, ensure_ascii=False), time.time()),
                )
            return 200, {"error_code": "00", "message": "OK"}
        code = str(record.get("MaHoSo") or "")
        if not code:
            return 200, {"error_code": "01", "message": "Thiếu MaHoSo."}
        status = str(record.get("TrangThaiHoSo" if service == "DongBoHoSoMC" else "TrangThai") or "")
        if status not in STATUS_CODES:
            return 200, {"error_code": "01", "message": f"Trạng thái '{status}' không hợp lệ."}
        with self.store.lock:
            db = self.store.db
            known = db.execute("SELECT record FROM dossiers WHERE code = ?", (code,)).fetchone()
            if service == "DongBoHoSoMC":
                if not record.get("MaTTHC"):
                    return 200, {"error_code": "01", "message": "Thiếu mã thủ tục (MaTTHC)."}
                merged = {**(json.loads(known[0]) if known else {}), **record}
            else:
                if known is None:
                    return 200, {"error_code": "01", "message": f"Hồ sơ {code} chưa được đồng bộ."}
                merged = {**json.loads(known[0]), "TrangThaiHoSo": status}
            db.execute("BEGIN")
            db.execute(
                "INSERT INTO received (key, service, code, seq, body, at) VALUES (?, ?, ?, ?, ?, ?)",
                (key, service, code, record.get("ThuTu"), json.dumps(body, ensure_ascii=False), time.time()),
            )
            db.execute(
                "INSERT INTO dossiers (code, status, record, messages, updated) VALUES (?, ?, ?, 1, ?) "
                "ON CONFLICT(code) DO UPDATE SET status = excluded.status, record = excluded.record, "
                "messages = messages + 1, updated = excluded.updated",
                (code, status, json.dumps(merged, ensure_ascii=False), time.time()),
            )
            db.execute("COMMIT")
        return 200, {"error_code": "00", "message": "OK"}

    def answer_read(self, body: dict) -> tuple[int, dict]:
        service = body.get("service")
        if service == "TraCuuHoSo":
            codes = [str(c) for c in body.get("data") or []]
            rows = []
            for start in range(0, len(codes), 500):
                chunk = codes[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows += self.store.query(
                    "SELECT d.code, d.status, (SELECT COUNT(*) FROM received r WHERE r.code = d.code "
                    f"AND r.service != 'XacNhanHoSo'), d.record FROM dossiers d WHERE d.code IN ({marks})",
                    tuple(chunk),
                )
            result = [
                {
                    "MaHoSo": c,
                    "TrangThaiHoSo": s,
                    "SoLanCapNhat": m,
                    "NgayHenTra": json.loads(r).get("NgayHenTra", ""),
                }
                for c, s, m, r in rows
            ]
            return 200, {"error_code": "00", "result": result}
        if service == "DanhSachHoSo":
            return 200, {
                "error_code": "00",
                "result": [r[0] for r in self.store.query("SELECT code FROM dossiers ORDER BY code")],
            }
        if service == "LayHoSoMoi":
            rows = self.store.query("SELECT body FROM filings WHERE local_code IS NULL ORDER BY created")
            return 200, {"error_code": "00", "result": [json.loads(r[0]) for r in rows]}
        return 400, {"error_code": "02", "message": f"Không hỗ trợ dịch vụ {service}."}

    # --- control (tests, demo) ------------------------------------------------------------------------

    def add_filing(self, record: dict) -> str:
        national = record.get("MaHoSoQG") or f"G22.{time.strftime('%y%m%d')}.{secrets.randbelow(10**6):06d}"
        record = {**record, "MaHoSoQG": national}
        with self.store.lock:
            self.store.db.execute(
                "INSERT OR IGNORE INTO filings (national_code, body, created) VALUES (?, ?, ?)",
                (national, json.dumps(record, ensure_ascii=False), time.time()),
            )
        return national

    def received(self, code: str | None = None) -> list[dict]:
        sql = "SELECT key, service, code, seq, body FROM received"
        rows = self.store.query(
            sql + (" WHERE code = ? ORDER BY id" if code else " ORDER BY id"), (code,) if code else ()
        )
        return [
            {"key": k, "service": s, "code": c, "seq": q, "body": json.loads(b)} for k, s, c, q, b in rows
        ]

    def held(self) -> dict[str, dict]:
        return {
            c: {"status": s, "messages": m}
            for c, s, m in self.store.query("SELECT code, status, messages FROM dossiers")
        }

    def forget(self, code: str) -> None:
        """Lose a dossier (as if the portal had): the reconciliation must notice."""
        with self.store.lock:
            self.store.db.execute("DELETE FROM dossiers WHERE code = ?", (code,))

    def reset(self) -> None:
        with self.store.lock:
            self.store.db.executescript("DELETE FROM received; DELETE FROM dossiers; DELETE FROM filings;")
        self.faults()

    # --- HTTP ------------------------------------------------------------------------------------------

    def _handler(self):
        sim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def _json(self, status: int, answer: dict | list) -> None:
                body = json.dumps(answer, ensure_ascii=False).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _body(self) -> dict | None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    return json.loads(raw or b"{}")
                except ValueError:
                    return None

            def do_GET(self) -> None:
                path, _, query = self.path.partition("?")
                params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
                if path == "/_sim/received":
                    self._json(200, sim.received(params.get("code")))
                elif path == "/_sim/held":
                    self._json(200, sim.held())
                elif path == "/_sim/stats":
                    self._json(
                        200,
                        {
                            "calls": sim.calls,
                            "failures_injected": sim.failures_injected,
                            "received": sim.store.query("SELECT COUNT(*) FROM received")[0][0],
                        },
                    )
                else:
                    self._json(404, {"error_code": "404", "message": "not found"})

            def do_POST(self) -> None:
                body = self._body()
                path = self.path.partition("?")[0]
                if path.startswith("/_sim/"):
                    return self._control(path, body or {})
                sim.calls += 1
                fault = sim._fault()
                if fault == "down":
                    # As if nobody listened: the connection closes without an answer.
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return None
                if body is None:
                    return self._json(400, {"error_code": "02", "message": "JSON không hợp lệ."})
                if path == "/api/auth":
                    if body.get("username") == sim.username and body.get("password") == sim.password:
                        token = secrets.token_hex(16)
                        sim.sessions.add(token)
                        return self._json(200, {"error_code": "00", "session": token})
                    return self._json(200, {"error_code": "01", "message": "Sai tài khoản."})
                if path != "/api/dvcqg":
                    return self._json(404, {"error_code": "404", "message": "not found"})
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ").strip()
                if token not in sim.sessions:
                    return self._json(401, {"error_code": "401", "message": "Phiên làm việc không hợp lệ."})
                if fault == "500":
                    return self._json(500, {"error": "Internal Server Error"})
                if fault == "slow":
                    time.sleep(sim._faults.get("slow_seconds", 0.3))
                if body.get("service") in ("TraCuuHoSo", "DanhSachHoSo", "LayHoSoMoi"):
                    status, answer = sim.answer_read(body)
                else:
                    status, answer = sim.file_message(body, self.headers.get("Idempotency-Key") or "")
                if fault == "timeout":
                    # Filed, but the answer is lost: the sender will try again and must not be filed twice.
                    time.sleep(sim._faults.get("hang_seconds", 3.0))
                    self.close_connection = True
                    return None
                if fault == "malformed":
                    raw = b'{"error_code": "00", "mess'
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                    return None
                return self._json(status, answer)

            def _control(self, path: str, body: dict) -> None:
                if path == "/_sim/faults":
                    sim.faults(
                        **{
                            k: v
                            for k, v in body.items()
                            if k
                            in (
                                "fail_rate",
                                "modes",
                                "down_seconds",
                                "hang_seconds",
                                "slow_seconds",
                                "for_seconds",
                            )
                        }
                    )
                    return self._json(200, {"ok": True})
                if path == "/_sim/filings":
                    return self._json(200, {"MaHoSoQG": sim.add_filing(body)})
                if path == "/_sim/forget":
                    sim.forget(str(body.get("code", "")))
                    return self._json(200, {"ok": True})
                if path == "/_sim/reset":
                    sim.reset()
                    return self._json(200, {"ok": True})
                return self._json(404, {"error_code": "404", "message": "not found"})

        return Handler


def main() -> None:  # pragma: no cover - a thin command line
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--db", default="var/dvcqg-simulator.sqlite3")
    args = parser.parse_args()
    sim = PortalSimulator(host=args.host, port=args.port, db_path=args.db)
    print(f"DVCQG simulator on {sim.url}", flush=True)
    sim.server.serve_forever()


if __name__ == "__main__":  # pragma: no cover
    main()
