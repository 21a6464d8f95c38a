"""Public pages under an open-loop load: the highest steady rate at which p99 ≤ 100 ms.

    .venv/bin/python bench/bench_public_pages.py      # options: --seconds 5 --rates 50,100,... --workers 4

A throw-away database `motcua_bench_public` gets the seeded world (the procedure 2.001263 "Cấp Phiếu lý
lịch tư pháp") and 5,000 generated dossiers; static files are collected into a temporary VAR_DIR (the
pages use the hashed names of the manifest, as in production). gunicorn (`--workers` sync workers,
`bench_settings`: the per-IP rate limits off, since every request comes from 127.0.0.1) serves:

* procedure   `GET /thu-tuc/2.001263/` — the public procedure page;
* track page  `GET /tra-cuu/?ma=<code>` — the tracking page as the receipt's QR code opens it (the form,
              code filled in; no lookup: the page keeps the phone digits out of addresses, so the lookup
              is a POST);
* track POST  `POST /tra-cuu/` with the code and the last 4 phone digits (and a CSRF cookie + field) —
              the lookup itself, status and history rendered, for random dossiers;
* static      `GET /static/<hashed motcua.css>` — served by WhiteNoise, no view, no query: the baseline.

The generator is common.py's open loop (latency from the scheduled send time, the generator's own lag
checked). Each rate runs the four one after the other, so they see the same minute of a shared machine
(the load average is printed). A rate passes when p99 ≤ 100 ms, every answer has the expected status and
the generator kept its schedule. Ratios: each page's best rate ÷ the static baseline's.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import secrets
import tempfile
from urllib.parse import urlencode

from common import Gunicorn, Target, bench_database, get_request, open_loop, post_request, rate_search, seed

DB = "motcua_bench_public"
P99_LIMIT_MS = 100.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--rates", default="50,100,200,300,400,500,700,1000,1500")
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    rates = [int(r) for r in args.rates.split(",")]
    assert 1 <= args.seconds <= 60 and max(rates) <= 5000

    with tempfile.TemporaryDirectory(prefix="motcua-bench-var-") as var_dir:
        os.environ["VAR_DIR"] = var_dir  # STATIC_ROOT and MEDIA_ROOT below it; gunicorn inherits it
        with bench_database(DB) as url:
            from django.contrib.staticfiles.storage import staticfiles_storage
            from django.core.management import call_command
            from django.db import connection

            from motcua.dossiers.models import Dossier

            call_command("collectstatic", interactive=False, verbosity=0)
            world = seed(officers=1)
            call_command("generate_dossiers", count=5000, quiet=True)
            rows = list(Dossier.objects.values_list("code", "applicant_phone"))
            connection.close()
            random.Random(7).shuffle(rows)

            csrf = secrets.token_hex(16)  # an unmasked 32-character secret, in the cookie and the form
            post_headers = {
                "Cookie": f"csrftoken={csrf}",
                "Content-Type": "application/x-www-form-urlencoded",
            }
            targets = [
                Target(
                    "static", [get_request("/static/" + staticfiles_storage.stored_name("css/motcua.css"))]
                ),
                Target("procedure", [get_request(f"/thu-tuc/{world.procedure_code}/")]),
                Target("track page", [get_request(f"/tra-cuu/?ma={code}") for code, _phone in rows[:500]]),
                Target(
                    "track POST",
                    [
                        post_request(
                            "/tra-cuu/",
                            urlencode({"csrfmiddlewaretoken": csrf, "ma": code, "sdt": phone[-4:]}).encode(),
                            headers=post_headers,
                        )
                        for code, phone in rows
                    ],
                ),
            ]
            with Gunicorn(url, workers=args.workers, settings="bench_settings") as server:
                for t in targets:  # warm up, and prove each target answers as expected before timing it
                    r = asyncio.run(open_loop(server.port, t.requests, rate=50, seconds=1, expect=t.expect))
                    assert r["errors"] == 0, f"{t.label}: {r['errors']} unexpected answers"
                print(
                    f"open loop, {args.seconds:.0f} s a rate, {args.workers} gunicorn workers, "
                    f"p99 limit {P99_LIMIT_MS:.0f} ms",
                    flush=True,
                )
                rate_search(server.port, targets, rates, seconds=args.seconds, p99_limit_ms=P99_LIMIT_MS)

    base = targets[0].best
    print(f"\nhighest rate with p99 ≤ {P99_LIMIT_MS:.0f} ms ({args.workers} workers):")
    for t in targets:
        ratio = f"{t.best / base:.2f}× static" if base else "n/a"
        print(f"  {t.label:12} {t.best:5d} req/s   {ratio}")


if __name__ == "__main__":
    main()
