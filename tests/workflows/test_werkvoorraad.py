"""The dashboard's "now to do" (issue 14, point 2): one list, each case once for its first reason, and counts
that equal the case list behind each count's link (on SQLite and PostgreSQL)."""
from datetime import timedelta

from tests.conftest import NU
from workflows import usecases, werkvoorraad, zoeken
from workflows.models import Contactpersoon, LadderFunctie, LadderTrede, Status, ZaakSoort
from workflows.overgangen import Actie
from workflows.werkvoorraad import Reden
from workflows.zaken import Actor

# The case list's filter behind each count on the dashboard (templates/wijkteam/dashboard.html).
FILTER = {Reden.WACHT: dict(wacht_op_ons=True), Reden.UITGEPUT: dict(uitgeput=True),
          Reden.TE_SLUITEN: dict(status=Status.OPGELOST), Reden.TE_LAAT: dict(te_laat=True),
          Reden.VERSTUREN: dict(status=Status.CONCEPT)}


def _wereld_met_werk(db_session, wereld):
    """Two waiting on the team, one exhausted (and so late too), two late, one solved, two concepts, one calm."""
    mwf = Contactpersoon(naam="Frits Maatwerk", email="mwf@test.local", dienst_id=wereld.wmo.id,
                         functie=LadderFunctie.MAATWERKFUNCTIONARIS)
    db_session.add(mwf)
    db_session.flush()
    db_session.add(LadderTrede(dienst_id=wereld.wmo.id, niveau=1, contactpersoon_id=mwf.id))
    manager = Actor.gebruiker(wereld.manager)
    wmo = Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id)

    def zaak(i, dienst=None, versturen=True, door=manager):
        return usecases.zaak_aanmaken(db_session, door, ZaakSoort.ESCALATIE,
                                      wereld.invoer(dienst=dienst or wereld.wmo, uitzondering=None,
                                                    clientreferentie=f"FEY-{i:03d}"),
                                      NU + timedelta(minutes=i), versturen=versturen).zaak

    z = {}
    for i in (1, 2):
        z[f"wacht{i}"] = zaak(i)
        usecases.handelen(db_session, wmo, z[f"wacht{i}"].id, Actie.VRAAG, NU + timedelta(hours=i),
                          toelichting="Sinds wanneer is er geen inkomen?")
    z["uitgeput"] = zaak(3)
    later = NU + timedelta(days=30)
    for _ in range(3):
        usecases.termijnstappen_nemen(db_session, z["uitgeput"].id, later)
        later += timedelta(days=30)
    z["laat1"], z["laat2"] = zaak(4, dienst=wereld.wi), zaak(5, dienst=wereld.wi)
    z["opgelost"] = zaak(6)
    usecases.handelen(db_session, wmo, z["opgelost"].id, "toegekend", NU + timedelta(hours=2))
    z["concept1"] = zaak(7, versturen=False, door=Actor.gebruiker(wereld.medewerker))
    z["concept2"] = zaak(8, versturen=False, door=Actor.gebruiker(wereld.medewerker))
    db_session.commit()
    return z


def test_each_case_is_listed_once_for_its_first_reason_in_the_order_of_the_reasons(db_session, wereld):
    z = _wereld_met_werk(db_session, wereld)
    nu = NU + timedelta(days=200)  # every deadline of a case with the dienst has passed
    v = werkvoorraad.nu_te_doen(db_session, wereld.manager.wijkteam_id, nu, concepten_versturen=True)
    ids = [t.zaak.id for t in v.lijst]
    assert len(ids) == len(set(ids)) == 8
    assert [(t.reden, t.zaak.id) for t in v.lijst] == [
        (Reden.WACHT, z["wacht1"].id), (Reden.WACHT, z["wacht2"].id), (Reden.UITGEPUT, z["uitgeput"].id),
        (Reden.TE_SLUITEN, z["opgelost"].id), (Reden.TE_LAAT, z["laat1"].id), (Reden.TE_LAAT, z["laat2"].id),
        (Reden.VERSTUREN, z["concept1"].id), (Reden.VERSTUREN, z["concept2"].id)]
    assert v.aantal_open == 5  # two waiting, the exhausted, two late


