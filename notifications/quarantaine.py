"""Quarantine that speaks: a polite automatic answer to a stranger, and the beheerder's daily overview.

Both are written to the outbox once per day per address, also when several web workers or scheduler
processes do the same at the same moment: the Message-ID is derived from the day and the address, and the
outbox's unique Message-ID turns a second attempt into a no-op (as the weekly overview does).
"""
from __future__ import annotations

import hashlib
import re
import textwrap
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflows.kalender import Werkdagkalender, amsterdam
from workflows.models import Gebruiker, Rol

from .models import Afwezigheidsbericht, InkomendeMail, InkomendStatus, UitgaandeMail
from .uitgaand import DAGEN, MAANDEN, MailInstellingen, beschrijf_adres, met_namen, render

# Addresses that never read an answer: bounces, postmasters, no-reply senders (RFC 3834 section 2).
GEEN_LEZER = re.compile(r"^(no[-_.]?reply|do[-_.]?not[-_.]?reply|no[-_.]?response|mailer[-_.]?daemon|postmaster|"
                        r"bounces?|mail[-_.]?delivery[-_.]?subsystem)([-+_.].*)?$", re.I)


def _sleutel(*delen: str) -> str:
    return hashlib.sha256("|".join(delen).encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _in_outbox(session: Session, mail: UitgaandeMail) -> bool:
    """Add the mail unless one with its Message-ID exists (today's, by another worker): True when added."""
    try:
        with session.begin_nested():
            session.add(mail)
    except IntegrityError:
        return False
    return True


# ---------------------------------------------------------------- the stranger's automatic answer


def waarom_geen_antwoord(rij: InkomendeMail, niet_beantwoorden: str, geauthenticeerd: bool,
                         inst: MailInstellingen) -> str:
    """Why a stranger's mail gets no automatic answer; "" when it may get one.

    Never to a mail whose sender is not authenticated: its From may be forged, and answering it would send
    our mail to someone who never wrote (backscatter). Never to an automatic mail, a list, a bounce (an empty
    envelope sender, MAILER-DAEMON, postmaster) or a no-reply address: RFC 3834 section 2, and no loops. And
    never to our own addresses.
    """
    adres = (rij.afzender or "").lower()
    lokaal, _, domein = adres.rpartition("@")
    if not geauthenticeerd:
        return "de afzender is niet geverifieerd (SPF/DKIM)"
    if rij.automatisch:
        return "het is zelf een automatisch antwoord"
    if niet_beantwoorden:
        return f"de mail vraagt er niet om ({niet_beantwoorden})"
    envelop = (rij.envelop_van or "").strip("<>").lower()
    if not envelop or GEEN_LEZER.match(envelop.rpartition("@")[0] or envelop):
        return "het is een bounce (geen afzender in de envelop)"
    if not lokaal or GEEN_LEZER.match(lokaal):
        return "het adres leest geen antwoorden"
    if domein in {inst.inbound_domain.lower(), inst.message_id_domain.lower()}:
        return "het is een eigen adres"
    return ""


def antwoord_aan_onbekende(session: Session, rij: InkomendeMail, in_reply_to: str, van_wijkteam: bool,
                           now: datetime, inst: MailInstellingen) -> bool:
    """Queue the polite answer to a sender who may not answer for the case: at most one per address per day.

    The answer says nothing about the case or the resident: that only the routed contact (or, for mail to
    the team, the team) can answer by mail, and that the team has not been told. True when queued now.
    """
    dag = amsterdam(now).date().isoformat()
    adres = rij.afzender.lower()
    ctx = {"gemeente": inst.gemeente, "onderwerp_mail": " ".join((rij.onderwerp or "").split())[:200],
           "ontvangen": rij.ontvangen_op, "van_wijkteam": van_wijkteam}
    onderwerp, tekst, html = render("afzender_onbekend", ctx)
    mail = UitgaandeMail(
        zaak_id=None, soort="afzender_onbekend", aan=adres, onderwerp=onderwerp[:300], tekst=tekst, html=html,
        message_id=f"<kk.afzender-onbekend.{dag}.{_sleutel(adres)}@{inst.message_id_domain}>",
        in_reply_to=in_reply_to[:300] or None, references=in_reply_to or None, aangemaakt_op=now,
        volgende_poging_op=now)
    return _in_outbox(session, mail)


# ---------------------------------------------------------------- the beheerder's daily overview


def _gehouden(session: Session, m: InkomendeMail) -> dict:
    """A held mail as the overview names it: a known sender by name and function (their address beside it), a
    stranger by the address, which is all there is of them; known addresses in the reason become names."""
    adres = m.afzender or ""
    wie = beschrijf_adres(session, adres) if adres else "(onbekende afzender)"
    return {"ontvangen_op": m.ontvangen_op, "afzender": wie if wie == adres or not adres else f"{wie}, {adres}",
            "zaak": m.zaak.nummer if m.zaak is not None else None,
            "reden": textwrap.shorten(met_namen(session, m.reden) or "onbekend", 200, placeholder=" …")}


@dataclass(frozen=True)
class Koppelingen:
    """Where the overview points (absolute URLs: mail leaves the request)."""

    quarantaine: str
    afwezigheid: str


def dagoverzicht(session: Session, now: datetime, inst: MailInstellingen, kal: Werkdagkalender,
                 links: Koppelingen) -> int:
    """Queue today's overview of held mail for every active beheerder, when something waits and today is a
    werkdag; returns how many were queued now (0 when they went out earlier today)."""
    lokaal = amsterdam(now)
    if not kal.is_werkdag(lokaal.date()):
        return 0
    wachtend = session.execute(
        select(InkomendeMail).where(InkomendeMail.status == InkomendStatus.QUARANTAINE)
        .order_by(InkomendeMail.ontvangen_op)
    ).scalars().all()
    voorstellen = session.execute(select(func.count(func.distinct(Afwezigheidsbericht.contactpersoon_id)))
                                  .where(Afwezigheidsbericht.status == "open")).scalar_one()
    if not wachtend and not voorstellen:
        return 0
    beheerders = session.execute(select(Gebruiker).where(Gebruiker.rol == Rol.BEHEERDER, Gebruiker.actief.is_(True))
                                 .order_by(Gebruiker.id)).scalars().all()
    dag = lokaal.date()
    ctx = {"gemeente": inst.gemeente, "dag": f"{DAGEN[dag.weekday()]} {dag.day} {MAANDEN[dag.month - 1]}",
           "mails": [_gehouden(session, m) for m in wachtend[:25]], "aantal": len(wachtend),
           "voorstellen": voorstellen, "links": links, "oudste": wachtend[0].ontvangen_op if wachtend else None}
    aantal = 0
    for b in beheerders:
        onderwerp, tekst, html = render("quarantaine_overzicht", dict(ctx, ontvanger=b.naam))
        mail = UitgaandeMail(
            zaak_id=None, soort="quarantaine_overzicht", aan=b.email, onderwerp=onderwerp[:300], tekst=tekst,
            html=html,
            message_id=f"<kk.quarantaine-overzicht.{dag.isoformat()}.{_sleutel(b.email.lower())}"
                       f"@{inst.message_id_domain}>", aangemaakt_op=now, volgende_poging_op=now)
        aantal += _in_outbox(session, mail)
    return aantal
