"""The team's case list (/zaken): search, filters, order, pages, CSV, the household history (issue 14)."""
from datetime import timedelta

from tests.conftest import NU
from workflows import usecases
from workflows.models import Urgentie, ZaakSoort
from workflows.zaken import Actor


def _zaken(db_session, wereld):
    manager = Actor.gebruiker(wereld.manager)
    uit = []
    for i, (ref, gevraagd, dienst, versturen) in enumerate([
        ("FEY-2026-001", "Borg voor een kamer", wereld.wmo, True),
        ("FEY-2026-002", "Waterafsluiting voorkomen", wereld.wi, True),
        ("FEY-2026-001", "E-bike naar het werk", wereld.wmo, True),
        ("FEY-2026-003", "Thuisonderwijs 100% betaald", wereld.wmo, False),
    ]):
        r = usecases.zaak_aanmaken(db_session, manager, ZaakSoort.ESCALATIE,
                                   wereld.invoer(dienst=dienst, clientreferentie=ref, gevraagd=gevraagd,
                                                 uitzondering=None, urgentie=Urgentie.NORMAAL),
                                   NU + timedelta(hours=i), versturen=versturen)
        uit.append(r.zaak)
    ander = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.andere_manager), ZaakSoort.ESCALATIE,
                                   wereld.invoer(dienst=wereld.wmo, clientreferentie="OOST-1", gevraagd="Borg",
                                                 uitzondering=None), NU, versturen=True)
    db_session.commit()
    return uit, ander.zaak


def test_the_list_searches_number_reference_and_text_of_the_own_team_only(client, inlog, wereld, db_session):
    zaken_, ander = _zaken(db_session, wereld)
    inlog.als("manager@test.local")
    html = client.get("/zaken?q=borg").get_data(as_text=True)
    assert zaken_[0].nummer in html and ander.nummer not in html and "1 zaak" in html
    assert zaken_[1].nummer in client.get(f"/zaken?q={zaken_[1].nummer.lower()}").get_data(as_text=True)
    assert "Thuisonderwijs" not in client.get("/zaken?q=borg").get_data(as_text=True)
    # a % in the search is a percent sign, not a wildcard
    assert "1 zaak" in client.get("/zaken?q=100%25").get_data(as_text=True)
    assert "Geen zaken gevonden" in client.get("/zaken?q=_").get_data(as_text=True)


def test_searching_a_clientreferentie_shows_the_earlier_cases_of_that_household(client, inlog, wereld, db_session):
    zaken_, _ = _zaken(db_session, wereld)
    inlog.als("manager@test.local")
    html = client.get("/zaken?q=FEY-2026-001").get_data(as_text=True)
    assert "2 zaken met cliëntreferentie FEY-2026-001" in html
    assert zaken_[0].nummer in html and zaken_[2].nummer in html


def test_the_filters_live_in_the_url_and_every_wrong_one_is_named(client, inlog, wereld, db_session):
    zaken_, _ = _zaken(db_session, wereld)
    inlog.als("manager@test.local")
    html = client.get(f"/zaken?dienst_id={wereld.wi.id}&status=verstuurd").get_data(as_text=True)
    assert zaken_[1].nummer in html and zaken_[0].nummer not in html
    assert "Concept" in client.get("/zaken?status=concept").get_data(as_text=True)
    r = client.get("/zaken?status=kwijt&trede=x&pagina=0&sorteer=raar")
    html = r.get_data(as_text=True)
    assert r.status_code == 400
    for melding in ("Kies een bestaande status.", "Een trede is een getal", "Verwacht een geheel getal",
                    "Sorteer op"):
        assert melding in html


def test_overdue_and_paging(client, inlog, wereld, db_session, app):
    zaken_, _ = _zaken(db_session, wereld)
    inlog.als("manager@test.local")
    # The cases were sent in March 2026 (NU); by the app's own clock their terms have long passed.
    html = client.get("/zaken?te_laat=ja").get_data(as_text=True)
    assert "3 zaken" in html and "te laat" in html
    html = client.get("/zaken?per_pagina=2&sorteer=oud").get_data(as_text=True)
    assert "pagina 1 van 2" in html and 'rel="next"' in html
    html2 = client.get("/zaken?per_pagina=2&sorteer=oud&pagina=2").get_data(as_text=True)
    assert zaken_[2].nummer in html2 and zaken_[0].nummer not in html2


def test_the_list_downloads_as_csv_for_dutch_excel(client, inlog, wereld, db_session):
    zaken_, ander = _zaken(db_session, wereld)
    inlog.als("manager@test.local")
    r = client.get("/zaken?q=borg&formaat=csv")
    assert r.status_code == 200 and r.mimetype == "text/csv"
    tekst = r.data.decode("utf-8-sig")
    assert tekst.splitlines()[0].startswith("Zaak;Soort;Status") and zaken_[0].nummer in tekst
    assert ander.nummer not in tekst and len(tekst.splitlines()) == 2


def test_other_roles_do_not_reach_the_teams_list(client, inlog, wereld):
    inlog.als("mt@test.local")
    assert client.get("/zaken").status_code == 403
