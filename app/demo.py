"""The demo municipality of DOMAIN.md "Demo data": teams, diensten, people, and a year of cases.

Every case is made through the use cases (workflows.usecases), as the screens and the scheduler do,
with explicit past moments, so its events, ledger, deadlines, climbs and
routing are real. Names of people are invented; the cases are drawn from the
seed reports (IB60 form, zoektermijn, deposit for a room, water cut-off,
e-bike refused by two diensten, home schooling nobody pays for, ...).
Reproducible: a fixed random seed; relative to the moment it runs.
"""
from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy.orm import Session

from workflows import bewaking, knipkaart, usecases, zaken
from workflows.kalender import TZ, Werkdagkalender, amsterdam
from workflows.models import (
    Afwezigheid,
    Contactpersoon,
    Dienst,
    Gebruiker,
    LadderFunctie,
    LadderTrede,
    MailVoorkeur,
    Oorzaak,
    Rol,
    UitzonderingSoort,
    Urgentie,
    VasteContactpersoon,
    Prijspost,
    Vervolgactie,
    VervolgSoort,
    Wijkteam,
    ZaakSoort,
)

from .auth.models import hash_wachtwoord

TEAMS = [  # naam, soort, gebied, slug
    ("Feyenoord", "sociaal wijkteam", "Feijenoord, Noordereiland, Kop van Zuid", "feyenoord"),
    ("Oosterflank", "sociaal wijkteam", "Prins Alexander", "oosterflank"),
    ("Middelland", "sociaal wijkteam", "Delfshaven", "middelland"),
    ("Nieuwe Westen", "sociaal wijkteam", "Delfshaven", "nieuwewesten"),
    ("Zuidwijk", "sociaal wijkteam", "Charlois", "zuidwijk"),
    ("Lage Land", "jeugdteam", "Prins Alexander", "lageland"),
    ("Rubroek/Crooswijk", "sociaal wijkteam", "Kralingen-Crooswijk", "rubroek"),
]

DIENSTEN = [  # naam, mailbox, knippen, landelijk, vaste contactpersonen, teamleider, manager
    ("Werk & Inkomen", "werkeninkomen@demo.local", True, False,
     [("Sanne Vos", "wi@demo.local"), ("Ahmed Bakker", "wi.vervanger@demo.local"), ("Ria Smit", "wi.smit@demo.local")],
     ("Johan de Graaf", "tl.werkeninkomen@demo.local"), ("Marieke Hoek", "manager.werkeninkomen@demo.local")),
    ("Wmo", "wmo-loket@demo.local", False, False,
     [("Ineke de Wit", "wmo@demo.local"), ("Kees Jansen", "wmo.jansen@demo.local"),
      ("Fatma Yilmaz", "wmo.yilmaz@demo.local")],
     ("Peter Mulder", "tl.wmo@demo.local"), ("Anouk Visser", "manager.wmo@demo.local")),
    ("Bijzondere bijstand", "bijzonderebijstand@demo.local", False, False,
     [("Lotte Bos", "bb@demo.local"), ("Youssef El Amrani", "bb.elamrani@demo.local")],
     ("Henk Brouwer", "tl.bijzonderebijstand@demo.local"), ("Sandra Kok", "manager.bijzonderebijstand@demo.local")),
    ("Schuldhulpverlening", "schuldhulp@demo.local", False, False,
     [("Bas Meijer", "shv@demo.local"), ("Nina Peters", "shv.peters@demo.local")],
     ("Ellen van Dijk", "tl.schuldhulp@demo.local"), ("Rob Hendriks", "manager.schuldhulp@demo.local")),
    ("Leerlingenvervoer", "leerlingenvervoer@demo.local", False, False,
     [("Tim Dekker", "llv@demo.local")],
     ("Joyce Willems", "tl.leerlingenvervoer@demo.local"), ("Gerard Koster", "manager.leerlingenvervoer@demo.local")),
    ("Landelijk Maatwerkloket", "maatwerkloket@demo.local", False, True,
     [("Loket Maatwerk", "lmw@demo.local")], None, None),
]

