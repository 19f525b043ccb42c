"""Replies to maatwerk mails: a professional's AKKOORD / NIET AKKOORD, finance's BETAALD.

The same path and the same rules as a contactpersoon's reply (notifications/inkomend.py, which calls `verwerk`
here for a reply address of ours): matched only by the unguessable reply address issued with the mail; the
sender must be the one address that address was issued to; the sender must be authenticated (From domain
aligned with a passing DKIM or SPF verdict, or a dienst's domain the beheerder marked internal); the mail must
be sound (one From, readable, its own Message-ID). Anything else is held in quarantine with the reason, never
applied. The same mail delivered twice is stored and applied once (inkomend._opslaan).
"""
from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.fouten import DomeinFout
from workflows.maatwerk import aanvragen as mw
from workflows.maatwerk.modellen import MaatwerkReplyAdres, Oordeel

from .models import InkomendeMail, InkomendStatus
from .uitgaand import MailInstellingen

_NIET_AKKOORD = re.compile(r"^\s*niet[\s-]+akkoord\b[\s:.,;-]*", re.I)
_AKKOORD = re.compile(r"^\s*akkoord\b[\s:.,;-]*", re.I)
_BETAALD = re.compile(r"^\s*betaald\b[\s:.,;-]*", re.I)


def lees_oordeel(tekst: str) -> tuple[Oordeel | None, str]:
    """The verdict on the first line of a reply (NIET AKKOORD before AKKOORD) and the rest as the reason."""
    tekst = (tekst or "").strip()
    for patroon, oordeel in ((_NIET_AKKOORD, Oordeel.NIET_AKKOORD), (_AKKOORD, Oordeel.AKKOORD)):
        m = patroon.match(tekst)
        if m:
            return oordeel, tekst[m.end():].strip()
    return None, tekst


def adres_van(session: Session, token: str | None) -> MaatwerkReplyAdres | None:
    if not token:
        return None
    return session.execute(select(MaatwerkReplyAdres).where(MaatwerkReplyAdres.token == token)).scalar_one_or_none()


def verwerk(session: Session, rij: InkomendeMail, bericht, adres: MaatwerkReplyAdres, now: datetime,
            inst: MailInstellingen, links, *, vertrouwd: bool, verlopen: bool) -> None:
    """Apply or hold a reply that came through a maatwerk reply address; the caller commits."""
    from .inkomend import _niet_geverifieerd
    from .maatwerk import na_resultaat

    if bericht.problemen:
        rij.reden = " ".join(dict.fromkeys(bericht.problemen))
        return
    if verlopen:
        rij.reden = (f"Het antwoordadres is verlopen (uitgegeven op {adres.aangemaakt_op:%d-%m-%Y}); controleer of "
                     "dit antwoord nog geldt.")
        return
    if (bericht.afzender or "").lower() != adres.ontvanger:
        wie = "de professional die om een oordeel werd gevraagd" if adres.aanvraag_id else "het contact van financiën"
        rij.reden = (f"Afzender {bericht.afzender or '(onbekend)'} mag niet antwoorden namens {wie}; niet "
                     "toegepast. Alleen het adres waar de e-mail heen ging kan zo beslissen.")
        return
    if not vertrouwd:
        rij.reden = _niet_geverifieerd(bericht)
        return
    if rij.automatisch:
        rij.reden = "Een automatisch antwoord (afwezig): geen oordeel of bevestiging, niets toegepast."
        return
    try:
        with session.begin_nested():
            if adres.aanvraag_id is not None:
                oordeel, reden = lees_oordeel(rij.tekst)
                if oordeel is None:
                    rij.reden = ("Geen AKKOORD of NIET AKKOORD op de eerste regel: niets toegepast. Geef uw oordeel "
                                 "op de pagina van de aanvraag of antwoord opnieuw met een van deze woorden.")
                    return
                r = mw.beoordelen(session, adres.aanvraag_id, adres.professional_id, oordeel, reden, now,
                                  kanaal="e-mail")
                rij.actie = f"maatwerk: {oordeel.label.lower()}"
            else:
                if not _BETAALD.match(rij.tekst or ""):
                    rij.reden = ("Geen BETAALD op de eerste regel: niets toegepast. Bevestig op de pagina van de "
                                 "betaalopdracht, of antwoord opnieuw met BETAALD.")
                    return
                r = mw.betaald_melden(session, adres.betaalopdracht_id, None, f"financiën ({adres.ontvanger})",
                                      "e-mail", now)
                rij.actie = "maatwerk: betaald"
            na_resultaat(session, r, now, inst, links)
    except DomeinFout as fout:
        rij.actie = None
        rij.reden = f"Niet toe te passen: {fout.melding}"
        return
    rij.status = InkomendStatus.TOEGEPAST
    rij.reden = ""
