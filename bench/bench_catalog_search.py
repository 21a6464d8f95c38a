"""Catalog search latency over 10,000 generated procedures, on SQLite and PostgreSQL.

    .venv/bin/python bench/bench_catalog_search.py            # both databases
    .venv/bin/python bench/bench_catalog_search.py --db sqlite  # one

Each database gets its own throw-away bench database (var/bench_catalog.sqlite3; `motcua_bench` on the
PostgreSQL server of BENCH_PG_URL, default postgres://postgres@127.0.0.1:5432/postgres). The timed call is the
whole API request `GET /api/v1/procedures?q=<words>` through Django's test client (URL routing, ninja, the
selector, JSON). The baseline, measured in the same run, is one hand-written SQL statement returning the same
page and count: the ratio shows what the framework adds. Goal: p95 <= 30 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_PROCEDURES = 10_000
N_QUERIES = 400
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")

WORDS = [
    "Đăng",
    "ký",
    "kết",
    "hôn",
    "khai",
    "sinh",
    "khai",
    "tử",
    "chứng",
    "thực",
    "bản",
    "sao",
    "cấp",
    "giấy",
    "phép",
    "xây",
    "dựng",
    "sửa",
    "chữa",
    "cải",
    "tạo",
    "lý",
    "lịch",
    "tư",
    "pháp",
    "đổi",
    "giấy",
    "phép",
    "lái",
    "xe",
    "công",
    "nhận",
    "trường",
    "đạt",
    "chuẩn",
    "quốc",
    "gia",
    "chứng",
    "chỉ",
    "hành",
    "nghề",
    "khám",
    "bệnh",
    "chữa",
    "bệnh",
    "xuất",
    "bản",
    "bản",
    "tin",
    "hàng",
    "hóa",
    "tự",
    "do",
    "lưu",
    "hành",
    "đủ",
    "điều",
    "kiện",
    "kinh",
    "doanh",
    "thuốc",
    "bảo",
    "vệ",
    "thực",
    "vật",
    "phân",
    "bón",
    "giống",
    "cây",
    "trồng",
    "môi",
    "trường",
    "đất",
    "đai",
    "thủ",
    "tục",
    "thẩm",
    "định",
    "phê",
    "duyệt",
    "điều",
    "chỉnh",
    "gia",
    "hạn",
    "thu",
    "hồi",
    "hủy",
    "bỏ",
    "xác",
    "nhận",
    "tình",
    "trạng",
    "hôn",
    "nhân",
    "người",
    "nước",
    "ngoài",
]
FIELDS = [
    "Hộ tịch",
    "Chứng thực",
    "Lý lịch tư pháp",
    "Hoạt động xây dựng",
    "Đường bộ",
    "Khám bệnh, chữa bệnh",
    "Xuất bản, In và Phát hành",
    "Đất đai",
    "Môi trường",
    "Giáo dục và Đào tạo",
    "Lưu thông hàng hóa",
]


def setup_django(db: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    if db == "sqlite":
        path = ROOT / "var" / "bench_catalog.sqlite3"
        path.parent.mkdir(exist_ok=True)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    else:
        import psycopg

        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS motcua_bench")
            conn.execute("CREATE DATABASE motcua_bench")
        os.environ["DATABASE_URL"] = PG_URL.rsplit("/", 1)[0] + "/motcua_bench"
    os.environ["DEBUG"] = "True"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def generate() -> None:
    import datetime as dt
    from decimal import Decimal

    from django.db import transaction

    from motcua.catalog.models import Field, Procedure, ProcedureVersion
    from motcua.catalog.services import version_search_text
    from motcua.core.text import fold
    from motcua.org.models import UnitLevel

    rng = random.Random(14)
    with transaction.atomic():
        levels = [
            UnitLevel.objects.create(code=c, name=n, rank=r)
            for c, n, r in [("province", "Cấp tỉnh", 1), ("commune", "Cấp xã", 3)]
        ]
        fields = Field.objects.bulk_create(Field(name=n, search_text=fold(n)) for n in FIELDS)
        procedures = Procedure.objects.bulk_create(
            Procedure(code=f"{rng.choice('12')}.{i:06d}") for i in range(N_PROCEDURES)
        )
        versions = []
        for p in procedures:
            name = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 12))).capitalize()
            field = rng.choice(fields)
            versions.append(
                ProcedureVersion(
                    procedure=p,
                    number=1,
                    valid_from=dt.date(2025, 7, 1),
                    is_current=True,
                    name=name,
                    field=field,
                    time_limit_value=Decimal(rng.choice([1, 3, 5, 10, 15, 20, 30])),
                    search_text=version_search_text(code=p.code, name=name, field_name=field.name),
                )
            )
        versions = ProcedureVersion.objects.bulk_create(versions, batch_size=1000)
        through = ProcedureVersion.levels.through
        through.objects.bulk_create(
            (through(procedureversion_id=v.pk, unitlevel_id=rng.choice(levels).pk) for v in versions),
            batch_size=2000,
        )
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def measure(db: str) -> None:
    setup_django(db)
    started = time.perf_counter()
    generate()
    gen_s = time.perf_counter() - started

    from django.db import connection
    from django.test import Client

    from motcua.core.text import search_terms

    rng = random.Random(7)
    queries = []
    for _ in range(N_QUERIES):
        k = rng.choice([1, 2, 2, 3])
        words = rng.sample(WORDS, k)
        if rng.random() < 0.5:  # half without diacritics, as citizens often type
            words = [search_terms(w)[0] for w in words]
        queries.append(" ".join(words))

    client = Client()
    for q in queries[:20]:  # warm up connections, caches, the plan cache
        client.get("/api/v1/procedures", {"q": q})

    api_ms, counts = [], []
    for q in queries:
        t0 = time.perf_counter()
        response = client.get("/api/v1/procedures", {"q": q})
        api_ms.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.content
        counts.append(response.json()["count"])

    # Baseline: one hand-written statement for the same page (20 rows) plus its count.
    sql_ms = []
    with connection.cursor() as cursor:
        for q in queries:
            terms = search_terms(q)
            where = " AND ".join(["v.search_text LIKE %s"] * len(terms))
            params = [f"%{t}%" for t in terms]
            t0 = time.perf_counter()
            cursor.execute(
                f"SELECT COUNT(*) FROM catalog_procedureversion v WHERE v.is_current AND {where}", params
            )
            cursor.fetchone()
            cursor.execute(
                "SELECT p.code, v.name, f.name FROM catalog_procedureversion v "
                "JOIN catalog_procedure p ON p.id = v.procedure_id JOIN catalog_field f ON f.id = v.field_id "
                f"WHERE v.is_current AND {where} ORDER BY v.name, v.id LIMIT 20",
                params,
            )
            cursor.fetchall()
            sql_ms.append((time.perf_counter() - t0) * 1000)

    p50, p95 = percentile(api_ms, 50), percentile(api_ms, 95)
    b50, b95 = percentile(sql_ms, 50), percentile(sql_ms, 95)
    print(
        f"[{db}] {N_PROCEDURES} procedures generated in {gen_s:.1f} s; {N_QUERIES} searches, "
        f"median {statistics.median(counts):.0f} matches"
    )
    print(
        f"[{db}] API search    p50 {p50:6.2f} ms  p95 {p95:6.2f} ms  (goal p95 <= 30 ms: "
        f"{'met' if p95 <= 30 else 'NOT met'})"
    )
    print(f"[{db}] raw SQL       p50 {b50:6.2f} ms  p95 {b95:6.2f} ms")
    print(f"[{db}] ratio API/SQL p50 {p50 / b50:5.2f}x  p95 {p95 / b95:5.2f}x")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    args = parser.parse_args()
    if args.db == "both":
        for db in ("sqlite", "postgres"):
            subprocess.run([sys.executable, __file__, "--db", db], check=True)
        return
    measure(args.db)


if __name__ == "__main__":
    main()
