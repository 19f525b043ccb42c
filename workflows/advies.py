"""Adviesvragen: a team asks an expert at a dienst a non-binding question (DOMAIN.md "Learning between teams").

An adviesvraag is a case of its own kind (`ZaakSoort.ADVIESVRAAG`), not a table beside the cases, so that it
goes the one way every case goes: routed by `workflows.routering` to the team's vaste contactpersoon (or the
vervanger, or the dienst's mailbox), locked and changed only through `workflows.usecases`, answered by a
reply to its mail or on its signed link page (`notifications.inkomend`, app/dienst), with its events, thread,
audit and retention. What differs is declared in `workflows.overgangen`: its own actions (ADVISEREN,
ADVISEREN_DELEN, OMZETTEN), its own short term (`Urgentie.ADVIES`, a norm the beheerder can set per dienst)
and no ladder (`workflows.bewaking.open_stappen` takes no step for it).

What this module adds:

- `omzetten`: the team turns the question (answered or not) into an escalatie to the same dienst in one
  action, the question and the answer carried over into "what is needed";
- `GedeeldAdvies`: when the expert marks the answer as useful for every team, an anonymised copy of the
  question and the answer (no cliëntreferentie, no names of people the system knows, no addresses or
  numbers), searchable by every team next to the examples library. It is new text, kept when the case's own
  free text is erased after the retention period.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, or_, select
from sqlalchemy.orm import Mapped, Session, joinedload, mapped_column, relationship

from . import knipkaart, usecases, vastleggen, zaken
from .fouten import OngeldigeInvoer
from .kalender import amsterdam
from .models import (Base, Contactpersoon, Dienst, Gebeurtenis, Gebruiker, Oorzaak, Urgentie, UTCDateTime, Zaak,
                     ZaakSoort)
from .overgangen import Actie, Actor
from .privacy import anonimiseer

ANTWOORDEN = (Actie.ADVISEREN.value, Actie.ADVISEREN_DELEN.value)
URGENTIES_ESCALATIE = (Urgentie.ACUUT, Urgentie.HOOG, Urgentie.NORMAAL)


class GedeeldAdvies(Base):
    """An adviesvraag and its answer, anonymised, readable by every team once the expert shared it."""

    __tablename__ = "gedeeld_advies"
    id: Mapped[int] = mapped_column(primary_key=True)
    zaak_id: Mapped[int] = mapped_column(ForeignKey("zaak.id"), unique=True)  # never shown: the team stays unnamed
    dienst_id: Mapped[int] = mapped_column(ForeignKey("dienst.id"), index=True)
    oorzaak_id: Mapped[int] = mapped_column(ForeignKey("oorzaak.id"), index=True)
    vraag: Mapped[str] = mapped_column(Text)
    regel: Mapped[str] = mapped_column(Text)
    antwoord: Mapped[str] = mapped_column(Text)
    deskundige: Mapped[str] = mapped_column(String(200))  # the function at the dienst, never a name
    gedeeld_op: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    dienst: Mapped[Dienst] = relationship()
    oorzaak: Mapped[Oorzaak] = relationship()


def vraag_invoer(*, dienst_id: int, vraag: str, regel: str, oorzaak_id: int, clientreferentie: str = "",
                 oorzaak_toelichting: str = "") -> zaken.ZaakInvoer:
    """What a team fills in for an adviesvraag, as the case input every kind of case shares."""
    return zaken.ZaakInvoer(dienst_id=dienst_id, clientreferentie=clientreferentie or "", gevraagd=vraag,
                            blokkerende_regel=regel, urgentie=Urgentie.ADVIES, oorzaak_id=oorzaak_id,
                            oorzaak_toelichting=oorzaak_toelichting)


def antwoord_van(zaak: Zaak):
    """The expert's answer (the last ADVISEREN event), or None while there is none."""
    return next((g for g in reversed(zaak.gebeurtenissen) if g.actie in ANTWOORDEN), None)


# ---------------------------------------------------------------- shared with every team


def _namen(session: Session) -> list[str]:
    """Names of people the system knows (users, contact persons), whole and by last name: never in a shared text."""
    namen = list(session.scalars(select(Gebruiker.naam))) + list(session.scalars(select(Contactpersoon.naam)))
    return namen + [n.split()[-1] for n in namen if len(n.split()) > 1]


def delen(session: Session, zaak: Zaak, antwoord: str, actor: Actor, now: datetime) -> GedeeldAdvies:
    """Store the anonymised copy of question and answer for every team (called by the ADVISEREN_DELEN transition,
    inside the use case that locked the case)."""
    weg = [zaak.clientreferentie, zaak.wijkteam.naam, *_namen(session)]
    deskundige = "deskundige"
    if actor.contactpersoon_id:
        cp = session.get(Contactpersoon, actor.contactpersoon_id)
        deskundige = cp.functie.label.lower() if cp is not None else deskundige
    bestaand = session.scalars(select(GedeeldAdvies).where(GedeeldAdvies.zaak_id == zaak.id)).first()
    g = bestaand or GedeeldAdvies(zaak_id=zaak.id)
    g.dienst_id, g.oorzaak_id = zaak.dienst_id, zaak.oorzaak_id
    g.vraag = anonimiseer(zaak.gevraagd, weg)
    g.regel = anonimiseer(zaak.blokkerende_regel, weg)
    g.antwoord = anonimiseer(antwoord, weg)
    g.deskundige = f"{deskundige}, {zaak.dienst.naam}"[:200]
    g.gedeeld_op = now
    session.add(g)
    session.flush()
    return g


@dataclass(frozen=True)
class Zoekvraag:
    tekst: str = ""
    dienst_id: int | None = None
    oorzaak_id: int | None = None


