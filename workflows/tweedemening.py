"""A second opinion before a knip is spent (issue 17, point 2; DOMAIN.md "Maatwerkbudget").

Rotterdam (003) lets the wijkteammanager "sparren met een andere wijkteammanager en of een rayonmanager ...
second opinion" before the budget or a knip is used. Here it is optional and advisory: the wijkteammanager of
the team asks one colleague, a wijkteammanager of another team or a rayonmanager over this team (`RayonTeam`),
a question about a knip that is still a concept; the colleague answers EENS or NIET EENS with a reason; the
answer is on the case's timeline and on the confirmation page before spending. It never blocks the knip: the
manager who spends decides.

Least privilege: the colleague asked sees that one case's facts (not the cliëntreferentie) and only while it
is theirs to answer; nobody else of their team sees anything. The question and the answer are free text,
erased with the case's other free text after the retention period (`wis`).

Each use case locks the case (`usecases.vergrendel`), checks, acts and returns a `usecases.Resultaat` whose
events decide the mail (notifications/tweedemening.py); the caller commits once.
"""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Text, or_, select, update
from sqlalchemy.orm import Mapped, Session, contains_eager, mapped_column, relationship

from . import vastleggen
from .fouten import GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from .models import Base, Gebruiker, Rol, Status, UTCDateTime, Wijkteam, Zaak, ZaakSoort, _enum
from .overgangen import GEBEURTENIS_LABELS, Actor
from .privacy import BSN_MELDING, vind_bsn
from .usecases import Resultaat, vergrendel

MAX_TEKST = 2000
TWEEDE_MENING_GEVRAAGD = "tweede_mening_gevraagd"
TWEEDE_MENING_GEGEVEN = "tweede_mening_gegeven"
GEBEURTENIS_LABELS.update({TWEEDE_MENING_GEVRAAGD: "Tweede mening gevraagd",
                           TWEEDE_MENING_GEGEVEN: "Tweede mening gegeven"})


class Mening(str, enum.Enum):
    EENS = "eens"
    NIET_EENS = "niet_eens"

    @property
    def label(self) -> str:
        return {"eens": "Eens: zet de knip in", "niet_eens": "Niet eens: zet deze knip niet zo in"}[self.value]

    @property
    def kort(self) -> str:
        return {"eens": "eens", "niet_eens": "niet eens"}[self.value]


class RayonTeam(Base):
    """A team in a rayonmanager's rayon (the beheerder sets them on the user's page)."""

    __tablename__ = "rayon_team"
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"), primary_key=True)
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteam.id"), primary_key=True, index=True)


class TweedeMening(Base):
    """One question for a second opinion on a knip concept, and its answer."""

    __tablename__ = "tweede_mening"
    __table_args__ = (Index("ix_tweede_mening_aan_open", "gevraagd_aan_id", "gegeven_op"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), index=True)
    gevraagd_door_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    gevraagd_aan_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    vraag: Mapped[str] = mapped_column(Text)  # erased after retention
    gevraagd_op: Mapped[datetime] = mapped_column(UTCDateTime)
    mening: Mapped[Mening | None] = mapped_column(_enum(Mening, "mening"))
    toelichting: Mapped[str] = mapped_column(Text, default="", server_default="")  # erased after retention
    gegeven_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    zaak: Mapped[Zaak] = relationship()
    gevraagd_door: Mapped[Gebruiker] = relationship(foreign_keys=[gevraagd_door_id])
    gevraagd_aan: Mapped[Gebruiker] = relationship(foreign_keys=[gevraagd_aan_id])

    @property
    def open(self) -> bool:
        return self.gegeven_op is None

    @property
    def te_beantwoorden(self) -> bool:
        """Open, and the knip still a concept: only then does the colleague see the case and answer."""
        return self.open and self.zaak.status == Status.CONCEPT


