"""The beheerder's side of the maatwerkbudget: disciplines, finance, the municipality's account, professionals."""
from __future__ import annotations

import re

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ..fouten import OngeldigeInvoer
from .aanvragen import instelling, lees_iban
from .modellen import MaatwerkInstelling, MaatwerkProfessional


def lees_disciplines(tekst: str) -> list[str]:
    """'Zorg, schuldhulp ,inkomen' -> ['zorg', 'schuldhulp', 'inkomen']; at least three, each once."""
    namen = [re.sub(r"\s+", " ", d).strip().lower() for d in (tekst or "").split(",")]
    namen = list(dict.fromkeys(d for d in namen if d))
    if len(namen) < 3:
        raise OngeldigeInvoer("Noem ten minste drie disciplines, met komma's ertussen: de aanvrager en twee "
                              "anderen beslissen samen.", veld="disciplines")
    if any(len(d) > 40 or not re.fullmatch(r"[a-zà-ÿ0-9 &/-]+", d) for d in namen):
        raise OngeldigeInvoer("Een discipline is een kort woord (letters, cijfers, spaties), hoogstens 40 tekens.",
                              veld="disciplines")
    return namen


def instelling_opslaan(session: Session, *, disciplines: str, betaalwijze: str, financien_naam: str,
                       financien_email: str, rekening_naam: str, rekening_iban: str, rekening_bic: str
                       ) -> MaatwerkInstelling:
    """Check everything first, then save all of it (nothing half)."""
    namen = lees_disciplines(disciplines)
    if betaalwijze not in ("pain001", "csv"):
        raise OngeldigeInvoer("Kies SEPA-bestand of CSV.", veld="betaalwijze")
    iban = lees_iban(rekening_iban, veld="rekening_iban") if (rekening_iban or "").strip() else ""
    if betaalwijze == "pain001" and not (iban and (rekening_naam or "").strip()):
        raise OngeldigeInvoer("Voor een SEPA-bestand zijn de naam en het IBAN van de rekening van de gemeente "
                              "nodig.", veld="rekening_iban")
    bic = (rekening_bic or "").strip().upper().replace(" ", "")
    if bic and not re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?", bic):
        raise OngeldigeInvoer("Een BIC heeft 8 of 11 tekens, bijvoorbeeld ABNANL2A.", veld="rekening_bic")
    inst = instelling(session)
    inst.disciplines = ",".join(namen)
    inst.betaalwijze = betaalwijze
    inst.financien_naam = (financien_naam or "").strip()
    inst.financien_email = (financien_email or "").strip().lower()
    inst.rekening_naam = (rekening_naam or "").strip()
    inst.rekening_iban = iban
    inst.rekening_bic = bic
    session.flush()
    return inst


def professional_toevoegen(session: Session, naam: str, email: str, discipline: str, wijkteam_id: int | None
                           ) -> MaatwerkProfessional:
    inst = instelling(session)
    if discipline not in inst.discipline_lijst:
        raise OngeldigeInvoer("Kies een van de ingestelde disciplines.", veld="discipline")
    email = (email or "").strip().lower()
    if session.execute(select(MaatwerkProfessional.id).where(func.lower(MaatwerkProfessional.email) == email)
                       ).first():
        raise OngeldigeInvoer("Er is al een professional met dit e-mailadres.", veld="email")
    p = MaatwerkProfessional(naam=naam.strip(), email=email, discipline=discipline, wijkteam_id=wijkteam_id or None,
                             actief=True)
    session.add(p)
    session.flush()
    return p
