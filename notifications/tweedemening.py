"""Mail about a second opinion (workflows/tweedemening.py): the question to the colleague, the answer to the
manager who asked. One mail each, at once: a colleague is waiting on it before a knip is spent.

Mail between people of the municipality, outside the case's thread (no reply address: the answer is given
on the page, after login, where the colleague sees the case). Neither mail carries the question, the answer or
anything about the resident (DOMAIN.md "Privacy"): who asks whom, about a knip at which dienst, and the link.
"""
from __future__ import annotations

import secrets
from datetime import datetime
from typing import Callable

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.tweedemening import TWEEDE_MENING_GEGEVEN, TWEEDE_MENING_GEVRAAGD, TweedeMening, functie

from .models import UitgaandeMail
from .uitgaand import MailInstellingen, render


def _mail(session: Session, soort: str, aan, ctx: dict, now: datetime, inst: MailInstellingen) -> UitgaandeMail:
    ctx = dict(ctx, gemeente=inst.gemeente, aanhef=f"Beste {aan.naam},",
               mailinstellingen_link=inst.mailinstellingen_link)
    onderwerp, tekst, html = render(soort, ctx)
    mail = UitgaandeMail(zaak_id=None, soort=soort, aan=aan.email, onderwerp=onderwerp[:300], tekst=tekst, html=html,
                         message_id=f"<kk.tm.{secrets.token_hex(8)}@{inst.message_id_domain}>",
                         aangemaakt_op=now, volgende_poging_op=now)
    session.add(mail)
    return mail


def meld(session: Session, resultaat, now: datetime, inst: MailInstellingen, vraag_link: Callable[[TweedeMening], str],
         zaak_link: Callable[[object], str]) -> list[UitgaandeMail]:
    """Queue the mail a second-opinion use case's result causes; the caller commits it with the change."""
    mails: list[UitgaandeMail] = []
    for g in resultaat.gebeurtenissen:
        if g.actie not in (TWEEDE_MENING_GEVRAAGD, TWEEDE_MENING_GEGEVEN):
            continue
        m = session.execute(select(TweedeMening).where(TweedeMening.zaak_id == resultaat.zaak.id)
                            .order_by(TweedeMening.id.desc()).limit(1)).scalar_one()
        ctx = {"m": m, "zaak": resultaat.zaak, "vrager": m.gevraagd_door, "vrager_functie": functie(m.gevraagd_door),
               "gevraagde": m.gevraagd_aan, "gevraagde_functie": functie(m.gevraagd_aan)}
        if g.actie == TWEEDE_MENING_GEVRAAGD and m.gevraagd_aan.actief:
            mails.append(_mail(session, "tweede_mening_vraag", m.gevraagd_aan, dict(ctx, link=vraag_link(m)), now,
                               inst))
        elif g.actie == TWEEDE_MENING_GEGEVEN and m.gevraagd_door.actief:
            mails.append(_mail(session, "tweede_mening_antwoord", m.gevraagd_door,
                               dict(ctx, link=zaak_link(resultaat.zaak)), now, inst))
    session.flush()
    return mails


def proefmails(d) -> None:
    """Both mails for /dev/mails (notifications.proefdruk's draaiboek `d`): a wijkteammanager asks the
    rayonmanager over the team about a knip concept, and the answer comes back."""
    from workflows import tweedemening as tm
    from workflows import usecases
    from workflows.models import Gebruiker, Rol, UitzonderingSoort, Urgentie, ZaakSoort
    from workflows.zaken import ZaakInvoer

    s, g = d.s, d.g
    basis = d.inst.mailinstellingen_link.rsplit("/wijkteam", 1)[0]
    rayon = Gebruiker(email="rayonmanager.zuid@demo.local", naam="Hanneke Verbeek", rol=Rol.RAYONMANAGER,
                      wachtwoord_hash="!")
    s.add(rayon)
    s.flush()
    tm.rayon_instellen(s, rayon, [g.team.id])
    invoer = ZaakInvoer(dienst_id=g.wi.id, clientreferentie="FEY-2026-031",
                        gevraagd="Een vader van twee kinderen heeft na ontslag geen inkomen tot zijn WW start.",
                        blokkerende_regel="De bijstand rekent de WW-aanvraag als voorliggende voorziening.",
                        voorgestelde_oplossing="Een voorschot op de bijstand tot de eerste WW-betaling.",
                        urgentie=Urgentie.HOOG, oorzaak_id=g.oorzaak.id, uitzondering=UitzonderingSoort.ANDERS)
    zaak = usecases.zaak_aanmaken(s, d.team, ZaakSoort.KNIP, invoer, d.later(0.25)).zaak

    def doe(wat: str, resultaat) -> None:
        meld(s, resultaat, d.now, d.inst, lambda m: f"{basis}/tweede-mening/{m.id}",
             lambda z: f"{basis}/zaken/{z.id}#tweede-mening")
        d.oogst(wat, resultaat.zaak)

    doe("Tweede mening gevraagd", tm.vragen(s, d.team, zaak.id, rayon.id,
                                            "Is dit een knip, of eerst een escalatie aan Werk & Inkomen?", d.later()))
    m = tm.van_zaak(s, zaak.id)[-1]
    doe("Tweede mening gegeven", tm.geven(s, rayon, m.id, tm.Mening.EENS,
                                          "Eens: zonder voorschot valt het gezin drie weken zonder inkomen.",
                                          d.later()))
