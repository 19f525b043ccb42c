"""The demo municipality: fills an empty database, every account logs in, the story of DOMAIN.md holds."""
from sqlalchemy import func, select

from tests.conftest import NU
from workflows import knipkaart
from workflows.kalender import amsterdam
from workflows.models import Afwezigheid, Contactpersoon, Dienst, Status, VasteContactpersoon, Wijkteam, Zaak
from workflows.privacy import vind_bsn
from workflows.zaken import VRIJE_TEKST


def test_the_demo_fills_an_empty_database_and_every_account_logs_in(app, client, db_session):
    from app.demo import vul_demo

    accounts = vul_demo(db_session)
    db_session.commit()
    emails = [e for e, _ in accounts]
    for verplicht in ("beheer@demo.local", "management@demo.local", "feyenoord@demo.local",
                      "medewerker.feyenoord@demo.local", "wi@demo.local", "wmo@demo.local"):
        assert verplicht in emails
    teams = db_session.execute(select(Wijkteam.naam)).scalars().all()
    assert {"Feyenoord", "Oosterflank", "Middelland", "Nieuwe Westen", "Zuidwijk", "Lage Land",
            "Rubroek/Crooswijk"} <= set(teams)
    for email, omschrijving in accounts:
        if "geen account" in omschrijving:
            continue
        client.post("/logout")
        r = client.post("/login", data={"email": email, "wachtwoord": "demo"})
        assert r.status_code == 302, email
        assert client.get("/", follow_redirects=True).status_code == 200, email


def test_the_demo_tells_the_story_of_the_domain(app, db_session):
    from app.demo import vul_demo

    now = NU  # a fixed day: on the real 1 January no team has spent a knip yet, and the story would not hold
    vul_demo(db_session, now)
    db_session.commit()
    fey = db_session.execute(select(Wijkteam).where(Wijkteam.naam == "Feyenoord")).scalar_one()
    wi = db_session.execute(select(Dienst).where(Dienst.naam == "Werk & Inkomen")).scalar_one()
    # The card year and "today" in Amsterdam, as the demo takes them (not the test machine's local date).
    jaar, vandaag = amsterdam(now).year, amsterdam(now).date()
    assert 0 < knipkaart.stand(db_session, knipkaart.kaart(db_session, fey.id, jaar)).resterend < 5
    lage_land = db_session.execute(select(Wijkteam).where(Wijkteam.naam == "Lage Land")).scalar_one()
    assert knipkaart.stand(db_session, knipkaart.kaart(db_session, lage_land.id, jaar)).ingezet == 0
    vast = db_session.execute(select(VasteContactpersoon).where(VasteContactpersoon.wijkteam_id == fey.id,
                                                                VasteContactpersoon.dienst_id == wi.id)).scalar_one()
    assert vast.contactpersoon.email == "wi@demo.local" and vast.vervanger is not None
    afwezig = db_session.execute(select(Afwezigheid)).scalars().all()
    assert len(afwezig) == 1 and afwezig[0].van <= vandaag <= afwezig[0].tot
    assert afwezig[0].contactpersoon.email not in ("wi@demo.local", "wmo@demo.local")
    statussen = dict(db_session.execute(select(Zaak.status, func.count()).group_by(Zaak.status)).all())
    # Two concepts: an escalatie by the medewerker for the manager, a knip on which the manager asked the
    # rayonmanager's second opinion (app/tweedemening/demo.py).
    assert statussen.get(Status.GESLOTEN, 0) > 30 and statussen.get(Status.CONCEPT) == 2
    from workflows import tweedemening as tm

    vraag, = db_session.scalars(select(tm.TweedeMening)).all()
    assert vraag.open and vraag.gevraagd_aan.rol.value == "rayonmanager" and vraag.zaak.status == Status.CONCEPT
    assert statussen.get(Status.WACHT_OP_WIJKTEAM) == 1
    assert any(z.trede > 0 for z in db_session.execute(select(Zaak)).scalars())  # some climbed the ladder
    for zaak in db_session.execute(select(Zaak)).scalars():
        for veld in VRIJE_TEKST:
            assert not vind_bsn(getattr(zaak, veld)), (zaak.id, veld)


def test_seed_demo_refuses_a_database_with_data_and_prints_the_accounts(app, db_session):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["seed-demo"])
    assert r.exit_code == 0 and "feyenoord@demo.local" in r.output
    r = runner.invoke(args=["seed-demo"])
    assert r.exit_code != 0 and "bevat al gegevens" in r.output
    assert runner.invoke(args=["seed-demo", "--als-leeg"]).exit_code == 0
