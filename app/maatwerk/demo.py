"""Demo data for the maatwerkbudget: € 10.000 per team this year (Rotterdam's figure, seed 003), professionals
of schuldhulp and inkomen, finance, and a year of requests through the use cases: paid within and beyond the 24
hours, refused, waiting for a verdict and waiting for payment; most teams barely use their budget (003's 8%)."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows.kalender import Werkdagkalender, amsterdam
from workflows.maatwerk import aanvragen as mw
from workflows.maatwerk import budget as budgetboek
from workflows.maatwerk.modellen import MaatwerkProfessional, Oordeel
from workflows.models import Gebruiker, Prijspost, Rol, Wijkteam

# (team, days ago, amount, creditor, IBAN, what is needed, why it works, what the resident does, price list item,
#  hours to payment, or "afgewezen" / "beoordeling" / "goedgekeurd")
AANVRAGEN = [
    ("Feyenoord", 200, "1.240", "Woonstad Rotterdam", "NL91ABNA0417164300",
     "Twee maanden huurachterstand aflossen; de ontruiming is aangekondigd.",
     "Met de betaling trekt de verhuurder de ontruiming in en kan het gezin blijven wonen.",
     "Meldt zich bij schuldhulpverlening en zet de huur op automatische betaling.", "Huisuitzetting", 5),
    ("Feyenoord", 190, "385,60", "Evides Waterbedrijf", "NL20INGB0001234567",
     "De achterstand bij het waterbedrijf betalen: afsluiting staat gepland voor een gezin met jonge kinderen.",
     "Het water blijft aan; het gezin kan intussen een betalingsregeling treffen.",
     "Zet een maandbedrag vast via budgetbeheer.", None, 19),
    ("Feyenoord", 90, "650", "Kamerverhuur Zuid", "NL39RABO0300065264",
     "De borg voor een kamer, die nu nodig is en niet over acht weken via bijzondere bijstand.",
     "De jongere heeft per direct een adres en kan zich inschrijven en een uitkering aanvragen.",
     "Schrijft zich in en start met een traject bij het jongerenloket.", "Maatschappelijke opvang / daklozenopvang",
     31),
    ("Feyenoord", 40, "310", "Eneco", "NL69INGB0123456789",
     "Een achterstand bij de energieleverancier betalen.", "De levering blijft doorgaan.",
     "Vraagt de energietoeslag aan.", None, "afgewezen"),
    ("Feyenoord", 2, "899", "Fietsenwinkel De Kuip", "NL44RABO0123456789",
     "Een e-bike om naar het werk te kunnen, die Wmo en bijzondere bijstand elk naar de ander verwijzen.",
     "Met vervoer kan de inwoner het aangeboden werk aannemen.", "Begint volgende week aan het werk.", None,
     "goedgekeurd"),
    ("Feyenoord", 0, "145", "Stadsbank Rotterdam", "NL86INGB0002445588",
     "Een beslaglegging op het loon stoppen door de kleine vordering in één keer te betalen.",
     "Zonder loonbeslag houdt het gezin de beslagvrije voet over.", "Laat de post openen door een vrijwilliger.",
     "Loonbeslag", "beoordeling"),
    ("Middelland", 120, "520", "Havensteder", "NL02ABNA0123456789",
     "Huurachterstand na het wegvallen van de toeslagen.", "De huurovereenkomst blijft in stand.",
     "Vraagt de toeslagen opnieuw aan met hulp van het team.", "Huisuitzetting", 22),
    ("Oosterflank", 60, "240", "Evides Waterbedrijf", "NL20INGB0001234567",
     "Waterachterstand van een oudere alleenstaande.", "Het water blijft aan.",
     "Neemt deel aan de formulierenbrigade.", None, 46),
]


def vul_maatwerk(session: Session, now: datetime, kal: Werkdagkalender) -> None:
    """Settings, professionals, budgets and requests in every state (no mail: the demo's history)."""
    inst = mw.instelling(session)
    inst.financien_naam, inst.financien_email = "Henk Jansen", "financien@demo.local"
    inst.rekening_naam, inst.rekening_iban = "Gemeente Demostad", "NL02ABNA0123456789"
    teams = {t.naam: t for t in session.scalars(select(Wijkteam))}
    jaar = mw.jaar_van(now)
    budgetboek.budget_instellen(session, None, jaar, 2_500_000)  # the municipal pool: € 25.000 for all teams
    for i, team in enumerate(sorted(teams.values(), key=lambda t: t.naam)):
        budgetboek.budget_instellen(session, team.id, jaar, 1_000_000)
        session.add(MaatwerkProfessional(naam=["Lotte Smit", "Bas de Vries", "Noor Hendriks", "Jeroen Bakker",
                                               "Fatma Yilmaz", "Ruud Kok", "Iris Mulder"][i % 7],
                                         email=f"schuldhulp.{i + 1}@demo.local", discipline="schuldhulp",
                                         wijkteam_id=team.id))
    session.add_all([MaatwerkProfessional(naam="Karim el Idrissi", email="inkomensconsulent@demo.local",
                                          discipline="inkomen"),
                     MaatwerkProfessional(naam="Anja Vos", email="zorg@demo.local", discipline="zorg")])
    session.flush()
    posten = {p.naam: p for p in session.scalars(select(Prijspost))}
    for (tnaam, dagen, bedrag, crediteur, iban, nodig, waarom, inwoner, post, afloop) in AANVRAGEN:
        team = teams.get(tnaam)
        if team is None:
            continue
        aanvrager = session.execute(select(Gebruiker).where(Gebruiker.wijkteam_id == team.id).order_by(
            Gebruiker.rol == Rol.WIJKTEAMMANAGER, Gebruiker.id).limit(1)).scalar_one()
        moment = kal.kantoormoment(now - timedelta(days=dagen)) if dagen else now - timedelta(hours=1)
        if moment > now:
            moment = now - timedelta(hours=1)
        if amsterdam(moment).year != jaar:
            moment = now - timedelta(hours=2)
        invoer = mw.AanvraagInvoer(discipline="zorg", bedrag=bedrag, clientreferentie=f"{tnaam[:3].upper()}-{jaar}-"
                                   f"{100 + dagen}", wat_nodig=nodig, waarom_werkt=waarom, wat_doet_inwoner=inwoner,
                                   crediteur_naam=crediteur, crediteur_iban=iban,
                                   prijspost_id=posten[post].id if post in posten else None,
                                   scenario_aantal=(30 if "opvang" in (post or "") else 1) if post in posten else None)
        a = mw.aanvragen(session, aanvrager, invoer, moment, kal).aanvraag
        if afloop == "beoordeling":
            continue
        eerste, tweede = a.beoordelingen
        if afloop == "afgewezen":
            mw.beoordelen(session, a.id, eerste.professional_id, Oordeel.NIET_AKKOORD,
                          "De energietoeslag is voorliggend en binnen een week rond.", moment + timedelta(hours=3),
                          kanaal="e-mail")
            continue
        mw.beoordelen(session, a.id, eerste.professional_id, Oordeel.AKKOORD, "", moment + timedelta(hours=2),
                      kanaal="e-mail")
        mw.beoordelen(session, a.id, tweede.professional_id, Oordeel.AKKOORD, "Goed onderbouwd.",
                      moment + timedelta(hours=4), kanaal="scherm")
        if afloop == "goedgekeurd":
            continue
        opdracht = mw.betaalronde(session, moment + timedelta(hours=5)).betaalopdracht
        mw.betaald_melden(session, opdracht.id, None, "Henk Jansen", "e-mail", moment + timedelta(hours=4 + afloop))
    session.flush()
    _effecten(session, now, kal)


def _effecten(session: Session, now: datetime, kal: Werkdagkalender) -> None:
    """Six months after a payment the team was asked its effect: the oldest payment's effect is recorded, the
    next waits on the dashboard (demo history, no mail). Early in a year the requests are all recent: none yet."""
    from workflows.maatwerk import effect as maatwerkeffect

    for i, aanvraag_id in enumerate(maatwerkeffect.te_vragen(session, now, kal)):
        a = maatwerkeffect.effect_vragen(session, aanvraag_id, now, kal).aanvraag
        if i == 0:
            maatwerkeffect.effect_vastleggen(
                session, a.aangevraagd_door, a.id, "verbeterd", "vervolgtraject",
                "Het gezin woont er nog; de huur gaat automatisch en het schuldhulptraject loopt.", now)
    session.flush()
