"""Security and audit over HTTP: the audit log, headers, login lockout and rate limit, the password policy."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app.links import maak_token
from tests.conftest import NU
from workflows.models import Auditregel, Gebruiker, ZaakSoort
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren


@pytest.fixture
def zaak(db_session, wereld):
    manager = Actor.gebruiker(wereld.manager)
    z = nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), NU)
    uitvoeren(db_session, manager, z, "versturen", NU)
    db_session.commit()
    return z


def _regels(db_session, **waar):
    db_session.expire_all()
    stmt = select(Auditregel).order_by(Auditregel.id)
    for k, v in waar.items():
        stmt = stmt.where(getattr(Auditregel, k) == v)
    return db_session.scalars(stmt).all()


def test_reads_and_changes_of_a_case_are_in_the_audit_log_with_who_when_where_and_what(client, inlog, zaak,
                                                                                       db_session):
    inlog.als("manager@test.local")
    assert client.get(f"/zaken/{zaak.id}", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    client.post(f"/zaken/{zaak.id}/bericht", data={"tekst": "Graag snel, er dreigt uitzetting."})
    lezen = _regels(db_session, zaak_id=zaak.id, soort="lezen")
    assert [(r.wie, r.rol, r.kanaal, r.ip, r.methode, r.wat) for r in lezen][0] == (
        "manager@test.local", "wijkteammanager", "web", "10.1.2.3", "GET", "wijkteam.zaak")
    wijzigen = _regels(db_session, zaak_id=zaak.id, soort="wijzigen")
    assert [(r.wie, r.methode, r.wat) for r in wijzigen] == [("manager@test.local", "POST", "wijkteam.bericht")]
    assert all(r.op is not None and r.request_id for r in lezen + wijzigen)
    # The contactpersoon's link: a read by that address, on the same case.
    client.post("/logout")
    client.get(f"/link/{maak_token(zaak, 'wmo@test.local')}")
    assert [(r.wie, r.rol, r.kanaal) for r in _regels(db_session, zaak_id=zaak.id, kanaal="link")] == [
        ("wmo@test.local", "contactpersoon", "link")]


def test_another_teams_manager_is_refused_and_that_is_logged(client, inlog, zaak, db_session):
    inlog.als("oost@test.local")
    assert client.get(f"/zaken/{zaak.id}").status_code == 404
    assert [(r.wie, r.soort, r.status) for r in _regels(db_session, zaak_id=zaak.id)] == [
        ("oost@test.local", "geweigerd", 404)]


def test_the_audit_log_is_append_only_in_the_database(db_session, zaak, client, inlog):
    inlog.als("manager@test.local")
    client.get(f"/zaken/{zaak.id}")
    db_session.commit()
    for sql in ("UPDATE auditregel SET wie = 'iemand anders'", "DELETE FROM auditregel"):
        with pytest.raises(DBAPIError, match="append-only"):
            db_session.execute(text(sql))
        db_session.rollback()
    assert _regels(db_session, wie="iemand anders") == []


def test_the_beheerder_searches_the_audit_log_and_the_team_sees_who_read_its_case(client, inlog, zaak, db_session):
    inlog.als("manager@test.local")
    client.get(f"/zaken/{zaak.id}")
    inlog.als("beheer@test.local")
    r = client.get(f"/beheer/audit?wie=manager&zaak={zaak.nummer.lower()}&soort=lezen")
    pagina = r.get_data(as_text=True)
    assert r.status_code == 200 and "manager@test.local" in pagina and zaak.nummer in pagina
    assert "oost@test.local" not in pagina
    r = client.get("/beheer/audit?van=2026-05-01&tot=2026-01-01")
    assert r.status_code == 400 and "De einddatum ligt vóór de begindatum." in r.get_data(as_text=True)
    inlog.als("manager@test.local")
    pagina = client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    assert "Wie heeft deze zaak ingezien of gewijzigd" in pagina and "manager@test.local (wijkteammanager, web)" in pagina
    inlog.als("medewerker@test.local")
    assert client.get("/beheer/audit").status_code == 403


def test_every_page_carries_the_security_headers(client, wereld, inlog):
    for pad in ("/login", "/healthz"):
        h = client.get(pad).headers
        assert "default-src 'self'" in h["Content-Security-Policy"] and "unsafe-inline" not in h["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
        assert h["X-Content-Type-Options"] == "nosniff" and h["X-Frame-Options"] == "DENY"
        assert h["Referrer-Policy"] in ("same-origin", "no-referrer")
    r = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "geheim-wachtwoord"})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure_and_hsts_is_sent(database_url, tmp_path):
    from app import create_app

    app = create_app({"ENV": {"KNIPKAART_ENV": "production", "SECRET_KEY": "p" * 48,
                              "DATABASE_URL": "postgresql+psycopg://x@127.0.0.1/onbereikbaar", "WEB_WORKERS": "1",
                              "OUTBOX_DIR": str(tmp_path)}})
    assert app.config["SESSION_COOKIE_SECURE"] and app.config["REMEMBER_COOKIE_SECURE"]
    h = app.test_client().get("/healthz").headers
    assert h["Strict-Transport-Security"].startswith("max-age=")


def test_five_wrong_passwords_lock_the_account_for_a_while(client, wereld, db_session):
    for _ in range(5):
        r = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "fout-wachtwoord-123"})
        assert r.status_code == 422
    r = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "geheim-wachtwoord"})
    # Even the right password; the answer is the one for a wrong password (it tells nothing about the account).
    assert r.status_code == 422 and "geblokkeerd" in r.get_data(as_text=True)
    db_session.expire_all()
    gebruiker = db_session.scalars(select(Gebruiker).where(Gebruiker.email == "manager@test.local")).one()
    assert gebruiker.geblokkeerd_tot is not None
    soorten = [(r.soort, r.wat) for r in _regels(db_session, wie="manager@test.local")]
    assert soorten.count(("geweigerd", "inloggen: mislukt")) == 5 and ("geweigerd", "inloggen: account geblokkeerd") in soorten
    # The lockout ends by itself: a moment ago, whatever the real date (a fixed date only works after it).
    gebruiker.geblokkeerd_tot = datetime.now(timezone.utc) - timedelta(seconds=1)
    db_session.commit()
    assert client.post("/login", data={"email": "manager@test.local",
                                       "wachtwoord": "geheim-wachtwoord"}).status_code == 302


def test_logins_from_one_address_are_rate_limited(app, client, wereld):
    from app.extensions import limiter

    oud = app.config["LOGIN_RATE_LIMIT"]
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        codes = [client.post("/login", data={"email": f"x{i}@test.local", "wachtwoord": "wat-dan-ook-12"},
                             environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code for i in range(4)]
        assert codes == [422, 422, 422, 429]
        r = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "geheim-wachtwoord"},
                        environ_base={"REMOTE_ADDR": "192.0.2.8"})
        assert r.status_code == 302  # another address is not affected
    finally:
        app.config["LOGIN_RATE_LIMIT"] = oud
        limiter.reset()


@pytest.mark.parametrize("wachtwoord,melding", [
    ("kort", "minstens 12 tekens"),
    ("wachtwoord123", "te makkelijk te raden"),
    ("aaaaaaaaaaaaaaaa", "te makkelijk te raden"),
    ("nieuwe.collega-2026", "niet uw e-mailadres"),
])
def test_the_password_policy_speaks_dutch(client, inlog, wereld, wachtwoord, melding):
    inlog.als("beheer@test.local")
    assert client.post("/beheer/gebruikers/nieuw", data={
        "naam": "Nieuwe Collega", "email": "nieuwe.collega@test.local", "rol": "management", "wijkteam_id": "0",
        "actief": "y"}).status_code == 302
    client.post("/logout")
    from notifications.models import UitgaandeMail

    mail = wereld.session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == "account_uitnodiging")).scalar_one()
    pad = re.search(r"https?://[^/\s]+(/uitnodiging/\S+)", mail.tekst).group(1)
    r = client.post(pad, data={"nieuw": wachtwoord, "herhaal": wachtwoord})
    assert r.status_code == 422 and melding in r.get_data(as_text=True)


def test_create_user_refuses_a_weak_password(app, db_session):
    r = app.test_cli_runner().invoke(args=["create-user", "--email", "b@gemeente.nl", "--naam", "B",
                                           "--wachtwoord", "welkom123456"])
    assert r.exit_code != 0 and "te makkelijk te raden" in r.output
