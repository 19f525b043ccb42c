"""The daily overview: one mail on werkdagen at 08:30 instead of a mail per case per step (the mail budget).

Who gets one: a team member who chose it (`MailVoorkeur.DAGELIJKS`) for the team's step notices (climbs,
an exhausted ladder, reminders while the dienst waits on the team), and every person on a dienst's ladder
above the contactpersoon (teamleider, manager, maatwerkfunctionaris) for the cases at their rung. It carries
the steps held for them since their last overview (`Overzichtsmelding`, written by
`notifications.uitgaand.na_resultaat`) and goes out only when there is one.

Once per recipient per day, also with two scheduler processes: the Message-ID is derived from the day and the
recipient and the outbox's Message-ID is unique, so a second run's insert fails and leaves the held steps for
the overview that took them (as the weekly overview does, notifications/overzicht.py).
"""
from __future__ import annotations

import hashlib
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflows.kalender import BEGIN_WERKDAG, Werkdagkalender, amsterdam
from workflows.models import FUNCTIE_KORT, Gebruiker, LadderTrede, Status, Zaak
from workflows.overgangen import LOPEND, OPEN_BIJ_DIENST, gebeurtenis_label
from workflows.zaken import team_contacten

from .models import Overzichtsmelding, UitgaandeMail
from .uitgaand import (
    CONCEPT_KLAAR,
    LinkMaker,
    MailInstellingen,
    _datum,
    contactpersoon_bij,
    gebruiker_bij,
    huidige_ontvanger,
    met_namen,
    render,
    reply_adres,
    termijnen_nu,
    trefwoorden,
)


def _melding(session: Session, m: Overzichtsmelding) -> dict:
    """A held step as one line: when, and the event's own sentence (or its name when it has none)."""
    g = m.gebeurtenis
    if m.soort == CONCEPT_KLAAR and m.zaak.aangemaakt_door is not None:
        return {"op": m.op, "tekst": f"{m.zaak.aangemaakt_door.naam} zette dit concept voor u klaar. Verstuur het, "
                                     "of pas het eerst aan."}
    if g is None:
        return {"op": m.op, "tekst": m.soort.replace("_", " ").capitalize()}
    return {"op": g.op, "tekst": met_namen(session, g.toelichting) or gebeurtenis_label(g.actie)}


def _per_zaak(meldingen: list[Overzichtsmelding]) -> list[tuple[Zaak, list[Overzichtsmelding]]]:
    uit: dict[int, tuple[Zaak, list[Overzichtsmelding]]] = {}
    for m in meldingen:
        uit.setdefault(m.zaak_id, (m.zaak, []))[1].append(m)
    return list(uit.values())


def _team(session: Session, gebruiker: Gebruiker, meldingen: list[Overzichtsmelding], inst: MailInstellingen
          ) -> dict:
    zaken = []
    for zaak, ms in _per_zaak(meldingen):
        wacht = zaak.status == Status.WACHT_OP_WIJKTEAM
        vraag = next((g for g in reversed(zaak.gebeurtenissen) if g.actie == "vraag"), None) if wacht else None
        zaken.append({
            "zaak": zaak, "titel": zaak.nummer or "Concept", "meldingen": [_melding(session, m) for m in ms],
            "link": inst.team_link(zaak),
            "ontvanger_nu": huidige_ontvanger(zaak), "lopend": zaak.status in LOPEND,
            "termijnen": termijnen_nu(zaak), "wacht": wacht,
            "vraag": met_namen(session, vraag.toelichting) if vraag is not None else "",
            "antwoordadres": reply_adres(session, zaak, gebruiker.email, inst, van_wijkteam=True) if wacht else None,
        })
    return {"ontvanger": gebruiker, "team": gebruiker.wijkteam, "zaken": zaken,
            "mailinstellingen_link": inst.mailinstellingen_link}


