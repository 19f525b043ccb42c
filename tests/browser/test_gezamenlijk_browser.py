"""A joint question in a real browser (issue 18, point 5): the manager asks the Wmo and bijzondere bijstand at once,
sees the parts side by side (one under the other on a phone) and records an overbrugging; axe clean throughout.

The directory ("Wie beslist waarover") and the library of examples have their journeys in test_leren_browser.py.
"""
import re

from sqlalchemy import select

from workflows.gezamenlijk import GezamenlijkeZaak
from workflows.models import Contactpersoon, Dienst, Status, VasteContactpersoon

TELEFOON = {"width": 390, "height": 844}
_CODESTAPPEN: dict[tuple[str, str], int] = {}  # per (server, account) the last code's step: no code counts twice


def _inloggen(page, server, email):
    page.goto(server + "/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill("geheim-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    if page.url.endswith("/login/tweede-factor"):  # beheer and management: the code from their app
        from tests.conftest import totp_code

        code, _CODESTAPPEN[(server, email)] = totp_code(_CODESTAPPEN.get((server, email)))
        page.get_by_label("Code").fill(code)
        page.get_by_role("button", name="Inloggen").click()
    # Wait until the login is done (the next page has loaded): is_visible() checks at once, it does not wait.
    page.wait_for_url(lambda url: "/login" not in url)


def _axe_overtredingen(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    resultaat = Axe().run(page, options={"runOnly": {"type": "tag",
                                                     "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in resultaat.response["violations"]]


def _bijzondere_bijstand(db_session, wereld) -> None:
    dienst = Dienst(naam="Bijzondere bijstand", mailbox="bb-postbus@test.local")
    db_session.add(dienst)
    db_session.flush()
    cp = Contactpersoon(naam="Bert Bijstand", email="bb@test.local", dienst_id=dienst.id)
    db_session.add(cp)
    db_session.flush()
    db_session.add(VasteContactpersoon(wijkteam_id=wereld.team.id, dienst_id=dienst.id, contactpersoon_id=cp.id))
    db_session.commit()
    db_session.close()  # on SQLite even a read holds the write lock: leave the database to the server


def test_a_manager_asks_two_diensten_at_once_sees_the_parts_side_by_side_and_records_an_overbrugging(
        server, pagina, wereld, db_session):
    _bijzondere_bijstand(db_session, wereld)
    _inloggen(pagina, server, "manager@test.local")
    pagina.get_by_role("heading", name="Wijkteam Feyenoord").wait_for()
    pagina.get_by_role("link", name="Gezamenlijke vraag stellen").click()
    pagina.get_by_role("heading", name="Gezamenlijke vraag aan meer diensten").wait_for()
    assert _axe_overtredingen(pagina) == [], "form"

    pagina.get_by_label("Wmo", exact=True).check()  # one dienst only: the form says two are needed
    pagina.get_by_role("button", name="Gezamenlijke vraag versturen").click()
    pagina.locator("#foutsamenvatting").wait_for()
    assert "Kies minstens twee diensten" in pagina.locator("#diensten-fout").inner_text()
    assert _axe_overtredingen(pagina) == [], "form with errors"

    pagina.get_by_label("Bijzondere bijstand", exact=True).check()
    pagina.locator("#clientreferentie").fill("FEY-2026-077")
    pagina.locator("#gevraagd").fill("Een e-bike om naar het werk te gaan")
    pagina.locator("#blokkerende_regel").fill("De Wmo verwijst naar bijzondere bijstand en andersom")
    pagina.locator("#voorgestelde_oplossing").fill("De Wmo verstrekt, bijzondere bijstand draagt bij")
    pagina.get_by_label("Hoog").check()
    pagina.locator("#oorzaak_id").select_option(label="Wettelijke wachtperiode / zoektermijn")
    pagina.get_by_role("button", name="Gezamenlijke vraag versturen").click()
    pagina.wait_for_url(re.compile(r"/gezamenlijk/\d+$"))
    assert "verstuurd aan Bijzondere bijstand en Wmo" in pagina.get_by_role("status").first.inner_text()

    delen = pagina.locator("li.deel")
    assert delen.count() == 2
    bijstand, wmo = delen.nth(0).bounding_box(), delen.nth(1).bounding_box()  # in the order of the form
    assert abs(wmo["y"] - bijstand["y"]) < 2 and wmo["x"] > bijstand["x"] + bijstand["width"] - 1, "side by side"
    assert "Bert Bijstand" in delen.nth(0).inner_text() and "Ineke de Wit" in delen.nth(1).inner_text()
    assert delen.nth(0).get_by_text("Reactietermijn").is_visible() and delen.nth(1).get_by_text(
        "Oplostermijn").is_visible()
    assert _axe_overtredingen(pagina) == [], "the parts side by side"

    pagina.set_viewport_size(TELEFOON)  # on a phone: one under the other, nothing wider than the screen
    bijstand, wmo = delen.nth(0).bounding_box(), delen.nth(1).bounding_box()
    assert wmo["y"] >= bijstand["y"] + bijstand["height"]
    assert pagina.evaluate("document.documentElement.scrollWidth") <= TELEFOON["width"]

    pagina.get_by_role("group", name="Welke dienst neemt de hele vraag op zich?").get_by_label(
        "Wmo", exact=True).check()
    pagina.get_by_label("Wat doet de dienst nu, en hoe wordt later verrekend?").fill(
        "De Wmo verstrekt de e-bike deze week; bijzondere bijstand vergoedt de helft.")
    pagina.get_by_role("button", name="Overbrugging vastleggen").click()
    pagina.get_by_text("Overbrugging vastgelegd: Wmo neemt de vraag voor alle diensten op zich").wait_for()
    pagina.get_by_text("Overbrugd door Wmo").wait_for()  # visible: is_visible() would not wait for the page
    assert _axe_overtredingen(pagina) == [], "after the overbrugging"

    db_session.expire_all()
    groep = db_session.execute(select(GezamenlijkeZaak)).scalar_one()
    assert groep.overbrugd_door.naam == "Wmo"
    assert {z.status for z in groep.zaken} == {Status.OPGELOST}
    db_session.close()

    pagina.get_by_role("link", name=re.compile(r"Escalatie ES-\d{4}-\d{4} aan Bijzondere bijstand")).click()
    pagina.get_by_role("link", name=re.compile(r"gezamenlijke vraag GZ-")).wait_for()  # the way back to the whole
    assert _axe_overtredingen(pagina) == [], "a part's own page"
