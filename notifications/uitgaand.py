"""Which mails a change of a case causes, composed and written to the outbox in the same transaction.

The mail budget (DOMAIN.md "Deadlines"):

- per case and recipient at most one mail per step: of everything one result proposes to an address, the
  mail that says the most (`RANG`);
- deadline steps for a person on a dienst's ladder above the contactpersoon (teamleider, manager,
  maatwerkfunctionaris), and the team's step notices for a team member who chose the daily overview, are
  not mailed one by one: they are held as an `Overzichtsmelding` for that person's daily overview
  (notifications/dagoverzicht.py). Questions, answers, decisions and messages always go at once.

Mail is written for people: names with function and dienst, never a bare address where a name exists;
a mail to the dienst says what is needed, by when, whom to call at the team, and what each reply keyword
does; a team mail links to the case; nothing is said that no longer holds (no deadline after a decision,
no keywords when nothing can be answered).

Mail leaves the municipality: it carries the case number, team, dienst, deadline, what is needed and the
signed link, never the cliëntreferentie or anything else that identifies the resident (DOMAIN.md "Privacy").
"""
from __future__ import annotations

import re
import secrets
import textwrap
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Callable

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from workflows.bewaking import bovenste_trede, volgende_trede
from workflows.kalender import amsterdam
from workflows.models import (
    ActorSoort,
    Bericht,
    Contactpersoon,
    Dienst,
    Gebeurtenis,
    Gebruiker,
    LadderTrede,
    MailVoorkeur,
    Rol,
    Status,
    VasteContactpersoon,
    Zaak,
)
from workflows.overgangen import (
    EINDSTATUSSEN,
    LOPEND,
    OPEN_BIJ_DIENST,
    OVERGANGEN,
    TREFWOORDEN,
    Actie,
    Voorval,
    gebeurtenis_label,
)
from workflows.zaken import team_contacten

from .models import Overzichtsmelding, ReplyAdres, UitgaandeMail

TEMPLATES = Path(__file__).resolve().parent.parent / "templates" / "email"
_env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                   trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)

DAGEN = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]
MAANDEN = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"]
BREEDTE = 72  # plain-text lines: what every mail client shows without wrapping them itself


def _datumtijd(dt: datetime | None) -> str:
    if dt is None:
        return "—"
    d = amsterdam(dt)
    return f"{DAGEN[d.weekday()]} {d.day} {MAANDEN[d.month - 1]} {d.year} {d:%H:%M}"


def _datum(dt) -> str:
    d = amsterdam(dt) if isinstance(dt, datetime) else dt
    return f"{DAGEN[d.weekday()]} {d.day} {MAANDEN[d.month - 1]}"


def _alinea(tekst: str | None, inspringen: int = 0, eerste: str = "") -> str:
    """Plain text as readable lines: each paragraph wrapped at BREEDTE, never breaking a word or a link.

    `eerste` starts the first line ("- " for a list item); later lines are indented to match.
    """
    regels: list[str] = []
    voor = " " * inspringen + eerste
    rest = " " * (inspringen + len(eerste))
    for i, alinea in enumerate((tekst or "").strip().split("\n")):
        alinea = " ".join(alinea.split())
        if not alinea:
            regels.append("")
            continue
        regels += textwrap.wrap(alinea, BREEDTE, initial_indent=voor if i == 0 else rest, subsequent_indent=rest,
                                break_long_words=False, break_on_hyphens=False)
    return "\n".join(regels)


def _telefoonlink(nummer: str) -> str:
    return "tel:" + re.sub(r"[^\d+]", "", nummer or "")


_env.filters["datumtijd"] = _datumtijd
_env.filters["datum"] = _datum
_env.filters["alinea"] = _alinea
_env.filters["telefoonlink"] = _telefoonlink
_env.filters["gebeurtenis_label"] = gebeurtenis_label

LinkMaker = Callable[[Zaak, str], str]


