"""The bottleneck report against the hand-built data set of tests/rapportage_gegevens.py, on both databases."""
from __future__ import annotations

from datetime import date

import pytest

from tests.rapportage_gegevens import NU, Dataset
from workflows.bewaring import wis_zaken
from workflows.models import Urgentie
from workflows.rapportage import Filters, jaar_eerder, maak_rapport, tabellen, vorige_periode


@pytest.fixture
def dataset(db_session, wereld):
    return Dataset(db_session, wereld)


HALFJAAR = Filters(date(2026, 1, 1), date(2026, 6, 30))


def test_times_per_dienst_in_werkdagen_across_holidays(db_session, dataset):
    r = maak_rapport(db_session, HALFJAAR, NU)
    wi, wmo = r.diensten
    assert (wi.naam, wi.zaken) == ("Werk & Inkomen", 6)
    # reactions 0.5, 1.0, 2.0, 2.5, 5.0: median 2.0; 90th percentile at rank 3.6: 2.5 + 0.6 * 2.5 = 4.0
    assert (wi.reactie_mediaan, wi.reactie_p90) == (2.0, 4.0)
    # resolutions 1.5, 3.0, 6.0: median 3.0; 90th percentile at rank 1.8: 3.0 + 0.8 * 3.0 = 5.4
    assert (wi.oplos_mediaan, wi.oplos_p90) == (3.0, 5.4)
    assert (wi.termijnen_gemist, wi.zaken_te_laat, wi.hoogste_trede_naam, wi.bezwaren) == (1, 1, "teamleider", 1)
    assert (wmo.naam, wmo.zaken, wmo.reactie_mediaan, wmo.reactie_p90, wmo.oplos_mediaan) == ("Wmo", 1, 0.5, 0.5, None)


def test_counts_per_cause_and_month_in_amsterdam_time(db_session, dataset):
    w = dataset.w
    r = maak_rapport(db_session, HALFJAAR, NU)
    per = {o.naam: o for o in r.oorzaken}
    wacht, anders = per[w.oorzaak.naam], per["Anders"]
    assert (wacht.knippen, wacht.escalaties, wacht.bezwaren) == (2, 2, 1)
    assert (anders.knippen, anders.escalaties, anders.acuut) == (0, 3, 1)
    assert wacht.per_maand == {"2026-03": 2, "2026-04": 2}  # case 6 is April in Amsterdam, March in UTC
    assert anders.per_maand == {"2026-03": 1, "2026-04": 1, "2026-05": 1}
    assert r.knippen_per_maand == {"2026-03": 1, "2026-04": 1}
    assert r.escalaties_per_maand == {"2026-03": 2, "2026-04": 2, "2026-05": 1}
    assert r.maanden == ["2026-01", "2026-02", "2026-03", "2026-04", "2026-05", "2026-06"]
    assert [v.besluit for v in wacht.vervolg] == ["Beleidsregel"]


def test_a_report_filtered_on_a_cause_shows_only_that_cause_and_its_follow_up_actions(db_session, dataset):
    """The follow-up actions are read with the cause as a bound parameter (the statement is built once): filtered on
    "Anders", the other cause's action does not make a row of its own; filtered on that cause, it is there."""
    w = dataset.w
    for bron in ("feiten", "zaken"):
        anders = maak_rapport(db_session, Filters(HALFJAAR.van, HALFJAAR.tot, oorzaak_id=w.anders.id), NU, bron=bron)
        assert [(o.naam, [v.besluit for v in o.vervolg]) for o in anders.oorzaken] == [("Anders", [])]
        wacht = maak_rapport(db_session, Filters(HALFJAAR.van, HALFJAAR.tot, oorzaak_id=w.oorzaak.id), NU, bron=bron)
        assert [(o.naam, [v.besluit for v in o.vervolg]) for o in wacht.oorzaken] == [
            (w.oorzaak.naam, ["Beleidsregel"])]
        db_session.rollback()


def test_card_use_per_team_marks_under_use(db_session, dataset):
    r = maak_rapport(db_session, HALFJAAR, NU)
    kaarten = {k.wijkteam: k for k in r.knipkaarten}
    fey, oost = kaarten["Feyenoord"], kaarten["Oosterflank"]
    assert (fey.jaar, fey.quotum, fey.ingezet, fey.teruggegeven, fey.procent, fey.onderbenut) == (2026, 5, 2, 0, 40, False)
    # By 1 June 41% of the year has passed: less than half of 41% of 5 knips used is under-use.
    assert (oost.quotum, oost.gebruikt, oost.onderbenut) == (5, 0, True)