OORZAKEN = [
    ("Doorlooptijd aanvraag uitkering (lange intake W&I)", "Inwoner weken zonder inkomen tijdens de intake"),
    ("Wettelijke wachtperiode / zoektermijn", "De knip om de wachttermijn te laten vervallen"),
    ("Ontbrekend of onverkrijgbaar document", "Ex-ondernemer krijgt geen IB60-formulier"),
    ("Bijzondere bijstand: afwijzing of doorlooptijd (8 weken)", "Borg voor een kamer is nu nodig, niet over acht weken"),
    ("Beslagvrije voet niet gerespecteerd", "Instanties beslaan onder het beschermde minimum"),
    ("Terugvordering / verrekening toeslagen", "Toeslagen onterecht verrekend, gezin in acute armoede"),
    ("Kostendelersnorm", "Uitkering van oma gekort omdat haar kleinzoon bij haar introk"),
    ("Onduidelijk welke wet of welk domein betaalt", "Thuisonderwijs: school of Jeugdwet; Jeugdwet of Wlz"),
    ("Regel sluit maatwerk uit", "6-km-grens leerlingenvervoer; één indicatie per huishouden"),
    ("Tarief of contractering aanbieder", "De juiste zorgaanbieder is niet gecontracteerd"),
    ("Woonruimte, urgentie, huisuitzetting", "Leges urgentieaanvraag, dreigende uitzetting"),
    ("Privacy of informatiedeling blokkeert", "Toestemmingsformulier ontbreekt, partners delen niet"),
    ("Escalatiepad of contactpersoon onbekend", "Van het kastje naar de muur"),
    ("Anders", ""),
]