def _standaard_team_link(zaak: Zaak) -> str:
    return f"http://127.0.0.1:5000/zaken/{zaak.id}"


@dataclass(frozen=True)
class MailInstellingen:
    """What composing needs from configuration (app/mail.py builds it from the app's)."""

    inbound_localpart: str = "zaak"
    inbound_domain: str = "reply.localhost"
    message_id_domain: str = "knipkaart.localhost"
    gemeente: str = "Gemeente"
    # The team's case page, and the page where a team member chooses direct mail or the daily overview.
    team_link: Callable[[Zaak], str] = field(default=_standaard_team_link)
    mailinstellingen_link: str = "http://127.0.0.1:5000/wijkteam/mail"


def reply_adres(session: Session, zaak: Zaak, ontvanger: str, inst: MailInstellingen, *,
                van_wijkteam: bool = False) -> str:
    """A fresh, unguessable reply address bound to this case and recipient."""
    token = secrets.token_hex(10)  # 80 bits, lower case: mail systems may fold the local part's case
    session.add(ReplyAdres(token=token, zaak_id=zaak.id, ontvanger=ontvanger.lower(), van_wijkteam=van_wijkteam))
    return f"{inst.inbound_localpart}+{token}@{inst.inbound_domain}"


def _eerste_message_id(session: Session, zaak: Zaak) -> str | None:
    # The team's own notice about the concept is not the thread the dienst gets (it never saw that mail).
    return session.execute(
        select(UitgaandeMail.message_id).where(UitgaandeMail.zaak_id == zaak.id, UitgaandeMail.soort != CONCEPT_KLAAR)
        .order_by(UitgaandeMail.id).limit(1)
    ).scalar_one_or_none()


def _team_adressen(session: Session, zaak: Zaak) -> list[str]:
    """The team's managers and the colleague who drafted the case (while still in the case's team: a case
    handed over to another team no longer mails the team that handed it over)."""
    managers = session.execute(
        select(Gebruiker.email).where(Gebruiker.wijkteam_id == zaak.wijkteam_id, Gebruiker.actief.is_(True),
                                      Gebruiker.rol == Rol.WIJKTEAMMANAGER)
    ).scalars().all()
    maker = zaak.aangemaakt_door
    adressen = list(dict.fromkeys([*managers, maker.email if maker.wijkteam_id == zaak.wijkteam_id else ""]))
    return [a for a in adressen if a]


def _dienst_manager(session: Session, zaak: Zaak) -> str | None:
    trede = session.execute(
        select(LadderTrede).where(LadderTrede.dienst_id == zaak.dienst_id, LadderTrede.niveau == 2)
    ).scalar_one_or_none()
    return trede.contactpersoon.email if trede and trede.contactpersoon.actief else None


# ---------------------------------------------------------------- people as mail names them


def contactpersoon_bij(session: Session, adres: str | None) -> Contactpersoon | None:
    if not adres:
        return None
    return session.execute(select(Contactpersoon).where(func.lower(Contactpersoon.email) == adres.lower())
                           ).scalars().first()


def gebruiker_bij(session: Session, adres: str | None) -> Gebruiker | None:
    if not adres:
        return None
    return session.execute(select(Gebruiker).where(func.lower(Gebruiker.email) == adres.lower())).scalars().first()


def beschrijf_adres(session: Session, adres: str | None, zaak: Zaak | None = None) -> str:
    """Who is behind an address, as mail and the timeline name them: a person with function and dienst or
    team, a dienst's general mailbox by its dienst; the bare address only when nobody is known by it."""
    cp = contactpersoon_bij(session, adres)
    if cp is not None:
        return cp.met_functie
    g = gebruiker_bij(session, adres)
    if g is not None:
        return g.met_functie
    if adres:
        dienst = session.execute(select(Dienst).where(func.lower(Dienst.mailbox) == adres.lower())
                                 ).scalars().first()
        if dienst is not None:
            return f"de algemene mailbox van {dienst.naam}"
    return adres or "niemand"


