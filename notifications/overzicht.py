"""The weekly digest: each wijkteammanager and each dienst hears what is open and overdue.

Sent once per ISO week and recipient: the Message-ID is derived from both, and
the outbox's unique Message-ID makes a second run that week a no-op. So the job
may run every werkdag at 08:30; the first werkdag of the week sends.
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflows.kalender import Werkdagkalender, amsterdam
from workflows.models import Dienst, Gebruiker, Rol, Zaak
from workflows.zaken import LOPEND, eerstvolgende_deadline

from .models import UitgaandeMail
from .uitgaand import LinkMaker, MailInstellingen, huidige_ontvanger, render


def _te_laat(zaak: Zaak, now: datetime) -> bool:
    deadline = eerstvolgende_deadline(zaak)
    return deadline is not None and deadline < now and zaak.status.value != "wacht_op_wijkteam"


def _verstuur(session: Session, soort: str, aan: str, ctx: dict, week: str, now: datetime,
              inst: MailInstellingen) -> bool:
    sleutel = hashlib.sha256(f"{soort}|{aan.lower()}".encode()).hexdigest()[:16]
    ctx = dict(ctx, gemeente=inst.gemeente, week=week, now=now, ontvanger_van=huidige_ontvanger,
               team_link=inst.team_link)
    onderwerp, tekst, html = render(soort, ctx)
    mail = UitgaandeMail(
        zaak_id=None, soort=soort, aan=aan, onderwerp=onderwerp[:300], tekst=tekst, html=html,
        message_id=f"<kk.{soort}.{week}.{sleutel}@{inst.message_id_domain}>", aangemaakt_op=now,
        volgende_poging_op=now)
    try:
        with session.begin_nested():
            session.add(mail)
    except IntegrityError:
        return False  # already sent this week
    return True


def weekoverzicht(session: Session, now: datetime, inst: MailInstellingen, kal: Werkdagkalender,
                  link_maker: LinkMaker | None = None) -> int:
    """Queue this week's digests that were not queued yet; returns how many. Only on werkdagen."""
    lokaal = amsterdam(now)
    if not kal.is_werkdag(lokaal.date()):
        return 0
    jaar, weeknummer, _ = lokaal.isocalendar()
    week = f"{jaar}-W{weeknummer:02d}"
    open_zaken = session.execute(select(Zaak).where(Zaak.status.in_(list(LOPEND))).order_by(Zaak.id)).scalars().all()
    aantal = 0
    per_team: dict[int, list[Zaak]] = {}
    per_dienst: dict[int, list[Zaak]] = {}
    for z in open_zaken:
        per_team.setdefault(z.wijkteam_id, []).append(z)
        per_dienst.setdefault(z.dienst_id, []).append(z)
    managers = session.execute(select(Gebruiker).where(Gebruiker.rol == Rol.WIJKTEAMMANAGER,
                                                       Gebruiker.actief.is_(True))).scalars().all()
    for m in managers:
        zaken_ = per_team.get(m.wijkteam_id, [])
        if zaken_:
            te_laat = [z for z in zaken_ if _te_laat(z, now)]
            aantal += _verstuur(session, "overzicht_team", m.email, {"ontvanger": m, "team": m.wijkteam,
                                                                      "zaken": zaken_, "te_laat": te_laat},
                                week, now, inst)
    for dienst in session.execute(select(Dienst).where(Dienst.actief.is_(True))).scalars():
        zaken_ = per_dienst.get(dienst.id, [])
        if zaken_:
            te_laat = [z for z in zaken_ if _te_laat(z, now)]
            links = {z.id: link_maker(z, dienst.mailbox) for z in zaken_} if link_maker else {}
            aantal += _verstuur(session, "overzicht_dienst", dienst.mailbox, {"dienst": dienst, "zaken": zaken_,
                                                                               "te_laat": te_laat, "links": links},
                                week, now, inst)
    return aantal
