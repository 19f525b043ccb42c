"""Feedback both ways: on closing a case the team rates how the dienst handled it (DOMAIN.md "Learning between
teams"; Leiden's professionals asked for "feedback over hoe ze het doen").

A rating is a short scale (1 to 5) and an optional sentence, given once per case by the team that closes it,
in the same use case as the closing (`workflows.usecases.handelen` with `waardering`). It names the
contactpersoon who handled the case (who gave the decision, else the one it lay with), so that person sees
their own ratings on "Mijn zaken" and nobody else's; the report shows per dienst how many ratings and their
average beside its terms (`per_dienst`). The sentence is free text: erased with the case's other free text
after the retention period (`wis_toelichting`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Integer, Text, case, func, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .fouten import OngeldigeInvoer
from .models import Base, Dienst, Gebeurtenis, UTCDateTime, Zaak
from .overgangen import Actor
from .privacy import BSN_MELDING, vind_bsn

SCHAAL = {1: "Slecht", 2: "Matig", 3: "Redelijk", 4: "Goed", 5: "Uitstekend"}
MAX_TOELICHTING = 500


class Waardering(Base):
    """How the team rated the dienst's handling of one case."""

    __tablename__ = "waardering"
    __table_args__ = (CheckConstraint("score BETWEEN 1 AND 5", name="score"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), unique=True)  # once per case
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteam.id"), index=True)
    dienst_id: Mapped[int] = mapped_column(ForeignKey("dienst.id"), index=True)
    contactpersoon_id: Mapped[int | None] = mapped_column(ForeignKey("contactpersoon.id"), index=True)
    score: Mapped[int] = mapped_column(Integer)
    toelichting: Mapped[str] = mapped_column(Text, default="", server_default="")
    gegeven_door_id: Mapped[int | None] = mapped_column(ForeignKey("gebruiker.id"))
    op: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    zaak: Mapped[Zaak] = relationship()

    @property
    def label(self) -> str:
        return SCHAAL[self.score]


def controleer(score: int | None, toelichting: str | None) -> tuple[int, str]:
    """The rating as it will be stored; OngeldigeInvoer for a score off the scale, a long text or a BSN."""
    if score not in SCHAAL:
        raise OngeldigeInvoer("Kies een waardering van 1 (slecht) tot 5 (uitstekend).", veld="waardering")
    tekst = " ".join((toelichting or "").split())
    if len(tekst) > MAX_TOELICHTING:
        raise OngeldigeInvoer(f"Houd de toelichting kort: hooguit {MAX_TOELICHTING} tekens.",
                              veld="waardering_toelichting")
    if vind_bsn(tekst):
        raise OngeldigeInvoer(BSN_MELDING, veld="waardering_toelichting")
    return score, tekst


def behandelaar(session: Session, zaak: Zaak) -> int | None:
    """The contactpersoon who handled the case: who made the dienst's last transition, else whom it lay with."""
    cp = session.scalar(select(Gebeurtenis.actor_contactpersoon_id).where(
        Gebeurtenis.zaak_id == zaak.id, Gebeurtenis.actor_contactpersoon_id.is_not(None),
        Gebeurtenis.naar_status.is_not(None)).order_by(Gebeurtenis.id.desc()).limit(1))
    return cp or zaak.ontvanger_id


def vastleggen(session: Session, actor: Actor, zaak: Zaak, score: int, toelichting: str, now: datetime
               ) -> Waardering:
    """Store the team's rating of a case it closes (inside the use case that locked and closed the case)."""
    score, tekst = controleer(score, toelichting)
    w = Waardering(zaak_id=zaak.id, wijkteam_id=zaak.wijkteam_id, dienst_id=zaak.dienst_id,
                   contactpersoon_id=behandelaar(session, zaak), score=score, toelichting=tekst,
                   gegeven_door_id=actor.gebruiker_id, op=now)
    session.add(w)
    session.flush()
    return w


def van_zaak(session: Session, zaak_id: int) -> Waardering | None:
    return session.scalars(select(Waardering).where(Waardering.zaak_id == zaak_id)).first()


def voor_contactpersoon(session: Session, contactpersoon_id: int, limiet: int = 50) -> list[Waardering]:
    """The ratings of the cases this contactpersoon handled, the newest first: theirs alone."""
    return session.scalars(select(Waardering).where(Waardering.contactpersoon_id == contactpersoon_id)
                           .order_by(Waardering.op.desc(), Waardering.id.desc()).limit(limiet)).all()


@dataclass(frozen=True)
class DienstWaardering:
    dienst: str
    aantal: int
    gemiddelde: float
    laag: int  # rated 1 or 2

    @property
    def tekst(self) -> str:
        return f"{self.gemiddelde:.1f} van 5 ({self.aantal}×)".replace(".", ",")


def per_dienst(session: Session, begin: datetime, einde: datetime, *, dienst_id: int | None = None,
               wijkteam_id: int | None = None) -> dict[str, DienstWaardering]:
    """Per dienst (by name) the ratings given in [begin, einde): how many, their average and how many were low."""
    stmt = select(Dienst.naam, func.count(), func.avg(Waardering.score),
                  func.sum(case((Waardering.score <= 2, 1), else_=0))).join(Dienst, Dienst.id == Waardering.dienst_id
                  ).where(Waardering.op >= begin, Waardering.op < einde)
    if dienst_id:
        stmt = stmt.where(Waardering.dienst_id == dienst_id)
    if wijkteam_id:
        stmt = stmt.where(Waardering.wijkteam_id == wijkteam_id)
    return {naam: DienstWaardering(naam, int(n), round(float(gem), 2), int(laag or 0))
            for naam, n, gem, laag in session.execute(stmt.group_by(Dienst.naam).order_by(Dienst.naam))}


def rapporttabel(session: Session, f) -> "Tabel":
    """The ratings per dienst as a table of the bottleneck report (`workflows.rapportage.Filters` `f`): the
    screen shows it beside the terms per dienst, and the CSV, XLSX and PDF carry it like every other table."""
    from .rapportage import Kolom, Tabel

    per = per_dienst(session, f.begin, f.einde, dienst_id=f.dienst_id, wijkteam_id=f.wijkteam_id)
    return Tabel("waarderingen", "Waardering door de teams per dienst",
                 [Kolom("Dienst"), Kolom("Waarderingen", "aantal"), Kolom("Gemiddeld (1–5)", "werkdagen"),
                  Kolom("Slecht of matig", "aantal")],
                 [[w.dienst, w.aantal, round(w.gemiddelde, 1), w.laag] for w in per.values()],
                 "Bij het sluiten van een zaak geeft het team de dienst een waardering van 1 (slecht) tot 5 "
                 "(uitstekend), gerekend op de dag van de waardering; slecht of matig is 1 of 2. Elke contactpersoon "
                 "ziet de eigen waarderingen bij Mijn zaken. De filters oorzaak en urgentie gelden hier niet.")


def wis_toelichting(session: Session, zaak_ids: list[int]) -> None:
    """The retention erase: the sentence goes with the case's other free text; the score stays for the report."""
    if zaak_ids:
        session.execute(update(Waardering).where(Waardering.zaak_id.in_(zaak_ids)).values(toelichting=""))