def huidige_ontvanger(zaak: Zaak) -> str:
    """Where the case lies now: a person with function and dienst, or the dienst's mailbox."""
    if zaak.ontvanger is not None:
        return zaak.ontvanger.met_functie
    return f"de algemene mailbox van {zaak.dienst.naam}" if zaak.ontvanger_email else zaak.dienst.naam


_ADRES = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


def met_namen(session: Session, tekst: str | None) -> str:
    """A stored text (an event's explanation) with every address of a known person or mailbox replaced by
    whom it belongs to.

    Event texts written before names were used, and a few still written elsewhere, carry addresses; mail
    shows the person instead: "Sanne Vos (wi@...)" and a bare "wi@..." both become "Sanne Vos (contactpersoon,
    Werk & Inkomen)"; "Wmo (wmo-loket@...)" becomes "Wmo (algemene mailbox)".
    """
    tekst = tekst or ""
    for adres in sorted(set(_ADRES.findall(tekst)), key=len, reverse=True):
        persoon = contactpersoon_bij(session, adres) or gebruiker_bij(session, adres)
        if persoon is not None:
            wie = persoon.met_functie
            tekst = re.sub(re.escape(persoon.naam) + r"\s*\(\s*" + re.escape(adres) + r"\s*\)", wie, tekst)
            tekst = tekst.replace(adres, wie)
            continue
        dienst = session.execute(select(Dienst).where(func.lower(Dienst.mailbox) == adres.lower())).scalars().first()
        if dienst is not None:
            postbus = f"de algemene mailbox van {dienst.naam}"
            tekst = re.sub(re.escape(postbus) + r"\s*\(\s*" + re.escape(adres) + r"\s*\)", postbus, tekst)
            tekst = re.sub(re.escape(dienst.naam) + r"\s*\(\s*" + re.escape(adres) + r"\s*\)",
                           f"{dienst.naam} (algemene mailbox)", tekst)
            tekst = tekst.replace(adres, postbus)
    return tekst


def wie_deed(session: Session, g: Gebeurtenis) -> str:
    """Who made an event, with function and dienst or team; "" for the system's own steps."""
    if g.actor_soort == ActorSoort.SYSTEEM:
        return ""
    if g.actor_contactpersoon_id:
        cp = session.get(Contactpersoon, g.actor_contactpersoon_id)
        if cp is not None:
            return cp.met_functie
    if g.actor_gebruiker_id:
        gebruiker = session.get(Gebruiker, g.actor_gebruiker_id)
        if gebruiker is not None:
            return gebruiker.met_functie
    return met_namen(session, g.actor_label)


def trefwoorden(zaak: Zaak) -> list[tuple[str, str]]:
    """The reply keywords that do something on this case now, each with what it does (Overgang.uitleg)."""
    uit = []
    for woord, actie in TREFWOORDEN.items():
        o = OVERGANGEN[actie]
        if zaak.status in o.van and zaak.soort in o.soorten:
            uit.append((woord, o.uitleg))
    return uit


def termijnen_nu(zaak: Zaak, now: datetime | None = None) -> list[tuple[str, datetime]]:
    """The deadlines that still hold, as a mail states them: none after a decision, none while waiting, and
    (given `now`) none that has passed: a term that ran out at the last rung is not a deadline any more."""
    if zaak.status not in OPEN_BIJ_DIENST:
        return []
    uit = []
    if zaak.ontvangen_op is None and zaak.reactie_deadline is not None:
        uit.append(("Reageren vóór", zaak.reactie_deadline))
    if zaak.opgelost_op is None and zaak.oplos_deadline is not None:
        uit.append(("Oplossen vóór", zaak.oplos_deadline))
    return [(naam, moment) for naam, moment in uit if now is None or moment > now]


# ---------------------------------------------------------------- composing


