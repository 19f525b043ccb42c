"""Single sign-on against a real OpenID Connect provider (tests/oidc: npm's oidc-provider on 127.0.0.1).

The provider's login page is filled in over HTTP; what it sends back goes to Knipkaart's callback through
Flask's test client. Tokens that are wrong in one way come from the provider's clients with a fault
(tests/oidc/provider.mjs): another key, expired, another issuer, an earlier login's token.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from sqlalchemy import select

from tests.oidc.fixture import TEST_BASE
from workflows.models import Auditregel, Gebruiker, Rol

SLEUTELS = ("OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_SCOPES", "OIDC_GROEPEN_CLAIM",
            "OIDC_GROEPEN_ROLLEN", "OIDC_AANMAKEN_GROEPEN", "WACHTWOORD_LOGIN_ROLLEN", "BASE_URL")


@pytest.fixture
def sso(app, oidc_provider):
    """The app configured for the provider (and back as it was afterwards)."""
    oud = {k: app.config[k] for k in SLEUTELS}
    app.config.update(OIDC_ISSUER=oidc_provider.issuer, OIDC_CLIENT_ID="knipkaart",
                      OIDC_CLIENT_SECRET=oidc_provider.geheim(), OIDC_SCOPES="openid email profile groups",
                      BASE_URL=TEST_BASE)
    try:
        yield oidc_provider
    finally:
        app.config.update(oud)


def _als_client(app, provider, client_id: str) -> None:
    app.config.update(OIDC_CLIENT_ID=client_id, OIDC_CLIENT_SECRET=provider.geheim(client_id))


def _naar_provider(client) -> str:
    r = client.get("/login/sso")
    assert r.status_code == 302, r.get_data(as_text=True)[:300]
    return r.headers["Location"]


def _terug(client, url: str):
    assert url.startswith(TEST_BASE + "/login/sso/terug?"), url
    return client.get(url.removeprefix(TEST_BASE))


def sso_inloggen(client, provider, login: str, sessie: requests.Session | None = None):
    """Knipkaart → the provider's login page → back to Knipkaart; Knipkaart's answer to the callback."""
    return _terug(client, provider.inloggen(_naar_provider(client), login, sessie=sessie))


def _laatste_audit(db_session) -> Auditregel:
    """The latest audit row about logging in (pages read afterwards have rows of their own)."""
    db_session.expire_all()
    return db_session.execute(select(Auditregel).where(Auditregel.soort.in_(("inloggen", "geweigerd")))
                              .order_by(Auditregel.id.desc()).limit(1)).scalar_one()


def test_a_known_user_logs_in_with_pkce_state_and_nonce_and_is_linked_by_verified_email(client, sso, wereld,
                                                                                      db_session):
    naar = _naar_provider(client)
    vraag = parse_qs(urlsplit(naar).query)
    assert naar.startswith(sso.issuer + "/auth?")
    assert vraag["code_challenge_method"] == ["S256"] and len(vraag["code_challenge"][0]) >= 43
    assert vraag["state"][0] and vraag["nonce"][0] and vraag["response_type"] == ["code"]
    r = _terug(client, sso.inloggen(naar, "mila"))
    assert r.status_code == 302 and r.headers["Location"] == "/"
    assert client.get("/wijkteam").status_code == 200
    db_session.expire_all()
    manager = db_session.get(Gebruiker, wereld.manager.id)
    assert (manager.oidc_issuer, manager.oidc_sub) == (sso.issuer, "sub-mila")
    regel = _laatste_audit(db_session)
    assert (regel.soort, regel.wie, regel.gebruiker_id) == ("inloggen", "manager@test.local", manager.id)
    assert "gemeenteaccount (SSO)" in regel.wat and "geverifieerd e-mailadres" in regel.wat
    # No second factor is asked of an SSO login: the municipality's provider is the one that does.


def test_once_linked_the_sub_finds_the_account_even_when_the_address_changes(client, sso, wereld, db_session):
    assert sso_inloggen(client, sso, "mila").status_code == 302
    client.post("/logout")
    wereld.manager.email = "mila.nieuw@test.local"
    db_session.commit()
    r = sso_inloggen(client, sso, "mila")
    assert r.status_code == 302 and client.get("/wijkteam").status_code == 200
    assert "gekoppeld account" in _laatste_audit(db_session).wat


def test_an_unknown_user_is_refused_with_a_clear_dutch_page(client, sso, wereld, db_session):
    r = sso_inloggen(client, sso, "onbekend")
    tekst = r.get_data(as_text=True)
    assert r.status_code == 403 and "Knipkaart kent u nog niet" in tekst and "onbekend@test.local" in tekst
    assert client.get("/wijkteam").status_code == 302  # not logged in
    assert db_session.execute(select(Gebruiker).where(Gebruiker.email == "onbekend@test.local")).first() is None
    regel = _laatste_audit(db_session)
    assert regel.soort == "geweigerd" and "onbekende gebruiker: onbekend@test.local" in regel.wat


def test_an_unverified_address_matches_no_account(client, sso, wereld, db_session):
    r = sso_inloggen(client, sso, "mo")  # medewerker@test.local, but email_verified is false
    assert r.status_code == 403 and "Knipkaart kent u nog niet" in r.get_data(as_text=True)
    assert "niet geverifieerd" in _laatste_audit(db_session).wat
    db_session.expire_all()
    assert db_session.get(Gebruiker, wereld.medewerker.id).oidc_sub is None


@pytest.mark.parametrize("fout,reden", [
    ("handtekening", "ID-token geweigerd"),  # signed with a key the provider does not publish
    ("verlopen", "ID-token geweigerd"),  # properly signed, expired ten minutes ago
    ("uitgever", "ID-token geweigerd"),  # properly signed, by another issuer
])
def test_a_forged_expired_or_foreign_id_token_is_refused(app, client, sso, wereld, db_session, fout, reden):
    _als_client(app, sso, f"knipkaart-{fout}")
    r = sso_inloggen(client, sso, "mila")
    assert r.status_code == 403 and "niet gelukt" in r.get_data(as_text=True)
    assert client.get("/wijkteam").status_code == 302
    regel = _laatste_audit(db_session)
    assert regel.soort == "geweigerd" and reden in regel.wat, regel.wat
    verwacht = {"handtekening": "signature", "verlopen": "exp", "uitgever": "iss"}[fout]
    assert verwacht in regel.wat, regel.wat
    db_session.expire_all()
    assert db_session.get(Gebruiker, wereld.manager.id).oidc_sub is None


def test_a_provider_whose_discovery_names_another_issuer_is_not_used(app, client, sso, wereld, db_session):
    app.config["OIDC_ISSUER"] = sso.issuer.replace("127.0.0.1", "localhost")  # same server, other name
    r = client.get("/login/sso")
    assert r.status_code == 502 and "niet goed ingesteld" in r.get_data(as_text=True)
    assert "discovery noemt issuer" in _laatste_audit(db_session).wat


def test_a_replayed_callback_is_refused_because_its_state_was_used(client, sso, wereld, db_session):
    terug = sso.inloggen(_naar_provider(client), "mila")
    assert _terug(client, terug).status_code == 302
    client.post("/logout")
    r = _terug(client, terug)
    assert r.status_code == 403 and client.get("/wijkteam").status_code == 302
    assert "state" in _laatste_audit(db_session).wat.lower()


def test_a_replayed_id_token_is_refused_because_its_nonce_is_of_another_login(app, client, sso, wereld, db_session):
    _als_client(app, sso, "knipkaart-herhaald")
    assert sso_inloggen(client, sso, "mila").status_code == 302  # the provider keeps this first token
    client.post("/logout")
    r = sso_inloggen(client, sso, "mila")  # ...and hands it out again
    assert r.status_code == 403 and client.get("/wijkteam").status_code == 302
    assert "nonce" in _laatste_audit(db_session).wat


def test_groups_give_role_and_team_and_accounts_are_made_only_for_enabled_groups(app, client, sso, wereld,
                                                                                   db_session):
    app.config.update(OIDC_GROEPEN_CLAIM="groups", OIDC_AANMAKEN_GROEPEN=("kk-feyenoord-medewerkers",),
                      OIDC_GROEPEN_ROLLEN={"kk-beheer": ("beheerder", None),
                                           "kk-feyenoord-managers": ("wijkteammanager", "Feyenoord"),
                                           "kk-feyenoord-medewerkers": ("medewerker", "Feyenoord")})
    r = sso_inloggen(client, sso, "nieuw")
    assert r.status_code == 302 and client.get("/wijkteam").status_code == 200
    nieuw = db_session.execute(select(Gebruiker).where(Gebruiker.email == "nieuwe.collega@test.local")).scalar_one()
    assert (nieuw.rol, nieuw.wijkteam_id, nieuw.oidc_sub, nieuw.naam) == (
        Rol.MEDEWERKER, wereld.team.id, "sub-nieuw", "Nina Nieuw")
    assert "aangemaakt via groep kk-feyenoord-medewerkers" in _laatste_audit(db_session).wat
    client.post("/logout")
    r = sso_inloggen(client, sso, "onbekend")  # in no Knipkaart group
    assert r.status_code == 403 and "geen van de groepen" in r.get_data(as_text=True)
    wereld.manager.rol, wereld.manager.wijkteam_id = Rol.MEDEWERKER, wereld.ander_team.id
    db_session.commit()
    assert sso_inloggen(client, sso, "mila").status_code == 302  # the groups say: manager of Feyenoord
    db_session.expire_all()
    manager = db_session.get(Gebruiker, wereld.manager.id)
    assert (manager.rol, manager.wijkteam_id) == (Rol.WIJKTEAMMANAGER, wereld.team.id)


def test_a_mapped_group_that_may_not_create_accounts_still_refuses_unknown_people(app, client, sso, wereld,
                                                                                    db_session):
    app.config.update(OIDC_GROEPEN_CLAIM="groups", OIDC_AANMAKEN_GROEPEN=(),
                      OIDC_GROEPEN_ROLLEN={"kk-feyenoord-medewerkers": ("medewerker", "Feyenoord")})
    r = sso_inloggen(client, sso, "nieuw")
    assert r.status_code == 403 and "Knipkaart kent u nog niet" in r.get_data(as_text=True)


def test_logging_out_ends_the_session_at_the_provider_too(client, sso, wereld, db_session):
    # The logout button is a form; its answer redirects to the provider, which the pages' CSP must allow.
    assert f"form-action 'self' {sso.issuer}" in client.get("/login").headers["Content-Security-Policy"]
    browser = requests.Session()  # the provider's cookies, as a browser would keep them
    assert sso_inloggen(client, sso, "mila", sessie=browser).status_code == 302
    r = client.post("/logout")
    einde = urlsplit(r.headers["Location"])
    vraag = parse_qs(einde.query)
    assert r.status_code == 302 and r.headers["Location"].startswith(sso.issuer + "/session/end")
    assert vraag["post_logout_redirect_uri"] == [TEST_BASE + "/login"] and vraag["id_token_hint"][0]
    assert client.get("/wijkteam").status_code == 302  # logged out of Knipkaart at once
    pagina = browser.get(r.headers["Location"], timeout=10)
    assert pagina.status_code == 200 and "Ja, uitloggen" in pagina.text
    formulier = dict(re.findall(r'name="([^"]+)" value="([^"]*)"', pagina.text))
    actie = re.search(r'action="([^"]+)"', pagina.text).group(1)
    klaar = browser.post(requests.compat.urljoin(sso.issuer, actie), data={**formulier, "logout": "yes"},
                         allow_redirects=False, timeout=10)
    assert klaar.status_code in (302, 303) and klaar.headers["Location"].startswith(TEST_BASE + "/login")
    # The provider asks for the password again: its session is gone.
    opnieuw = browser.get(_naar_provider(client), timeout=10)
    assert 'name="wachtwoord"' in opnieuw.text


def test_password_login_can_be_switched_off_per_role(app, client, sso, wereld, db_session):
    app.config["WACHTWOORD_LOGIN_ROLLEN"] = ("beheerder", "management", "medewerker")
    r = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "geheim-wachtwoord"})
    assert r.status_code == 422 and "inloggen met een wachtwoord uitgeschakeld" in r.get_data(as_text=True)
    assert client.get("/wijkteam").status_code == 302
    r = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "fout-wachtwoord-123"})
    assert "uitgeschakeld" not in r.get_data(as_text=True)  # a wrong password learns nothing about the role
    r = client.post("/wachtwoord-vergeten", data={"email": "manager@test.local"})
    assert r.status_code == 302
    from notifications.models import UitgaandeMail

    assert db_session.execute(select(UitgaandeMail)).first() is None  # no reset link for an SSO-only role
    assert sso_inloggen(client, sso, "mila").status_code == 302 and client.get("/wijkteam").status_code == 200


def test_the_login_page_offers_the_provider_only_when_configured(app, client, sso, wereld):
    assert "gemeenteaccount" in client.get("/login").get_data(as_text=True)
    app.config["OIDC_ISSUER"] = ""
    assert "gemeenteaccount" not in client.get("/login").get_data(as_text=True)
    assert client.get("/login/sso").status_code == 404
