"""The report after the decision (issue 17, points 4 and 5): effects per cause and per instrument, end points,
and missing consent as a cause of delay, the same on the screen, in the exports and in the API tables."""
from __future__ import annotations

from datetime import date, datetime, timezone

from tests.effect_hulp import opgelost, t, verstuurd
from workflows import usecases
from workflows import usecases_nazorg as uc
from workflows.models import Oorzaak, ZaakSoort
from workflows.overgangen import Actie, Actor
from workflows.rapportage import Filters, maak_rapport, tabellen


def _wereld_met_effecten(db_session, wereld):
    document = Oorzaak(naam="Ontbrekend of onverkrijgbaar document", volgorde=3)
    db_session.add(document)
    db_session.commit()
    team = Actor.gebruiker(wereld.manager)
    a = opgelost(db_session, wereld, t("2026-03-10"))
    b = opgelost(db_session, wereld, t("2026-03-11"), clientreferentie="FEY-2026-002")
    c = opgelost(db_session, wereld, t("2026-03-12"), soort=ZaakSoort.ESCALATIE, dienst=wereld.wmo,
                 uitzondering=None, oorzaak_id=document.id, clientreferentie="FEY-2026-003")
    d = opgelost(db_session, wereld, t("2026-03-13"), soort=ZaakSoort.ESCALATIE, dienst=wereld.wmo,
                 uitzondering=None, oorzaak_id=document.id, clientreferentie="FEY-2026-004")
    for zaak, schaal, eind in ((a, "sterk_verbeterd", "geen_vervolg"), (b, "verbeterd", "vervolgtraject"),
                               (c, "verslechterd", "warme_overdracht"), (d, "onbekend", "warme_overdracht")):
        uc.effect_vastleggen(db_session, team, zaak.id, schaal, eind, "Eén zin.", t("2026-09-20"))
    db_session.commit()
    return document


def _tabellen(db_session, **filters):
    r = maak_rapport(db_session, Filters(date(2026, 1, 1), date(2026, 12, 31), **filters),
                     datetime(2026, 12, 1, tzinfo=timezone.utc), vergelijken=False)
    return {tab.sleutel: tab for tab in tabellen(r)}


def test_effects_per_cause_and_per_instrument(db_session, wereld):
    document = _wereld_met_effecten(db_session, wereld)
    t_ = _tabellen(db_session)
    oorzaak = {rij[0]: rij[1:] for rij in t_["effect_oorzaak"].rijen}
    # recorded, verslechterd, gelijk, verbeterd, sterk verbeterd, onbekend, % improved of known
    assert oorzaak["Wettelijke wachtperiode / zoektermijn"] == [2, 0, 0, 1, 1, 0, 100]
    assert oorzaak["Ontbrekend of onverkrijgbaar document"] == [2, 1, 0, 0, 0, 1, 0]
    instrument = {rij[0]: rij[1:] for rij in t_["effect_instrument"].rijen}
    assert instrument == {"Knip": [2, 0, 0, 1, 1, 0, 100], "Escalatie": [2, 1, 0, 0, 0, 1, 0]}
    eind = {rij[0]: rij[1:] for rij in t_["eindpunt"].rijen}
    assert eind == {"Knip": [1, 0, 1], "Escalatie": [0, 2, 0]}
    # The report's filters hold here too.
    alleen = _tabellen(db_session, oorzaak_id=document.id)
    assert [r[0] for r in alleen["effect_oorzaak"].rijen] == ["Ontbrekend of onverkrijgbaar document"]
    wmo = _tabellen(db_session, dienst_id=wereld.wmo.id)
    assert {rij[0]: rij[1:] for rij in wmo["effect_instrument"].rijen} == {"Escalatie": [2, 1, 0, 0, 0, 1, 0]}
    assert [rij[0] for rij in _tabellen(db_session, wijkteam_id=wereld.team.id)["effect_oorzaak"].rijen] == [
        "Wettelijke wachtperiode / zoektermijn", "Ontbrekend of onverkrijgbaar document"]
    ander_team = _tabellen(db_session, wijkteam_id=wereld.ander_team.id)
    assert ander_team["effect_oorzaak"].rijen == [] and ander_team["effect_instrument"].rijen == []


def test_missing_consent_shows_as_a_cause_of_delay_per_dienst(db_session, wereld):
    team = Actor.gebruiker(wereld.manager)
    zonder = verstuurd(db_session, wereld, t("2026-03-09", "08:30"), soort=ZaakSoort.ESCALATIE, dienst=wereld.wmo,
                       uitzondering=None)
    met = verstuurd(db_session, wereld, t("2026-03-09", "08:30"), soort=ZaakSoort.ESCALATIE, dienst=wereld.wmo,
                    uitzondering=None, clientreferentie="FEY-2026-002")
    nog = verstuurd(db_session, wereld, t("2026-03-09", "08:30"), soort=ZaakSoort.ESCALATIE, dienst=wereld.wmo,
                    uitzondering=None, clientreferentie="FEY-2026-003")
    uc.toestemming_vastleggen(db_session, team, zonder.id, "ontbreekt", t("2026-03-09", "08:30"))
    uc.toestemming_vastleggen(db_session, team, zonder.id, "gegeven", t("2026-03-13", "08:30"))  # four werkdagen
    uc.toestemming_vastleggen(db_session, team, met.id, "gegeven", t("2026-03-09", "08:30"))
    uc.toestemming_vastleggen(db_session, team, nog.id, "ontbreekt", t("2026-03-10", "08:30"))
    wmo = Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id, "contactpersoon")
    usecases.handelen(db_session, wmo, zonder.id, Actie.TOEGEKEND, t("2026-03-16", "08:30"))  # five werkdagen
    usecases.handelen(db_session, wmo, met.id, Actie.TOEGEKEND, t("2026-03-10", "08:30"))  # one werkdag
    db_session.commit()
    rij, = _tabellen(db_session)["toestemming"].rijen
    assert rij == ["Wmo", 3, 2, 1, 4.0, 5.0, 1.0]


def test_the_report_page_and_its_csv_show_the_section(client, inlog, db_session, wereld):
    _wereld_met_effecten(db_session, wereld)
    inlog.als("mt@test.local")
    html = client.get("/rapportage?van=2026-01-01&tot=2026-12-31").get_data(as_text=True)
    assert 'id="nazorg"' in html and "Effect na zes maanden per oorzaak" in html
    assert "Ontbrekende toestemming als oorzaak van vertraging" in html and 'href="#nazorg"' in html
    csv = client.get("/rapportage.csv?van=2026-01-01&tot=2026-12-31")
    tekst = csv.get_data().decode("utf-8-sig")
    assert "Effect na zes maanden per instrument" in tekst and "Eindpunt per instrument" in tekst
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(client.get("/rapportage.xlsx?van=2026-01-01&tot=2026-12-31").data))
    assert {"Effect na 6 maanden per oorzaak", "Effect na 6 mnd per instrument", "Eindpunt per instrument",
            "Ontbrekende toestemming"} <= set(wb.sheetnames)
    rijen = [[c.value for c in rij] for rij in wb["Effect na 6 mnd per instrument"].iter_rows(min_row=3, max_row=4)]
    assert rijen[0][:3] == ["Knip", 2, 0]