def _team_antwoord(zaak: Zaak) -> str:
    """What a reply to a team mail does, or "" when a reply can do nothing any more."""
    if zaak.status in EINDSTATUSSEN or zaak.status == Status.CONCEPT or not zaak.ontvanger_email:
        return ""
    wie = huidige_ontvanger(zaak)
    if zaak.status == Status.WACHT_OP_WIJKTEAM:
        return (f"Antwoord op deze e-mail om de vraag te beantwoorden: uw tekst gaat naar {wie} en de "
                "oplostermijn loopt weer.")
    return f"Antwoord op deze e-mail om {wie} een bericht te sturen; het komt bij de zaak."


def context(session: Session, zaak: Zaak, soort: str, aan: str, extra: dict, inst: MailInstellingen, *,
            link: str | None, voor_team: bool, now: datetime | None = None) -> dict:
    """Everything a case mail's templates read, for one recipient (also used by /dev/mails)."""
    cp = None if voor_team else contactpersoon_bij(session, aan)
    gebruiker = gebruiker_bij(session, aan) if voor_team else None
    naam = cp.naam if cp else gebruiker.naam if gebruiker else None
    geschiedenis = [{"op": g.op, "wat": gebeurtenis_label(g.actie), "wie": wie_deed(session, g),
                     "toelichting": met_namen(session, g.toelichting)} for g in zaak.gebeurtenissen]
    gebeurtenis = extra.get("gebeurtenis")
    return dict(
        extra, zaak=zaak, soort=soort, gemeente=inst.gemeente, voor_team=voor_team, voor_dienst=not voor_team,
        link=link, team_link=inst.team_link(zaak) if voor_team else None,
        mailinstellingen_link=inst.mailinstellingen_link,
        aanhef=f"Beste {naam}," if naam else "Goedendag,",
        lopend=zaak.status in LOPEND, termijnen=termijnen_nu(zaak, now),
        wacht_op_team=zaak.status == Status.WACHT_OP_WIJKTEAM,
        trefwoorden=[] if voor_team else trefwoorden(zaak),
        team_contacten=[] if voor_team else team_contacten(session, zaak),
        team_antwoord=_team_antwoord(zaak) if voor_team else "",
        ontvanger_nu=huidige_ontvanger(zaak), geschiedenis=geschiedenis,
        wie=wie_deed(session, gebeurtenis) if gebeurtenis is not None else "",
        toelichting=met_namen(session, gebeurtenis.toelichting) if gebeurtenis is not None else "",
        stap_instelbaar=soort in STAPMELDINGEN_TEAM,
        bij_u=aan.lower() == (zaak.ontvanger_email or "").lower(),
        volgende=_volgende(session, zaak), top=_top(session, zaak) if soort == "team_uitgeput" else None,
        afzender=_afzender(session, zaak, extra.get("bericht")),
        vraag_tekst=met_namen(session, extra["vraag"].toelichting) if extra.get("vraag") is not None else "",
        gezamenlijk=None if voor_team else _gezamenlijk(session, zaak),
    )


def _gezamenlijk(session: Session, zaak: Zaak) -> dict | None:
    """For a dienst's mail about a part of a joint case: which other diensten are asked, who took it on."""
    from workflows.gezamenlijk import voor_mail

    return voor_mail(session, zaak)


def _afzender(session: Session, zaak: Zaak, bericht: Bericht | None) -> str:
    if bericht is None:
        return ""
    if bericht.van_wijkteam:
        return f"{bericht.afzender} (wijkteam {zaak.wijkteam.naam})"
    # A message keeps its writer as a label ("Sanne Vos (Werk & Inkomen)"): the person it names, with function.
    cp = session.execute(select(Contactpersoon).where(Contactpersoon.naam == bericht.afzender.split(" (")[0],
                                                      Contactpersoon.dienst_id == zaak.dienst_id)).scalars().first()
    return cp.met_functie if cp is not None else met_namen(session, bericht.afzender)


