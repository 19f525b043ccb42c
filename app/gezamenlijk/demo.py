"""The demo's joint questions (issue 18, point 5): Feyenoord asks two diensten at once, through the use cases.

One is open: the e-bike that the Wmo and bijzondere bijstand each refuse, its parts side by side with their
own clocks. One was overbrugd: bijzondere bijstand paid an energy debt at once for schuldhulpverlening too,
and the two settle later; it shows in the report.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows import gezamenlijk, usecases
from workflows.kalender import TZ, Werkdagkalender, amsterdam
from workflows.models import Dienst, Gebruiker, Oorzaak, Urgentie
from workflows.overgangen import Actor
from workflows.zaken import ZaakInvoer


def _werkdag_terug(kal: Werkdagkalender, vandaag: date, werkdagen: int, uur: int) -> datetime:
    dag = vandaag
    while werkdagen > 0 or not kal.is_werkdag(dag):
        dag -= timedelta(days=1)
        if kal.is_werkdag(dag):
            werkdagen -= 1
    return datetime.combine(dag, time(uur, 0), tzinfo=TZ)


def _dienst_actor(zaak) -> Actor:
    cp = zaak.ontvanger
    return Actor.dienst(f"{cp.naam} ({zaak.dienst.naam})", cp.id, cp.functie.value)


def vul_gezamenlijk(session: Session, now: datetime) -> None:
    """Two joint questions of Feyenoord: one open, one overbrugd. Does not commit; sends no mail."""
    manager = Actor.gebruiker(session.scalars(select(Gebruiker).where(
        Gebruiker.email == "feyenoord@demo.local")).one())
    medewerker = Actor.gebruiker(session.scalars(select(Gebruiker).where(
        Gebruiker.email == "medewerker.feyenoord@demo.local")).one())
    dienst = {d.naam: d.id for d in session.scalars(select(Dienst))}
    domein = session.scalars(select(Oorzaak).where(
        Oorzaak.naam == "Onduidelijk welke wet of welk domein betaalt")).one()
    kal = Werkdagkalender()
    vandaag = amsterdam(now).date()

    # Overbrugd two weeks ago: bijzondere bijstand pays the energy debt now; schuldhulpverlening settles later.
    begin = _werkdag_terug(kal, vandaag, 12, 10)
    r = gezamenlijk.aanmaken(session, manager, [dienst["Schuldhulpverlening"], dienst["Bijzondere bijstand"]],
                             ZaakInvoer(dienst_id=0, clientreferentie=f"FEY-{vandaag.year}-090",
                                        urgentie=Urgentie.ACUUT,
                                        gevraagd="Een energieschuld van € 640 betalen, zodat het gezin niet wordt "
                                                 "afgesloten.",
                                        blokkerende_regel="Schuldhulpverlening verwijst naar bijzondere bijstand, "
                                                          "bijzondere bijstand wacht op het schuldenoverzicht.",
                                        voorgestelde_oplossing="Eén dienst betaalt nu; de diensten verrekenen later.",
                                        oorzaak_id=domein.id, geen_inkomen=True),
                             begin, versturen=True)
    bijstand = next(z for z in r.groep.zaken if z.dienst_id == dienst["Bijzondere bijstand"])
    usecases.handelen(session, _dienst_actor(bijstand), bijstand.id, "ontvangen", begin + timedelta(hours=2))
    gezamenlijk.overbruggen(session, manager, r.groep.id, dienst["Bijzondere bijstand"],
                            "Bijzondere bijstand betaalt de energieschuld vandaag aan de leverancier; "
                            "schuldhulpverlening neemt het bedrag op in de schuldregeling en verrekent het later.",
                            begin + timedelta(hours=5))

    # Open: the e-bike. A colleague drafted it, the manager sent it two werkdagen ago; bijzondere bijstand
    # acknowledged, the Wmo has not reacted yet.
    begin = _werkdag_terug(kal, vandaag, 2, 9)
    r = gezamenlijk.aanmaken(session, medewerker, [dienst["Wmo"], dienst["Bijzondere bijstand"]],
                             ZaakInvoer(dienst_id=0, clientreferentie=f"FEY-{vandaag.year}-091",
                                        urgentie=Urgentie.NORMAAL,
                                        gevraagd="Een e-bike, zodat de inwoner zelf naar zijn werk kan (14 km, geen "
                                                 "openbaar vervoer op tijd).",
                                        blokkerende_regel="De Wmo verwijst naar bijzondere bijstand, bijzondere "
                                                          "bijstand naar de Wmo als voorliggende voorziening.",
                                        voorgestelde_oplossing="De Wmo verstrekt de e-bike; bijzondere bijstand "
                                                               "draagt de helft bij.",
                                        oorzaak_id=domein.id),
                             begin)
    gezamenlijk.versturen(session, manager, r.groep.id, begin + timedelta(hours=1))
    bijstand = next(z for z in r.groep.zaken if z.dienst_id == dienst["Bijzondere bijstand"])
    usecases.handelen(session, _dienst_actor(bijstand), bijstand.id, "ontvangen", begin + timedelta(hours=4))
    session.flush()
