"""Where a page's time goes: the team's pages in process, at national scale, per route.

On the data set of bench/landelijk.py (run that once first; it leaves 1,000,000 cases and its manager behind),
one process, no load generator: for GET /wijkteam, /zaken, /zaken?q=..., /zaken/<id> it prints the median
time of a request, how much of it is SQL (statements and their time, via SQLAlchemy's cursor events) and the
rest (ORM, template, Python), and the slowest statements with their plan (EXPLAIN ANALYZE) when asked. That is
what docs/performance.md's "what the time is spent on" is read from; the p95 under load comes from landelijk.py.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/knipkaart_bench \\
        .venv/bin/python bench/paginaprofiel.py [--keer 30] [--plannen]
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from landelijk import MANAGER, TEAM, WACHTWOORD  # noqa: E402

ZOEKTERM = "kostendelersnorm"


def _app(url: str):
    os.environ.update(KNIPKAART_ENV="production", SECRET_KEY="paginaprofiel-" + "x" * 40, DATABASE_URL=url,
                      LOGIN_RATE_LIMIT="100000 per minute", MAIL_BACKEND="outbox",
                      OUTBOX_DIR="/tmp/knipkaart-bench-outbox", WEB_WORKERS="1", SESSION_COOKIE_SECURE="0")
    from app import create_app

    app = create_app({"SESSION_COOKIE_SECURE": False, "PREFERRED_URL_SCHEME": "http"})
    return app


def _inloggen(client) -> None:
    html = client.get("/login").get_data(as_text=True)
    m = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    r = client.post("/login", data={"csrf_token": m.group(1) if m else "", "email": MANAGER,
                                    "wachtwoord": WACHTWOORD})
    if r.status_code != 302:
        sys.exit(f"login as {MANAGER} failed: HTTP {r.status_code}")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--keer", type=int, default=30, help="requests per route (default 30)")
    p.add_argument("--plannen", action="store_true", help="print EXPLAIN ANALYZE of each route's slowest statement")
    p.add_argument("--statements", type=int, default=0, metavar="N",
                   help="print each route's N slowest statements (mean ms per request)")
    p.add_argument("--route", action="append", default=[], help="only the routes whose name contains this")
    args = p.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL") or sys.exit("set BENCH_DATABASE_URL (see the docstring)")

    from sqlalchemy import event, select

    app = _app(url)
    with app.app_context():
        from app.extensions import db
        from workflows.models import Wijkteam, Zaak

        team = db.session.execute(select(Wijkteam).where(Wijkteam.naam == TEAM)).scalar_one()
        zaak_ids = db.session.scalars(select(Zaak.id).where(Zaak.wijkteam_id == team.id).limit(200)).all()
        engine = db.engine
    metingen: list[tuple[str, object, float]] = []  # statement, parameters, seconds

    @event.listens_for(engine, "before_cursor_execute")
    def _voor(conn, cursor, statement, parameters, context, executemany):
        conn.info.setdefault("t0", []).append(time.perf_counter())

    @event.listens_for(engine, "after_cursor_execute")
    def _na(conn, cursor, statement, parameters, context, executemany):
        t = time.perf_counter() - conn.info["t0"].pop()
        metingen.append((statement, parameters, t))

    client = app.test_client()
    _inloggen(client)
    routes = [("GET /wijkteam", lambda i: "/wijkteam"), ("GET /zaken (list)", lambda i: "/zaken"),
              ("GET /zaken?q= (search)", lambda i: f"/zaken?q={ZOEKTERM}"),
              ("GET /zaken/<id>", lambda i: f"/zaken/{zaak_ids[i % len(zaak_ids)]}")]
    print(f"in process, one request at a time; {args.keer} requests per route after 3 warm-up requests; "
          f"team {TEAM} ({len(zaak_ids)} case ids sampled)")
    print(f"{'route':28} {'median ms':>10} {'SQL ms':>8} {'stmts':>6} {'rest ms':>8}  slowest statement (ms)")
    for naam, pad in routes:
        if args.route and not any(r in naam for r in args.route):
            continue
        for i in range(3):
            client.get(pad(i))
        tijden, sql, aantallen = [], [], []
        traagste: dict[str, float] = {}
        voorbeeld: dict[str, object] = {}
        for i in range(args.keer):
            metingen.clear()
            t0 = time.perf_counter()
            r = client.get(pad(i))
            tijden.append(time.perf_counter() - t0)
            if r.status_code != 200:
                sys.exit(f"{naam}: HTTP {r.status_code}")
            sql.append(sum(m[2] for m in metingen))
            aantallen.append(len(metingen))
            for stmt, params, t in metingen:
                sleutel = " ".join(stmt.split())[:200] + " -- " + repr(params)[:200]  # one statement per parameters
                traagste[sleutel] = traagste.get(sleutel, 0.0) + t / args.keer
                voorbeeld[sleutel] = (stmt, params)
        med, med_sql = statistics.median(tijden) * 1000, statistics.median(sql) * 1000
        top = max(traagste, key=traagste.get)
        print(f"{naam:28} {med:10.1f} {med_sql:8.1f} {statistics.median(aantallen):6.0f} {med - med_sql:8.1f}  "
              f"{traagste[top] * 1000:.1f}: {top[:90]}")
        for sleutel in sorted(traagste, key=traagste.get, reverse=True)[:args.statements]:
            print(f"    {traagste[sleutel] * 1000:6.2f}  {sleutel[:150]}")
        if args.plannen:
            stmt, params = voorbeeld[top]
            with engine.connect() as c:
                plan = c.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + stmt, params).scalars().all()
            print("    " + "\n    ".join(plan))


if __name__ == "__main__":
    main()