def test_blocking_rules_grouped_and_anonymised(db_session, dataset):
    r = maak_rapport(db_session, HALFJAAR, NU)
    eerste = r.regels[0]
    assert (eerste.aantal, eerste.teams, eerste.dienst) == (3, 1, "Werk & Inkomen")
    assert eerste.fragment.lower().strip() == "de zoektermijn van vier weken"
    ib60 = next(g for g in r.regels if "IB60" in g.fragment)
    assert "Jansen" not in ib60.fragment and "FEY-2026-003" not in ib60.fragment
    assert ib60.fragment == "Mevrouw [naam] ([…]) krijgt geen IB60 van de Belastingdienst"


def test_avoided_cost_per_cause_with_the_price_list(db_session, dataset):
    r = maak_rapport(db_session, HALFJAAR, NU)
    assert r.vermeden == 6000 + 30 * 90
    assert {k.naam: (k.zaken, k.aantal, k.bedrag) for k in r.kosten} == {
        "Huisuitzetting": (1, 1, 6000), "Maatschappelijke opvang / daklozenopvang": (1, 30, 2700)}
    assert {o.naam: o.vermeden for o in r.oorzaken if o.vermeden} == {dataset.w.oorzaak.naam: 8700}
    assert all(p.bron for p in r.prijslijst)


def test_filters_narrow_every_figure(db_session, dataset):
    w = dataset.w
    alleen_oost = maak_rapport(db_session, Filters(date(2026, 1, 1), date(2026, 6, 30), wijkteam_id=w.ander_team.id), NU)
    assert [(d.naam, d.zaken) for d in alleen_oost.diensten] == [("Wmo", 1)]
    assert [k.wijkteam for k in alleen_oost.knipkaarten] == ["Oosterflank"]
    acuut = maak_rapport(db_session, Filters(date(2026, 1, 1), date(2026, 6, 30), urgentie=Urgentie.ACUUT), NU)
    assert (acuut.knippen, acuut.escalaties) == (0, 1)
    maart = maak_rapport(db_session, Filters(date(2026, 3, 1), date(2026, 3, 31)), NU)
    assert (maart.knippen, maart.escalaties) == (1, 2)
    wmo = maak_rapport(db_session, Filters(date(2026, 1, 1), date(2026, 6, 30), dienst_id=w.wmo.id), NU)
    assert [d.naam for d in wmo.diensten] == ["Wmo"] and wmo.vermeden == 0


def test_the_report_is_the_same_after_the_retention_erase(db_session, dataset):
    voor = [t.opgemaakt() for t in tabellen(maak_rapport(db_session, HALFJAAR, NU))]
    wis_zaken(db_session, [z.id for z in dataset.zaken], NU)
    db_session.commit()
    na = [t.opgemaakt() for t in tabellen(maak_rapport(db_session, HALFJAAR, NU))]
    assert na == voor


# ---------------------------------------------------------------- page 1: comparisons (issue 16)


@pytest.mark.parametrize("van,tot,vorige", [
    (date(2026, 4, 1), date(2026, 4, 30), (date(2026, 3, 1), date(2026, 3, 31))),  # a month: the month before
    (date(2026, 1, 1), date(2026, 6, 30), (date(2025, 7, 1), date(2025, 12, 31))),  # half a year: the half before
    (date(2026, 3, 1), date(2026, 3, 31), (date(2026, 2, 1), date(2026, 2, 28))),  # whole months stay whole
    (date(2026, 4, 10), date(2026, 4, 19), (date(2026, 3, 31), date(2026, 4, 9))),  # ten days: the ten before
])
def test_the_previous_period_has_the_same_length(van, tot, vorige):
    assert vorige_periode(van, tot) == vorige


def test_a_year_earlier_keeps_the_dates_and_moves_29_february():
    assert jaar_eerder(date(2026, 4, 1), date(2026, 4, 30)) == (date(2025, 4, 1), date(2025, 4, 30))
    assert jaar_eerder(date(2028, 2, 1), date(2028, 2, 29)) == (date(2027, 2, 1), date(2027, 2, 28))


