"""The app as a whole: configuration, login, CSRF, error pages, commands."""
import pytest
from sqlalchemy import select

from app.config import ConfigurationError, load
from tests.conftest import csrf_uit
from workflows.models import Gebruiker, Rol


def test_development_needs_no_setup_and_keeps_its_generated_secret(tmp_path):
    eerste = load(str(tmp_path), env={})
    tweede = load(str(tmp_path), env={})
    assert eerste["SQLALCHEMY_DATABASE_URI"].startswith("sqlite:///")
    assert len(eerste["SECRET_KEY"]) >= 32 and eerste["SECRET_KEY"] == tweede["SECRET_KEY"]


def test_production_refuses_to_start_without_its_secrets(tmp_path):
    with pytest.raises(ConfigurationError, match="SECRET_KEY en DATABASE_URL"):
        load(str(tmp_path), env={"KNIPKAART_ENV": "production"})
    with pytest.raises(ConfigurationError, match="PostgreSQL"):
        load(str(tmp_path), env={"KNIPKAART_ENV": "production", "SECRET_KEY": "x" * 40,
                                 "DATABASE_URL": "sqlite:///prod.sqlite"})
    config = load(str(tmp_path), env={"KNIPKAART_ENV": "production", "SECRET_KEY": "x" * 40,
                                      "DATABASE_URL": "postgres://u:p@db/knipkaart", "WEB_WORKERS": "1"})
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db/knipkaart"
    assert config["SESSION_COOKIE_SECURE"] is True


def test_a_bad_number_in_the_environment_is_named(tmp_path):
    with pytest.raises(ConfigurationError, match="STANDAARD_QUOTUM"):
        load(str(tmp_path), env={"STANDAARD_QUOTUM": "vijf"})


def test_login_with_a_wrong_password_says_so_in_dutch(client, wereld):
    r = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "fout"})
    assert r.status_code == 422
    assert "Het e-mailadres of het wachtwoord klopt niet." in r.get_data(as_text=True)


def test_an_inactive_user_cannot_log_in(client, wereld, db_session):
    wereld.manager.actief = False
    db_session.commit()
    r = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "geheim-wachtwoord"})
    assert r.status_code == 422


def test_after_login_each_role_lands_on_its_own_start_page(client, inlog, wereld):
    for email, doel in (("manager@test.local", "/wijkteam"), ("medewerker@test.local", "/wijkteam"),
                        ("beheer@test.local", "/beheer/"), ("mt@test.local", "/rapportage")):
        inlog.als(email)
        r = client.get("/")
        assert r.status_code == 302 and r.headers["Location"].endswith(doel), email


def test_login_never_redirects_to_another_site(client, wereld):
    r = client.post("/login?next=https://evil.example/", data={"email": "manager@test.local",
                                                                "wachtwoord": "geheim-wachtwoord"})
    assert r.headers["Location"] == "/"


def test_forms_refuse_a_post_without_a_csrf_token(app, wereld):
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        client = app.test_client()
        r = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "geheim-wachtwoord"})
        assert r.status_code == 400 and "verlopen" in r.get_data(as_text=True)
        token = csrf_uit(client.get("/login").get_data(as_text=True))
        r = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "geheim-wachtwoord",
                                        "csrf_token": token})
        assert r.status_code == 302
        assert client.post("/logout").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False


def test_an_unknown_page_is_a_dutch_404_and_json_for_api_clients(client, wereld):
    r = client.get("/bestaat-niet")
    assert r.status_code == 404 and "Niet gevonden" in r.get_data(as_text=True)
    r = client.get("/bestaat-niet", headers={"Accept": "application/json"})
    assert r.status_code == 404 and r.content_type == "application/problem+json"
    assert r.get_json()["status"] == 404


def test_create_user_makes_the_first_beheerder(app, db_session):
    runner = app.test_cli_runner()
    r = runner.invoke(args=["create-user", "--email", "Eerste@Gemeente.nl", "--naam", "Eerste Beheerder",
                            "--wachtwoord", "een-lang-wachtwoord"])
    assert r.exit_code == 0, r.output
    g = db_session.execute(select(Gebruiker)).scalar_one()
    assert (g.email, g.rol) == ("eerste@gemeente.nl", Rol.BEHEERDER)
    assert g.wachtwoord_hash != "een-lang-wachtwoord"
    again = runner.invoke(args=["create-user", "--email", "eerste@gemeente.nl", "--naam", "X",
                                "--wachtwoord", "een-lang-wachtwoord"])
    assert again.exit_code != 0 and "al een gebruiker" in again.output


def test_create_user_for_a_team_role_needs_an_existing_team(app, db_session):
    r = app.test_cli_runner().invoke(args=["create-user", "--email", "a@b.nl", "--naam", "A", "--rol",
                                           "wijkteammanager", "--wachtwoord", "een-lang-wachtwoord"])
    assert r.exit_code != 0 and "--wijkteam" in r.output
    assert db_session.execute(select(Gebruiker)).first() is None


def test_healthz_says_the_process_is_up_and_readyz_checks_database_and_migrations(app, client, db_session):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.get_json()["status"] == "gereed"
    from sqlalchemy import text

    from app.extensions import db

    with db.engine.begin() as conn:
        versie = conn.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        conn.execute(text("UPDATE alembic_version SET version_num = '0001'"))
    try:
        r = client.get("/readyz")
        assert r.status_code == 503 and r.get_json()["reden"] == "migraties niet bijgewerkt"
    finally:
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": versie})


def test_every_response_carries_a_request_id_and_keeps_a_sane_incoming_one(client, wereld):
    assert len(client.get("/login").headers["X-Request-Id"]) == 16
    assert client.get("/login", headers={"X-Request-Id": "lb-123"}).headers["X-Request-Id"] == "lb-123"


def test_json_log_lines_carry_the_request_id():
    import json
    import logging

    from app.gezondheid import JsonFormatter

    record = logging.LogRecord("app", logging.INFO, __file__, 1, "GET %s %s", ("/x", 200), None)
    record.request_id = "abc"
    regel = json.loads(JsonFormatter().format(record))
    assert regel["bericht"] == "GET /x 200" and regel["request_id"] == "abc" and regel["niveau"] == "INFO"
