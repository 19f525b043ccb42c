"""The knipkaart ledger: a card per wijkteam per year, spent and returned knips.

The one invariant users must be able to trust: a card is never spent beyond
its quota, also not under concurrent clicks. The card row is locked
(SELECT ... FOR UPDATE on PostgreSQL; on SQLite every transaction is
BEGIN IMMEDIATE, see app/extensions.py) before the ledger is counted.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from .db import insert_if_absent
from .fouten import KnipkaartVol, OngeldigeInvoer
from .kalender import amsterdam
from .models import Knipkaart, KnipkaartMutatie, MutatieSoort, Zaak

STANDAARD_QUOTUM = 5


@dataclass(frozen=True)
class KaartStand:
    jaar: int
    quotum: int
    ingezet: int
    teruggegeven: int

    @property
    def resterend(self) -> int:
        return self.quotum - self.ingezet + self.teruggegeven

    @property
    def netto_ingezet(self) -> int:
        return self.ingezet - self.teruggegeven


def jaar_van(moment: datetime) -> int:
    """The card year of a moment: the calendar year in Europe/Amsterdam."""
    return amsterdam(moment).year


def kaart(session: Session, wijkteam_id: int, jaar: int, *, standaard_quotum: int = STANDAARD_QUOTUM,
          vergrendel: bool = False) -> Knipkaart:
    """The card of a team for a year, created with the default quota when missing."""
    insert_if_absent(
        session, Knipkaart, {"wijkteam_id": wijkteam_id, "jaar": jaar, "quotum": standaard_quotum},
        ["wijkteam_id", "jaar"],
    )
    stmt = select(Knipkaart).where(Knipkaart.wijkteam_id == wijkteam_id, Knipkaart.jaar == jaar)
    if vergrendel:
        stmt = stmt.with_for_update()
    return session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def stand(session: Session, kaart_: Knipkaart) -> KaartStand:
    """Count the ledger of a card."""
    ingezet, terug = session.execute(
        select(
            func.coalesce(func.sum(case((KnipkaartMutatie.soort == MutatieSoort.INGEZET, 1), else_=0)), 0),
            func.coalesce(func.sum(case((KnipkaartMutatie.soort == MutatieSoort.TERUGGEGEVEN, 1), else_=0)), 0),
        ).where(KnipkaartMutatie.knipkaart_id == kaart_.id)
    ).one()
    return KaartStand(jaar=kaart_.jaar, quotum=kaart_.quotum, ingezet=int(ingezet), teruggegeven=int(terug))


def lees_stand(session: Session, wijkteam_id: int, jaar: int, *, standaard_quotum: int = STANDAARD_QUOTUM
               ) -> KaartStand:
    """A card's state without creating the card or reading its ledger's rows (the dashboard, the forms): a
    missing card has the default quota, nothing spent."""
    kaart_ = session.execute(select(Knipkaart).where(Knipkaart.wijkteam_id == wijkteam_id, Knipkaart.jaar == jaar)
                             ).scalar_one_or_none()
    return KaartStand(jaar, standaard_quotum, 0, 0) if kaart_ is None else stand(session, kaart_)


def lees_kaart(session: Session, wijkteam_id: int, jaar: int, *, standaard_quotum: int = STANDAARD_QUOTUM
               ) -> tuple[KaartStand, list[KnipkaartMutatie]]:
    """A card's state and ledger without creating the card: a missing card has the default quota, nothing spent."""
    kaart_ = session.execute(select(Knipkaart).where(Knipkaart.wijkteam_id == wijkteam_id, Knipkaart.jaar == jaar)
                             ).scalar_one_or_none()
    if kaart_ is None:
        return KaartStand(jaar, standaard_quotum, 0, 0), []
    mutaties = list(session.scalars(select(KnipkaartMutatie).where(KnipkaartMutatie.knipkaart_id == kaart_.id)
                                    .order_by(KnipkaartMutatie.id)))
    return stand(session, kaart_), mutaties


def knip_inzetten(session: Session, zaak: Zaak, door: str, now: datetime, *,
                  standaard_quotum: int = STANDAARD_QUOTUM) -> KnipkaartMutatie:
    """Spend one knip of the team's card of this year for `zaak`; raises KnipkaartVol when none is left."""
    jaar = jaar_van(now)
    kaart_ = kaart(session, zaak.wijkteam_id, jaar, standaard_quotum=standaard_quotum, vergrendel=True)
    huidig = stand(session, kaart_)
    if huidig.resterend <= 0:
        raise KnipkaartVol(
            f"De knipkaart {jaar} van dit wijkteam is vol: alle {huidig.quotum} knippen zijn ingezet. "
            "Er is niets verstuurd. Open een escalatie, of vraag de beheerder om een hoger quotum."
        )
    mutatie = KnipkaartMutatie(knipkaart_id=kaart_.id, zaak_id=zaak.id, soort=MutatieSoort.INGEZET, op=now,
                               door=door, reden="")
    session.add(mutatie)
    session.flush()
    return mutatie


def knip_teruggeven(session: Session, zaak: Zaak, door: str, reden: str, now: datetime) -> KnipkaartMutatie:
    """Return the knip spent for `zaak` to the card it came from (a new ledger entry)."""
    mutaties = session.execute(
        select(KnipkaartMutatie).where(KnipkaartMutatie.zaak_id == zaak.id).order_by(KnipkaartMutatie.id)
    ).scalars().all()
    netto = sum(1 if m.soort == MutatieSoort.INGEZET else -1 for m in mutaties)
    if netto <= 0:
        raise OngeldigeInvoer("Voor deze zaak staat geen knip op de kaart die teruggegeven kan worden.")
    kaart_id = next(m.knipkaart_id for m in mutaties if m.soort == MutatieSoort.INGEZET)
    # Lock the card so a return and a spend on the same card serialise.
    session.execute(select(Knipkaart.id).where(Knipkaart.id == kaart_id).with_for_update())
    mutatie = KnipkaartMutatie(knipkaart_id=kaart_id, zaak_id=zaak.id, soort=MutatieSoort.TERUGGEGEVEN, op=now,
                               door=door, reden=reden)
    session.add(mutatie)
    session.flush()
    return mutatie


def quotum_instellen(session: Session, wijkteam_id: int, jaar: int, quotum: int, *,
                     standaard_quotum: int = STANDAARD_QUOTUM) -> Knipkaart:
    """Set a team's quota for a year; never below what is already spent."""
    if quotum < 0 or quotum > 1000:
        raise OngeldigeInvoer("Het quotum moet tussen 0 en 1000 liggen.", veld="quotum")
    kaart_ = kaart(session, wijkteam_id, jaar, standaard_quotum=standaard_quotum, vergrendel=True)
    huidig = stand(session, kaart_)
    if quotum < huidig.netto_ingezet:
        raise OngeldigeInvoer(
            f"Er zijn in {jaar} al {huidig.netto_ingezet} knippen ingezet; het quotum kan niet lager zijn.",
            veld="quotum",
        )
    kaart_.quotum = quotum
    session.flush()
    return kaart_
