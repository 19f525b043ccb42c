"""The beheerder's lists the report counts with: the cause taxonomy and the price list.

A cause or price-list item that any case (or a follow-up action) uses is retired (`actief = False`),
never deleted: the reports of earlier years still need it.
"""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .fouten import DomeinFout
from .models import Oorzaak, Prijspost, VermedenScenario, Vervolgactie, Zaak


class InGebruik(DomeinFout):
    """A cause or price-list item that is in use cannot be deleted; retire it instead."""


def _aantal(session: Session, stmt) -> int:
    return session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()


def verwijder_oorzaak(session: Session, oorzaak: Oorzaak) -> None:
    zaken = _aantal(session, select(Zaak.id).where(Zaak.oorzaak_id == oorzaak.id))
    vervolg = _aantal(session, select(Vervolgactie.id).where(Vervolgactie.oorzaak_id == oorzaak.id))
    if zaken or vervolg:
        waar = f"{zaken} zaken" if zaken else f"{vervolg} vervolgacties van management"
        raise InGebruik(f"'{oorzaak.naam}' is gebruikt in {waar} en kan niet weg: de rapportage heeft hem nodig. "
                        "Zet hem op niet-actief om hem uit de keuzelijst te halen.")
    session.delete(oorzaak)


def verwijder_prijspost(session: Session, post: Prijspost) -> None:
    zaken = _aantal(session, select(VermedenScenario.id).where(VermedenScenario.prijspost_id == post.id))
    if zaken:
        raise InGebruik(f"'{post.naam}' is gebruikt in {zaken} zaken en kan niet weg: de rapportage rekent ermee. "
                        "Zet de post op niet-actief om hem uit de keuzelijst te halen.")
    session.delete(post)
