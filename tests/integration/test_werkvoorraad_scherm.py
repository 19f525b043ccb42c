"""The dashboard says what to do now in one list, each case once; the card's history has its own page
(issue 14, point 2), through HTTP."""
import re
from datetime import datetime, timezone

from tests.conftest import NU
from tests.workflows.test_werkvoorraad import _wereld_met_werk
from workflows import usecases
from workflows.models import ZaakSoort
from workflows.zaken import Actor


def test_the_dashboard_lists_each_case_once_with_counts_that_link_to_the_full_lists(client, inlog, wereld, db_session):
    z = _wereld_met_werk(db_session, wereld)
    inlog.als("manager@test.local")
    html = client.get("/wijkteam").get_data(as_text=True)
    nu = html[html.index('id="nu-kop"'):html.index("</section>", html.index('id="nu-kop"'))]
    for label, href in (("Wacht op ons (2)", "wacht_op_ons=ja"), ("Opgelost, te sluiten (1)", "status=opgelost"),
                        ("Concepten om te versturen (2)", "status=concept")):
        assert re.search(rf'href="/zaken\?{href}">{re.escape(label)}</a>', nu), label
    lijst = nu[nu.index('<ol class="te-doen">'):]
    for naam in ("wacht1", "wacht2", "opgelost"):
        assert lijst.count(f'href="/zaken/{z[naam].id}') == 1, naam  # once, with the link to the case
    assert "stelde een vraag" in lijst and "Sluit de zaak" in lijst and "klaargezet door Mo Medewerker" in lijst
    assert "reactietermijn verlopen op" in lijst and lijst.count(f'href="/zaken/{z["laat1"].id}"') == 1
    # All eight fit on the list: the exhausted case, late too, is not counted twice into a ninth.
    assert "Hierboven de" not in nu
    # The list behind a count shows that number of cases.
    assert "2 zaken" in client.get("/zaken?wacht_op_ons=ja").get_data(as_text=True)


def test_a_medewerker_sees_the_work_but_is_not_asked_to_send_concepts(client, inlog, wereld, db_session):
    _wereld_met_werk(db_session, wereld)
    inlog.als("medewerker@test.local")
    html = client.get("/wijkteam").get_data(as_text=True)
    assert "Wacht op ons (2)" in html and "Concepten om te versturen" not in html
    assert 'id="concept-kop"' in html and "De wijkteammanager leest ze na en verstuurt ze" in html


def test_a_team_with_nothing_waiting_is_told_so(client, inlog, wereld):
    inlog.als("manager@test.local")
    assert "Niets dat nu op het team wacht." in client.get("/wijkteam").get_data(as_text=True)


def test_the_cards_history_is_on_its_own_page_for_the_own_team_only(client, inlog, wereld, db_session):
    r = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.KNIP, wereld.invoer(), NU,
                               versturen=True)
    db_session.commit()
    inlog.als("manager@test.local")
    dashboard = client.get("/wijkteam").get_data(as_text=True)
    assert "<strong>4</strong> van de 5" in dashboard and 'href="/wijkteam/knipkaart"' in dashboard
    assert "Knip ingezet" not in dashboard  # the ledger is not on the dashboard any more
    kaart = client.get("/wijkteam/knipkaart").get_data(as_text=True)
    assert "Knip ingezet" in kaart and r.zaak.nummer in kaart and "1 ingezet" in kaart
    inlog.als("oost@test.local")
    ander = client.get("/wijkteam/knipkaart").get_data(as_text=True)
    assert r.zaak.nummer not in ander and "Er is dit jaar nog geen knip ingezet." in ander
    assert "<strong>5</strong> van de 5" in ander


def test_a_card_of_more_than_twenty_knips_is_a_bar_not_a_row_of_holes(client, inlog, wereld, db_session):
    from workflows.models import Knipkaart

    from workflows import knipkaart

    inlog.als("manager@test.local")
    assert client.get("/wijkteam").get_data(as_text=True).count('class="gat') == 5  # the default card: 5 holes
    assert db_session.query(Knipkaart).count() == 0  # viewing makes no card
    db_session.add(Knipkaart(wijkteam_id=wereld.team.id, jaar=knipkaart.jaar_van(datetime.now(timezone.utc)),
                             quotum=1200))
    db_session.commit()
    html = client.get("/wijkteam").get_data(as_text=True)
    assert 'class="gat' not in html and '<meter id="kaartmeter"' in html and 'max="1200"' in html
