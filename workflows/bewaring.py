"""Retention (DOMAIN.md "Privacy"): free text of cases closed longer than the retention period is erased.

The structured facts that feed the reports (dates, states, dienst, cause,
flags, urgency, ladder steps, the ledger, the measured times, the avoided
scenario) remain; what people wrote goes. The blocking rule describes the
municipality's rule, not the resident, and feeds the report's "most frequent
blocking rules": it stays, anonymised as the report shows it, so that the
report gives the same figures after the erase.
"""
from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Bericht, Gebeurtenis, Status, Zaak
from .privacy import anonimiseer
from .rapportage import namen_van_personen
from .rapportfeiten import zaken_gewijzigd
from .zaken import VRIJE_TEKST

GEWIST = "[gewist na bewaartermijn]"
# Every free-text field the case takes (workflows.zaken.VRIJE_TEKST), so a new one is erased too; the
# cliëntreferentie is overwritten with GEWIST and the blocking rule anonymised (see above).
VRIJE_TEKST_LEEG = tuple(veld for veld in VRIJE_TEKST if veld not in ("clientreferentie", "blokkerende_regel"))


def te_wissen(session: Session, now: datetime, maanden: int, limiet: int = 1000) -> list[int]:
    """Cases closed (or withdrawn) more than `maanden` months before `now`, not yet erased."""
    grens = now - relativedelta(months=maanden)
    return list(session.execute(
        select(Zaak.id).where(Zaak.status.in_([Status.GESLOTEN, Status.TERUGGETROKKEN]),
                              Zaak.gesloten_op < grens, Zaak.gewist_op.is_(None))
        .order_by(Zaak.gesloten_op).limit(limiet)
    ).scalars())


def wis_zaken(session: Session, zaak_ids: list[int], now: datetime) -> None:
    """Erase the free text of these cases, their messages and their events' explanations."""
    if not zaak_ids:
        return
    weg = tuple(namen_van_personen(session))
    for zid, regel, ref in session.execute(
            select(Zaak.id, Zaak.blokkerende_regel, Zaak.clientreferentie).where(Zaak.id.in_(zaak_ids))):
        anoniem = anonimiseer(regel, [ref], personen=weg)
        if anoniem != regel:
            session.execute(update(Zaak).where(Zaak.id == zid).values(blokkerende_regel=anoniem))
    session.execute(update(Zaak).where(Zaak.id.in_(zaak_ids)).values(
        clientreferentie=GEWIST[:60], gewist_op=now, **{veld: "" for veld in VRIJE_TEKST_LEEG}))
    session.execute(update(Bericht).where(Bericht.zaak_id.in_(zaak_ids)).values(tekst=GEWIST))
    session.execute(update(Gebeurtenis).where(Gebeurtenis.zaak_id.in_(zaak_ids)).values(toelichting=""))
    from .usecases_nazorg import wis_nazorg

    wis_nazorg(session, zaak_ids)  # agreements, the effect's sentence, hand-over notes; the facts stay
    from .tweedemening import wis as wis_tweede_mening

    wis_tweede_mening(session, zaak_ids)  # the question and the reason of a second opinion
    # The blocking rule feeds the report's roll-up: a bulk UPDATE is no flush, so recompute its groups here.
    zaken_gewijzigd(session, zaak_ids)
    from .waardering import wis_toelichting

    wis_toelichting(session, zaak_ids)  # the team's sentence about the dienst; the score stays
