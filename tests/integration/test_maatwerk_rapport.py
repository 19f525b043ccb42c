"""The maatwerkbudget in the report (use and under-use per team, time to payment p50/p90 against 24 hours), the
beheerder's settings screen, and the demo's budgets in use with payments."""
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from tests.conftest import NU
from tests.maatwerk_gegevens import Maatwerk
from workflows.maatwerk import aanvragen as mw
from workflows.maatwerk import budget as budgetboek
from workflows.maatwerk import cijfers
from workflows.maatwerk.modellen import MaatwerkProfessional, Oordeel
from workflows.rapportage import Filters

PERIODE = Filters(van=date(2026, 1, 1), tot=date(2026, 12, 31))


@pytest.fixture
def maatwerk(db_session, wereld):
    m = Maatwerk(db_session, wereld)
    db_session.commit()
    return m


def _betaald(s, m, begin, uren, bedrag="100"):
    a = m.vraag(s, begin, bedrag=bedrag)
    for p in (m.schuldhulp, m.inkomen):
        mw.beoordelen(s, a.id, p.id, Oordeel.AKKOORD, "", begin, kanaal="scherm")
    o = mw.betaalronde(s, begin + timedelta(minutes=30)).betaalopdracht
    if uren is not None:
        mw.betaald_melden(s, o.id, None, "financiën", "e-mail", begin + timedelta(hours=uren))
    return a


def test_time_to_payment_is_median_and_90th_percentile_in_hours_against_24(db_session, maatwerk):
    for i, uren in enumerate((5, 19, 31)):
        _betaald(db_session, maatwerk, NU + timedelta(days=i), uren)
    _betaald(db_session, maatwerk, NU + timedelta(days=5), None)  # approved, never confirmed: late by now
    tabel = cijfers.betaaltijden(db_session, PERIODE, NU + timedelta(days=30))
    rij = dict(zip([k.naam for k in tabel.kolommen], tabel.rijen[-1]))
    assert rij["Wijkteam"] == "Alle teams" and rij["Betaald"] == 3
    assert rij["Mediaan (uur)"] == 19.0 and rij["90e percentiel (uur)"] == 28.6  # 19 + 0.8 × (31 − 19)
    assert (rij["Binnen 24 uur"], rij["Nog niet betaald"], rij["Te laat"], rij["Norm gehaald"]) == (2, 1, 2, "nee")


def test_budget_use_per_team_shows_use_and_under_use(db_session, maatwerk, wereld):
    budgetboek.budget_instellen(db_session, wereld.ander_team.id, 2026, 1_000_000)  # € 10.000, nothing used
    _betaald(db_session, maatwerk, NU, 3, bedrag="600")
    maatwerk.vraag(db_session, NU, bedrag="100")  # in progress
    tabel = cijfers.budgetgebruik(db_session, PERIODE, datetime(2026, 12, 31, 12, tzinfo=timezone.utc))
    rijen = {r[0]: dict(zip([k.naam for k in tabel.kolommen], r)) for r in tabel.rijen}
    assert (rijen["Feyenoord"]["Budget"], rijen["Feyenoord"]["Benut"], rijen["Feyenoord"]["Betaald"],
            rijen["Feyenoord"]["In behandeling"], rijen["Feyenoord"]["Benut van budget"],
            rijen["Feyenoord"]["Onderbenut"]) == (1000, 700, 600, 100, 70, "nee")
    assert (rijen["Oosterflank"]["Benut van budget"], rijen["Oosterflank"]["Onderbenut"]) == (0, "ja")


def test_the_report_and_its_csv_show_the_maatwerk_figures(client, inlog, db_session, maatwerk):
    _betaald(db_session, maatwerk, NU, 7)
    db_session.commit()
    inlog.als("mt@test.local")
    pagina = client.get("/rapportage?van=2026-01-01&tot=2026-12-31").get_data(as_text=True)
    assert "Maatwerkbudget: gebruik en tijd tot betaling" in pagina and "Tijd tot betaling" in pagina
    csv = client.get("/rapportage.csv?van=2026-01-01&tot=2026-12-31")
    assert csv.status_code == 200 and "Gebruik van het maatwerkbudget per team" in csv.get_data(as_text=True)


def test_the_beheerder_sets_a_budget_adds_a_professional_and_is_told_what_is_wrong(client, inlog, db_session,
                                                                                   maatwerk, wereld):
    inlog.als("beheer@test.local")
    assert "Professionals die meebeslissen" in client.get("/beheer/maatwerk").get_data(as_text=True)
    r = client.post("/beheer/maatwerk/budget", data={"wijkteam_id": wereld.ander_team.id, "jaar": 2026,
                                                     "bedrag": "10.000"})
    assert r.status_code == 302
    assert budgetboek.lees_budget(db_session, wereld.ander_team.id, 2026)[0].bedrag == 1_000_000
    r = client.post("/beheer/maatwerk/professionals", data={"naam": "Omar Oost", "email": "Omar@Test.local",
                                                            "discipline": "schuldhulp",
                                                            "wijkteam_id": wereld.ander_team.id})
    assert r.status_code == 302
    assert db_session.execute(select(MaatwerkProfessional).where(MaatwerkProfessional.email == "omar@test.local")
                              ).scalar_one().wijkteam_id == wereld.ander_team.id
    r = client.post("/beheer/maatwerk/instellingen", data={
        "disciplines": "zorg, schuldhulp", "betaalwijze": "pain001", "rekening_naam": "Gemeente",
        "rekening_iban": "NL02ABNA0123456789"})
    assert r.status_code == 422 and "ten minste drie disciplines" in r.get_data(as_text=True)
    r = client.post("/beheer/maatwerk/instellingen", data={
        "disciplines": "zorg, schuldhulp, inkomen", "betaalwijze": "pain001", "rekening_naam": "Gemeente",
        "rekening_iban": "NL02ABNA0123456780"})
    assert r.status_code == 422 and "Dit IBAN klopt niet" in r.get_data(as_text=True)
    assert mw.instelling(db_session).rekening_iban == "NL02ABNA0123456789"  # nothing half-saved
    r = client.post("/beheer/maatwerk/budget", data={"wijkteam_id": wereld.team.id, "jaar": 2026, "bedrag": "-5"})
    assert r.status_code == 422


def test_the_team_sees_its_budget_and_requests_in_the_navigation(client, inlog, db_session, maatwerk):
    inlog.als("manager@test.local")
    dashboard = client.get("/wijkteam").get_data(as_text=True)
    assert 'href="/maatwerk"' in dashboard
    pagina = client.get("/maatwerk").get_data(as_text=True)
    assert "beschikbaar van € 1.000" in pagina and "Maatwerkbudget aanvragen" in pagina


def test_the_demo_shows_budgets_in_use_with_payments(app, db_session):
    from app.demo import vul_demo

    now = datetime.now(timezone.utc)
    vul_demo(db_session, now)
    db_session.flush()
    jaar = mw.jaar_van(now)
    f = Filters(van=date(jaar, 1, 1), tot=date(jaar, 12, 31))
    gebruik = {r[0]: r for r in cijfers.budgetgebruik(db_session, f, now).rijen}
    assert gebruik["Feyenoord"][3] > 0 and gebruik["Feyenoord"][4] > 0  # used and paid
    assert sum(1 for r in gebruik.values() if r[-1] == "ja") >= 3  # most teams under-use, as in Rotterdam
    betaling = cijfers.betaaltijden(db_session, f, now).rijen[-1]
    assert betaling[0] == "Alle teams" and betaling[1] >= 3 and betaling[2] is not None
