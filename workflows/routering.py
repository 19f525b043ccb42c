"""Routing: which person at a dienst receives a case from a wijkteam, and why."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import Afwezigheid, Contactpersoon, Dienst, VasteContactpersoon


@dataclass(frozen=True)
class Routering:
    """The routing decision: a person (or none: the dienst's mailbox), the address, and the reason."""

    contactpersoon: Contactpersoon | None
    email: str
    reden: str


def afwezigheid_op(session: Session, contactpersoon_id: int, dag: date) -> Afwezigheid | None:
    """The absence covering `dag` for this person, if any."""
    return session.execute(
        select(Afwezigheid)
        .where(Afwezigheid.contactpersoon_id == contactpersoon_id, Afwezigheid.van <= dag, Afwezigheid.tot >= dag)
        .order_by(Afwezigheid.tot.desc())
        .limit(1)
    ).scalar_one_or_none()


def _periode(a: Afwezigheid) -> str:
    return f"{a.van:%d-%m-%Y} t/m {a.tot:%d-%m-%Y}"


def routeer(session: Session, wijkteam_id: int, dienst_id: int, dag: date) -> Routering:
    """Route a case from wijkteam to dienst on `dag`: vaste contactpersoon, else vervanger, else mailbox."""
    dienst = session.get(Dienst, dienst_id)
    vast = session.execute(
        select(VasteContactpersoon).where(
            VasteContactpersoon.wijkteam_id == wijkteam_id, VasteContactpersoon.dienst_id == dienst_id
        )
    ).scalar_one_or_none()
    mailbox = f"de algemene mailbox van {dienst.naam} ({dienst.mailbox})"
    if vast is None:
        return Routering(None, dienst.mailbox, f"Geen vaste contactpersoon ingesteld voor dit wijkteam; naar {mailbox}.")

    cp = vast.contactpersoon
    if not cp.actief:
        reden_vast = f"{cp.naam} (vaste contactpersoon) is niet meer actief"
    elif cp.onbestelbaar_sinds is not None:
        reden_vast = f"het e-mailadres van {cp.naam} (vaste contactpersoon) is onbestelbaar"
    else:
        afwezig = afwezigheid_op(session, cp.id, dag)
        if afwezig is None:
            return Routering(cp, cp.email, f"{cp.naam} is de vaste contactpersoon voor dit wijkteam.")
        reden_vast = f"{cp.naam} (vaste contactpersoon) is afwezig van {_periode(afwezig)}"

    vervanger = vast.vervanger
    if vervanger is None:
        return Routering(None, dienst.mailbox, f"{reden_vast} en heeft geen vervanger; naar {mailbox}.")
    if not vervanger.bereikbaar:
        return Routering(None, dienst.mailbox,
                         f"{reden_vast}; vervanger {vervanger.naam} is niet actief of onbestelbaar; naar {mailbox}.")
    afwezig_v = afwezigheid_op(session, vervanger.id, dag)
    if afwezig_v is not None:
        return Routering(None, dienst.mailbox,
                         f"{reden_vast}; vervanger {vervanger.naam} is ook afwezig ({_periode(afwezig_v)}); naar {mailbox}.")
    return Routering(vervanger, vervanger.email, f"{reden_vast}; naar vervanger {vervanger.naam}.")


# ---------------------------------------------------------------- routing a case


def pas_route_toe(zaak, contactpersoon: Contactpersoon | None, email: str, reden: str) -> bool:
    """Give the case a recipient; True when the recipient changed.

    A new recipient revokes every link handed out so far: whoever had the case before cannot act
    on it through an old link once it lies with someone else (the new mail carries a new link).
    """
    veranderd = (email or "").lower() != (zaak.ontvanger_email or "").lower()
    zaak.ontvanger_id = contactpersoon.id if contactpersoon else None
    zaak.ontvanger = contactpersoon  # the relationship too: mail composed in this transaction names the new one
    zaak.ontvanger_email = email
    zaak.routering_reden = reden
    if veranderd and zaak.ontvanger_email is not None:
        zaak.link_versie = (zaak.link_versie or 1) + 1
    return veranderd


def vervanger_van(session: Session, zaak, contactpersoon_id: int | None, dag: date) -> Contactpersoon | None:
    """The reachable vervanger when `contactpersoon_id` is the case's vaste contactpersoon; None otherwise."""
    vast = session.execute(select(VasteContactpersoon).where(
        VasteContactpersoon.wijkteam_id == zaak.wijkteam_id, VasteContactpersoon.dienst_id == zaak.dienst_id)
    ).scalar_one_or_none()
    if vast is None or vast.contactpersoon_id != contactpersoon_id or vast.vervanger is None:
        return None
    v = vast.vervanger
    if not v.bereikbaar or afwezigheid_op(session, v.id, dag) is not None:
        return None
    return v
