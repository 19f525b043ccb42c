"""Recording what happened to a case: the event log and the thread. Used by every use case."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from .models import Bericht, Gebeurtenis, Status, Zaak
from .overgangen import Actor


def gebeurtenis(session: Session, zaak: Zaak, actor: Actor, actie: str, van: Status | None, naar: Status | None,
                toelichting: str, now: datetime, betreft: str | None = None) -> Gebeurtenis:
    """An event with who, when and why (DOMAIN.md "Escalatie": every change is an event)."""
    g = Gebeurtenis(zaak_id=zaak.id, op=now, actie=str(getattr(actie, "value", actie)), van_status=van,
                    naar_status=naar, actor_soort=actor.soort, actor_gebruiker_id=actor.gebruiker_id,
                    actor_contactpersoon_id=actor.contactpersoon_id, actor_label=actor.label,
                    toelichting=toelichting, betreft=betreft)
    session.add(g)
    session.flush()
    return g


def bericht(session: Session, zaak: Zaak, actor: Actor, tekst: str, now: datetime, *, van_wijkteam: bool,
            kanaal: str = "web") -> Bericht:
    """A message in the case's thread, whatever channel it came by."""
    b = Bericht(zaak_id=zaak.id, op=now, van_wijkteam=van_wijkteam, afzender=actor.label, kanaal=kanaal, tekst=tekst)
    session.add(b)
    session.flush()
    return b
