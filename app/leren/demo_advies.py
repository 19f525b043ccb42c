"""The demo's adviesvragen and ratings (issue 18, points 2 and 4), made through the same use cases as the screens.

Four adviesvragen: one answered and shared with every team (then closed and rated), one answered for its team
only, one shared and turned into an escalatie, and one still open at its dienst. Ratings on a share of the
history's closed cases, so that "Mijn zaken" and the report have something to show.
"""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows import advies, usecases, waardering
from workflows.kalender import Werkdagkalender
from workflows.models import (Contactpersoon, Dienst, Gebruiker, Oorzaak, Rol, Status, Urgentie, Wijkteam, Zaak,
                              ZaakSoort)
from workflows.overgangen import Actor

# (team, dienst, cause, question, rule, answer by mail or None (still open), shared, turned into an escalatie,
#  werkdagen ago); invented, drawn from the seeds' cases.
ADVIESVRAGEN = [
    ("Feyenoord", "Werk & Inkomen", "Wettelijke wachtperiode / zoektermijn",
     "Mag de zoektermijn van vier weken vervallen als een jongere aantoonbaar al vier weken solliciteert, maar "
     "nog geen uitkering heeft aangevraagd?",
     "De zoektermijn van vier weken voor jongeren onder de 27 in de Participatiewet.",
     "Ja. De zoektermijn is er om te laten zoeken; wie dat aantoonbaar al deed, heeft eraan voldaan. Stuur de "
     "sollicitaties mee met de aanvraag en noem in de toelichting 'zoekplicht vervuld'. Dan gaat de uitkering in "
     "op de dag van de aanvraag.", True, False, 15),
    ("Oosterflank", "Bijzondere bijstand", "Bijzondere bijstand: afwijzing of doorlooptijd (8 weken)",
     "Kan de borg voor een kamer als voorschot worden betaald terwijl de aanvraag bijzondere bijstand nog loopt?",
     "De doorlooptijd van acht weken voor bijzondere bijstand.",
     "Een voorschot kan, als het team de aanvraag al heeft ingediend en de verhuurder een factuur stuurt. Het "
     "voorschot gaat dan rechtstreeks naar de verhuurder.", False, False, 6),
    ("Nieuwe Westen", "Schuldhulpverlening", "Beslagvrije voet niet gerespecteerd",
     "Wat kan het team doen als een deurwaarder onder de beslagvrije voet inhoudt en de inwoner zelf niet "
     "reageert?",
     "De beslagvrije voet bij loonbeslag door meerdere schuldeisers.",
     "Vraag de deurwaarder schriftelijk om herberekening met de nieuwe gegevens; reageert die niet binnen vijf "
     "dagen, dan kan Schuldhulpverlening een moratorium vragen. Dat laatste vraagt een escalatie.", True, True, 9),
    ("Middelland", "Wmo", "Onduidelijk welke wet of welk domein betaalt",
     "Valt een e-bike voor woon-werkverkeer onder de Wmo of onder bijzondere bijstand, als beide loketten naar "
     "elkaar verwijzen?",
     "Wmo en bijzondere bijstand wijzen elkaar aan voor hetzelfde hulpmiddel.", None, False, False, 1),
]
WAARDERINGEN = {  # per dienst: the scores the teams give (drawn at random), and a sentence now and then
    "Werk & Inkomen": ([5, 4, 4, 3, 5], "Snel opgepakt, duidelijk besluit."),
    "Wmo": ([3, 2, 4, 3], "Pas na twee herinneringen een reactie."),
    "Bijzondere bijstand": ([4, 4, 5, 3], "Meedenkend, ook buiten de regels om."),
    "Schuldhulpverlening": ([4, 3, 5], "Goed bereikbaar."),
    "Leerlingenvervoer": ([2, 3, 3], ""),
}


def _naar_terug(kal: Werkdagkalender, now: datetime, werkdagen: int) -> datetime:
    dag = now.date()
    for _ in range(werkdagen):
        dag -= timedelta(days=1)
        while not kal.is_werkdag(dag):
            dag -= timedelta(days=1)
    return now.replace(year=dag.year, month=dag.month, day=dag.day, hour=9, minute=30)


def _dienst_actor(session: Session, zaak: Zaak) -> Actor:
    cp = zaak.ontvanger or session.scalars(select(Contactpersoon).where(
        Contactpersoon.dienst_id == zaak.dienst_id)).first()
    return Actor.dienst(f"{cp.naam} ({zaak.dienst.naam})", cp.id, cp.functie.value)


def vul_adviezen_en_waarderingen(session: Session, now: datetime, kal: Werkdagkalender) -> None:
    """Adviesvragen in each of their states, and ratings on the history's closed cases."""
    for team, dienst, oorzaak, vraag, regel, antwoord, gedeeld, omzetten, geleden in ADVIESVRAGEN:
        t = session.scalars(select(Wijkteam).where(Wijkteam.naam == team)).one()
        d = session.scalars(select(Dienst).where(Dienst.naam == dienst)).one()
        o = session.scalars(select(Oorzaak).where(Oorzaak.naam == oorzaak)).one()
        mensen = session.scalars(select(Gebruiker).where(Gebruiker.wijkteam_id == t.id).order_by(
            Gebruiker.rol, Gebruiker.id)).all()  # a medewerker asks where the team has one
        manager = next(g for g in mensen if g.rol == Rol.WIJKTEAMMANAGER)
        moment = _naar_terug(kal, now, geleden)
        zaak = usecases.zaak_aanmaken(session, Actor.gebruiker(mensen[0]), ZaakSoort.ADVIESVRAAG,
                                      advies.vraag_invoer(dienst_id=d.id, vraag=vraag, regel=regel, oorzaak_id=o.id),
                                      moment, versturen=True).zaak
        if antwoord is None:
            continue
        moment += timedelta(hours=26)
        usecases.antwoord_toepassen(session, _dienst_actor(session, zaak), zaak.id,
                                    ("ADVIES VOOR ALLE TEAMS\n" if gedeeld else "") + antwoord, moment,
                                    kanaal="e-mail")
        moment += timedelta(hours=3)
        if omzetten:
            advies.omzetten(session, Actor.gebruiker(manager), zaak.id, moment, urgentie=Urgentie.HOOG,
                            clientreferentie=f"{team[:3].upper()}-2026-318")
        elif gedeeld:
            usecases.handelen(session, Actor.gebruiker(manager), zaak.id, "sluiten", moment,
                              waardering=(5, "Precies wat we nodig hadden."))
    _waarderingen(session)
    session.flush()


def _waarderingen(session: Session) -> None:
    """About half of the history's closed knips and escalaties rated, as their teams would have on closing."""
    rng = random.Random(18)
    gesloten = session.scalars(select(Zaak).where(Zaak.status == Status.GESLOTEN, Zaak.soort != ZaakSoort.ADVIESVRAAG)
                               .order_by(Zaak.id)).all()
    for zaak in gesloten:
        if rng.random() < 0.45 or waardering.van_zaak(session, zaak.id) is not None:
            continue
        scores, zin = WAARDERINGEN.get(zaak.dienst.naam, ([4], ""))
        manager = session.scalars(select(Gebruiker).where(Gebruiker.wijkteam_id == zaak.wijkteam_id,
                                                          Gebruiker.rol == Rol.WIJKTEAMMANAGER)).first()
        waardering.vastleggen(session, Actor.gebruiker(manager), zaak, rng.choice(scores),
                              zin if rng.random() < 0.4 else "", zaak.gesloten_op or zaak.opgelost_op)
