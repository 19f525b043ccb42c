"""Journeys in a real browser: a manager spends a knip, the contactpersoon answers through the link."""
import re

from sqlalchemy import select

from workflows.models import Status, Zaak


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


def test_a_manager_spends_a_knip_and_the_contactpersoon_executes_it(server, pagina, wereld, db_session):
    _inloggen(pagina, server, "manager@test.local")
    pagina.get_by_role("heading", name="Wijkteam Feyenoord").wait_for()
    pagina.get_by_role("link", name="Knip inzetten").first.click()
    pagina.locator("#dienst_id").select_option(label="Werk & Inkomen")
    pagina.locator("#clientreferentie").fill("FEY-2026-031")
    pagina.get_by_label("Wachttermijn of zoektermijn laten vervallen").check()
    pagina.locator("#gevraagd").fill("Bijstand zonder zoektermijn")
    pagina.locator("#blokkerende_regel").fill("De zoektermijn van vier weken")
    pagina.locator("#voorgestelde_oplossing").fill("Uitkering per direct")
    pagina.get_by_label("Acuut").check()
    pagina.locator("#oorzaak_id").select_option(label="Wettelijke wachtperiode / zoektermijn")
    pagina.get_by_role("button", name="Knip inzetten en versturen").click()
    assert "nog 4 van de 5 knippen" in pagina.get_by_role("note").first.inner_text()
    assert _axe_overtredingen(pagina) == [], "confirmation page"
    pagina.get_by_role("button", name="Ja, knip inzetten en versturen").click()
    melding = pagina.get_by_role("status").first.inner_text()
    assert re.search(r"KN-\d{4}-0001", melding) and "wi@test.local" in melding

    link = pagina.locator(".linkvak a").get_attribute("href")
    contact = pagina.context.browser.new_context().new_page()
    contact.set_viewport_size({"width": 390, "height": 844})  # a phone
    contact.goto(link)
    # one decision and one text box: the page fits in two screen heights on a phone
    assert contact.evaluate("document.documentElement.scrollHeight") <= 2 * 844
    assert _axe_overtredingen(contact) == [], "link page"
    contact.get_by_label("Ontvangst bevestigen").check()
    contact.get_by_role("button", name="Versturen").click()
    assert "vastgelegd" in contact.get_by_role("status").first.inner_text()
    contact.get_by_label("Uitgevoerd").check()
    contact.locator("#toelichting").fill("Uitkering loopt vanaf vandaag")
    contact.get_by_role("button", name="Versturen").click()
    assert "vastgelegd" in contact.get_by_role("status").first.inner_text()

    pagina.reload()
    assert pagina.locator("h1 .label").inner_text() == "Opgelost"
    assert "Uitkering loopt vanaf vandaag" in pagina.locator(".tijdlijn").inner_text()
    db_session.expire_all()
    assert db_session.execute(select(Zaak.status)).scalar_one() == Status.OPGELOST


def test_the_knip_form_can_be_completed_with_the_keyboard_alone(server, pagina, wereld, db_session):
    _inloggen(pagina, server, "manager@test.local")
    pagina.goto(server + "/knippen/nieuw")
    pagina.locator("#dienst_id").focus()
    pagina.keyboard.press("ArrowDown")  # the first real dienst
    pagina.keyboard.press("Tab")
    pagina.keyboard.type("FEY-2026-032")
    pagina.keyboard.press("Tab")
    pagina.keyboard.press("Space")  # first exception kind
    pagina.keyboard.press("Tab")
    pagina.keyboard.type("Borg voor een kamer")
    pagina.keyboard.press("Tab")
    pagina.keyboard.type("Acht weken behandeltermijn")
    pagina.keyboard.press("Tab")
    pagina.keyboard.type("Borg direct verstrekken")
    pagina.keyboard.press("Tab")  # urgency: the checked radio (normaal) takes focus
    pagina.keyboard.press("Tab")
    pagina.keyboard.press("ArrowDown")  # the first cause
    pagina.locator("button[value=versturen]").focus()
    pagina.keyboard.press("Enter")
    pagina.get_by_role("button", name="Ja, knip inzetten en versturen").focus()  # the confirmation, by keyboard
    pagina.keyboard.press("Enter")
    pagina.wait_for_url(re.compile(r"/zaken/\d+$"))
    db_session.expire_all()
    zaak = db_session.execute(select(Zaak)).scalar_one()
    assert (zaak.clientreferentie, zaak.status) == ("FEY-2026-032", Status.VERSTUURD)


