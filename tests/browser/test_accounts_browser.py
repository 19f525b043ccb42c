"""Accounts in a real browser: logging in through the municipality's provider, setting up the second factor."""
import re

import pyotp
import pytest
from sqlalchemy import select

from tests.browser.test_reizen import _axe_overtredingen, _inloggen
from tests.oidc.fixture import WACHTWOORD, start_provider, stop_provider
from workflows.models import Gebruiker

TELEFOON = {"width": 390, "height": 844}


@pytest.fixture
def provider_voor_server(app, server, tmp_path):
    """A real OpenID Connect provider that sends the browser back to the served app."""
    provider = start_provider(tmp_path, [server + "/login/sso/terug"], [server + "/login"])
    sleutels = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_SCOPES")
    oud = {k: app.config[k] for k in sleutels}
    app.config.update(OIDC_ISSUER=provider.issuer, OIDC_CLIENT_ID="knipkaart", OIDC_CLIENT_SECRET=provider.geheim(),
                      OIDC_SCOPES="openid email profile groups")
    try:
        yield provider
    finally:
        app.config.update(oud)
        stop_provider(provider)


def test_a_manager_logs_in_through_the_provider_login_page_and_out_again(server, provider_voor_server, pagina,
                                                                         wereld, db_session):
    db_session.close()  # leave the SQLite database to the server
    pagina.goto(server + "/login")
    assert _axe_overtredingen(pagina) == [], "/login with single sign-on"
    pagina.get_by_role("link", name="Inloggen met uw gemeenteaccount").click()
    pagina.wait_for_url(re.compile(re.escape(provider_voor_server.issuer) + r"/interaction/"))  # its own login page
    pagina.get_by_label("Gebruikersnaam").fill("mila")
    pagina.get_by_label("Wachtwoord").fill(WACHTWOORD)
    pagina.get_by_role("button", name="Inloggen bij de gemeente").click()
    pagina.wait_for_url(server + "/wijkteam")
    assert pagina.get_by_role("heading", name="Wijkteam Feyenoord").is_visible()
    pagina.goto(server + "/account")
    assert "uw gemeenteaccount" in pagina.locator(".gegevens").inner_text()
    assert _axe_overtredingen(pagina) == [], "/account"
    pagina.get_by_role("button", name="Uitloggen").click()
    pagina.wait_for_url(re.compile(re.escape(provider_voor_server.issuer) + r"/session/end"))
    pagina.get_by_role("button", name="Ja, uitloggen").click()
    pagina.wait_for_url(re.compile(re.escape(server) + r"/login"))
    assert pagina.get_by_role("heading", name="Inloggen", exact=True).is_visible()
    pagina.goto(server + "/wijkteam")
    assert "/login" in pagina.url  # logged out of Knipkaart too


def test_an_unknown_person_sees_a_clear_dutch_page(server, provider_voor_server, pagina, wereld, db_session):
    db_session.close()
    pagina.goto(server + "/login/sso")
    pagina.get_by_label("Gebruikersnaam").fill("onbekend")
    pagina.get_by_label("Wachtwoord").fill(WACHTWOORD)
    pagina.get_by_role("button", name="Inloggen bij de gemeente").click()
    pagina.wait_for_url(re.compile(re.escape(server) + r"/login/sso/terug"))
    assert "Knipkaart kent u nog niet" in pagina.get_by_role("alert").inner_text()
    assert _axe_overtredingen(pagina) == [], "refusal page"


def test_management_sets_up_the_second_factor_on_a_phone(server, browser, wereld, db_session):
    wereld.management.totp_geheim = None
    db_session.commit()
    db_session.close()
    context = browser.new_context(viewport=TELEFOON, locale="nl-NL")
    pagina = context.new_page()
    try:
        pagina.goto(server + "/login")
        pagina.get_by_label("E-mailadres").fill("mt@test.local")
        pagina.get_by_label("Wachtwoord").fill("geheim-wachtwoord")
        pagina.get_by_role("button", name="Inloggen").click()
        pagina.wait_for_url(server + "/login/tweede-factor/instellen")
        assert pagina.get_by_role("img", name="QR-code voor uw authenticator-app").is_visible()
        assert pagina.evaluate("document.documentElement.scrollWidth") <= TELEFOON["width"]  # no sideways scrolling
        assert _axe_overtredingen(pagina) == [], "enrolment"
        geheim = pagina.locator("code.sleutel").inner_text()
        pagina.get_by_label("Code").fill("000000")
        pagina.get_by_role("button", name="Tweede factor opslaan").click()
        assert "klopt niet" in pagina.locator(".foutsamenvatting").inner_text()  # inner_text() waits for it
        assert _axe_overtredingen(pagina) == [], "enrolment with an error"
        pagina.get_by_label("Code").fill(pyotp.TOTP(geheim).now())
        pagina.get_by_role("button", name="Tweede factor opslaan").click()
        pagina.get_by_role("heading", name="Uw herstelcodes").wait_for()
        assert pagina.locator(".herstelcodes li").count() == 10
        assert _axe_overtredingen(pagina) == [], "recovery codes"
        pagina.get_by_role("link", name="Ik heb de codes bewaard, verder").click()
        pagina.get_by_role("heading", name="Knelpuntenrapportage").wait_for()  # the report takes a moment
    finally:
        context.close()
    db_session.expire_all()
    assert db_session.execute(select(Gebruiker.totp_geheim).where(Gebruiker.email == "mt@test.local")).scalar_one()


def test_the_beheerder_pages_for_accounts_and_team_setup_have_no_wcag_violations(server, pagina, wereld, db_session):
    manager_id, team_id = wereld.manager.id, wereld.team.id
    db_session.close()
    _inloggen(pagina, server, "beheer@test.local")
    for pad in [f"/beheer/gebruikers/{manager_id}", "/beheer/gebruikers/nieuw", "/account", "/beheer/teams/opzetten",
                f"/beheer/teams/{team_id}/opzetten/mensen", f"/beheer/teams/{team_id}/opzetten/contactpersonen",
                f"/beheer/teams/{team_id}/opzetten/overzicht"]:
        pagina.goto(server + pad)
        assert _axe_overtredingen(pagina) == [], pad
    pagina.context.clear_cookies()
    for pad in ["/wachtwoord-vergeten", "/uitnodiging/bestaat-niet"]:
        pagina.goto(server + pad)
        assert _axe_overtredingen(pagina) == [], pad