# Cases from the seeds: (soort, dienst, oorzaak index, uitzondering, gevraagd, blokkerende regel, oplossing,
#                        geen_inkomen, bovenlokaal)
SCENARIO = [
    ("knip", "Werk & Inkomen", 1, UitzonderingSoort.WACHTTERMIJN,
     "Jongere van 19 zonder inkomen en met huurachterstand heeft per direct een uitkering nodig.",
     "De zoektermijn van vier weken voor jongeren onder de 27.",
     "Uitkering per direct toekennen, zonder zoektermijn.", True, False),
    ("knip", "Werk & Inkomen", 2, UitzonderingSoort.VOORWAARDE,
     "Ex-ondernemer zonder inkomen heeft bijstand nodig; de aanvraag ligt stil.",
     "Voor de aanvraag is een IB60-formulier nodig dat de Belastingdienst niet afgeeft.",
     "Aanvraag in behandeling nemen op basis van de jaarstukken die er wel zijn.", True, True),
    ("knip", "Werk & Inkomen", 0, UitzonderingSoort.WACHTTERMIJN,
     "Alleenstaande moeder zonder inkomen sinds ontslag; intake pas over drie weken.",
     "De standaard doorlooptijd van de intake bij Werk & Inkomen.",
     "Voorschot op de uitkering binnen twee werkdagen.", True, False),
    ("knip", "Werk & Inkomen", 6, UitzonderingSoort.VOORWAARDE,
     "Oma's bijstand wordt gekort omdat haar kleinzoon tijdelijk bij haar woont na uithuisplaatsing thuis.",
     "De kostendelersnorm.", "Kostendelersnorm drie maanden niet toepassen.", False, True),
    ("escalatie", "Bijzondere bijstand", 3, None,
     "Borg voor een kamer, nodig deze week om dakloosheid te voorkomen.",
     "De behandeltermijn van acht weken voor bijzondere bijstand.",
     "Borg direct verstrekken als lening.", False, False),
    ("escalatie", "Schuldhulpverlening", 10, None,
     "Water wordt afgesloten bij een gezin met jonge kinderen; betalingsregeling nodig.",
     "Schuldhulpverlening start pas na een volledig schuldenoverzicht.",
     "Direct contact met het waterbedrijf en een tijdelijke regeling.", False, False),
    ("escalatie", "Wmo", 8, None,
     "Een e-bike om naar het werk te kunnen; Wmo en bijzondere bijstand wijzen naar elkaar.",
     "Wmo verwijst naar bijzondere bijstand, bijzondere bijstand naar de Wmo.",
     "Eén van beide diensten verstrekt de e-bike; de ander draagt de helft.", False, False),
    ("escalatie", "Leerlingenvervoer", 7, None,
     "Thuisonderwijs voor een kind met autisme: school noch Jeugdwet betaalt.",
     "Onduidelijk of dit onder onderwijs of onder de Jeugdwet valt.",
     "Gemeente financiert tijdelijk en regelt de verdeling achteraf.", False, True),
    ("escalatie", "Werk & Inkomen", 5, None,
     "Gezin met toeslagenschuld, toeslag wordt verrekend met de lopende uitkering.",
     "Verrekening van de toeslagterugvordering met de uitkering.",
     "Verrekening stoppen tot de beslagvrije voet is vastgesteld.", True, True),
    ("escalatie", "Schuldhulpverlening", 4, None,
     "Loonbeslag laat een gezin onder het bestaansminimum.",
     "Beslaglegger houdt geen rekening met de beslagvrije voet.",
     "Beslagvrije voet laten herberekenen en beslag aanpassen.", True, False),
    ("escalatie", "Wmo", 9, None,
     "De enige zorgaanbieder die deze jongere kan begeleiden is niet gecontracteerd.",
     "Alleen gecontracteerde aanbieders mogen worden ingezet.",
     "Eenmalig een pgb of een maatwerkcontract.", False, False),
    ("escalatie", "Bijzondere bijstand", 11, None,
     "Huisarts en schuldhulp willen samenwerken maar mogen geen gegevens delen.",
     "Een toestemmingsformulier dat de inwoner niet kan tekenen.",
     "Casusoverleg met mondelinge toestemming vastleggen.", False, False),
    ("escalatie", "Wmo", 12, None,
     "Niemand bij de Wmo weet wie over deze woningaanpassing beslist.",
     "Geen bekend escalatiepad binnen de Wmo.", "Een vaste beslisser aanwijzen.", False, False),
    ("escalatie", "Werk & Inkomen", 10, None,
     "Leges voor een urgentieaanvraag kan het gezin niet betalen.",
     "De urgentieaanvraag kost leges vooraf.", "Leges kwijtschelden of voorschieten.", True, False),
]

# What the seed cases avoided (DOMAIN.md "Avoided societal cost"), by SCENARIO index: (price list item, aantal).
VERMEDEN = {
    0: [("Huisuitzetting", 1), ("Maatschappelijke opvang / daklozenopvang", 30)],
    1: [("Schulddienstverlening", 1)],
    2: [("Huisuitzetting", 1)],
    3: [("Pleegzorgplaats", 1)],
    4: [("Maatschappelijke opvang / daklozenopvang", 60)],
    5: [("Uithuisplaatsing (kinderen)", 1)],
    6: [("Bijstandsuitkering", 6)],
    7: [("Jeugdhulp met verblijf (Lelystad)", 1)],
    8: [("Schulddienstverlening", 1), ("Huisuitzetting", 1)],
    9: [("Loonbeslag", 1), ("Schulddienstverlening", 1)],
    10: [("Jeugdhulp met verblijf (Lelystad)", 1)],
    11: [("Eerstelijnspsycholoog", 10)],
    13: [("Huisuitzetting", 1), ("Maatschappelijke opvang / daklozenopvang", 30)],
}

