"""The case page's timeline: every event, with the mails it caused folded in beneath it."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from notifications.models import Overzichtsmelding, UitgaandeMail
from notifications.uitgaand import beschrijf_adres
from workflows.models import Gebeurtenis, Zaak


@dataclass
class Regel:
    op: datetime
    gebeurtenis: Gebeurtenis | None
    mails: list[tuple[UitgaandeMail, str]] = field(default_factory=list)  # with whom it went to, named
    meldingen: list[tuple[Overzichtsmelding, str]] = field(default_factory=list)  # held for a daily overview


def tijdlijn(session: Session, zaak: Zaak) -> list[Regel]:
    """Events in order; each mail under the event whose result caused it (same moment: mail is written in the
    transaction of the change), a held step under its event, and mail without an event (a message) on its own."""
    namen: dict[str, str] = {}

    def wie(adres: str) -> str:
        if adres.lower() not in namen:
            namen[adres.lower()] = beschrijf_adres(session, adres)
        return namen[adres.lower()]

    regels = [Regel(g.op, g) for g in zaak.gebeurtenissen]
    laatste_op: dict[datetime, Regel] = {r.op: r for r in regels}  # the last event of each moment
    per_id = {r.gebeurtenis.id: r for r in regels}
    los: dict[datetime, Regel] = {}
    mails = session.execute(select(UitgaandeMail).where(UitgaandeMail.zaak_id == zaak.id)
                            .order_by(UitgaandeMail.id)).scalars().all()
    for m in mails:
        regel = laatste_op.get(m.aangemaakt_op) or los.setdefault(m.aangemaakt_op, Regel(m.aangemaakt_op, None))
        regel.mails.append((m, wie(m.aan)))
    meldingen = session.execute(select(Overzichtsmelding).options(joinedload(Overzichtsmelding.overzicht))
                                .where(Overzichtsmelding.zaak_id == zaak.id).order_by(Overzichtsmelding.id)
                                ).scalars().all()
    for m in meldingen:
        regel = per_id.get(m.gebeurtenis_id) or laatste_op.get(m.op) or los.setdefault(m.op, Regel(m.op, None))
        regel.meldingen.append((m, wie(m.aan)))
    volgorde = {id(r): i for i, r in enumerate(regels)}
    return sorted(regels + list(los.values()), key=lambda r: (r.op, volgorde.get(id(r), len(regels))))
