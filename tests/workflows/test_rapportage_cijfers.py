"""The bottleneck report against the hand-built data set of tests/rapportage_gegevens.py, on both databases."""
from __future__ import annotations

from datetime import date

import pytest

from tests.rapportage_gegevens import NU, Dataset
from workflows.bewaring import wis_zaken
from workflows.models import Urgentie
from workflows.rapportage import Filters, maak_rapport, tabellen


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