# What management decided about the most frequent causes: (oorzaak index, soort, besluit, eigenaar, dagen geleden,
# afgerond).
VERVOLG = [
    (1, VervolgSoort.REGEL_GEWIJZIGD, "Beleidsregel aangepast: Werk & Inkomen laat de zoektermijn vervallen bij "
     "huurachterstand, zonder knip.", "Beleidsadviseur Participatie", 120, True),
    (1, VervolgSoort.GESPREK_DIENST, "Evaluatie met Werk & Inkomen: wordt de nieuwe regel ook toegepast?",
     "Teammanager Werk & Inkomen", 20, False),
    (2, VervolgSoort.BIJ_RIJK_GEMELD, "IB60-probleem gemeld bij het Landelijk Maatwerkloket en de VNG.",
     "Strategisch adviseur Sociaal Domein", 60, True),
    (8, VervolgSoort.ONDERZOEK, "Onderzoek naar het loslaten van de 6-km-grens bij leerlingenvervoer.",
     "Beleidsadviseur Onderwijs", 30, False),
]

DIENST_NAMEN = ["Werk & Inkomen", "Wmo", "Bijzondere bijstand", "Schuldhulpverlening", "Leerlingenvervoer"]


def _werkmoment(rng: random.Random, kal: Werkdagkalender, dag: date) -> datetime:
    while not kal.is_werkdag(dag):
        dag += timedelta(days=1)
    return datetime.combine(dag, time(rng.randint(8, 15), rng.choice([0, 10, 20, 30, 40, 50])), tzinfo=TZ)


def _later(rng: random.Random, kal: Werkdagkalender, moment: datetime, werkdagen: float) -> datetime:
    dag = kal.plus_werkdagen(amsterdam(moment).date(), max(int(werkdagen), 0)) if werkdagen >= 1 else amsterdam(
        moment).date()
    uit = _werkmoment(rng, kal, dag)
    return uit if uit > moment else moment + timedelta(hours=rng.randint(1, 4))