def _volgende(session: Session, zaak: Zaak) -> str | None:
    """Who gets the case when the running term passes: the next rung, named."""
    trede = volgende_trede(session, zaak) if zaak.status in OPEN_BIJ_DIENST else None
    return trede.contactpersoon.met_functie if trede is not None else None


def _top(session: Session, zaak: Zaak) -> Contactpersoon | None:
    trede = bovenste_trede(session, zaak)
    return trede.contactpersoon if trede is not None else None


def render(soort: str, ctx: dict) -> tuple[str, str, str]:
    """(subject, text, html) of a mail kind in a context.

    A kind's `.onderwerp.txt` says the one thing that changed; about a case, the subject leads with the case
    number ("ES-2026-0012: termijn verlopen, ..."), and the mail's heading says the same thing.
    """
    kop = " ".join(_env.get_template(f"{soort}.onderwerp.txt").render(ctx).split())
    zaak = ctx.get("zaak")
    onderwerp = f"{zaak.nummer}: {kop}" if zaak is not None and zaak.nummer else kop
    ctx = dict(ctx, onderwerp=onderwerp, kop=kop[:1].upper() + kop[1:])
    return onderwerp, _env.get_template(f"{soort}.txt").render(ctx), _env.get_template(f"{soort}.html").render(ctx)


def _nieuwe_mail(session: Session, zaak: Zaak, soort: str, aan: str, extra: dict, now: datetime,
                 inst: MailInstellingen, *, link: str | None, reply_naar_team: bool,
                 niet_voor: datetime | None = None, antwoord: bool = True) -> UitgaandeMail:
    reply_to = reply_adres(session, zaak, aan, inst, van_wijkteam=reply_naar_team) if antwoord else None
    eerste = _eerste_message_id(session, zaak)
    message_id = f"<kk.{zaak.id}.{secrets.token_hex(8)}@{inst.message_id_domain}>"
    onderwerp, tekst, html = render(soort, context(session, zaak, soort, aan, extra, inst, link=link,
                                                   voor_team=reply_naar_team, now=now))
    mail = UitgaandeMail(
        zaak_id=zaak.id, soort=soort, aan=aan, onderwerp=onderwerp[:300], tekst=tekst, html=html,
        message_id=message_id, in_reply_to=eerste, references=eerste, reply_to=reply_to,
        aangemaakt_op=now, volgende_poging_op=niet_voor or now,
        contactpersoon_id=zaak.ontvanger_id if aan == zaak.ontvanger_email else None,
    )
    session.add(mail)
    session.flush()
    return mail


# Which actions and events mail whom. Keyed by the same enums as the state machine (workflows/overgangen.py).
NAAR_DIENST = {Actie.VERSTUREN: "zaak_nieuw", Voorval.HERROUTEERD: "zaak_nieuw", Actie.DOORSTUREN_LMW: "zaak_nieuw",
               Actie.HEROPENEN: "zaak_nieuw", Actie.BEANTWOORDEN: "antwoord", Actie.INTREKKEN: "ingetrokken",
               Voorval.BIJLAGE_TOEGEVOEGD: "bijlage", Voorval.OVERBRUGD: "overbrugging"}
# Deadline steps: to the address the step concerned (Gebeurtenis.betreft), and the team where it matters.
TERMIJNMAILS = {Voorval.HERINNERING: ("herinnering", False), Voorval.TERMIJN_VERLOPEN: ("verlopen", True),
                Voorval.OPGESCHAALD: ("opgeschaald", False), Voorval.LADDER_UITGEPUT: ("uitgeput", True)}
NAAR_TEAM = {Actie.VRAAG: "vraag", Actie.TOEGEKEND: "besluit", Actie.AFGEWEZEN: "besluit",
             Actie.ANDERS_OPGELOST: "besluit", Actie.UITGEVOERD: "besluit", Actie.REGULIER: "besluit",
             Actie.BEZWAAR: "besluit", Voorval.TEAM_HERINNERD: "team_wacht",
             Actie.ADVISEREN: "advies", Actie.ADVISEREN_DELEN: "advies"}
