"""The deadline sweep as a job: leader election, one transaction per case, mail in office hours."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import text

from notifications.uitgaand import na_resultaat
from workflows import bewaking, usecases
from workflows.zaken import kalender

from .extensions import db
from .links import link_url
from .mail import instellingen

log = logging.getLogger(__name__)

# Any constant will do, as long as nothing else in the database uses it.
ADVISORY_LOCK = 0x4B4E4950  # "KNIP"


@dataclass
class Sweeprapport:
    leider: bool = True
    zaken: int = 0
    stappen: list[str] = field(default_factory=list)
    # Wall-clock seconds (time.time()) from just after the lock was taken to just before it was let go: two
    # leaders' spans never overlap while the lock works (tests/processen/grens.py checks exactly that).
    geleid_van: float | None = None
    geleid_tot: float | None = None


def sweep(now: datetime, *, limiet: int = 500, na_zaak=None) -> Sweeprapport:
    """Take every deadline step due at `now`, once. On PostgreSQL only the advisory-lock holder sweeps."""
    engine = db.engine
    lock_conn = None
    if engine.dialect.name == "postgresql":
        lock_conn = engine.connect()
        if not lock_conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": ADVISORY_LOCK}).scalar():
            lock_conn.close()
            return Sweeprapport(leider=False)
    van = time.time()
    rapport = None
    try:
        rapport = _sweep(now, limiet, na_zaak)
        return rapport
    finally:
        tot = time.time()
        if rapport is not None:
            rapport.geleid_van, rapport.geleid_tot = van, tot
        if lock_conn is not None:
            lock_conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": ADVISORY_LOCK})
            lock_conn.close()


def _sweep(now: datetime, limiet: int, na_zaak) -> Sweeprapport:
    rapport = Sweeprapport()
    session = db.session
    kal = kalender(session)
    niet_voor = kal.kantoormoment(now)
    inst = instellingen()
    ids = bewaking.zaken_met_stap(session, now, limiet)
    session.commit()
    for zaak_id in ids:
        try:
            resultaat = usecases.termijnstappen_nemen(session, zaak_id, now, kal)
            gebeurd = resultaat.gebeurtenissen
            if gebeurd:
                na_resultaat(session, resultaat, now, link_url, inst, niet_voor=niet_voor)
            session.commit()
        except Exception:
            session.rollback()
            log.exception("deadline-stap voor zaak %s mislukt; volgende sweep probeert opnieuw", zaak_id)
            continue
        rapport.zaken += 1
        rapport.stappen += [f"{g.zaak.nummer}: {g.actie}" for g in gebeurd]
        if na_zaak is not None:
            na_zaak(zaak_id)
    return rapport