def vul_demo(session: Session, now: datetime | None = None) -> list[tuple[str, str]]:
    """Fill an empty database with the demo; returns the accounts (e-mail, description). Does not commit."""
    now = now or datetime.now(timezone.utc)
    rng = random.Random(2026)
    kal = Werkdagkalender()
    wachtwoord = hash_wachtwoord("demo")
    accounts: list[tuple[str, str]] = []

    teams = {}
    for naam, soort, gebied, slug in TEAMS:
        teams[naam] = Wijkteam(naam=naam, soort=soort, gebied=gebied)
        session.add(teams[naam])
    oorzaken = []
    for i, (naam, voorbeeld) in enumerate(OORZAKEN):
        o = Oorzaak(naam=naam, voorbeeld=voorbeeld, volgorde=i + 1, vrije_tekst=naam == "Anders")
        session.add(o)
        oorzaken.append(o)
    session.flush()

    def gebruiker(email, naam, rol, team=None, omschrijving=""):
        g = Gebruiker(email=email, naam=naam, rol=rol, wijkteam_id=team.id if team else None,
                      wachtwoord_hash=wachtwoord)
        session.add(g)
        accounts.append((email, omschrijving or rol.label))
        return g

    gebruiker("beheer@demo.local", "Bram Beheer", Rol.BEHEERDER, omschrijving="beheerder")
    gebruiker("management@demo.local", "Mila de Ruiter", Rol.MANAGEMENT, omschrijving="management")
    managers, medewerkers = {}, {}
    namen = ["Yvonne Kramer", "Dennis Postma", "Samira Ouali", "Wouter Blom", "Esra Demir", "Linda Vermeer",
             "Hans Veenstra"]
    for i, ((naam, _, _, slug), persoon) in enumerate(zip(TEAMS, namen)):
        managers[naam] = gebruiker(f"{slug}@demo.local", persoon, Rol.WIJKTEAMMANAGER, teams[naam],
                                   f"wijkteammanager {naam}")
        managers[naam].telefoon = f"010 498 {12 + i:02d} {30 + i:02d}"  # for the dienst: in its mail and link page
        if naam == "Feyenoord":
            # The manager follows many cases and reads the deadline steps in one overview a day; her colleague
            # who drafts cases gets them as they happen.
            managers[naam].mail_voorkeur = MailVoorkeur.DAGELIJKS
            medewerkers[naam] = gebruiker("medewerker.feyenoord@demo.local", "Rachid Benali", Rol.MEDEWERKER,
                                          teams[naam], "medewerker Feyenoord")
            medewerkers[naam].telefoon = "06 12 34 56 78"
    session.flush()

    diensten, pool, ladder_personen = {}, {}, {}
    mwf = None
    for naam, mailbox, knippen, landelijk, personen, tl, mgr in DIENSTEN:
        d = Dienst(naam=naam, mailbox=mailbox, accepteert_knippen=knippen, landelijk=landelijk)
        session.add(d)
        session.flush()
        diensten[naam] = d
        pool[naam] = []
        for pnaam, email in personen:
            cp = Contactpersoon(naam=pnaam, email=email, dienst_id=d.id)
            session.add(cp)
            pool[naam].append(cp)
        treden = []
        for niveau, (gegevens, functie) in enumerate([(tl, LadderFunctie.TEAMLEIDER), (mgr, LadderFunctie.MANAGER)],
                                                     start=1):
            if gegevens:
                cp = Contactpersoon(naam=gegevens[0], email=gegevens[1], dienst_id=d.id, functie=functie)
                session.add(cp)
                treden.append((niveau, cp))
        if naam == "Werk & Inkomen":
            mwf = Contactpersoon(naam="Carla Maatman", email="maatwerkfunctionaris@demo.local", dienst_id=d.id,
                                 functie=LadderFunctie.MAATWERKFUNCTIONARIS)
            session.add(mwf)
        ladder_personen[naam] = treden
    session.flush()
    for naam, treden in ladder_personen.items():
        for niveau, cp in treden:
            session.add(LadderTrede(dienst_id=diensten[naam].id, niveau=niveau, contactpersoon_id=cp.id))
        if naam != "Landelijk Maatwerkloket":
            session.add(LadderTrede(dienst_id=diensten[naam].id, niveau=3, contactpersoon_id=mwf.id))

    # Vaste contactpersonen: Feyenoord has wi@ and wmo@; the rest rotate through each dienst's pool.
    for t_index, (tnaam, *_rest) in enumerate(TEAMS):
        for dnaam in DIENST_NAMEN:
            mensen = pool[dnaam]
            vast = mensen[0] if tnaam == "Feyenoord" else mensen[(t_index + 1) % len(mensen)]
            vervanger = next((m for m in mensen if m is not vast), None)
            if tnaam == "Feyenoord" and dnaam == "Werk & Inkomen":
                vervanger = pool[dnaam][1]
            session.add(VasteContactpersoon(wijkteam_id=teams[tnaam].id, dienst_id=diensten[dnaam].id,
                                            contactpersoon_id=vast.id, vervanger_id=vervanger.id if vervanger else None))
    # On holiday today: Kees Jansen (Wmo, vaste contactpersoon of several teams), with a vervanger.
    vandaag = amsterdam(now).date()
    session.add(Afwezigheid(contactpersoon_id=pool["Wmo"][1].id, van=vandaag - timedelta(days=4),
                            tot=vandaag + timedelta(days=10), omschrijving="Vakantie"))
    session.flush()
    for dnaam in DIENST_NAMEN + ["Landelijk Maatwerkloket"]:
        cp = pool[dnaam][0]
        accounts.append((cp.email, f"contactpersoon {dnaam} (geen account; antwoordt per e-mail)"))
    accounts.append((pool["Wmo"][1].email, "contactpersoon Wmo, met vakantie (geen account)"))

    prijsposten = _prijslijst(session)
    _geschiedenis(session, rng, kal, now, teams, managers, medewerkers, diensten, oorzaken, pool, prijsposten)
    from .leren.demo import vul_voorbeelden

    vul_voorbeelden(session, now)  # examples between teams, from the history's solved cases
    from .leren.demo_advies import vul_adviezen_en_waarderingen

    vul_adviezen_en_waarderingen(session, now, kal)  # adviesvragen in every state, ratings of closed cases
    from .nazorg.demo import vul_nazorg

    vul_nazorg(session, now)  # effects six months on, agreements, a renewal, consent, hand-overs (issue 17)
    from .gezamenlijk.demo import vul_gezamenlijk

    vul_gezamenlijk(session, now)  # joint questions of Feyenoord: one open, one overbrugd
    from .maatwerk.demo import vul_maatwerk

    vul_maatwerk(session, now, kal)  # maatwerkbudget: budgets, professionals, requests decided by three and paid
    from .tweedemening.demo import vul_tweede_mening

    rayon = gebruiker("rayon.zuid@demo.local", "Hanneke Verbeek", Rol.RAYONMANAGER,
                      omschrijving="rayonmanager over Feyenoord en Middelland")
    session.flush()
    vul_tweede_mening(session, now, rayon)  # a second opinion asked about a knip concept of Feyenoord
    beleid = session.query(Gebruiker).filter_by(email="management@demo.local").one()
    for oi, soort, besluit, eigenaar, dagen, afgerond in VERVOLG:
        session.add(Vervolgactie(oorzaak_id=oorzaken[oi].id, soort=soort, besluit=besluit, eigenaar=eigenaar,
                                 datum=amsterdam(now).date() - timedelta(days=dagen), afgerond=afgerond,
                                 vastgelegd_door_id=beleid.id, vastgelegd_op=now - timedelta(days=dagen)))
    return accounts