def zoeken(session: Session, vraag: Zoekvraag, limiet: int = 100) -> list[GedeeldAdvies]:
    """Shared advice matching the question, the newest first (every word must occur somewhere)."""
    stmt = select(GedeeldAdvies).options(joinedload(GedeeldAdvies.dienst), joinedload(GedeeldAdvies.oorzaak))
    if vraag.dienst_id:
        stmt = stmt.where(GedeeldAdvies.dienst_id == vraag.dienst_id)
    if vraag.oorzaak_id:
        stmt = stmt.where(GedeeldAdvies.oorzaak_id == vraag.oorzaak_id)
    for woord in vraag.tekst.split()[:8]:
        patroon = "%" + woord.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
        stmt = stmt.where(or_(GedeeldAdvies.vraag.ilike(patroon, escape="\\"),
                              GedeeldAdvies.regel.ilike(patroon, escape="\\"),
                              GedeeldAdvies.antwoord.ilike(patroon, escape="\\")))
    return session.scalars(stmt.order_by(GedeeldAdvies.gedeeld_op.desc(), GedeeldAdvies.id.desc())
                           .limit(limiet)).all()


# ---------------------------------------------------------------- from advice to escalatie


def _meegenomen(zaak: Zaak) -> str:
    """The escalatie's "what is needed": the question, and the answer with who gave it and when."""
    antwoord = antwoord_van(zaak)
    tekst = f"{zaak.gevraagd.strip()}\n\n"
    if antwoord is None:
        return tekst + f"Adviesvraag {zaak.nummer} bleef zonder advies van {zaak.dienst.naam}."
    return (tekst + f"Advies van {antwoord.actor_label}, {amsterdam(antwoord.op):%d-%m-%Y} "
            f"(adviesvraag {zaak.nummer}):\n{antwoord.toelichting.strip()}")


def omzetten(session: Session, actor: Actor, zaak_id: int, now: datetime, *, urgentie: Urgentie = Urgentie.NORMAAL,
             clientreferentie: str = "", standaard_quotum: int = knipkaart.STANDAARD_QUOTUM
             ) -> tuple[usecases.Resultaat, usecases.Resultaat]:
    """One action: the adviesvraag is closed and an escalatie to the same dienst carries its question and answer.

    The manager's escalatie is sent at once; a medewerker's is a concept for the manager. Returns the results of
    the adviesvraag and of the escalatie; the caller mails both and commits once.
    """
    zaak = usecases.vergrendel(session, zaak_id)
    if not actor.hoort_bij_team(zaak):
        raise usecases.ZaakOnbekend("Deze zaak bestaat niet.")
    if urgentie not in URGENTIES_ESCALATIE:
        raise OngeldigeInvoer("Kies acuut, hoog of normaal.", veld="urgentie")
    referentie = (clientreferentie or zaak.clientreferentie or "").strip()
    if not referentie:
        raise OngeldigeInvoer("Een escalatie gaat over een cliënt: vul de cliëntreferentie in.",
                              veld="clientreferentie")
    invoer = zaken.ZaakInvoer(dienst_id=zaak.dienst_id, clientreferentie=referentie, gevraagd=_meegenomen(zaak),
                              blokkerende_regel=zaak.blokkerende_regel, urgentie=urgentie, oorzaak_id=zaak.oorzaak_id,
                              oorzaak_toelichting=zaak.oorzaak_toelichting, geen_inkomen=zaak.geen_inkomen,
                              bovenlokaal=zaak.bovenlokaal)
    escalatie = zaken.nieuwe_zaak(session, actor, ZaakSoort.ESCALATIE, invoer, now)
    vrager = zaak.aangemaakt_door
    if vrager is not None and vrager.actief and vrager.wijkteam_id == zaak.wijkteam_id:
        escalatie.aangemaakt_door_id = vrager.id  # who asked stays whom the dienst calls about it
    aangemaakt = session.scalars(select(Gebeurtenis).where(Gebeurtenis.zaak_id == escalatie.id)).one()
    r_esc = usecases.Resultaat(escalatie, [aangemaakt])  # a medewerker's concept: the managers hear of it
    r_esc.gebeurtenissen.append(vastleggen.gebeurtenis(
        session, escalatie, actor, "uit_adviesvraag", None, None,
        f"Gemaakt uit adviesvraag {zaak.nummer}: vraag en advies staan bij wat er nodig is.", now))
    if actor.is_manager_van(escalatie):
        usecases.vergrendel(session, escalatie.id)
        r_esc.gebeurtenissen.append(zaken.uitvoeren(session, actor, escalatie, Actie.VERSTUREN, now,
                                                    standaard_quotum=standaard_quotum))
    waar = f"escalatie {escalatie.nummer}" if escalatie.nummer else "een concept-escalatie voor de manager"
    g = zaken.uitvoeren(session, actor, zaak, Actie.OMZETTEN, now, toelichting=f"Omgezet in {waar}.")
    return usecases.Resultaat(zaak, [g]), r_esc


def escalatie_van(session: Session, zaak: Zaak) -> Zaak | None:
    """The escalatie an adviesvraag was turned into, if any (read from the escalatie's own event)."""
    return session.scalars(select(Zaak).join(Gebeurtenis, Gebeurtenis.zaak_id == Zaak.id).where(
        Gebeurtenis.actie == "uit_adviesvraag", Gebeurtenis.toelichting.like(f"%adviesvraag {zaak.nummer}:%"),
        Zaak.wijkteam_id == zaak.wijkteam_id).order_by(Zaak.id.desc()).limit(1)).first()
