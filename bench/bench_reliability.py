"""Reliability under crashes and races: kill -9 of the app server during intakes, and conflicting actions.

    .venv/bin/python bench/bench_reliability.py       # options: --intakes 10000 --kills 2 --pairs 1000

A throw-away database `motcua_bench_reliability` gets the seeded world (4 receiving officers at a
commune desk, each with an API token); gunicorn (4 sync workers) serves it on 127.0.0.1.

(a) Crash during intakes. `--intakes` dossiers are received through `POST /api/v1/dossiers`, each with
    its own Idempotency-Key, by 16 concurrent clients. After ~1/(kills+1) of them are acknowledged the
    whole gunicorn process group (master and workers) gets SIGKILL, mid-request; a new gunicorn is
    started on the same port. A client that got no answer (reset, EOF, refused, timeout, 5xx) retries
    the same request with the same key, with a growing pause, at most 40 times. At the end:
      lost        acknowledged (200/201) codes missing from the database — must be 0;
      duplicates  codes held by more than one dossier, keys holding more than one dossier, keys answered
                  with a code other than the one the database holds for them, and dossiers beyond one
                  per key — must be 0;
    and, for information, how many requests were retried and how many retries found the dossier the
    crashed server had already committed (answered 200 with the same code).
(b) Conflicting actions. For `--pairs` received dossiers (version 1), two officers of the desk send
    `forward` with `{"version": 1}` at the same moment. Exactly one may win: per pair one 2xx and one
    409; per dossier events == version == 2 and each seq once; one `forward` event.

Everything is bounded: a deadline per phase, a retry cap per request, 10 s per request.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter

from common import Conn, Gunicorn, bench_database, http_exchange, post_request, seed

DB = "motcua_bench_reliability"
CLIENTS = 16
MAX_ATTEMPTS = 40
PHASE_DEADLINE_S = 480  # phase (a) at ≥ 25 intakes/s; ~1 min on a quiet machine

BODY = {
    "procedure": "2.001263",
    "desk": None,
    "applicant": {
        "name": "Lò Thị Hoa",
        "identifier": "014090000002",
        "phone": "0912 345 679",
        "email": "hoa@example.vn",
        "address": "Bản Mòng, xã Chiềng Mung, tỉnh Sơn La",
    },
    "fees_amount": "0",
}


async def exchange(port: int, raw: bytes) -> tuple[int, bytes] | None:
    """One request on a fresh connection: (status, body), or None when no answer came."""
    writer = None
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 5)
        status, _reusable, body = await asyncio.wait_for(http_exchange(Conn(reader, writer), raw), 10)
        return status, body
    except (TimeoutError, OSError, IndexError, ValueError, asyncio.IncompleteReadError):
        return None
    finally:
        if writer is not None:
            writer.close()


async def crash_intakes(server: Gunicorn, tokens: list[str], body: bytes, *, n: int, kills: int) -> dict:
    """Phase (a): n intakes by CLIENTS clients, `kills` SIGKILLs of the whole server along the way."""
    loop = asyncio.get_running_loop()
    acked: dict[str, tuple[int, str, int]] = {}  # key → (status, code, token index)
    stats = Counter()
    queue = list(range(n))
    queue.reverse()
    deadline = time.monotonic() + PHASE_DEADLINE_S
    thresholds = [n * (i + 1) // (kills + 1) for i in range(kills)]

    async def client() -> None:
        while queue and time.monotonic() < deadline:
            i = queue.pop()
            key, who = f"rel-{i}", i % len(tokens)
            raw = post_request(
                "/api/v1/dossiers",
                body,
                headers={
                    "Authorization": f"Bearer {tokens[who]}",
                    "Content-Type": "application/json",
                    "Idempotency-Key": key,
                },
            )
            for attempt in range(MAX_ATTEMPTS):
                if time.monotonic() > deadline:
                    break
                if attempt:
                    stats["retries"] += 1
                    await asyncio.sleep(min(0.05 * 2**attempt, 1.0))
                answer = await exchange(server.port, raw)
                if answer is None:
                    stats["unanswered"] += 1
                    continue
                status, payload = answer
                stats[f"status {status}"] += 1
                if status in (200, 201):
                    acked[key] = (status, json.loads(payload)["code"], who)
                    if attempt:
                        stats["keys retried"] += 1
                        if status == 200:
                            stats["retries answered 200 (committed before the crash)"] += 1
                    break
                if status < 500:
                    stats["refused (4xx)"] += 1
                    break

    async def killer() -> None:
        for at in thresholds:
            while len(acked) < at and time.monotonic() < deadline and (queue or len(acked) < n):
                await asyncio.sleep(0.01)
            in_flight = n - len(queue) - len(acked)
            await loop.run_in_executor(None, server.kill9)
            print(
                f"  kill -9 of the server group after {len(acked):,} acknowledged, ~{in_flight} in flight",
                flush=True,
            )
            started = time.monotonic()
            await loop.run_in_executor(None, server.start)
            print(f"  restarted in {time.monotonic() - started:.1f} s", flush=True)

    started = time.monotonic()
    await asyncio.gather(killer(), *(client() for _ in range(CLIENTS)))
    return {"acked": acked, "stats": stats, "seconds": time.monotonic() - started, "sent": n - len(queue)}


def check_intakes(acked: dict[str, tuple[int, str, int]], officer_ids: list[int], sent: int) -> dict:
    from django.db.models import Count

    from motcua.dossiers.models import Dossier

    rows = dict(Dossier.objects.filter(idempotency_key__isnull=False).values_list("code", "idempotency_key"))
    by_key = Counter(rows.values())
    codes_in_db = set(rows)
    lost = [code for _status, code, _who in acked.values() if code not in codes_in_db]
    mismatched = [
        key for key, (_status, code, who) in acked.items() if rows.get(code) != f"{officer_ids[who]}:{key}"
    ]
    duplicate_codes = Dossier.objects.values("code").annotate(n=Count("id")).filter(n__gt=1).count()
    return {
        "keys sent": sent,
        "acknowledged": len(acked),
        "sent, never acknowledged (gave up)": sent - len(acked),
        "dossiers in database": len(rows),
        "lost": len(lost),
        "duplicate codes": duplicate_codes,
        "keys with more than one dossier": sum(1 for c in by_key.values() if c > 1),
        "answered code ≠ the key's dossier": len(mismatched),
        "dossiers beyond one per key": len(rows) - len(by_key),
    }


async def conflicting_actions(port: int, tokens: list[str], codes: list[str]) -> dict:
    """Phase (b): per code, both officers send `forward` at version 1 at the same moment."""
    body = json.dumps({"version": 1}).encode()
    outcomes = Counter()
    bad_pairs = []
    semaphore = asyncio.Semaphore(8)  # pairs in flight (16 requests on 4 workers)

    async def pair(code: str) -> None:
        async with semaphore:
            raws = [
                post_request(
                    f"/api/v1/dossiers/{code}/actions/forward",
                    body,
                    headers={"Authorization": f"Bearer {t}", "Content-Type": "application/json"},
                )
                for t in tokens[:2]
            ]
            answers = await asyncio.gather(*(exchange(port, raw) for raw in raws))
            statuses = sorted(a[0] if a else 0 for a in answers)
            outcomes[tuple(statuses)] += 1
            if statuses != [200, 409]:
                bad_pairs.append((code, statuses))
            for a in answers:
                if a and a[0] == 409:
                    outcomes["409 " + json.loads(a[1]).get("code", "?")] += 1

    started = time.monotonic()
    await asyncio.gather(*(pair(code) for code in codes))
    return {"outcomes": outcomes, "bad_pairs": bad_pairs, "seconds": time.monotonic() - started}


def check_actions(codes: list[str]) -> dict:
    from django.db.models import Count, Max

    from motcua.dossiers.models import Dossier, DossierEvent

    dossiers = {d.pk: d for d in Dossier.objects.filter(code__in=codes).only("id", "version", "status")}
    events = {
        row["dossier_id"]: row
        for row in DossierEvent.objects.filter(dossier_id__in=dossiers)
        .values("dossier_id")
        .annotate(n=Count("id"), seqs=Count("seq", distinct=True), top=Max("seq"))
    }
    forwards = Counter(
        DossierEvent.objects.filter(dossier_id__in=dossiers, action="forward").values_list(
            "dossier_id", flat=True
        )
    )
    double = sum(1 for pk in dossiers if forwards[pk] > 1)
    inconsistent = sum(
        1
        for pk, d in dossiers.items()
        if events[pk]["n"] != d.version
        or events[pk]["seqs"] != events[pk]["n"]
        or events[pk]["top"] != d.version
    )
    return {
        "dossiers": len(dossiers),
        "forwarded once": sum(1 for pk in dossiers if forwards[pk] == 1),
        "double transitions": double,
        "events ≠ version or repeated seq": inconsistent,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--intakes", type=int, default=10_000)
    parser.add_argument("--kills", type=int, default=2)
    parser.add_argument("--pairs", type=int, default=1_000)
    parser.add_argument("--workers", type=int, default=4)
    args = parser.parse_args()
    assert (
        100 <= args.intakes <= 20_000 and 1 <= args.kills <= 5 and 1 <= args.pairs <= min(5_000, args.intakes)
    )

    started = time.monotonic()
    with bench_database(DB) as url:
        from django.db import connection

        from motcua.org.models import User

        world = seed(officers=4)
        officer_ids = [User.objects.get(username=f"officer{i}").pk for i in range(4)]
        connection.close()
        body = json.dumps(dict(BODY, desk=world.desk_id), ensure_ascii=False).encode()

        server = Gunicorn(url, workers=args.workers, settings="bench_settings")
        try:
            server.start()
            print(
                f"(a) {args.intakes:,} intakes, {CLIENTS} clients, {args.workers} gunicorn workers, "
                f"{args.kills} × kill -9 of the whole server",
                flush=True,
            )
            a = asyncio.run(
                crash_intakes(server, world.officer_tokens, body, n=args.intakes, kills=args.kills)
            )
            checked = check_intakes(a["acked"], officer_ids, a["sent"])
            connection.close()
            print(
                f"  {a['sent']:,} keys sent in {a['seconds']:.0f} s "
                f"({checked['acknowledged'] / a['seconds']:.0f} acknowledged/s including the restarts)"
            )
            for k, v in sorted(a["stats"].items()):
                print(f"    {k:52} {v:7,}")
            for k, v in checked.items():
                print(f"    {k:52} {v:7,}")

            codes = sorted(code for _s, code, _w in a["acked"].values())[: args.pairs]
            print(f"\n(b) 2 officers × {len(codes):,} conflicting `forward` actions at version 1", flush=True)
            b = asyncio.run(conflicting_actions(server.port, world.officer_tokens, codes))
            acted = check_actions(codes)
            connection.close()
            print(f"  done in {b['seconds']:.0f} s")
            for k, v in sorted(b["outcomes"].items(), key=str):
                label = "pairs answered " + "+".join(map(str, k)) if isinstance(k, tuple) else k
                print(f"    {label:52} {v:7,}")
            for k, v in acted.items():
                print(f"    {k:52} {v:7,}")
            if b["bad_pairs"]:
                print("    first pairs not answered 200+409:", b["bad_pairs"][:5])
        finally:
            server.stop()

    ok_a = (
        checked["lost"] == 0
        and checked["duplicate codes"] == 0
        and checked["keys with more than one dossier"] == 0
        and checked["answered code ≠ the key's dossier"] == 0
        and checked["dossiers beyond one per key"] == 0
        and checked["sent, never acknowledged (gave up)"] == 0
        and a["sent"] == args.intakes
    )
    ok_b = (
        acted["double transitions"] == 0
        and acted["events ≠ version or repeated seq"] == 0
        and not b["bad_pairs"]
    )
    print(
        f"\n(a) acknowledged {checked['acknowledged']:,}, retried {a['stats']['retries']:,}, lost {checked['lost']}, "
        f"duplicates {checked['duplicate codes'] + checked['keys with more than one dossier']}: "
        f"{'PASS' if ok_a else 'FAIL'}"
    )
    print(
        f"(b) pairs {len(codes):,}, one winner each {b['outcomes'][(200, 409)]:,}, "
        f"double transitions {acted['double transitions']}: {'PASS' if ok_b else 'FAIL'}"
    )
    print(f"total {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
