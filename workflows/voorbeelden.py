"""Examples between teams: a solved case, retold anonymously, reviewed by the team's manager, then a lesson for
every team (DOMAIN.md "Learning between teams"; 003's "inspirerende voorbeelden").

The example is new text, written for other teams: never the case's own free text, which names the resident's
circumstances and is erased after the retention period. It keeps only the structured facts that make it
findable (dienst, cause, instrument), never the team or the cliëntreferentie on the library's page.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text, or_, select
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship

from .fouten import GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from .models import (Base, Dienst, Gebruiker, Oorzaak, Rol, Status, Uitkomst, UTCDateTime, Wijkteam, Zaak,
                     ZaakSoort, _enum)
from .overgangen import Actor
from .privacy import BSN_MELDING, vind_bsn


class VoorbeeldStatus(str, enum.Enum):
    VOORGESTELD = "voorgesteld"
    GOEDGEKEURD = "goedgekeurd"
    AFGEWEZEN = "afgewezen"

    @property
    def label(self) -> str:
        return {"voorgesteld": "Wacht op beoordeling", "goedgekeurd": "In de bibliotheek",
                "afgewezen": "Niet opgenomen"}[self.value]


class Voorbeeld(Base):
    """An anonymised example from a solved case; visible to all teams once the manager approved it."""

    __tablename__ = "voorbeeld"
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), unique=True)  # one example per case
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteam.id"), index=True)  # who reviews it
    dienst_id: Mapped[int] = mapped_column(ForeignKey("dienst.id"), index=True)
    oorzaak_id: Mapped[int] = mapped_column(ForeignKey("oorzaak.id"), index=True)
    instrument: Mapped[ZaakSoort] = mapped_column(_enum(ZaakSoort, "zaaksoort"))
    situatie: Mapped[str] = mapped_column(Text)
    blokkerende_regel: Mapped[str] = mapped_column(Text)
    wat_werkte: Mapped[str] = mapped_column(Text)
    status: Mapped[VoorbeeldStatus] = mapped_column(_enum(VoorbeeldStatus, "voorbeeldstatus"),
                                                    default=VoorbeeldStatus.VOORGESTELD)
    voorgesteld_door_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    voorgesteld_op: Mapped[datetime] = mapped_column(UTCDateTime)
    beoordeeld_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    beoordeeld_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    vastgezet: Mapped[bool] = mapped_column(Boolean, default=False)  # management pins it on top
    vastgezet_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    dienst: Mapped[Dienst] = relationship()
    oorzaak: Mapped[Oorzaak] = relationship()
    wijkteam: Mapped[Wijkteam] = relationship()
    zaak: Mapped[Zaak] = relationship()
    voorgesteld_door: Mapped[Gebruiker] = relationship(foreign_keys=[voorgesteld_door_id])


MAX_LENGTE = 2000
OPGELOST_UITKOMSTEN = frozenset({Uitkomst.TOEGEKEND, Uitkomst.ANDERS_OPGELOST, Uitkomst.UITGEVOERD,
                                 Uitkomst.REGULIER})
VELDEN = {"situatie": "De situatie", "blokkerende_regel": "De regel die blokkeerde", "wat_werkte": "Wat werkte"}


@dataclass(frozen=True)
class VoorbeeldInvoer:
    situatie: str
    blokkerende_regel: str
    wat_werkte: str


def kan_voorbeeld_worden(zaak: Zaak) -> bool:
    """A case solved by the dienst (not refused, not objected to) may become an example."""
    return zaak.status in (Status.OPGELOST, Status.GESLOTEN) and zaak.uitkomst in OPGELOST_UITKOMSTEN


def _controleer(zaak: Zaak, invoer: VoorbeeldInvoer) -> None:
    for veld, naam in VELDEN.items():
        tekst = (getattr(invoer, veld) or "").strip()
        if not tekst:
            raise OngeldigeInvoer(f"{naam} is verplicht.", veld=veld)
        if len(tekst) > MAX_LENGTE:
            raise OngeldigeInvoer(f"{naam} is te lang (hooguit {MAX_LENGTE} tekens).", veld=veld)
        if vind_bsn(tekst):
            raise OngeldigeInvoer(BSN_MELDING, veld=veld)
        # The team's own file number identifies the resident to anyone who can reach the team's files.
        if zaak.clientreferentie and zaak.clientreferentie.strip().lower() in tekst.lower():
            raise OngeldigeInvoer("Een voorbeeld noemt de cliëntreferentie niet: andere teams lezen het.", veld=veld)


def voorstellen(session: Session, actor: Actor, zaak: Zaak, invoer: VoorbeeldInvoer, now: datetime) -> Voorbeeld:
    """The team proposes its solved case as an example; the manager reviews it before other teams see it."""
    if not actor.hoort_bij_team(zaak):
        raise GeenToegang("Alleen het eigen team kan een zaak als voorbeeld voorstellen.")
    if not kan_voorbeeld_worden(zaak):
        raise OngeldigeOvergang("Alleen een opgeloste zaak kan een voorbeeld worden.")
    if session.execute(select(Voorbeeld.id).where(Voorbeeld.zaak_id == zaak.id)).first() is not None:
        raise OngeldigeOvergang("Deze zaak is al als voorbeeld voorgesteld.")
    _controleer(zaak, invoer)
    v = Voorbeeld(zaak_id=zaak.id, wijkteam_id=zaak.wijkteam_id, dienst_id=zaak.dienst_id, oorzaak_id=zaak.oorzaak_id,
                  instrument=zaak.soort, situatie=invoer.situatie.strip(),
                  blokkerende_regel=invoer.blokkerende_regel.strip(), wat_werkte=invoer.wat_werkte.strip(),
                  status=VoorbeeldStatus.VOORGESTELD, voorgesteld_door_id=actor.gebruiker_id, voorgesteld_op=now)
    session.add(v)
    session.flush()
    return v


def beoordelen(session: Session, actor: Actor, voorbeeld_id: int, goedkeuren: bool, now: datetime) -> Voorbeeld:
    """The team's manager approves (into the library) or declines a proposed example."""
    v = session.execute(select(Voorbeeld).where(Voorbeeld.id == voorbeeld_id).with_for_update()
                        .execution_options(populate_existing=True)).scalar_one_or_none()
    if v is None or actor.rol != Rol.WIJKTEAMMANAGER.value or actor.wijkteam_id != v.wijkteam_id:
        raise GeenToegang("Alleen de manager van het team beoordeelt dit voorbeeld.")
    if v.status != VoorbeeldStatus.VOORGESTELD:
        raise OngeldigeOvergang("Dit voorbeeld is al beoordeeld.")
    # Checked again: the proposal may predate a stricter check, and the manager answers for what others read.
    _controleer(v.zaak, VoorbeeldInvoer(v.situatie, v.blokkerende_regel, v.wat_werkte))
    v.status = VoorbeeldStatus.GOEDGEKEURD if goedkeuren else VoorbeeldStatus.AFGEWEZEN
    v.beoordeeld_door_id = actor.gebruiker_id
    v.beoordeeld_op = now
    return v


