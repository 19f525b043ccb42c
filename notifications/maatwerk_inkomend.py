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
            rij.actie = _pas_toe(session, rij, adres, now, inst, links)
    except GeenTrefwoord as fout:
        rij.actie = None
        rij.reden = fout.melding
        return
    except DomeinFout as fout:
        rij.actie = None
        rij.reden = f"Niet toe te passen: {fout.melding}"
        return
    rij.status = InkomendStatus.TOEGEPAST
    rij.reden = ""


class GeenTrefwoord(DomeinFout):
    """The reply's first line holds none of the keywords its mail asked for: nothing to apply."""


def _pas_toe(session: Session, rij: InkomendeMail, adres: MaatwerkReplyAdres, now: datetime,
             inst: MailInstellingen, links) -> str:
    """Apply the keyword on the reply's first line through the maatwerk use case; the action done."""
    from .maatwerk import na_resultaat

    if adres.aanvraag_id is not None:
        oordeel, reden = lees_oordeel(rij.tekst)
        if oordeel is None:
            raise GeenTrefwoord("Geen AKKOORD of NIET AKKOORD op de eerste regel: niets toegepast. Geef uw oordeel "
                                "op de pagina van de aanvraag of antwoord opnieuw met een van deze woorden.")
        r = mw.beoordelen(session, adres.aanvraag_id, adres.professional_id, oordeel, reden, now, kanaal="e-mail")
        actie = f"maatwerk: {oordeel.label.lower()}"
    else:
        if not _BETAALD.match(rij.tekst or ""):
            raise GeenTrefwoord("Geen BETAALD op de eerste regel: niets toegepast. Bevestig op de pagina van de "
                                "betaalopdracht, of antwoord opnieuw met BETAALD.")
        r = mw.betaald_melden(session, adres.betaalopdracht_id, None, f"financiën ({adres.ontvanger})", "e-mail",
                              now)
        actie = "maatwerk: betaald"
    na_resultaat(session, r, now, inst, links)
    return actie


def adres_van_mail(session: Session, rij: InkomendeMail, inst: MailInstellingen) -> MaatwerkReplyAdres | None:
    """The maatwerk reply address a stored mail was sent to, if it was."""
    from .inkomend import _adres_token

    return adres_van(session, _adres_token([a.strip() for a in (rij.aan or "").split(",")], inst))


def handmatig_toepassen(session: Session, rij: InkomendeMail, beheerder: str, now: datetime,
                        inst: MailInstellingen, links) -> str:
    """The beheerder applies a held reply to a maatwerk mail after checking it is genuine (a professional who
    answered from another address, a verdict SPF and DKIM could not confirm): the keyword is read and applied
    as if it had passed, with who approved it. The action done; DomeinFout when it cannot be applied."""
    session.refresh(rij, with_for_update=True)  # two beheerders, one mail: the second sees it handled
    if rij.status != InkomendStatus.QUARANTAINE:
        raise DomeinFout("Deze mail is al afgehandeld.")
    adres = adres_van_mail(session, rij, inst)
    if adres is None:
        raise DomeinFout("Deze mail kwam niet via het antwoordadres van een maatwerkmail.")
    if rij.automatisch:
        raise DomeinFout("Een automatisch antwoord (afwezig) is geen oordeel of bevestiging.")
    with session.begin_nested():
        actie = _pas_toe(session, rij, adres, now, inst, links)
    rij.status, rij.actie, rij.reden = InkomendStatus.HANDMATIG, actie, ""
    rij.afgehandeld_door, rij.afgehandeld_op = beheerder, now
    return actie