def test_key_figures_beside_the_previous_month_and_a_year_earlier(db_session, dataset):
    r = maak_rapport(db_session, Filters(date(2026, 4, 1), date(2026, 4, 30)), NU)
    # April: knip 1 (huisuitzetting, 6000), escalaties 3 and 6. March: knip 2, escalaties 5 (opvang 30 x 90) and 7.
    assert (r.cijfers.knippen, r.cijfers.escalaties, r.cijfers.vermeden) == (1, 2, 6000)
    assert (r.vorige.van, r.vorige.tot) == (date(2026, 3, 1), date(2026, 3, 31))
    assert (r.vorige.knippen, r.vorige.escalaties, r.vorige.vermeden) == (1, 2, 2700)
    assert (r.jaar_eerder.knippen, r.jaar_eerder.escalaties, r.jaar_eerder.vermeden) == (0, 0, 0)
    kern = {rij[0]: rij[1:] for rij in next(t for t in tabellen(r) if t.sleutel == "kern").rijen}
    assert kern["Vermeden maatschappelijke kosten (euro)"] == [6000, 2700, 3300, 0, 6000]
    assert kern["Knippen"] == [1, 1, 0, 0, 1]


def test_the_most_acute_causes_with_their_trend(db_session, dataset):
    w = dataset.w
    mei = maak_rapport(db_session, Filters(date(2026, 5, 1), date(2026, 5, 31)), NU)
    # Case 4 (Anders, acuut) is the only acute case; it also missed its deadline.
    assert [(o.naam, o.acuut) for o in mei.meest_acuut] == [("Anders", 1)]
    assert mei.vorige.acuut_per_oorzaak == {} and mei.cijfers.zaken_te_laat == 1
    acuut = next(t for t in tabellen(mei) if t.sleutel == "acuut")
    assert acuut.rijen == [["Anders", 1, 0, 1, 0, 1]]
    assert [t.opgemaakt() for t in tabellen(mei) if t.sleutel == "acuut"][0] == [["Anders", "1", "0", "+1", "0", "+1"]]
    juni = maak_rapport(db_session, Filters(date(2026, 6, 1), date(2026, 6, 30)), NU)
    assert juni.vorige.acuut_per_oorzaak == {w.anders.id: 1}
    assert juni.meest_acuut == []


def test_this_periods_key_figures_equal_the_comparison_computation(db_session, dataset):
    # The report's own figures are rolled up from its parts; a comparison period's come from periodecijfers().
    # Both must agree for the same period, under every filter.
    from workflows.rapportage import periodecijfers

    w = dataset.w
    for f in (HALFJAAR, Filters(date(2026, 3, 1), date(2026, 3, 31)),
              Filters(date(2026, 1, 1), date(2026, 6, 30), dienst_id=w.wi.id),
              Filters(date(2026, 1, 1), date(2026, 6, 30), urgentie=Urgentie.ACUUT),
              Filters(date(2026, 1, 1), date(2026, 6, 30), wijkteam_id=w.ander_team.id)):
        r = maak_rapport(db_session, f, NU, vergelijken=False)
        assert r.cijfers == periodecijfers(db_session, f, r.prijslijst), f


def test_deadlines_kept_per_dienst_count_cases_not_deadlines(db_session, dataset):
    r = maak_rapport(db_session, HALFJAAR, NU)
    termijnen = {rij[0]: rij[1:] for rij in next(t for t in tabellen(r) if t.sleutel == "termijnen").rijen}
    # Werk & Inkomen: 6 cases, one (case 4) with a missed deadline: 5 kept, 83%.
    assert termijnen["Werk & Inkomen"] == [6, 5, 83, 1, 1]
    assert termijnen["Wmo"] == [1, 1, 100, 0, 0]


def test_card_use_of_all_teams_together(db_session, dataset):
    r = maak_rapport(db_session, HALFJAAR, NU)
    kaart = next(t for t in tabellen(r) if t.sleutel == "kaartgebruik")
    teams = len(r.knipkaarten)
    assert kaart.rijen[0][0] == "2026" and kaart.rijen[0][1] == teams
    assert kaart.rijen[0][3] == sum(k.gebruikt for k in r.knipkaarten)
    assert kaart.rijen[0][5] == len(r.onderbenut)


def test_every_table_says_what_it_counts(db_session, dataset):
    for t in tabellen(maak_rapport(db_session, HALFJAAR, NU)):
        assert t.toelichting, t.sleutel


def test_a_year_long_period_compares_with_the_year_before_once(db_session, dataset):
    r = maak_rapport(db_session, Filters(date(2026, 1, 1), date(2026, 12, 31)), NU)
    assert (r.vorige.van, r.vorige.tot) == (date(2025, 1, 1), date(2025, 12, 31))
    assert r.jaar_eerder is r.vorige
