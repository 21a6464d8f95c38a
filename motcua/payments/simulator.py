"""A local payment platform (nền tảng thanh toán) for the demo and the tests.

The citizen's browser is sent to `GET /pay?merchant&order&amount&description&return_url&notify_url&signature`;
the page offers *Pay*, *Cancel*, *Fail* and *Pay twice*. On a choice the platform first POSTs a signed
notification (JSON, `signing.NOTICE_FIELDS`) to `notify_url`, server to server, then redirects the browser
to `return_url`. *Pay twice* sends two notifications of two different transactions for the same order,
as a double charge would. `GET /_sim/transactions` lists what it charged (the reconciliation reads it);
`POST /_sim/reset` forgets it.

    sim = PaymentSimulator(port=0, secret="…").start()   # sim.url, sim.stop()
"""

from __future__ import annotations

import datetime as dt
import html
import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from motcua.payments.signing import NOTICE_FIELDS, REQUEST_FIELDS, sign, verify


class PaymentSimulator:
    def __init__(self, *, host: str = "127.0.0.1", port: int = 0, secret: str):
        self.secret = secret
        self.lock = threading.Lock()
        self.transactions: list[dict] = []
        self.notifications: list[dict] = []
        self.server = ThreadingHTTPServer((host, port), self._handler())
        self.server.daemon_threads = True

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> PaymentSimulator:
        threading.Thread(target=self.server.serve_forever, name="payment-simulator", daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def notice(
        self, *, merchant: str, order: str, amount: str, status: str, transaction: str | None = None
    ) -> dict:
        body = {
            "merchant": merchant,
            "order": order,
            "transaction": transaction or f"GD{secrets.token_hex(6).upper()}",
            "amount": amount,
            "status": status,
            "sent_at": dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S"),
        }
        body["signature"] = sign(body, NOTICE_FIELDS, self.secret)
        return body

    def _notify(self, notify_url: str, body: dict) -> int:
        with self.lock:
            self.notifications.append(body)
            if body["status"] == "paid":
                self.transactions.append({k: body[k] for k in ("order", "transaction", "amount", "status")})
        try:
            return requests.post(notify_url, json=body, timeout=10).status_code
        except requests.RequestException:
            return 0

    def _handler(self):
        sim = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:
                pass

            def _send(self, status: int, body: bytes, content_type: str, headers: dict | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(parts.query).items()}
                if parts.path == "/_sim/transactions":
                    with sim.lock:
                        data = list(sim.transactions)
                    return self._send(200, json.dumps(data).encode(), "application/json")
                if parts.path != "/pay":
                    return self._send(404, b"not found", "text/plain")
                if not verify(query, REQUEST_FIELDS, sim.secret):
                    return self._send(
                        400, "Yêu cầu thanh toán không hợp lệ (chữ ký).".encode(), "text/plain; charset=utf-8"
                    )
                e = {k: html.escape(v) for k, v in query.items()}
                hidden = "".join(f'<input type="hidden" name="{k}" value="{v}">' for k, v in e.items())
                amount = f"{int(query['amount']):,}".replace(",", ".")
                page = f"""<!doctype html><html lang="vi"><head><meta charset="utf-8">
<title>Nền tảng thanh toán (mô phỏng)</title>
<style>body{{font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem}}
button{{font-size:1rem;padding:.6rem 1rem;margin:.3rem .3rem 0 0}}</style></head><body>
<h1>Nền tảng thanh toán (mô phỏng)</h1>
<p>Đơn vị thụ hưởng: <strong>{e["merchant"]}</strong></p>
<p>Mã đơn hàng: <strong id="order">{e["order"]}</strong></p>
<p>Nội dung: {e.get("description", "")}</p>
<p>Số tiền: <strong id="amount">{amount} đồng</strong></p>
<form method="post" action="/pay">{hidden}
<button name="choice" value="pay">Thanh toán</button>
<button name="choice" value="cancel">Hủy giao dịch</button>
<button name="choice" value="fail">Giả lập lỗi</button>
<button name="choice" value="pay_twice">Thanh toán hai lần</button>
</form></body></html>"""
                return self._send(200, page.encode(), "text/html; charset=utf-8")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                if urlsplit(self.path).path == "/_sim/reset":
                    with sim.lock:
                        sim.transactions.clear()
                        sim.notifications.clear()
                    return self._send(200, b"{}", "application/json")
                if not verify(form, REQUEST_FIELDS, sim.secret):
                    return self._send(400, b"bad signature", "text/plain")
                choice = form.get("choice", "")
                status = {"pay": "paid", "pay_twice": "paid", "cancel": "cancelled", "fail": "failed"}.get(
                    choice
                )
                if status is None:
                    return self._send(400, b"bad choice", "text/plain")
                for _n in range(2 if choice == "pay_twice" else 1):
                    body = sim.notice(
                        merchant=form["merchant"], order=form["order"], amount=form["amount"], status=status
                    )
                    sim._notify(form["notify_url"], body)
                back = (
                    form["return_url"]
                    + ("&" if "?" in form["return_url"] else "?")
                    + urlencode({"order": form["order"]})
                )
                return self._send(303, b"", "text/plain", {"Location": back})

        return Handler