def _prijslijst(session: Session) -> dict[str, Prijspost]:
    from workflows.prijslijst import zorg_voor_standaardlijst

    return zorg_voor_standaardlijst(session)


def _geschiedenis(session, rng, kal, now, teams, managers, medewerkers, diensten, oorzaken, pool,
                  prijsposten) -> None:
    """About a year of knips and escalaties, ending in a present with open, overdue and waiting cases."""
    teamnamen = [t[0] for t in TEAMS]
    # Lage Land spends no knip this year: under-use is itself a finding.
    start = now - timedelta(days=360)
    momenten = sorted(start + timedelta(days=rng.uniform(0, 345)) for _ in range(64))
    nummer = {naam: 0 for naam in teamnamen}
    for i, moment in enumerate(momenten):
        tnaam = teamnamen[i % len(teamnamen)]
        index = rng.randrange(len(SCENARIO))
        scenario = SCENARIO[index]
        soort, dnaam, oi, uitzondering, gevraagd, regel, oplossing, geen_inkomen, bovenlokaal = scenario
        if soort == "knip" and (tnaam == "Lage Land" and amsterdam(moment).year == amsterdam(now).year):
            continue
        aangemaakt = _werkmoment(rng, kal, amsterdam(moment).date())
        nummer[tnaam] += 1
        _zaak(session, rng, kal, now, aangemaakt, teams[tnaam], managers[tnaam], medewerkers.get(tnaam), tnaam,
              nummer[tnaam], ZaakSoort(soort), diensten[dnaam], oorzaken[oi], uitzondering, gevraagd, regel, oplossing,
              geen_inkomen, bovenlokaal, afronden=True, vermeden=_vermeden(prijsposten, index, i))

    # The present: Feyenoord's open work, for the demo to start from.
    fey, mgr, mdw = teams["Feyenoord"], managers["Feyenoord"], medewerkers["Feyenoord"]
    recent = [(14, SCENARIO[5], "overdue"), (6, SCENARIO[6], "vraag"), (3, SCENARIO[4], "open"),
              (1, SCENARIO[11], "open"), (2, SCENARIO[2], "knip-open")]
    for dagen, scenario, soort_open in recent:
        index = SCENARIO.index(scenario)
        soort, dnaam, oi, uitzondering, gevraagd, regel, oplossing, geen_inkomen, bovenlokaal = scenario
        aangemaakt = _werkmoment(rng, kal, amsterdam(now - timedelta(days=dagen)).date())
        if aangemaakt >= now:
            aangemaakt = now - timedelta(hours=2)
        nummer["Feyenoord"] += 1
        _zaak(session, rng, kal, now, aangemaakt, fey, mgr, mdw, "Feyenoord", nummer["Feyenoord"], ZaakSoort(soort),
              diensten[dnaam], oorzaken[oi], uitzondering, gevraagd, regel, oplossing, geen_inkomen, bovenlokaal,
              afronden=False, open_als=soort_open, vermeden=_vermeden(prijsposten, index, 0))
    # A concept by the medewerker, waiting for the manager.
    nummer["Feyenoord"] += 1
    usecases.zaak_aanmaken(session, zaken.Actor.gebruiker(mdw), ZaakSoort.ESCALATIE, zaken.ZaakInvoer(
        dienst_id=diensten["Wmo"].id, clientreferentie=f"FEY-{amsterdam(now).year}-{nummer['Feyenoord']:03d}",
        gevraagd=SCENARIO[12][4], blokkerende_regel=SCENARIO[12][5], urgentie=Urgentie.NORMAAL,
        oorzaak_id=oorzaken[12].id, voorgestelde_oplossing=SCENARIO[12][6]), now - timedelta(hours=3))
    # Everything due up to now has been taken, as a running scheduler would have.
    for zaak_id in bewaking.zaken_met_stap(session, now, 10000):
        usecases.termijnstappen_nemen(session, zaak_id, now, kal)


