"""Learning between teams on a phone (390 px), axe clean: who decides what, and an example from proposal
through the manager's review into another team's library (issue 18)."""
from tests.browser.test_reizen import _axe_overtredingen, _inloggen
from tests.conftest import NU
from workflows import usecases
from workflows.models import LadderTrede, ZaakSoort
from workflows.zaken import Actor

TELEFOON = {"width": 390, "height": 844}


def _past_op_telefoon(pagina) -> bool:
    return pagina.evaluate("document.documentElement.scrollWidth") <= TELEFOON["width"]


def test_a_team_member_reads_who_decides_what_on_a_phone(server, pagina, wereld, db_session):
    db_session.add(LadderTrede(dienst_id=wereld.wi.id, niveau=1, contactpersoon_id=wereld.teamleider_wi.id))
    db_session.commit()
    db_session.close()
    pagina.set_viewport_size(TELEFOON)
    _inloggen(pagina, server, "medewerker@test.local")
    pagina.goto(server + "/wie-beslist-waarover")
    assert pagina.get_by_role("heading", name="Werk & Inkomen").is_visible()
    assert pagina.get_by_text("Teamleider: Teun Leider").is_visible()
    assert _axe_overtredingen(pagina) == [], "wie beslist waarover"
    assert _past_op_telefoon(pagina)
    pagina.emulate_media(media="print")
    assert not pagina.get_by_role("navigation", name="Diensten op deze pagina").is_visible()


def test_an_example_goes_from_proposal_through_review_into_the_library(server, pagina, wereld, db_session):
    manager = Actor.gebruiker(wereld.manager)
    r = usecases.zaak_aanmaken(db_session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), NU,
                               versturen=True)
    usecases.handelen(db_session, Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id), r.zaak.id, "toegekend", NU,
                      toelichting="Toegekend.")
    usecases.handelen(db_session, manager, r.zaak.id, "sluiten", NU)
    db_session.commit()
    zaak_id = r.zaak.id
    db_session.close()
    pagina.set_viewport_size(TELEFOON)

    _inloggen(pagina, server, "medewerker@test.local")
    pagina.goto(server + f"/zaken/{zaak_id}")
    pagina.get_by_role("link", name="Voorstellen als voorbeeld voor andere teams").click()
    pagina.get_by_role("button", name="Voorstellen").click()  # empty: every field says what is missing
    pagina.locator("#foutsamenvatting").wait_for()
    assert _axe_overtredingen(pagina) == [], "proposal with errors"
    pagina.get_by_label("De situatie").fill("Een jonge vrouw zonder inkomen tijdens de zoektermijn.")
    pagina.get_by_label("De regel die blokkeerde").fill("De zoektermijn van vier weken.")
    pagina.get_by_label("Wat werkte").fill("De vaste contactpersoon liet de zoektermijn vervallen.")
    pagina.get_by_role("button", name="Voorstellen").click()
    pagina.wait_for_url(f"**/zaken/{zaak_id}")
    assert "De manager van het team beoordeelt het" in pagina.get_by_role("status").first.inner_text()
    pagina.get_by_role("button", name="Uitloggen").click()

    _inloggen(pagina, server, "manager@test.local")
    pagina.goto(server + "/voorbeelden/te-beoordelen")
    assert _axe_overtredingen(pagina) == [], "review"
    assert _past_op_telefoon(pagina)
    pagina.get_by_role("button", name="Opnemen in de bibliotheek").click()
    pagina.get_by_text("Opgenomen in de bibliotheek voor alle teams").wait_for()
    pagina.get_by_role("button", name="Uitloggen").click()

    _inloggen(pagina, server, "oost@test.local")
    pagina.goto(server + "/voorbeelden")
    pagina.get_by_label("Zoek in de tekst").fill("zoektermijn")
    pagina.get_by_role("button", name="Zoeken").click()
    pagina.wait_for_url("**q=zoektermijn**")  # a search that can be bookmarked and shared
    pagina.get_by_text("1 voorbeeld gevonden").wait_for()
    assert pagina.get_by_text("De vaste contactpersoon liet de zoektermijn vervallen.").is_visible()
    assert _axe_overtredingen(pagina) == [], "library"
    assert _past_op_telefoon(pagina)
