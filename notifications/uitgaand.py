"""Which mails a change of a case causes, composed and written to the outbox in the same transaction.

Mail leaves the municipality: it carries the case number, team, dienst,
deadline, what is needed and the signed link, never the cliëntreferentie or
anything else that identifies the resident (DOMAIN.md "Privacy").
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.kalender import amsterdam
from workflows.models import Bericht, Gebeurtenis, Gebruiker, LadderTrede, Rol, Zaak

from .models import ReplyAdres, UitgaandeMail

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

DAGEN = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
MAANDEN = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"]


def _datumtijd(dt: datetime | None) -> str:
    if dt is None:
        return "—"
    d = amsterdam(dt)
    return f"{DAGEN[d.weekday()]} {d.day} {MAANDEN[d.month - 1]} {d.year} {d:%H:%M}"


_env.filters["datumtijd"] = _datumtijd

LinkMaker = Callable[[Zaak, str], str]


@dataclass(frozen=True)
class MailInstellingen:
    """What composing needs from configuration."""

    inbound_localpart: str = "zaak"
    inbound_domain: str = "reply.localhost"
    message_id_domain: str = "knipkaart.localhost"
    gemeente: str = "Gemeente"


def reply_adres(session: Session, zaak: Zaak, ontvanger: str, inst: MailInstellingen, *,
                van_wijkteam: bool = False) -> str:
    """A fresh, unguessable reply address bound to this case and recipient."""
    token = secrets.token_hex(10)  # 80 bits, lower case: mail systems may fold the local part's case
    session.add(ReplyAdres(token=token, zaak_id=zaak.id, ontvanger=ontvanger.lower(), van_wijkteam=van_wijkteam))
    return f"{inst.inbound_localpart}+{token}@{inst.inbound_domain}"


def _eerste_message_id(session: Session, zaak: Zaak) -> str | None:
    return session.execute(
        select(UitgaandeMail.message_id).where(UitgaandeMail.zaak_id == zaak.id).order_by(UitgaandeMail.id).limit(1)
    ).scalar_one_or_none()


def _team_adressen(session: Session, zaak: Zaak) -> list[str]:
    """The team's managers and the colleague who drafted the case."""
    managers = session.execute(
        select(Gebruiker.email).where(Gebruiker.wijkteam_id == zaak.wijkteam_id, Gebruiker.actief.is_(True),
                                      Gebruiker.rol == Rol.WIJKTEAMMANAGER)
    ).scalars().all()
    adressen = list(dict.fromkeys([*managers, zaak.aangemaakt_door.email]))
    return [a for a in adressen if a]


def _dienst_manager(session: Session, zaak: Zaak) -> str | None:
    trede = session.execute(
        select(LadderTrede).where(LadderTrede.dienst_id == zaak.dienst_id, LadderTrede.niveau == 2)
    ).scalar_one_or_none()
    return trede.contactpersoon.email if trede and trede.contactpersoon.actief else None


def _nieuwe_mail(session: Session, zaak: Zaak, soort: str, aan: str, context: dict, now: datetime,
                 inst: MailInstellingen, *, link: str | None, reply_naar_team: bool,
                 niet_voor: datetime | None = None) -> UitgaandeMail:
    reply_to = reply_adres(session, zaak, aan, inst, van_wijkteam=reply_naar_team)
    eerste = _eerste_message_id(session, zaak)
    message_id = f"<kk.{zaak.id}.{secrets.token_hex(8)}@{inst.message_id_domain}>"
    ctx = dict(context, zaak=zaak, link=link, gemeente=inst.gemeente, voor_team=reply_naar_team)
    onderwerp = _env.get_template(f"{soort}.onderwerp.txt").render(ctx).strip()
    mail = UitgaandeMail(
        zaak_id=zaak.id, soort=soort, aan=aan, onderwerp=onderwerp,
        tekst=_env.get_template(f"{soort}.txt").render(ctx),
        html=_env.get_template(f"{soort}.html").render(ctx),
        message_id=message_id, in_reply_to=eerste, references=eerste, reply_to=reply_to,
        aangemaakt_op=now, volgende_poging_op=niet_voor or now,
        contactpersoon_id=zaak.ontvanger_id if aan == zaak.ontvanger_email else None,
    )
    session.add(mail)
    session.flush()
    return mail


# Which transitions mail whom: to the dienst ("dienst") or to the team ("team").
NAAR_DIENST = {"versturen": "zaak_nieuw", "herrouteerd": "zaak_nieuw", "doorsturen_lmw": "zaak_nieuw",
               "beantwoorden": "antwoord", "intrekken": "ingetrokken"}