def _vermeden(prijsposten: dict[str, Prijspost], index: int, volgnummer: int) -> list[tuple[int, int]]:
    """The avoided scenario of a seed case; one in four teams leaves it empty (it is optional)."""
    if volgnummer % 4 == 3:
        return []
    return [(prijsposten[naam].id, aantal) for naam, aantal in VERMEDEN.get(index, [])]


def _zaak(session, rng, kal, now, aangemaakt, team, manager, medewerker, tnaam, volgnummer, soort, dienst, oorzaak,
          uitzondering, gevraagd, regel, oplossing, geen_inkomen, bovenlokaal, *, afronden, open_als="", vermeden=()):
    prefix = tnaam.replace(" ", "")[:3].upper()
    if soort == ZaakSoort.KNIP:
        # Teams keep knips on their card (Feyenoord at least three, for the demo); beyond that they escalate.
        jaar = amsterdam(aangemaakt).year
        stand = knipkaart.stand(session, knipkaart.kaart(session, team.id, jaar))
        bewaar = 3 if tnaam == "Feyenoord" and jaar == amsterdam(now).year and afronden else 1
        if stand.resterend <= bewaar:
            soort, uitzondering = ZaakSoort.ESCALATIE, None
    invoer = zaken.ZaakInvoer(
        dienst_id=dienst.id, clientreferentie=f"{prefix}-{amsterdam(aangemaakt).year}-{volgnummer:03d}",
        gevraagd=gevraagd, blokkerende_regel=regel, urgentie=rng.choice([Urgentie.ACUUT, Urgentie.HOOG,
                                                                         Urgentie.NORMAAL, Urgentie.NORMAAL]),
        oorzaak_id=oorzaak.id, voorgestelde_oplossing=oplossing,
        uitzondering=uitzondering if soort == ZaakSoort.KNIP else None, geen_inkomen=geen_inkomen,
        bovenlokaal=bovenlokaal, scenario=list(vermeden))
    maker = medewerker if medewerker and rng.random() < 0.4 else manager
    mgr = zaken.Actor.gebruiker(manager)
    zaak = usecases.zaak_aanmaken(session, zaken.Actor.gebruiker(maker), soort, invoer, aangemaakt).zaak
    verstuurd = aangemaakt + timedelta(minutes=rng.randint(5, 90))
    usecases.handelen(session, mgr, zaak.id, "versturen", verstuurd)
    if open_als == "overdue":
        return  # nobody answers: the scheduler climbs it
    cp = session.get(Contactpersoon, zaak.ontvanger_id) if zaak.ontvanger_id else None
    dienst_actor = zaken.Actor.dienst(f"{cp.naam} ({dienst.naam})" if cp else f"{dienst.naam} (algemene mailbox)",
                                      cp.id if cp else None)
    reactie_na = rng.choice([0.2, 0.5, 1, 1, 2, 3, 5])  # sometimes after the deadline
    t = _later(rng, kal, verstuurd, reactie_na)
    if t >= now:
        return
    usecases.termijnstappen_nemen(session, zaak.id, t, kal)
    usecases.handelen(session, dienst_actor, zaak.id, "ontvangen", t)
    if open_als in ("open", "knip-open"):
        return
    if open_als == "vraag" or rng.random() < 0.25:
        t = _later(rng, kal, t, rng.choice([0.5, 1, 2]))
        usecases.termijnstappen_nemen(session, zaak.id, t, kal)
        usecases.handelen(session, dienst_actor, zaak.id, "vraag", t,
                        toelichting="Kunt u bevestigen dat er sinds vorige maand geen inkomen is?")
        if open_als == "vraag":
            return
        t = _later(rng, kal, t, rng.choice([0.5, 1]))
        usecases.handelen(session, mgr, zaak.id, "beantwoorden", t,
                        toelichting="Ja, bevestigd door de inwoner en de bankafschriften die wij zagen.")
    if rng.random() < 0.08:
        t = _later(rng, kal, t, 1)
        usecases.handelen(session, mgr, zaak.id, "intrekken", t, toelichting="Opgelost via het netwerk van de inwoner.")
        return
    t = _later(rng, kal, t, rng.choice([0.5, 1, 2, 3, 4, 8, 12]))
    if t >= now:
        return
    usecases.termijnstappen_nemen(session, zaak.id, t, kal)
    if zaak.status not in zaken.OPEN_BIJ_DIENST:
        return
    if soort == ZaakSoort.KNIP:
        uitkomst = rng.choices(["uitgevoerd", "regulier", "bezwaar"], [0.75, 0.15, 0.10])[0]
    else:
        uitkomst = rng.choices(["toegekend", "afgewezen", "anders_opgelost"], [0.6, 0.2, 0.2])[0]
    toelichting = {"uitgevoerd": "Uitgevoerd zoals gevraagd.", "regulier": "Past binnen de gewone regels; knip terug.",
                   "bezwaar": "Wij zien juridische risico's en leggen dit voor aan de manager.",
                   "toegekend": "Toegekend.", "afgewezen": "Geen wettelijke grondslag; wij verwijzen naar het LET.",
                   "anders_opgelost": "Opgelost via een andere voorziening."}[uitkomst]
    usecases.handelen(session, dienst_actor, zaak.id, uitkomst, t, toelichting=toelichting)
    if rng.random() < 0.3:
        usecases.bericht_plaatsen(session, mgr, zaak.id, "Dank voor de snelle actie, dit voorkomt een uitzetting.",
                               t + timedelta(hours=1))
    sluit = _later(rng, kal, t, rng.choice([1, 2, 5]))
    if afronden and sluit < now:
        usecases.handelen(session, mgr, zaak.id, "sluiten", sluit, structureel=rng.random() < 0.55)