def _axe_overtredingen(page) -> list:
    from axe_playwright_python.sync_playwright import Axe

    resultaat = Axe().run(page, options={"runOnly": {"type": "tag",
                                                     "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    return [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in resultaat.response["violations"]]


def test_the_main_pages_have_no_wcag_21_aa_violations(server, pagina, wereld, db_session):
    from tests.conftest import NU
    from workflows.models import ZaakSoort
    from workflows.zaken import Actor, nieuwe_zaak, uitvoeren

    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.KNIP, wereld.invoer(), NU)
    uitvoeren(db_session, manager, zaak, "versturen", NU)
    zaak_id, dienst_id = zaak.id, wereld.wi.id
    db_session.commit()
    db_session.close()  # on SQLite even a read holds the write lock: leave the database to the server
    _inloggen(pagina, server, "manager@test.local")
    for pad in ["/wijkteam", "/knippen/nieuw", "/escalaties/nieuw", f"/zaken/{zaak_id}"]:
        pagina.goto(server + pad)
        assert _axe_overtredingen(pagina) == [], pad
    pagina.goto(server + "/escalaties/nieuw")
    pagina.get_by_role("button", name="Escalatie versturen").click()  # a form full of errors
    assert _axe_overtredingen(pagina) == []
    pagina.goto(server + f"/zaken/{zaak_id}")
    link = pagina.locator(".linkvak a").get_attribute("href")
    pagina.goto(link)
    assert _axe_overtredingen(pagina) == [], "contactpersoon page"
    pagina.context.clear_cookies()
    _inloggen(pagina, server, "beheer@test.local")
    for pad in ["/beheer/", "/beheer/afwezigheden", "/beheer/diensten", f"/beheer/diensten/{dienst_id}",
                "/beheer/quota", "/beheer/gebruikers/nieuw", "/beheer/mail", "/beheer/quarantaine",
                "/beheer/prijslijst", "/beheer/audit"]:
        pagina.goto(server + pad)
        assert _axe_overtredingen(pagina) == [], pad


def test_management_reads_filters_and_downloads_the_report(server, pagina, wereld, db_session):
    from tests.rapportage_gegevens import Dataset

    Dataset(db_session, wereld)
    db_session.close()  # leave the SQLite database to the server
    _inloggen(pagina, server, "mt@test.local")
    pagina.get_by_role("heading", name="Knelpuntenrapportage").wait_for()
    pagina.locator("#van").fill("2026-01-01")
    pagina.locator("#tot").fill("2026-06-30")
    pagina.get_by_role("button", name="Toon rapport").click()
    pagina.get_by_role("img", name="Reactietijd per dienst").wait_for()  # waits for the report to load
    rij = pagina.locator("#tabel-diensten tbody tr").first
    assert rij.locator("td").nth(1).inner_text() == "2,0"
    assert _axe_overtredingen(pagina) == [], "/rapportage"
    for knop, extensie in (("CSV", "csv"), ("Excel (XLSX)", "xlsx"), ("PDF", "pdf")):
        with pagina.expect_download() as download:
            pagina.get_by_role("link", name=knop).click()
        assert download.value.suggested_filename == f"knelpuntenrapportage_20260101-20260630.{extensie}"
    # A bad period: a clear message, in Dutch, accessible.
    pagina.locator("#van").fill("2026-07-01")
    pagina.get_by_role("button", name="Toon rapport").click()
    pagina.get_by_text("De einddatum ligt vóór de begindatum.").first.wait_for()
    assert _axe_overtredingen(pagina) == [], "/rapportage with errors"
    pagina.goto(server + "/rapportage/vervolg")
    assert _axe_overtredingen(pagina) == [], "/rapportage/vervolg"
    # A wijkteammanager sees the report of their own team only.
    pagina.context.clear_cookies()
    _inloggen(pagina, server, "oost@test.local")
    pagina.goto(server + "/rapportage?van=2026-01-01&tot=2026-06-30")
    assert "Oosterflank" in pagina.locator("#tabel-knipkaarten").inner_text()
    assert "Feyenoord" not in pagina.content()
    assert _axe_overtredingen(pagina) == [], "/rapportage (team)"


def test_the_escalation_form_can_be_completed_with_the_keyboard_alone(server, pagina, wereld, db_session):
    wmo_id = wereld.wmo.id
    db_session.close()
    _inloggen(pagina, server, "manager@test.local")
    pagina.goto(server + "/escalaties/nieuw")
    pagina.locator("#dienst_id").focus()
    pagina.keyboard.press("ArrowDown")
    pagina.keyboard.press("ArrowDown")  # Wmo (the list is alphabetical: Werk & Inkomen, Wmo)
    pagina.keyboard.press("Tab")
    pagina.keyboard.type("FEY-2026-040")
    pagina.keyboard.press("Tab")
    pagina.keyboard.type("Een e-bike om naar het werk te komen")
    pagina.keyboard.press("Tab")
    pagina.keyboard.type("Wmo en bijzondere bijstand wijzen naar elkaar")
    pagina.keyboard.press("Tab")
    pagina.keyboard.type("Wmo verstrekt, bijzondere bijstand betaalt de helft")
    pagina.keyboard.press("Tab")  # urgency: the checked radio takes focus
    pagina.keyboard.press("ArrowUp")  # hoog
    pagina.keyboard.press("Tab")
    pagina.keyboard.press("ArrowDown")  # the first cause
    assert pagina.evaluate("document.activeElement.id") == "oorzaak_id"
    pagina.locator("button[value=versturen]").focus()
    pagina.keyboard.press("Enter")
    pagina.wait_for_url(re.compile(r"/zaken/\d+$"))
    assert pagina.get_by_text("Escalatie verstuurd").is_visible()
    db_session.expire_all()
    zaak = db_session.execute(select(Zaak)).scalar_one()
    assert (zaak.clientreferentie, zaak.dienst_id, zaak.urgentie.value, zaak.status) == (
        "FEY-2026-040", wmo_id, "hoog", Status.VERSTUURD)


def test_the_beheerder_puts_a_contactpersoon_on_holiday_and_new_cases_go_to_the_vervanger(server, pagina, wereld,
                                                                                          db_session):
    from datetime import date, timedelta

    cp_id = wereld.cp_wi.id
    db_session.close()
    _inloggen(pagina, server, "beheer@test.local")
    pagina.goto(server + "/beheer/afwezigheden")
    assert _axe_overtredingen(pagina) == [], "/beheer/afwezigheden"
    vandaag = date.today()
    pagina.locator("#contactpersoon_id").select_option(str(cp_id))
    pagina.locator("#van").fill(vandaag.isoformat())
    pagina.locator("#tot").fill((vandaag + timedelta(days=14)).isoformat())
    pagina.locator("#omschrijving").fill("Zomervakantie")
    pagina.locator("form:has(#omschrijving) button[type=submit]").click()
    pagina.get_by_text("Zomervakantie").first.wait_for()
    pagina.get_by_text("Ahmed Bakker").first.wait_for()  # the vervanger takes Feyenoord's cases
    # A knip sent now goes to the vervanger.
    pagina.context.clear_cookies()
    _inloggen(pagina, server, "manager@test.local")
    pagina.goto(server + "/knippen/nieuw")
    pagina.locator("#dienst_id").select_option(label="Werk & Inkomen")
    pagina.locator("#clientreferentie").fill("FEY-2026-050")
    pagina.locator("input[name=uitzondering]").first.check()
    pagina.locator("#gevraagd").fill("Uitkering zonder zoektermijn")
    pagina.locator("#blokkerende_regel").fill("De zoektermijn van vier weken")
    pagina.locator("#voorgestelde_oplossing").fill("Uitkering per direct")
    pagina.locator("#oorzaak_id").select_option(index=1)
    pagina.locator("button[value=versturen]").click()
    pagina.get_by_text("Ahmed Bakker").first.wait_for()  # the confirmation says where it goes
    pagina.get_by_role("button", name="Ja, knip inzetten en versturen").click()
    pagina.wait_for_url(re.compile(r"/zaken/\d+$"))
    assert pagina.get_by_text("wi.vervanger@test.local").first.is_visible()


def test_a_medewerker_drafts_a_concept_and_the_manager_sends_it(server, pagina, wereld, db_session):
    db_session.close()
    _inloggen(pagina, server, "medewerker@test.local")
    pagina.goto(server + "/escalaties/nieuw")
    assert pagina.locator("button[value=versturen]").count() == 0  # a medewerker cannot send
    pagina.locator("#dienst_id").select_option(label="Wmo")
    pagina.locator("#clientreferentie").fill("FEY-2026-060")
    pagina.locator("#gevraagd").fill("Een woningaanpassing")
    pagina.locator("#blokkerende_regel").fill("Niemand weet wie beslist")
    pagina.locator("#oorzaak_id").select_option(index=1)
    pagina.get_by_role("button", name="Opslaan als concept").click()
    pagina.wait_for_url(re.compile(r"/zaken/\d+$"))
    assert pagina.get_by_text("Opgeslagen als concept").is_visible()
    assert _axe_overtredingen(pagina) == [], "concept page"
    pagina.context.clear_cookies()
    _inloggen(pagina, server, "manager@test.local")
    pagina.get_by_role("link", name=re.compile("Escalatie aan Wmo")).first.click()
    pagina.get_by_role("link", name=re.compile("bewerken|Bewerken")).first.click()
    pagina.locator("button[value=versturen]").click()
    pagina.wait_for_url(re.compile(r"/zaken/\d+$"))
    assert pagina.get_by_text("Escalatie verstuurd").is_visible()
