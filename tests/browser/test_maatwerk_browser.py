"""The maatwerkbudget and the second opinion in Chromium on a phone (390 px), axe clean (issue 17): a medewerker
requests an amount (the form's errors, then the request's page), a paid request's page asks the effect six
months on and the team records it; a wijkteammanager asks a rayonmanager's second opinion on a knip concept,
and the rayonmanager answers on their own page."""
from datetime import datetime, timedelta, timezone

from tests.browser.test_reizen import _axe_overtredingen, _inloggen
from tests.maatwerk_gegevens import Maatwerk

TELEFOON = {"width": 390, "height": 844}


def _past_op_telefoon(pagina) -> bool:
    return pagina.evaluate("document.documentElement.scrollWidth") <= TELEFOON["width"]


def test_a_request_by_form_and_the_effect_of_a_paid_one_on_a_phone(server, pagina, wereld, db_session):
    from app.nazorg.taken import vragen_stellen

    m = Maatwerk(db_session, wereld)
    nu = datetime.now(timezone.utc)
    betaald_op = nu - timedelta(days=200)
    a = m.betaald(db_session, betaald_op, bedrag="120")
    vragen_stellen(nu)
    betaald_id = a.id
    db_session.close()
    pagina.set_viewport_size(TELEFOON)

    _inloggen(pagina, server, "medewerker@test.local")
    pagina.goto(server + "/maatwerk/aanvragen/nieuw")
    pagina.get_by_role("button", name="Aanvragen en vastleggen").click()  # nothing filled: errors beside the fields
    pagina.locator("#foutsamenvatting").wait_for()
    assert _axe_overtredingen(pagina) == [], "request form with errors"
    assert _past_op_telefoon(pagina)
    pagina.get_by_label("Zorg").check()
    pagina.get_by_label("Bedrag in euro's").fill("250")
    pagina.get_by_label("Cliëntreferentie").fill("FEY-2026-050")
    pagina.get_by_label("Wat is er nodig? Welk probleem lost dit op?").fill("De waterrekening betalen.")
    pagina.get_by_label("Waarom werkt dit?").fill("Het water blijft aan.")
    pagina.get_by_label("Wat gaat de inwoner zelf doen om dit in de toekomst te voorkomen?").fill("Budgetbeheer.")
    pagina.get_by_label("Naam van de schuldeiser").fill("Evides Waterbedrijf")
    pagina.get_by_label("IBAN van de schuldeiser").fill("NL20 INGB 0001 2345 67")
    pagina.get_by_role("button", name="Aanvragen en vastleggen").click()
    pagina.wait_for_url("**/maatwerk/aanvragen/*")
    assert pagina.get_by_text("is vastgelegd op het budget").is_visible()
    assert _axe_overtredingen(pagina) == [], "request page"
    assert _past_op_telefoon(pagina)

    pagina.goto(server + f"/maatwerk/aanvragen/{betaald_id}")
    assert pagina.get_by_text("Zes maanden na de betaling: hoe gaat het nu met de inwoner?").is_visible()
    pagina.get_by_role("button", name="Effect vastleggen").click()
    pagina.locator("#effect_toelichting-fout").wait_for()
    assert _axe_overtredingen(pagina) == [], "paid request's page with the effect's errors"
    pagina.get_by_label("Verbeterd", exact=True).check()
    pagina.get_by_label("Geen vervolg nodig (zelfredzaam)").check()
    pagina.get_by_label("In één zin: wat is er veranderd?").fill("Geen achterstand meer.")
    pagina.get_by_role("button", name="Effect vastleggen").click()
    pagina.wait_for_url(f"**/maatwerk/aanvragen/{betaald_id}#effect")
    assert pagina.get_by_text("Effect en eindpunt vastgelegd.").is_visible()
    assert _axe_overtredingen(pagina) == [], "paid request's page with the effect"
    assert _past_op_telefoon(pagina)


def test_a_second_opinion_asked_and_given_on_a_phone(server, pagina, wereld, db_session):
    from app.auth.models import hash_wachtwoord
    from tests.conftest import NU
    from workflows import tweedemening as tm
    from workflows import usecases
    from workflows.models import Gebruiker, Rol, ZaakSoort
    from workflows.overgangen import Actor

    rayon = Gebruiker(email="rayon.zuid@test.local", naam="Rita Rayon", rol=Rol.RAYONMANAGER,
                      wachtwoord_hash=hash_wachtwoord("geheim-wachtwoord"))
    db_session.add(rayon)
    db_session.flush()
    tm.rayon_instellen(db_session, rayon, [wereld.team.id])
    zaak = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.medewerker), ZaakSoort.KNIP, wereld.invoer(),
                                  NU).zaak
    db_session.commit()
    zaak_id = zaak.id
    db_session.close()
    pagina.set_viewport_size(TELEFOON)

    _inloggen(pagina, server, "manager@test.local")
    pagina.goto(server + f"/zaken/{zaak_id}")
    pagina.get_by_role("button", name="Tweede mening vragen").click()  # nothing chosen: errors beside the fields
    pagina.locator("#tweede-vraag-fout").wait_for()
    assert _axe_overtredingen(pagina) == [], "case page with the question's errors"
    pagina.get_by_label("Aan wie vraagt u een tweede mening?").select_option(label="Rita Rayon (rayonmanager)")
    pagina.get_by_label("Uw vraag").fill("Knip, of eerst escaleren?")
    pagina.get_by_role("button", name="Tweede mening vragen").click()
    pagina.wait_for_url(f"**/zaken/{zaak_id}#tweede-mening")
    assert pagina.get_by_text("nog geen antwoord").is_visible()
    assert _axe_overtredingen(pagina) == [], "case page with the question asked"
    assert _past_op_telefoon(pagina)
    pagina.get_by_role("button", name="Uitloggen").click()

    _inloggen(pagina, server, "rayon.zuid@test.local")
    pagina.wait_for_url("**/tweede-mening")
    assert _axe_overtredingen(pagina) == [], "the rayonmanager's list"
    pagina.get_by_role("link", name="Knip bij Werk & Inkomen").click()
    pagina.get_by_role("heading", name="De vraag").wait_for()
    assert _axe_overtredingen(pagina) == [], "the question's page"
    assert _past_op_telefoon(pagina)
    pagina.get_by_label("Eens: zet de knip in").check()
    pagina.get_by_label("Uitleg voor het team").fill("Eens: zonder knip drie weken geen inkomen.")
    pagina.get_by_role("button", name="Mening doorgeven").click()
    pagina.get_by_text("Uw mening is doorgegeven aan het team.").wait_for()
    assert _axe_overtredingen(pagina) == [], "the question's page answered"