# Deadline steps: to the address the step concerned (Gebeurtenis.betreft), and the team where it matters.
TERMIJNMAILS = {"herinnering": ("herinnering", False), "termijn_verlopen": ("verlopen", True),
                "opgeschaald": ("opgeschaald", False), "ladder_uitgeput": ("uitgeput", True)}
NAAR_TEAM = {"vraag": "vraag", "toegekend": "besluit", "afgewezen": "besluit", "anders_opgelost": "besluit",
             "uitgevoerd": "besluit", "regulier": "besluit", "bezwaar": "besluit"}


def na_gebeurtenis(session: Session, gebeurtenis: Gebeurtenis, now: datetime, link_maker: LinkMaker,
                   inst: MailInstellingen, *, niet_voor: datetime | None = None) -> list[UitgaandeMail]:
    """Queue the mails a transition or deadline step causes; the caller commits them with the change.

    `niet_voor` holds deadline mail back until office hours.
    """
    zaak = gebeurtenis.zaak
    mails: list[UitgaandeMail] = []
    ctx = {"gebeurtenis": gebeurtenis, "geschiedenis": zaak.gebeurtenissen}
    if gebeurtenis.actie in TERMIJNMAILS:
        soort, ook_team = TERMIJNMAILS[gebeurtenis.actie]
        if gebeurtenis.betreft:
            mails.append(_nieuwe_mail(session, zaak, soort, gebeurtenis.betreft, ctx, now, inst,
                                      link=link_maker(zaak, gebeurtenis.betreft), reply_naar_team=False,
                                      niet_voor=niet_voor))
        if ook_team:
            for adres in _team_adressen(session, zaak):
                mails.append(_nieuwe_mail(session, zaak, f"team_{soort}", adres, ctx, now, inst, link=None,
                                          reply_naar_team=True, niet_voor=niet_voor))
        return mails
    if gebeurtenis.actie in NAAR_DIENST and zaak.ontvanger_email:
        soort = NAAR_DIENST[gebeurtenis.actie]
        mails.append(_nieuwe_mail(session, zaak, soort, zaak.ontvanger_email, ctx, now, inst,
                                  link=link_maker(zaak, zaak.ontvanger_email), reply_naar_team=False))
    if gebeurtenis.actie in NAAR_TEAM:
        for adres in _team_adressen(session, zaak):
            mails.append(_nieuwe_mail(session, zaak, NAAR_TEAM[gebeurtenis.actie], adres, ctx, now, inst,
                                      link=None, reply_naar_team=True))
    if gebeurtenis.actie == "bezwaar":
        manager = _dienst_manager(session, zaak)
        if manager:
            mails.append(_nieuwe_mail(session, zaak, "bezwaar_manager", manager, ctx, now, inst,
                                      link=link_maker(zaak, manager), reply_naar_team=False))
    return mails


def na_bericht(session: Session, bericht: Bericht, now: datetime, link_maker: LinkMaker,
               inst: MailInstellingen) -> list[UitgaandeMail]:
    """A message in the thread reaches the other side by mail."""
    zaak = bericht.zaak
    ctx = {"bericht": bericht}
    if bericht.van_wijkteam:
        if not zaak.ontvanger_email:
            return []
        return [_nieuwe_mail(session, zaak, "bericht", zaak.ontvanger_email, ctx, now, inst,
                             link=link_maker(zaak, zaak.ontvanger_email), reply_naar_team=False)]
    return [_nieuwe_mail(session, zaak, "bericht", adres, ctx, now, inst, link=None, reply_naar_team=True)
            for adres in _team_adressen(session, zaak)]


def meld_beheerders(session: Session, onderwerp: str, tekst: str, now: datetime, inst: MailInstellingen) -> None:
    """A plain alert to every active beheerder (delivery problems, quarantine)."""
    adressen = session.execute(
        select(Gebruiker.email).where(Gebruiker.rol == Rol.BEHEERDER, Gebruiker.actief.is_(True))
    ).scalars().all()
    for adres in adressen:
        session.add(UitgaandeMail(
            zaak_id=None, soort="beheer", aan=adres, onderwerp=f"[Knipkaart] {onderwerp}", tekst=tekst,
            html=_env.from_string("<p style=\"white-space:pre-wrap\">{{ t }}</p>").render(t=tekst),
            message_id=f"<kk.beheer.{secrets.token_hex(8)}@{inst.message_id_domain}>", aangemaakt_op=now,
            volgende_poging_op=now))
    session.flush()