def vastzetten(session: Session, actor: Actor, voorbeeld_id: int, vast: bool) -> Voorbeeld:
    """Management pins an approved example on top of the library (or unpins it)."""
    if actor.rol != Rol.MANAGEMENT.value:
        raise GeenToegang("Alleen management zet voorbeelden vast.")
    v = session.get(Voorbeeld, voorbeeld_id)
    if v is None or v.status != VoorbeeldStatus.GOEDGEKEURD:
        raise OngeldigeOvergang("Alleen een voorbeeld uit de bibliotheek kan worden vastgezet.")
    v.vastgezet = vast
    v.vastgezet_door_id = actor.gebruiker_id if vast else None
    return v


@dataclass(frozen=True)
class Zoekvraag:
    tekst: str = ""
    oorzaak_id: int | None = None
    dienst_id: int | None = None
    instrument: ZaakSoort | None = None


def bibliotheek(session: Session, vraag: Zoekvraag, limiet: int = 100) -> list[Voorbeeld]:
    """Approved examples matching the question: pinned first, then the newest."""
    stmt = (select(Voorbeeld).options(joinedload(Voorbeeld.dienst), joinedload(Voorbeeld.oorzaak))
            .where(Voorbeeld.status == VoorbeeldStatus.GOEDGEKEURD))
    if vraag.oorzaak_id:
        stmt = stmt.where(Voorbeeld.oorzaak_id == vraag.oorzaak_id)
    if vraag.dienst_id:
        stmt = stmt.where(Voorbeeld.dienst_id == vraag.dienst_id)
    if vraag.instrument:
        stmt = stmt.where(Voorbeeld.instrument == vraag.instrument)
    for woord in vraag.tekst.split()[:8]:
        patroon = "%" + woord.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(Voorbeeld.situatie.ilike(patroon, escape="\\"),
                              Voorbeeld.blokkerende_regel.ilike(patroon, escape="\\"),
                              Voorbeeld.wat_werkte.ilike(patroon, escape="\\")))
    return session.scalars(stmt.order_by(Voorbeeld.vastgezet.desc(), Voorbeeld.beoordeeld_op.desc(), Voorbeeld.id.desc())
                           .limit(limiet)).all()


def te_beoordelen(session: Session, wijkteam_id: int) -> list[Voorbeeld]:
    """The team's proposals that wait for the manager."""
    return session.scalars(select(Voorbeeld).options(joinedload(Voorbeeld.zaak), joinedload(Voorbeeld.dienst),
                                                     joinedload(Voorbeeld.oorzaak))
                           .where(Voorbeeld.wijkteam_id == wijkteam_id,
                                  Voorbeeld.status == VoorbeeldStatus.VOORGESTELD)
                           .order_by(Voorbeeld.voorgesteld_op)).all()


def van_zaak(session: Session, zaak_id: int) -> Voorbeeld | None:
    return session.scalars(select(Voorbeeld).where(Voorbeeld.zaak_id == zaak_id)).first()
