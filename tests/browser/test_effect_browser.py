"""After the decision on a phone (390 px), axe clean: the case page's section (consent, agreements, the effect
six months on, renewal, hand-over) and the receiving manager's hand-over page (issue 17, points 4 and 5)."""
from datetime import datetime, timedelta, timezone

from tests.browser.test_reizen import _axe_overtredingen, _inloggen
from tests.effect_hulp import opgelost

TELEFOON = {"width": 390, "height": 844}


def _past_op_telefoon(pagina) -> bool:
    return pagina.evaluate("document.documentElement.scrollWidth") <= TELEFOON["width"]


def test_a_team_records_the_effect_and_hands_the_case_over_and_the_other_manager_accepts(server, pagina, wereld,
                                                                                        db_session):
    zaak = opgelost(db_session, wereld, datetime.now(timezone.utc) - timedelta(days=3))
    zaak_id, nummer = zaak.id, zaak.nummer
    db_session.close()
    pagina.set_viewport_size(TELEFOON)

    _inloggen(pagina, server, "manager@test.local")
    pagina.goto(server + f"/zaken/{zaak_id}")
    assert pagina.get_by_role("heading", name="Effect na zes maanden").is_visible()
    pagina.get_by_role("button", name="Effect vastleggen").click()  # nothing chosen: errors beside the fields
    pagina.locator("#effect_toelichting-fout").wait_for()
    assert _axe_overtredingen(pagina) == [], "case page with the effect's errors"
    pagina.get_by_label("Verbeterd", exact=True).check()
    pagina.get_by_label("Vervolgtraject").check()
    pagina.get_by_label("In één zin: wat is er veranderd?").fill("Huur weer op tijd betaald.")
    pagina.get_by_role("button", name="Effect vastleggen").click()
    pagina.wait_for_url(f"**/zaken/{zaak_id}#effect")
    assert pagina.get_by_text("Effect en eindpunt vastgelegd.").is_visible()
    pagina.get_by_role("link", name="Overdracht voorstellen").click()
    pagina.get_by_role("button", name="Overdracht voorstellen").click()  # nothing chosen: errors beside the fields
    pagina.locator("#foutsamenvatting").wait_for()
    assert _axe_overtredingen(pagina) == [], "hand-over page with its errors"
    pagina.get_by_label("Naar welk wijkteam?").select_option(label="Oosterflank")
    pagina.get_by_label("Overdrachtsnotitie voor het nieuwe team").fill("Verhuisd naar Ommoord; schuldhulp loopt.")
    pagina.get_by_role("button", name="Overdracht voorstellen").click()
    pagina.wait_for_url(f"**/zaken/{zaak_id}#overdracht")
    assert _axe_overtredingen(pagina) == [], "case page after the decision"
    assert _past_op_telefoon(pagina)
    pagina.get_by_role("button", name="Uitloggen").click()

    _inloggen(pagina, server, "oost@test.local")
    pagina.goto(server + "/wijkteam")
    pagina.get_by_role("link", name=f"{nummer} van wijkteam Feyenoord").click()
    pagina.get_by_role("heading", name="Overdrachtsnotitie").wait_for()
    assert _axe_overtredingen(pagina) == [], "hand-over page"
    assert _past_op_telefoon(pagina)
    pagina.get_by_label("Ja, wij nemen de zaak over").check()
    pagina.get_by_role("button", name="Besluit opslaan").click()
    pagina.wait_for_url(f"**/zaken/{zaak_id}")
    assert pagina.get_by_text("Overgedragen van wijkteam Feyenoord aan wijkteam Oosterflank").first.is_visible()