# An adviesvraag is new to the expert in a mail of its own (what is asked, that it is not binding, how to share).
ADVIESMAILS = {"zaak_nieuw": "adviesvraag"}
# Per step a recipient gets one mail: the one that says the most (DOMAIN.md "Deadlines").
# A new recipient first of all needs the case itself.
RANG = {"zaak_nieuw": 10, "concept_klaar": 6, "uitgeput": 9, "team_uitgeput": 9, "opgeschaald": 8, "besluit": 7, "vraag": 7,
        "antwoord": 7, "ingetrokken": 7, "bezwaar_manager": 7, "verlopen": 5, "team_verlopen": 5,
        "herinnering": 3, "team_wacht": 3, "bericht": 1, "bijlage": 1, "adviesvraag": 10, "advies": 7, "overbrugging": 7}
# Step notices that wait for the daily overview of whom they are held for (see the module's docstring); a
# colleague's new concept is told to the managers the same way.
STAPMELDINGEN_DIENST = frozenset({"herinnering", "verlopen", "opgeschaald", "uitgeput"})
STAPMELDINGEN_TEAM = frozenset({"team_verlopen", "team_uitgeput", "team_wacht", "concept_klaar"})
# A medewerker's new concept, told to the team's managers (they send it). Not a reply to anything: no reply address.
CONCEPT_KLAAR = "concept_klaar"


@dataclass
class _Voorstel:
    soort: str
    aan: str
    ctx: dict
    link: bool
    reply_naar_team: bool
    antwoord: bool = True  # False: no reply address (a reply could do nothing)


def _concept_voorstellen(session: Session, gebeurtenis: Gebeurtenis) -> list[_Voorstel]:
    """A concept a medewerker saved for the first time is submitted: each active manager of the team hears
    of it once. Later saves of the draft (Voorval.GEWIJZIGD) and a manager's own concept tell nobody."""
    zaak = gebeurtenis.zaak
    maker = zaak.aangemaakt_door
    if zaak.status != Status.CONCEPT or maker is None or maker.rol == Rol.WIJKTEAMMANAGER:
        return []
    managers = session.execute(
        select(Gebruiker.email).where(Gebruiker.wijkteam_id == zaak.wijkteam_id, Gebruiker.actief.is_(True),
                                      Gebruiker.rol == Rol.WIJKTEAMMANAGER, Gebruiker.id != maker.id)
        .order_by(Gebruiker.id)).scalars().all()
    ctx = {"gebeurtenis": gebeurtenis, "maker": maker}
    return [_Voorstel(CONCEPT_KLAAR, a, ctx, False, True, antwoord=False) for a in managers if a]


def _voorstellen(session: Session, gebeurtenis: Gebeurtenis) -> list[_Voorstel]:
    zaak = gebeurtenis.zaak
    ctx = {"gebeurtenis": gebeurtenis}
    uit: list[_Voorstel] = []
    actie = gebeurtenis.actie
    if actie == Voorval.AANGEMAAKT:
        return _concept_voorstellen(session, gebeurtenis)
    if actie in TERMIJNMAILS:
        soort, ook_team = TERMIJNMAILS[actie]
        if gebeurtenis.betreft:
            uit.append(_Voorstel(soort, gebeurtenis.betreft, ctx, True, False))
        if ook_team:
            uit += [_Voorstel(f"team_{soort}", a, ctx, False, True) for a in _team_adressen(session, zaak)]
        return uit
    if actie in NAAR_DIENST and zaak.ontvanger_email:
        soort = ADVIESMAILS.get(NAAR_DIENST[actie], NAAR_DIENST[actie]) if zaak.is_advies else NAAR_DIENST[actie]
        uit.append(_Voorstel(soort, zaak.ontvanger_email, ctx, actie != Actie.INTREKKEN, False))
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


