"""Lists on a phone (390 px), axe clean: the team's case list and the contactpersoon's 'Mijn zaken' (issue 14)."""
import re

from sqlalchemy import select

from notifications.models import UitgaandeMail
from tests.browser.test_reizen import _axe_overtredingen, _inloggen
from tests.conftest import NU
from workflows import usecases
from workflows.models import ZaakSoort
from workflows.zaken import Actor

TELEFOON = {"width": 390, "height": 844}


def _zaken(db_session, wereld, n=3):
    manager = Actor.gebruiker(wereld.manager)
    for i in range(n):
        usecases.zaak_aanmaken(db_session, manager, ZaakSoort.ESCALATIE,
                               wereld.invoer(dienst=wereld.wmo, uitzondering=None, clientreferentie=f"FEY-2026-{i:03d}",
                                             gevraagd=["Borg voor een kamer", "Water blijft aan", "Een e-bike"][i % 3]),
                               NU, versturen=True)
    db_session.commit()


def test_the_team_searches_its_cases_on_a_phone(server, pagina, wereld, db_session):
    _zaken(db_session, wereld)
    db_session.close()
    pagina.set_viewport_size(TELEFOON)
    _inloggen(pagina, server, "manager@test.local")
    pagina.goto(server + "/zaken")
    assert _axe_overtredingen(pagina) == [], "case list"
    pagina.get_by_label("Zoek op zaaknummer, cliëntreferentie of tekst").fill("borg")
    pagina.get_by_role("button", name="Zoeken").click()
    assert "q=borg" in pagina.url  # bookmarkable
    assert pagina.get_by_text("1 zaak").first.is_visible()
    assert pagina.evaluate("document.documentElement.scrollWidth") <= TELEFOON["width"]  # no sideways scroll


def test_the_contact_asks_for_and_opens_mijn_zaken_on_a_phone(server, pagina, wereld, db_session):
    _zaken(db_session, wereld)
    pagina.set_viewport_size(TELEFOON)
    pagina.goto(server + "/mijn-zaken")
    assert _axe_overtredingen(pagina) == [], "ask for the link"
    pagina.get_by_label("Uw e-mailadres").fill("wmo@test.local")
    pagina.get_by_role("button", name="Stuur mij mijn link").click()
    assert "Als dit adres bij ons bekend is" in pagina.get_by_role("status").first.inner_text()
    db_session.expire_all()
    mail = db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == "mijn_zaken")).one()
    pad = re.search(r"/mijn-zaken/\S+", mail.tekst).group(0)
    db_session.close()
    pagina.goto(server + pad)
    assert pagina.get_by_role("heading", name="Mijn zaken").is_visible()
    assert pagina.locator(".zaakkaarten li").count() == 3
    assert _axe_overtredingen(pagina) == [], "mijn zaken"
    pagina.locator(".zaakkaarten a").first.click()
    pagina.get_by_role("heading", name="Uw reactie").wait_for()


def test_the_dashboard_says_what_to_do_now_on_a_phone(server, pagina, wereld, db_session):
    """Issue 14, point 2: one list of what to do, counts that open the full list, the card's history a page
    of its own; axe clean and no sideways scrolling at 390 px."""
    from tests.workflows.test_werkvoorraad import _wereld_met_werk

    eerste = _wereld_met_werk(db_session, wereld)["wacht1"].nummer
    db_session.close()
    pagina.set_viewport_size(TELEFOON)
    _inloggen(pagina, server, "manager@test.local")
    pagina.goto(server + "/wijkteam")
    assert _axe_overtredingen(pagina) == [], "dashboard"
    assert pagina.evaluate("document.documentElement.scrollWidth") <= TELEFOON["width"]
    te_doen = pagina.locator("ol.te-doen > li")
    assert te_doen.count() == 8 and eerste in te_doen.first.inner_text()
    pagina.get_by_role("link", name="Wacht op ons (2)").click()
    pagina.wait_for_url(re.compile(r"wacht_op_ons=ja"))
    assert pagina.get_by_text("2 zaken").first.is_visible()
    pagina.goto(server + "/wijkteam/knipkaart")
    assert pagina.get_by_role("heading", name=re.compile("Knipkaart")).first.is_visible()
    assert _axe_overtredingen(pagina) == [], "card history"
