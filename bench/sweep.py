"""Benchmark: a deadline sweep costs in proportion to the cases due, not to the cases open.

Two data sets in PostgreSQL, 10,000 and 100,000 open cases, each with the same
100 cases due; one sweep each (reminders, breaches, climbs and their mails).
Prints both sweep times, their ratio (goal at most 1.3) and the time per due case.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/knipkaart_bench .venv/bin/python bench/sweep.py

The database is emptied and rebuilt from the migrations.
"""
from __future__ import annotations

import os
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

GROOTTES = [10_000, 100_000]
DUE = 100
HERHALINGEN = 3


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database that may be emptied.")
    os.environ.update({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40, "KNIPKAART_ENV": "development"})
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.bewaking import sweep
    from app.extensions import db

    app = create_app({"OUTBOX_DIR": "/tmp/knipkaart-bench-outbox"})
    resultaten = {}
    with app.app_context():
        for n in GROOTTES:
            tijden = []
            for _ in range(HERHALINGEN):
                db.session.remove()  # release every lock the previous round's session still holds
                with db.engine.begin() as conn:
                    conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
                upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
                now = _vul(db, n)
                db.session.commit()
                db.session.execute(text("ANALYZE"))
                db.session.commit()
                start = time.perf_counter()
                rapport = sweep(now)
                tijden.append(time.perf_counter() - start)
                assert rapport.zaken == DUE, (rapport.zaken, DUE)
            resultaten[n] = statistics.median(tijden)
    klein, groot = resultaten[GROOTTES[0]], resultaten[GROOTTES[1]]
    print(f"{'open cases':>12} {'due':>5} {'sweep (s, median of 3)':>24} {'ms per due case':>16}")
    for n in GROOTTES:
        print(f"{n:>12,} {DUE:>5} {resultaten[n]:>24.3f} {resultaten[n] / DUE * 1000:>16.1f}")
    ratio = groot / klein
    print(f"ratio {GROOTTES[1]:,} / {GROOTTES[0]:,}: {ratio:.2f} (goal <= 1.3: {'met' if ratio <= 1.3 else 'NOT met'})")


def _vul(db, n: int) -> datetime:
    """n open escalations; DUE of them with a deadline just passed, the rest due next month."""
    from sqlalchemy import text

    from app.auth.models import hash_wachtwoord
    from workflows.models import (Contactpersoon, Dienst, Gebruiker, LadderFunctie, LadderTrede, Oorzaak, Rol,
                                  VasteContactpersoon, Wijkteam)

    s = db.session
    team = Wijkteam(naam="Bench", soort="sociaal wijkteam", gebied="")
    dienst = Dienst(naam="Wmo", mailbox="wmo@bench.local")
    oorzaak = Oorzaak(naam="Anders", volgorde=1)
    s.add_all([team, dienst, oorzaak])
    s.flush()
    cp = Contactpersoon(naam="Contact", email="cp@bench.local", dienst_id=dienst.id)
    tl = Contactpersoon(naam="Teamleider", email="tl@bench.local", dienst_id=dienst.id,
                        functie=LadderFunctie.TEAMLEIDER)
    manager = Gebruiker(email="m@bench.local", naam="Manager", rol=Rol.WIJKTEAMMANAGER, wijkteam_id=team.id,
                        wachtwoord_hash=hash_wachtwoord("bench"))
    s.add_all([cp, tl, manager])
    s.flush()
    s.add_all([VasteContactpersoon(wijkteam_id=team.id, dienst_id=dienst.id, contactpersoon_id=cp.id),
               LadderTrede(dienst_id=dienst.id, niveau=1, contactpersoon_id=tl.id)])
    s.flush()
    now = datetime(2026, 3, 17, 10, 0, tzinfo=timezone.utc)  # a Tuesday
    s.execute(text("""
        INSERT INTO zaak (nummer, soort, status, wijkteam_id, dienst_id, urgentie, clientreferentie, gevraagd,
            blokkerende_regel, voorgestelde_oplossing, oorzaak_id, oorzaak_toelichting, geen_inkomen, bovenlokaal,
            rendement, legitimiteit, betrokkenheid, aangemaakt_door_id, aangemaakt_op, verstuurd_op,
            reactie_deadline, oplos_deadline, ontvanger_id, ontvanger_email, routering_reden, trede, trede_sinds,
            volgende_stap_op, link_versie)
        SELECT 'ES-B-' || g, 'escalatie', 'verstuurd', :team, :dienst, 'normaal', 'B-' || g, 'Bench', 'Regel', '',
            :oorzaak, '', false, false, '', '', '', :manager, :verstuurd, :verstuurd,
            CASE WHEN g <= :due THEN :verlopen ELSE :later END,
            CASE WHEN g <= :due THEN :verlopen + interval '7 days' ELSE :later + interval '7 days' END,
            :cp, 'cp@bench.local', 'vaste contactpersoon', 0, :verstuurd,
            CASE WHEN g <= :due THEN :herinnering ELSE :later - interval '1 day' END, 1
        FROM generate_series(1, :n) AS g
    """), {"team": team.id, "dienst": dienst.id, "oorzaak": oorzaak.id, "manager": manager.id, "cp": cp.id,
           "verstuurd": now - timedelta(days=6), "verlopen": now - timedelta(hours=17),
           "herinnering": now - timedelta(days=1, hours=17), "later": now + timedelta(days=30), "due": DUE, "n": n})
    return now


if __name__ == "__main__":
    main()
