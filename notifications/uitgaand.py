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
from workflows.overgangen import Actie, Voorval

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


# Which actions and events mail whom. Keyed by the same enums as the state machine (workflows/overgangen.py).
NAAR_DIENST = {Actie.VERSTUREN: "zaak_nieuw", Voorval.HERROUTEERD: "zaak_nieuw", Actie.DOORSTUREN_LMW: "zaak_nieuw",
               Actie.BEANTWOORDEN: "antwoord", Actie.INTREKKEN: "ingetrokken", Voorval.BIJLAGE_TOEGEVOEGD: "bijlage"}
# Deadline steps: to the address the step concerned (Gebeurtenis.betreft), and the team where it matters.
TERMIJNMAILS = {Voorval.HERINNERING: ("herinnering", False), Voorval.TERMIJN_VERLOPEN: ("verlopen", True),
                Voorval.OPGESCHAALD: ("opgeschaald", False), Voorval.LADDER_UITGEPUT: ("uitgeput", True)}
NAAR_TEAM = {Actie.VRAAG: "vraag", Actie.TOEGEKEND: "besluit", Actie.AFGEWEZEN: "besluit",
             Actie.ANDERS_OPGELOST: "besluit", Actie.UITGEVOERD: "besluit", Actie.REGULIER: "besluit",
             Actie.BEZWAAR: "besluit", Voorval.TEAM_HERINNERD: "team_wacht"}
# Per step a recipient gets one mail: the one that says the most (DOMAIN.md "Deadlines").
# A new recipient first of all needs the case itself.
RANG = {"zaak_nieuw": 10, "uitgeput": 9, "team_uitgeput": 9, "opgeschaald": 8, "besluit": 7, "vraag": 7,
        "antwoord": 7, "ingetrokken": 7, "verlopen": 5, "team_verlopen": 5, "herinnering": 3, "team_wacht": 3,
        "bericht": 1, "bijlage": 1}


@dataclass
class _Voorstel:
    soort: str
    aan: str
    ctx: dict
    link: bool
    reply_naar_team: bool


def _voorstellen(session: Session, gebeurtenis: Gebeurtenis) -> list[_Voorstel]:
    zaak = gebeurtenis.zaak
    ctx = {"gebeurtenis": gebeurtenis, "geschiedenis": zaak.gebeurtenissen}
    uit: list[_Voorstel] = []
    actie = gebeurtenis.actie
    if actie in TERMIJNMAILS:
        soort, ook_team = TERMIJNMAILS[actie]
        if gebeurtenis.betreft:
            uit.append(_Voorstel(soort, gebeurtenis.betreft, ctx, True, False))
        if ook_team:
            uit += [_Voorstel(f"team_{soort}", a, ctx, False, True) for a in _team_adressen(session, zaak)]
        return uit
    if actie in NAAR_DIENST and zaak.ontvanger_email:
        uit.append(_Voorstel(NAAR_DIENST[actie], zaak.ontvanger_email, ctx, True, False))
    if actie in NAAR_TEAM:
        if actie == Voorval.TEAM_HERINNERD:
            ctx = dict(ctx, vraag=next((g for g in reversed(zaak.gebeurtenissen) if g.actie == Actie.VRAAG), None))
        uit += [_Voorstel(NAAR_TEAM[actie], a, ctx, False, True) for a in _team_adressen(session, zaak)]
    if actie == Actie.BEZWAAR:
        manager = _dienst_manager(session, zaak)
        if manager:
            uit.append(_Voorstel("bezwaar_manager", manager, ctx, True, False))
    return uit


def _bericht_voorstellen(session: Session, bericht: Bericht) -> list[_Voorstel]:
    zaak = bericht.zaak
    ctx = {"bericht": bericht}
    if bericht.van_wijkteam:
        return [_Voorstel("bericht", zaak.ontvanger_email, ctx, True, False)] if zaak.ontvanger_email else []
    return [_Voorstel("bericht", a, ctx, False, True) for a in _team_adressen(session, zaak)]


def na_resultaat(session: Session, resultaat, now: datetime, link_maker: LinkMaker, inst: MailInstellingen, *,
                 niet_voor: datetime | None = None) -> list[UitgaandeMail]:
    """Queue the mails a use case's result causes (workflows.usecases.Resultaat); the caller commits them
    with the change. Each recipient gets at most one mail per result: the one that says the most.

    `niet_voor` holds deadline mail back until office hours.
    """
    voorstellen: list[_Voorstel] = []
    for g in resultaat.gebeurtenissen:
        voorstellen += _voorstellen(session, g)
    for b in resultaat.berichten:
        voorstellen += _bericht_voorstellen(session, b)
    gekozen: dict[str, _Voorstel] = {}
    for v in voorstellen:
        sleutel = v.aan.lower()
        if sleutel not in gekozen or RANG.get(v.soort, 0) > RANG.get(gekozen[sleutel].soort, 0):
            gekozen[sleutel] = v
    zaak = resultaat.zaak
    return [_nieuwe_mail(session, zaak, v.soort, v.aan, v.ctx, now, inst,
                         link=link_maker(zaak, v.aan) if v.link else None, reply_naar_team=v.reply_naar_team,
                         niet_voor=niet_voor)
            for v in gekozen.values()]


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