def test_every_count_is_the_number_the_case_list_shows_behind_its_link(db_session, wereld):
    _wereld_met_werk(db_session, wereld)
    team = wereld.manager.wijkteam_id
    for nu in (NU, NU + timedelta(days=200)):
        v = werkvoorraad.nu_te_doen(db_session, team, nu, concepten_versturen=True)
        for reden, filter_ in FILTER.items():
            assert v.aantallen[reden] == zoeken.zoek_zaken(db_session, team, zoeken.Zoekvraag(**filter_), nu).totaal, \
                (reden, nu)
    # The exhausted case counts as late on the list too; on the short list it appears once, as exhausted.
    assert v.aantallen[Reden.TE_LAAT] == 3 and v.aantallen[Reden.UITGEPUT] == 1


def test_the_list_is_bounded_and_a_medewerker_is_not_asked_to_send_concepts(db_session, wereld):
    _wereld_met_werk(db_session, wereld)
    team, nu = wereld.manager.wijkteam_id, NU + timedelta(days=200)
    v = werkvoorraad.nu_te_doen(db_session, team, nu, concepten_versturen=True, limiet=3)
    assert [t.reden for t in v.lijst] == [Reden.WACHT, Reden.WACHT, Reden.UITGEPUT]
    assert v.totaal == 2 + 1 + 1 + 2 + 2  # the exhausted case is late too, and counted once
    medewerker = werkvoorraad.nu_te_doen(db_session, team, nu, concepten_versturen=False)
    assert medewerker.aantallen[Reden.VERSTUREN] == 0
    assert Reden.VERSTUREN not in {t.reden for t in medewerker.lijst}


def test_the_total_counts_each_case_once_so_the_dashboard_does_not_promise_more_than_there_is(db_session, wereld):
    z = _wereld_met_werk(db_session, wereld)
    team, nu = wereld.manager.wijkteam_id, NU + timedelta(days=200)
    v = werkvoorraad.nu_te_doen(db_session, team, nu, concepten_versturen=True)
    assert v.totaal == len(v.lijst) == 8
    # Only the exhausted case left: one case, though it is on two of the case list's filters.
    manager = Actor.gebruiker(wereld.manager)
    for naam in ("wacht1", "wacht2", "laat1", "laat2", "concept1", "concept2"):
        usecases.handelen(db_session, manager, z[naam].id, Actie.INTREKKEN, nu, toelichting="Niet meer nodig.")
    usecases.handelen(db_session, manager, z["opgelost"].id, Actie.SLUITEN, nu, structureel=False)
    db_session.commit()
    v = werkvoorraad.nu_te_doen(db_session, team, nu, concepten_versturen=True)
    assert v.aantallen[Reden.UITGEPUT] == v.aantallen[Reden.TE_LAAT] == 1
    assert v.totaal == len(v.lijst) == 1


def test_another_teams_work_is_never_counted(db_session, wereld):
    _wereld_met_werk(db_session, wereld)
    v = werkvoorraad.nu_te_doen(db_session, wereld.ander_team.id, NU + timedelta(days=200), concepten_versturen=True)
    assert v.lijst == [] and v.totaal == 0 and v.aantal_open == 0


def test_a_count_stops_one_past_its_cap_and_the_open_cases_are_counted_in_full(db_session, wereld):
    _wereld_met_werk(db_session, wereld)
    v = werkvoorraad.nu_te_doen(db_session, wereld.manager.wijkteam_id, NU + timedelta(days=200),
                                concepten_versturen=True, telling=1)
    assert v.aantallen == {Reden.WACHT: 2, Reden.UITGEPUT: 1, Reden.TE_SLUITEN: 1, Reden.TE_LAAT: 2,
                           Reden.VERSTUREN: 2}  # 2 = "1+" on the screen
    assert v.aantal_open == 5 and len(v.lijst) == 8
