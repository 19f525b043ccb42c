"""The contactpersoon's own mail: the personal link to every open case routed to them ("Mijn zaken").

It carries the link and nothing about cases or residents; the page behind it shows the cases.
"""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.models import Contactpersoon

from .models import UitgaandeMail
from .uitgaand import MailInstellingen, render

SOORT = "mijn_zaken"
PER_DAG = 3  # "stuur mij mijn link" mails per address per day: enough for a lost mail, no mail bomb


def mijn_zaken_mail(session: Session, cp: Contactpersoon, link: str, now: datetime,
                    inst: MailInstellingen) -> UitgaandeMail | None:
    """Put the personal link in the outbox for this contactpersoon; None when today's quota is used up."""
    vandaag = session.execute(select(func.count()).select_from(UitgaandeMail).where(
        UitgaandeMail.soort == SOORT, func.lower(UitgaandeMail.aan) == cp.email.lower(),
        UitgaandeMail.aangemaakt_op > now - timedelta(days=1))).scalar_one()
    if vandaag >= PER_DAG:
        return None
    onderwerp, tekst, html = render(SOORT, {"naam": cp.naam, "dienst": cp.dienst.naam, "link": link,
                                            "gemeente": inst.gemeente})
    mail = UitgaandeMail(
        zaak_id=None, soort=SOORT, aan=cp.email, onderwerp=onderwerp, tekst=tekst, html=html,
        message_id=f"<kk.mijnzaken.{secrets.token_hex(8)}@{inst.message_id_domain}>",
        aangemaakt_op=now, volgende_poging_op=now, contactpersoon_id=cp.id)
    session.add(mail)
    session.flush()
    return mail
