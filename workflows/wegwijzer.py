"""Wie beslist waarover: per dienst, who a team's case reaches today and how it climbs (DOMAIN.md "Learning
between teams").

Read from the data that routes cases (`routeer`, the ladder, the terms), so the page a team prints says what
the system will actually do, not what someone once wrote down.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from .models import Afwezigheid, Contactpersoon, Dienst, LadderTrede, Termijnnorm, UitzonderingSoort, Urgentie, \
    VasteContactpersoon
from .routering import Routering, afwezigheid_op, routeer
from .termijnen import STANDAARD_TERMIJNEN

LMW_WANNEER = ("Alleen voor een bovenlokale zaak (de oorzaak ligt bij landelijke regels of instanties), en pas als "
               "lokale escalatie niet heeft gewerkt: de maatwerkfunctionaris stuurt de zaak door, of het team "
               "zelf zodra de lokale ladder is uitgeput. De hele geschiedenis gaat mee.")


@dataclass(frozen=True)
class Persoon:
    """A contact as the team reads it: name, address and whether they are away today."""

    naam: str
    email: str
    functie: str
    afwezig: Afwezigheid | None
    bereikbaar: bool


@dataclass(frozen=True)
class Termijn:
    urgentie: Urgentie
    reactie_werkdagen: int
    oplos_werkdagen: int
    eigen_norm: bool  # the dienst set it; otherwise the default


@dataclass(frozen=True)
class DienstWegwijzer:
    """One dienst as seen from one wijkteam on one day."""

    dienst: Dienst
    vaste_contactpersoon: Persoon | None
    vervanger: Persoon | None
    route_vandaag: Routering
    ladder: list[tuple[int, Persoon]]
    termijnen: list[Termijn]
    uitzonderingen: list[str]  # what a knip may waive here; empty when the dienst takes no knips


def _persoon(session: Session, cp: Contactpersoon, dag: date) -> Persoon:
    return Persoon(naam=cp.naam, email=cp.email, functie=cp.functie.label,
                   afwezig=afwezigheid_op(session, cp.id, dag), bereikbaar=cp.bereikbaar)


def _termijnen(session: Session, dienst: Dienst) -> list[Termijn]:
    normen = {n.urgentie: n for n in session.scalars(select(Termijnnorm).where(Termijnnorm.dienst_id == dienst.id))}
    soorten = [Urgentie.ACUUT, Urgentie.HOOG, Urgentie.NORMAAL] + ([Urgentie.KNIP] if dienst.accepteert_knippen else [])
    if not dienst.landelijk:
        soorten.append(Urgentie.ADVIES)  # an adviesvraag's own term (workflows/advies.py)
    uit = []
    for u in soorten:
        n = normen.get(u)
        reactie, oplos = (n.reactie_werkdagen, n.oplos_werkdagen) if n else STANDAARD_TERMIJNEN[u]
        # As start_termijnen applies them: the oplostermijn never ends before the reactietermijn.
        uit.append(Termijn(u, reactie, max(reactie, oplos), n is not None))
    return uit


def wie_beslist_waarover(session: Session, wijkteam_id: int, dag: date) -> list[DienstWegwijzer]:
    """Every active dienst, local ones first, as it applies to this team on `dag`."""
    diensten = session.scalars(select(Dienst).where(Dienst.actief.is_(True))
                               .order_by(Dienst.landelijk, Dienst.naam)).all()
    vast_per_dienst = {v.dienst_id: v for v in session.scalars(
        select(VasteContactpersoon).options(joinedload(VasteContactpersoon.contactpersoon),
                                            joinedload(VasteContactpersoon.vervanger))
        .where(VasteContactpersoon.wijkteam_id == wijkteam_id))}
    uit = []
    for d in diensten:
        vast = vast_per_dienst.get(d.id)
        treden = session.scalars(select(LadderTrede).options(joinedload(LadderTrede.contactpersoon))
                                 .where(LadderTrede.dienst_id == d.id).order_by(LadderTrede.niveau)).all()
        uit.append(DienstWegwijzer(
            dienst=d,
            vaste_contactpersoon=_persoon(session, vast.contactpersoon, dag) if vast else None,
            vervanger=_persoon(session, vast.vervanger, dag) if vast and vast.vervanger else None,
            route_vandaag=routeer(session, wijkteam_id, d.id, dag),
            ladder=[(t.niveau, _persoon(session, t.contactpersoon, dag)) for t in treden],
            termijnen=_termijnen(session, d),
            uitzonderingen=[u.label for u in UitzonderingSoort] if d.accepteert_knippen else [],
        ))
    return uit