def rayon_van(session: Session, gebruiker_id: int) -> list[Wijkteam]:
    return list(session.scalars(select(Wijkteam).join(RayonTeam, RayonTeam.wijkteam_id == Wijkteam.id)
                                .where(RayonTeam.gebruiker_id == gebruiker_id).order_by(Wijkteam.naam)))


def rayon_instellen(session: Session, gebruiker: Gebruiker, wijkteam_ids: list[int]) -> None:
    """The beheerder sets a rayonmanager's teams (all at once; an empty list clears them)."""
    if gebruiker.rol != Rol.RAYONMANAGER and wijkteam_ids:
        raise OngeldigeInvoer("Alleen een rayonmanager heeft een rayon.", veld="rayon")
    session.execute(RayonTeam.__table__.delete().where(RayonTeam.gebruiker_id == gebruiker.id))
    for wid in sorted(set(wijkteam_ids)):
        session.add(RayonTeam(gebruiker_id=gebruiker.id, wijkteam_id=wid))
    session.flush()


def kan_gevraagd_worden(session: Session, zaak: Zaak) -> list[Gebruiker]:
    """Who a second opinion on this case may be asked of: active wijkteammanagers of other teams and the
    rayonmanagers whose rayon holds the case's team; rayonmanagers first, then by team and name."""
    rayon = select(RayonTeam.gebruiker_id).where(RayonTeam.wijkteam_id == zaak.wijkteam_id)
    mensen = session.scalars(select(Gebruiker).outerjoin(Wijkteam, Wijkteam.id == Gebruiker.wijkteam_id)
                             .options(contains_eager(Gebruiker.wijkteam)).where(  # `functie` names the team
        Gebruiker.actief.is_(True),
        or_((Gebruiker.rol == Rol.WIJKTEAMMANAGER) & (Gebruiker.wijkteam_id != zaak.wijkteam_id),
            (Gebruiker.rol == Rol.RAYONMANAGER) & Gebruiker.id.in_(rayon)))
        .order_by(Gebruiker.rol != Rol.RAYONMANAGER, Wijkteam.naam, Gebruiker.naam)).all()
    return list(mensen)


def van_zaak(session: Session, zaak_id: int) -> list[TweedeMening]:
    return list(session.scalars(select(TweedeMening).where(TweedeMening.zaak_id == zaak_id)
                                .order_by(TweedeMening.id)))


def voor(session: Session, gebruiker_id: int, limiet: int = 100) -> list[TweedeMening]:
    """What was asked of this person: open ones first (oldest first), then the answered (newest first)."""
    return list(session.scalars(select(TweedeMening).where(TweedeMening.gevraagd_aan_id == gebruiker_id)
                                .order_by(TweedeMening.gegeven_op.is_not(None), TweedeMening.gegeven_op.desc(),
                                          TweedeMening.gevraagd_op).limit(limiet)))


def open_voor(session: Session, gebruiker_id: int, limiet: int = 20) -> list[TweedeMening]:
    """The questions still waiting on this person, oldest first (the dashboard)."""
    return list(session.scalars(select(TweedeMening).where(TweedeMening.gevraagd_aan_id == gebruiker_id,
                                                           TweedeMening.gegeven_op.is_(None))
                                .order_by(TweedeMening.gevraagd_op).limit(limiet)))


def _tekst(tekst: str | None, veld: str, leeg: str) -> str:
    tekst = (tekst or "").strip()
    if not tekst:
        raise OngeldigeInvoer(leeg, veld=veld)
    if len(tekst) > MAX_TEKST:
        raise OngeldigeInvoer(f"Hoogstens {MAX_TEKST} tekens.", veld=veld)
    if vind_bsn(tekst):
        raise OngeldigeInvoer(BSN_MELDING, veld=veld)
    return tekst


def mag_vragen(actor: Actor, zaak: Zaak, meningen: list[TweedeMening]) -> bool:
    """Whether this actor may ask a second opinion on this case now (the page offers the form only then)."""
    return (actor.is_manager_van(zaak) and zaak.soort == ZaakSoort.KNIP and zaak.status == Status.CONCEPT
            and not any(m.open for m in meningen))


