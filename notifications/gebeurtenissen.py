"""Delivery events from the provider: status per mail, and what a hard bounce means for a contactpersoon."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflows import usecases, zaken
from workflows.models import Contactpersoon, Gebruiker, Rol, Zaak

from .models import MailEvent, MailStatus, UitgaandeMail
from .uitgaand import LinkMaker, MailInstellingen, na_resultaat

STATUS_VOOR = {"delivered": MailStatus.AFGELEVERD, "deferred": MailStatus.UITGESTELD,
               "bounce": MailStatus.GEBOUNCED, "dropped": MailStatus.GEBOUNCED}
# Later states are not overwritten by an earlier event that arrives late.
RANG = {MailStatus.VERZONDEN: 1, MailStatus.UITGESTELD: 2, MailStatus.AFGELEVERD: 3, MailStatus.GEBOUNCED: 3}


def _tekst(waarde, lengte: int) -> str:
    """An event's value as text the database can hold: no NUL (PostgreSQL refuses it), bounded in length."""
    if waarde is None:
        return ""
    try:
        tekst = waarde if isinstance(waarde, str) else json.dumps(waarde, ensure_ascii=False)
    except (ValueError, TypeError, RecursionError):
        tekst = "(onleesbare waarde)"
    tekst = tekst.replace("\x00", "")[:lengte]
    return tekst.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


def _mail_voor(session: Session, event: dict) -> UitgaandeMail | None:
    mail_id = _tekst(event.get("mail_id"), 20)
    if mail_id.isascii() and mail_id.isdecimal() and int(mail_id) < 2**31:  # "²" is a digit, 10**40 no id
        mail = session.get(UitgaandeMail, int(mail_id))
        if mail is not None:
            return mail
    sg_id = _tekst(event.get("sg_message_id"), 400).split(".")[0][:200]
    if sg_id:
        return session.execute(select(UitgaandeMail).where(UitgaandeMail.provider_id == sg_id)).scalars().first()
    return None


def _is_hard(event: dict) -> bool:
    # "blocked" bounces are temporary refusals by the receiving server; drops and other bounces are not.
    return event.get("event") == "dropped" or event.get("type", "bounce") == "bounce"


def verwerk_events(session: Session, events: list[dict], now: datetime, link_maker: LinkMaker,
                   inst: MailInstellingen) -> int:
    """Apply each event once (by sg_event_id); returns how many were new."""
    nieuw = 0
    for event in events:
        soort = _tekst(event.get("event"), 40)
        event_id = _tekst(event.get("sg_event_id"), 200)
        if not event_id or soort not in STATUS_VOOR:
            continue
        mail = _mail_voor(session, event)
        details = _tekst(event.get("reason") or event.get("response"), 2000)
        try:
            with session.begin_nested():
                session.add(MailEvent(event_id=event_id, uitgaande_mail_id=mail.id if mail else None,
                                      soort=soort, op=now, details=details))
        except IntegrityError:
            continue  # the same event delivered again
        nieuw += 1
        if mail is None:
            continue
        status = STATUS_VOOR[soort]
        if RANG.get(status, 0) >= RANG.get(mail.status, 0):
            mail.status = status
            mail.bijgewerkt_op = now
        if status == MailStatus.GEBOUNCED:
            mail.fout = details or soort
            if _is_hard(event):
                onbestelbaar(session, mail.aan, mail.fout, now, link_maker, inst)
    return nieuw


def onbestelbaar(session: Session, adres: str, reden: str, now: datetime, link_maker: LinkMaker,
                 inst: MailInstellingen) -> None:
    """Mark a contactpersoon's address undeliverable, re-route their open cases, alert the beheerders."""
    cp = session.execute(select(Contactpersoon).where(func.lower(Contactpersoon.email) == adres.lower())
                         ).scalar_one_or_none()
    if cp is None or cp.onbestelbaar_sinds is not None:
        return
    cp.onbestelbaar_sinds = now
    cp.onbestelbaar_reden = reden
    session.flush()
    open_zaken = session.execute(
        select(Zaak.id).where(Zaak.ontvanger_id == cp.id, Zaak.status.in_(list(zaken.LOPEND)))
    ).scalars().all()
    for zaak_id in open_zaken:
        resultaat = usecases.herrouteren(session, zaak_id, now, f"Mail aan {cp.met_functie} kwam niet aan.")
        if resultaat.gebeurtenissen:
            na_resultaat(session, resultaat, now, link_maker, inst)
    from .uitgaand import meld_beheerders

    meld_beheerders(session, f"E-mailadres van {cp.naam} onbestelbaar",
                    f"Mail aan {cp.email} ({cp.dienst.naam}) kwam niet aan: {reden}\n\n"
                    f"{len(open_zaken)} open zaken zijn opnieuw gerouteerd. Controleer het adres onder Beheer > "
                    f"Contactpersonen en maak de markering ongedaan als het adres weer werkt.", now, inst)