def boven_de_contactpersoon(session: Session, zaak: Zaak, adres: str) -> bool:
    """Is this address a person on the case's dienst's ladder (teamleider, manager, maatwerkfunctionaris)
    and not also the team's vaste contactpersoon or vervanger at that dienst?"""
    adres = adres.lower()
    op_ladder = session.execute(
        select(LadderTrede.id).join(Contactpersoon, Contactpersoon.id == LadderTrede.contactpersoon_id)
        .where(LadderTrede.dienst_id == zaak.dienst_id, func.lower(Contactpersoon.email) == adres).limit(1)
    ).first() is not None
    if not op_ladder:
        return False
    vast = session.execute(select(VasteContactpersoon).where(
        VasteContactpersoon.wijkteam_id == zaak.wijkteam_id, VasteContactpersoon.dienst_id == zaak.dienst_id)
    ).scalar_one_or_none()
    eerste = {p.email.lower() for p in (vast.contactpersoon, vast.vervanger) if p} if vast else set()
    return adres not in eerste


def naar_overzicht(session: Session, zaak: Zaak, soort: str, aan: str) -> bool:
    """Does this mail wait for its recipient's daily overview instead of going now (the mail budget)?"""
    if soort in STAPMELDINGEN_TEAM:
        gebruiker = gebruiker_bij(session, aan)
        return gebruiker is not None and gebruiker.mail_voorkeur == MailVoorkeur.DAGELIJKS
    if soort in STAPMELDINGEN_DIENST:
        return boven_de_contactpersoon(session, zaak, aan)
    return False


def na_resultaat(session: Session, resultaat, now: datetime, link_maker: LinkMaker, inst: MailInstellingen, *,
                 niet_voor: datetime | None = None) -> list[UitgaandeMail]:
    """Queue the mails a use case's result causes (workflows.usecases.Resultaat); the caller commits them
    with the change. Each recipient gets at most one mail per result: the one that says the most; a step
    notice for someone who gets the daily overview is held for it instead (`Overzichtsmelding`).

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
    mails = []
    for v in gekozen.values():
        if naar_overzicht(session, zaak, v.soort, v.aan):
            g = v.ctx.get("gebeurtenis")
            session.add(Overzichtsmelding(aan=v.aan.lower(), zaak_id=zaak.id, soort=v.soort, op=now,
                                          gebeurtenis_id=g.id if g is not None else None))
            continue
        mails.append(_nieuwe_mail(session, zaak, v.soort, v.aan, v.ctx, now, inst,
                                  link=link_maker(zaak, v.aan) if v.link else None,
                                  reply_naar_team=v.reply_naar_team, niet_voor=niet_voor, antwoord=v.antwoord))
    session.flush()
    return mails


def meld_beheerders(session: Session, onderwerp: str, tekst: str, now: datetime, inst: MailInstellingen) -> None:
    """A plain alert to every active beheerder (delivery problems, quarantine)."""
    beheerders = session.execute(
        select(Gebruiker).where(Gebruiker.rol == Rol.BEHEERDER, Gebruiker.actief.is_(True))
    ).scalars().all()
    for beheerder in beheerders:
        ctx = {"gemeente": inst.gemeente, "aanhef": f"Beste {beheerder.naam},", "kop": onderwerp,
               "tekst": tekst, "onderwerp": f"[Knipkaart] {onderwerp}"}
        session.add(UitgaandeMail(
            zaak_id=None, soort="beheer", aan=beheerder.email, onderwerp=ctx["onderwerp"][:300],
            tekst=_env.get_template("beheer.txt").render(ctx), html=_env.get_template("beheer.html").render(ctx),
            message_id=f"<kk.beheer.{secrets.token_hex(8)}@{inst.message_id_domain}>", aangemaakt_op=now,
            volgende_poging_op=now))
    session.flush()