def vragen(session: Session, actor: Actor, zaak_id: int, aan_id: int, vraag: str, now: datetime) -> Resultaat:
    """The team's wijkteammanager asks a colleague's second opinion on a knip concept, one at a time."""
    zaak = vergrendel(session, zaak_id)
    if not actor.is_manager_van(zaak):
        raise GeenToegang("Alleen de wijkteammanager van het team vraagt een tweede mening.")
    if zaak.soort != ZaakSoort.KNIP or zaak.status != Status.CONCEPT:
        raise OngeldigeOvergang("Een tweede mening vraagt u over een knip die nog niet is ingezet.")
    if any(m.open for m in van_zaak(session, zaak.id)):
        raise OngeldigeOvergang("Er staat al een vraag om een tweede mening uit; wacht op het antwoord.")
    aan = next((g for g in kan_gevraagd_worden(session, zaak) if g.id == aan_id), None)
    if aan is None:
        raise OngeldigeInvoer("Kies een wijkteammanager van een ander team of een rayonmanager van uw team.",
                              veld="aan_id")
    vraag = _tekst(vraag, "vraag", "Schrijf uw vraag: waarover wilt u sparren?")
    m = TweedeMening(zaak_id=zaak.id, gevraagd_door_id=actor.gebruiker_id, gevraagd_aan_id=aan.id, vraag=vraag,
                     gevraagd_op=now, toelichting="")
    session.add(m)
    session.flush()
    g = vastleggen.gebeurtenis(session, zaak, actor, TWEEDE_MENING_GEVRAAGD, None, None,
                               f"Gevraagd aan {aan.naam} ({functie(aan)}).", now)
    return Resultaat(zaak, [g])


def geven(session: Session, gebruiker: Gebruiker, mening_id: int, mening: Mening | str, toelichting: str,
          now: datetime) -> Resultaat:
    """The colleague asked answers, once, while the knip is still a concept."""
    m = session.get(TweedeMening, mening_id)
    if m is None or m.gevraagd_aan_id != gebruiker.id:
        raise GeenToegang("Deze vraag om een tweede mening is niet aan u gesteld.")
    zaak = vergrendel(session, m.zaak_id)
    session.refresh(m)
    if not m.open:
        raise OngeldigeOvergang(f"U gaf uw mening al op {m.gegeven_op:%d-%m-%Y}: {m.mening.kort}.")
    if zaak.status != Status.CONCEPT:
        raise OngeldigeOvergang("Het team heeft al besloten over deze knip; uw mening is niet meer nodig.")
    try:
        mening = Mening(mening)
    except ValueError:
        raise OngeldigeInvoer("Kies eens of niet eens.", veld="mening")
    toelichting = _tekst(toelichting, "toelichting", "Licht uw mening toe in een paar zinnen.")
    m.mening, m.toelichting, m.gegeven_op = mening, toelichting, now
    session.flush()
    g = vastleggen.gebeurtenis(session, zaak, Actor.gebruiker(gebruiker), TWEEDE_MENING_GEGEVEN, None, None,
                               f"{gebruiker.naam} ({functie(gebruiker)}): {mening.kort}. {toelichting}", now)
    return Resultaat(zaak, [g])


def functie(g: Gebruiker) -> str:
    if g.rol == Rol.WIJKTEAMMANAGER and g.wijkteam is not None:
        return f"wijkteammanager {g.wijkteam.naam}"
    return g.rol.label.lower()


def wis(session: Session, zaak_ids: list[int]) -> None:
    """Retention: the question and the answer's reason go with the case's free text; who and the verdict stay."""
    if zaak_ids:
        session.execute(update(TweedeMening).where(TweedeMening.zaak_id.in_(zaak_ids))
                        .values(vraag="", toelichting="").execution_options(synchronize_session=False))