def _ladder(session: Session, aan: str, meldingen: list[Overzichtsmelding], now: datetime, inst: MailInstellingen,
            link_maker: LinkMaker) -> dict:
    cp = contactpersoon_bij(session, aan)
    zaken, trefwoordenlijst = [], {}
    for zaak, ms in _per_zaak(meldingen):
        bij_u = (zaak.ontvanger_email or "").lower() == aan and zaak.status in OPEN_BIJ_DIENST
        woorden = trefwoorden(zaak) if bij_u else []
        trefwoordenlijst.update(woorden)
        zaken.append({
            "zaak": zaak, "meldingen": [_melding(session, m) for m in ms], "bij_u": bij_u,
            "nieuw": any(m.soort == "opgeschaald" for m in ms), "ontvanger_nu": huidige_ontvanger(zaak),
            "termijnen": termijnen_nu(zaak) if bij_u else [],
            "link": link_maker(zaak, aan) if zaak.status in LOPEND else None,
            "antwoordadres": reply_adres(session, zaak, aan, inst) if bij_u else None,
            "trefwoorden": [w for w, _ in woorden],
            "team_contacten": team_contacten(session, zaak) if bij_u else [],
        })
    genoemd = {z["zaak"].id for z in zaken}
    verder = [{"zaak": z, "termijnen": termijnen_nu(z), "link": link_maker(z, aan)} for z in session.execute(
        select(Zaak).where(func.lower(Zaak.ontvanger_email) == aan, Zaak.trede >= 1,
                           Zaak.status.in_(list(OPEN_BIJ_DIENST))).order_by(Zaak.id)).scalars()
        if z.id not in genoemd]
    functie = _functie(session, cp) if cp is not None else ""
    return {"ontvanger": cp, "functie": functie, "zaken": zaken, "verder": verder,
            "bij_u": sum(1 for z in zaken if z["bij_u"]) + len(verder),
            "nieuw": sum(1 for z in zaken if z["nieuw"] and z["bij_u"]), "trefwoorden": list(trefwoordenlijst.items())}


def _functie(session: Session, cp) -> str:
    """"teamleider van Werk & Inkomen"; the maatwerkfunctionaris stands on every dienst's ladder."""
    diensten = session.execute(select(func.count(func.distinct(LadderTrede.dienst_id)))
                               .where(LadderTrede.contactpersoon_id == cp.id)).scalar_one()
    if diensten > 1:
        return f"{FUNCTIE_KORT[cp.functie]} van de gemeente"
    return f"{FUNCTIE_KORT[cp.functie]} van {cp.dienst.naam}"


def dagoverzichten(session: Session, now: datetime, inst: MailInstellingen, kal: Werkdagkalender,
                   link_maker: LinkMaker) -> int:
    """Queue today's overviews for everyone with held steps; returns how many. Only on werkdagen from 08:30."""
    lokaal = amsterdam(now)
    if not kal.is_werkdag(lokaal.date()) or lokaal.time() < BEGIN_WERKDAG:
        return 0
    wachtend = session.execute(select(Overzichtsmelding).where(Overzichtsmelding.overzicht_id.is_(None))
                               .order_by(Overzichtsmelding.aan, Overzichtsmelding.id)).scalars().all()
    per_adres: dict[str, list[Overzichtsmelding]] = {}
    for m in wachtend:
        if m.soort == CONCEPT_KLAAR and m.zaak.status != Status.CONCEPT:
            session.delete(m)  # sent or withdrawn since: the line would say what no longer holds
            continue
        per_adres.setdefault(m.aan, []).append(m)
    aantal = 0
    for aan, meldingen in per_adres.items():
        sleutel = hashlib.sha256(aan.encode()).hexdigest()[:16]
        try:
            with session.begin_nested():
                gebruiker = gebruiker_bij(session, aan)
                if gebruiker is not None:
                    soort, ctx = "dagoverzicht_team", _team(session, gebruiker, meldingen, inst)
                else:
                    soort, ctx = "dagoverzicht_ladder", _ladder(session, aan, meldingen, now, inst, link_maker)
                ctx = dict(ctx, gemeente=inst.gemeente, dag=_datum(lokaal.date()), aantal=len(ctx["zaken"]), now=now)
                onderwerp, tekst, html = render(soort, ctx)
                mail = UitgaandeMail(zaak_id=None, soort=soort, aan=aan, onderwerp=onderwerp[:300], tekst=tekst,
                                     html=html, message_id=f"<kk.dagoverzicht.{lokaal.date()}.{sleutel}@"
                                                           f"{inst.message_id_domain}>",
                                     aangemaakt_op=now, volgende_poging_op=now)
                session.add(mail)
                session.flush()
        except IntegrityError:
            continue  # another scheduler process sent this recipient's overview today
        for m in meldingen:
            m.overzicht_id = mail.id
        aantal += 1
    session.flush()
    return aantal
