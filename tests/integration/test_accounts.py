"""Local accounts over HTTP: the second factor, recovery codes, invitations, resets, one's own password, unlocking."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from app.auth.models import Accounttoken, Herstelcode
from app.config import ConfigurationError, load
from notifications.models import UitgaandeMail
from tests.conftest import TOTP_GEHEIM, totp_code
from workflows.models import Auditregel, Gebruiker, Rol

GOED = "een zin van losse woorden"


def _audit(db_session, wat: str) -> list[Auditregel]:
    db_session.expire_all()
    return db_session.execute(select(Auditregel).where(Auditregel.wat.contains(wat))).scalars().all()


def _link(db_session, soort: str, aan: str) -> str:
    db_session.expire_all()
    mail = db_session.execute(select(UitgaandeMail).where(UitgaandeMail.soort == soort, UitgaandeMail.aan == aan)
                              .order_by(UitgaandeMail.id.desc()).limit(1)).scalar_one()
    return re.search(r"https?://[^/\s]+(/(?:uitnodiging|wachtwoord-herstellen)/\S+)", mail.tekst).group(1)


def _wachtwoord_ok(client, email: str, wachtwoord: str = "geheim-wachtwoord"):
    client.post("/logout")
    return client.post("/login", data={"email": email, "wachtwoord": wachtwoord})


# ---------------------------------------------------------------- the second factor


def test_beheer_needs_the_code_after_the_password_and_a_code_counts_once(client, wereld, db_session):
    r = _wachtwoord_ok(client, "beheer@test.local")
    assert r.status_code == 302 and r.headers["Location"].endswith("/login/tweede-factor")
    assert client.get("/beheer/").status_code == 302  # the password alone logs nobody in
    r = client.post("/login/tweede-factor", data={"code": "000000"})
    assert r.status_code == 422 and "klopt niet" in r.get_data(as_text=True)
    code, _ = totp_code()
    assert client.post("/login/tweede-factor", data={"code": code}).status_code == 302
    assert client.get("/beheer/").status_code == 200
    assert _audit(db_session, "inloggen met tweede factor")[0].soort == "inloggen"
    _wachtwoord_ok(client, "beheer@test.local")
    r = client.post("/login/tweede-factor", data={"code": code})  # the same code again: replayed
    assert r.status_code == 422 and client.get("/beheer/").status_code == 302


def test_wrong_codes_count_towards_the_same_lock_as_wrong_passwords(app, client, wereld, db_session):
    _wachtwoord_ok(client, "mt@test.local")
    for _ in range(app.config["LOGIN_MAX_POGINGEN"]):
        client.post("/login/tweede-factor", data={"code": "123456"})
    db_session.expire_all()
    assert db_session.get(Gebruiker, wereld.management.id).geblokkeerd_tot is not None
    r = client.post("/login/tweede-factor", data={"code": totp_code()[0]})
    assert r.status_code == 422 and client.get("/rapportage").status_code == 302  # locked: even a right code fails
    assert _audit(db_session, "account geblokkeerd (tweede factor)")


def test_a_role_that_needs_the_factor_sets_it_up_at_first_login_and_sees_recovery_codes_once(client, wereld,
                                                                                                db_session):
    wereld.management.totp_geheim = None
    db_session.commit()
    r = _wachtwoord_ok(client, "mt@test.local")
    assert r.headers["Location"].endswith("/login/tweede-factor/instellen")
    pagina = client.get("/login/tweede-factor/instellen").get_data(as_text=True)
    assert '<svg role="img"' in pagina and "QR-code voor uw authenticator-app" in pagina
    geheim = re.search(r'<code class="sleutel">([A-Z2-7]+)</code>', pagina).group(1)
    r = client.post("/login/tweede-factor/instellen", data={"code": "000000"})
    assert r.status_code == 422 and client.get("/rapportage").status_code == 302
    r = client.post("/login/tweede-factor/instellen", data={"code": pyotp.TOTP(geheim).now()})
    codes = re.findall(r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>", r.get_data(as_text=True))
    assert r.status_code == 200 and len(codes) == 10 and "alleen nu" in r.get_data(as_text=True)
    assert client.get("/rapportage").status_code == 200  # logged in
    db_session.expire_all()
    mt = db_session.get(Gebruiker, wereld.management.id)
    assert mt.totp_geheim and geheim not in mt.totp_geheim  # encrypted at rest
    opgeslagen = db_session.execute(select(Herstelcode.hash).where(Herstelcode.gebruiker_id == mt.id)).scalars().all()
    assert len(opgeslagen) == 10 and not set(codes) & set(opgeslagen)  # hashed
    assert _audit(db_session, "tweede factor ingesteld")
    assert "<code>" not in client.get("/account").get_data(as_text=True)  # never shown again
    # A recovery code logs in once.
    _wachtwoord_ok(client, "mt@test.local")
    assert client.post("/login/tweede-factor", data={"code": codes[0].upper()}).status_code == 302
    assert _audit(db_session, "inloggen met herstelcode")
    _wachtwoord_ok(client, "mt@test.local")
    assert client.post("/login/tweede-factor", data={"code": codes[0]}).status_code == 422


def test_the_policy_can_ask_the_factor_of_every_role_but_never_less_than_beheer_and_management(app, client, wereld):
    oud = app.config["TWEEDE_FACTOR_ROLLEN"]
    app.config["TWEEDE_FACTOR_ROLLEN"] = ("beheerder", "management", "medewerker")
    try:
        r = _wachtwoord_ok(client, "medewerker@test.local")
        assert r.headers["Location"].endswith("/login/tweede-factor/instellen")
        assert _wachtwoord_ok(client, "manager@test.local").headers["Location"] == "/"
    finally:
        app.config["TWEEDE_FACTOR_ROLLEN"] = oud
    with pytest.raises(ConfigurationError, match="beheerder en management"):
        load("/tmp", {"TWEEDE_FACTOR_ROLLEN": "beheerder,medewerker"})
    assert load("/tmp", {"TWEEDE_FACTOR_ROLLEN": "beheerder, management, wijkteammanager"})[
        "TWEEDE_FACTOR_ROLLEN"] == ("beheerder", "management", "wijkteammanager")


def test_a_session_of_a_role_that_now_needs_the_factor_is_sent_to_set_it_up(app, client, inlog, wereld):
    inlog.als("manager@test.local")
    oud = app.config["TWEEDE_FACTOR_ROLLEN"]
    app.config["TWEEDE_FACTOR_ROLLEN"] = (*oud, "wijkteammanager")
    try:
        r = client.get("/wijkteam")
        assert r.status_code == 302 and r.headers["Location"].endswith("/login/tweede-factor/instellen")
        assert client.get("/login/tweede-factor/instellen").status_code == 200
    finally:
        app.config["TWEEDE_FACTOR_ROLLEN"] = oud


def test_the_beheerder_resets_a_second_factor_ending_the_users_sessions_and_it_is_audited(app, wereld, db_session):
    mt, beheer = app.test_client(), app.test_client()
    from tests.conftest import Inlog

    Inlog(mt).als("mt@test.local")
    assert mt.get("/rapportage").status_code == 200
    Inlog(beheer).als("beheer@test.local")
    pagina = beheer.get(f"/beheer/gebruikers/{wereld.management.id}").get_data(as_text=True)
    assert "Tweede factor resetten" in pagina
    r = beheer.post(f"/beheer/gebruikers/{wereld.management.id}/tweede-factor-resetten")
    assert r.status_code == 302
    db_session.expire_all()
    assert db_session.get(Gebruiker, wereld.management.id).totp_geheim is None
    assert mt.get("/rapportage").status_code == 302  # logged out everywhere
    regel = _audit(db_session, "tweede factor gereset: mt@test.local")[0]
    assert (regel.soort, regel.wie) == ("wijzigen", "beheer@test.local")
    assert beheer.post(f"/beheer/gebruikers/{wereld.beheerder.id}/tweede-factor-resetten").status_code == 302
    db_session.expire_all()
    assert db_session.get(Gebruiker, wereld.beheerder.id).totp_geheim is not None  # not one's own


def test_the_beheerder_unlocks_a_locked_account_and_it_is_audited(app, client, inlog, wereld, db_session):
    for _ in range(app.config["LOGIN_MAX_POGINGEN"]):
        client.post("/login", data={"email": "manager@test.local", "wachtwoord": "fout-wachtwoord-123"})
    assert _wachtwoord_ok(client, "manager@test.local").status_code == 422  # locked
    inlog.als("beheer@test.local")
    assert "ja, tot" in client.get(f"/beheer/gebruikers/{wereld.manager.id}").get_data(as_text=True)
    assert client.post(f"/beheer/gebruikers/{wereld.manager.id}/ontgrendelen").status_code == 302
    assert _audit(db_session, "account ontgrendeld: manager@test.local")
    assert _wachtwoord_ok(client, "manager@test.local").status_code == 302


# ---------------------------------------------------------------- invitations


def test_an_invited_user_chooses_a_password_once_through_the_link(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    r = client.post("/beheer/gebruikers/nieuw", data={"naam": "Nieuwe Collega", "email": "nieuw@test.local",
                                                      "rol": "medewerker", "wijkteam_id": wereld.team.id, "actief": "y"})
    assert r.status_code == 302
    nieuw = db_session.execute(select(Gebruiker).where(Gebruiker.email == "nieuw@test.local")).scalar_one()
    assert nieuw.wachtwoord_hash == "!"  # nobody typed a password for them
    assert _audit(db_session, "gebruiker nieuw@test.local aangemaakt en uitgenodigd")
    client.post("/logout")
    pad = _link(db_session, "account_uitnodiging", "nieuw@test.local")
    assert client.post("/login", data={"email": "nieuw@test.local", "wachtwoord": "!"}).status_code == 422
    assert client.get(pad).status_code == 200 and client.get(pad).status_code == 200  # looking uses nothing up
    r = client.post(pad, data={"nieuw": GOED, "herhaal": GOED + "x"})
    assert r.status_code == 422 and "niet gelijk" in r.get_data(as_text=True)
    r = client.post(pad, data={"nieuw": GOED, "herhaal": GOED})
    assert r.status_code == 302 and client.get("/wijkteam").status_code == 200  # in at once
    assert _audit(db_session, "uitnodiging aanvaard")
    client.post("/logout")
    assert client.get(pad).status_code == 410 and client.post(pad, data={"nieuw": GOED, "herhaal": GOED}).status_code == 410
    assert _wachtwoord_ok(client, "nieuw@test.local", GOED).status_code == 302


def test_an_invited_beheerder_sets_up_the_second_factor_before_getting_in(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    client.post("/beheer/gebruikers/nieuw", data={"naam": "Tweede Beheerder", "email": "beheer2@test.local",
                                                  "rol": "beheerder", "wijkteam_id": 0, "actief": "y"})
    client.post("/logout")
    pad = _link(db_session, "account_uitnodiging", "beheer2@test.local")
    assert "tweede factor" in db_session.execute(select(UitgaandeMail.tekst).where(
        UitgaandeMail.aan == "beheer2@test.local")).scalar_one()
    r = client.post(pad, data={"nieuw": GOED, "herhaal": GOED})
    assert r.headers["Location"].endswith("/login/tweede-factor/instellen")
    assert client.get("/beheer/").status_code == 302
    geheim = re.search(r'<code class="sleutel">([A-Z2-7]+)</code>',
                       client.get("/login/tweede-factor/instellen").get_data(as_text=True)).group(1)
    assert client.post("/login/tweede-factor/instellen", data={"code": pyotp.TOTP(geheim).now()}).status_code == 200
    assert client.get("/beheer/").status_code == 200


def test_a_new_invitation_replaces_the_old_link_and_an_old_one_expires(app, client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    client.post("/beheer/gebruikers/nieuw", data={"naam": "Nieuwe Collega", "email": "nieuw@test.local",
                                                  "rol": "medewerker", "wijkteam_id": wereld.team.id, "actief": "y"})
    eerste = _link(db_session, "account_uitnodiging", "nieuw@test.local")
    nieuw = db_session.execute(select(Gebruiker).where(Gebruiker.email == "nieuw@test.local")).scalar_one()
    assert client.post(f"/beheer/gebruikers/{nieuw.id}/uitnodigen").status_code == 302
    tweede = _link(db_session, "account_uitnodiging", "nieuw@test.local")
    client.post("/logout")
    assert eerste != tweede and client.get(eerste).status_code == 410
    dagen = app.config["UITNODIGING_GELDIG_DAGEN"]
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(days=dagen, minutes=1)):
        assert client.post(tweede, data={"nieuw": GOED, "herhaal": GOED}).status_code == 410
    assert db_session.execute(select(Accounttoken)).scalars().all()  # kept, as hashes only
    assert all(len(t.hash) == 64 for t in db_session.execute(select(Accounttoken)).scalars())


# ---------------------------------------------------------------- forgotten and changed passwords


def test_a_forgotten_password_gets_the_same_answer_for_known_and_unknown_addresses(client, wereld, db_session):
    bekend = client.post("/wachtwoord-vergeten", data={"email": "manager@test.local"}, follow_redirects=True)
    onbekend = client.post("/wachtwoord-vergeten", data={"email": "niemand@test.local"}, follow_redirects=True)
    tekst = lambda r: re.sub(r'name="csrf_token"[^>]*', "", r.get_data(as_text=True))  # noqa: E731
    assert bekend.status_code == onbekend.status_code == 200 and tekst(bekend) == tekst(onbekend)
    assert "Als er een account met dit e-mailadres is" in tekst(bekend)
    mails = db_session.execute(select(UitgaandeMail.aan)).scalars().all()
    assert mails == ["manager@test.local"]


def test_a_reset_link_works_once_within_its_time_and_ends_the_other_sessions(app, client, wereld, db_session):
    ander_apparaat = app.test_client()
    from tests.conftest import Inlog

    Inlog(ander_apparaat).als("manager@test.local")
    client.post("/wachtwoord-vergeten", data={"email": "manager@test.local"})
    pad = _link(db_session, "account_herstel", "manager@test.local")
    r = client.post(pad, data={"nieuw": "kort", "herhaal": "kort"})
    assert r.status_code == 422 and "minstens 12 tekens" in r.get_data(as_text=True)
    r = client.post(pad, data={"nieuw": GOED, "herhaal": GOED})
    assert r.status_code == 302 and r.headers["Location"].endswith("/login")
    assert ander_apparaat.get("/wijkteam").status_code == 302  # the other session ended
    assert client.post(pad, data={"nieuw": GOED + "!", "herhaal": GOED + "!"}).status_code == 410
    assert _wachtwoord_ok(client, "manager@test.local").status_code == 422
    assert _wachtwoord_ok(client, "manager@test.local", GOED).status_code == 302
    assert _audit(db_session, "wachtwoord hersteld via link")
    client.post("/wachtwoord-vergeten", data={"email": "manager@test.local"})
    pad = _link(db_session, "account_herstel", "manager@test.local")
    with time_machine.travel(datetime.now(timezone.utc) + timedelta(minutes=app.config["HERSTEL_GELDIG_MINUTEN"] + 1)):
        assert client.get(pad).status_code == 410


def test_changing_ones_own_password_ends_the_other_sessions_but_not_this_one(app, client, inlog, wereld, db_session):
    ander_apparaat = app.test_client()
    from tests.conftest import Inlog

    Inlog(ander_apparaat).als("manager@test.local")
    inlog.als("manager@test.local")
    r = client.post("/account/wachtwoord", data={"huidig": "fout-wachtwoord", "nieuw": GOED, "herhaal": GOED})
    assert r.status_code == 422 and "huidige wachtwoord klopt niet" in r.get_data(as_text=True)
    r = client.post("/account/wachtwoord", data={"huidig": "geheim-wachtwoord", "nieuw": "wachtwoord123",
                                                 "herhaal": "wachtwoord123"})
    assert r.status_code == 422 and "te makkelijk te raden" in r.get_data(as_text=True)
    r = client.post("/account/wachtwoord", data={"huidig": "geheim-wachtwoord", "nieuw": GOED, "herhaal": GOED})
    assert r.status_code == 302
    assert client.get("/wijkteam").status_code == 200
    assert ander_apparaat.get("/wijkteam").status_code == 302
    assert _audit(db_session, "eigen wachtwoord gewijzigd")


def test_new_recovery_codes_need_a_code_from_the_app(client, inlog, wereld, db_session):
    inlog.als("beheer@test.local")
    assert client.post("/account/herstelcodes", data={"code": "000000"}).status_code == 422
    code, _ = totp_code(inlog.stappen["beheer@test.local"], TOTP_GEHEIM)
    r = client.post("/account/herstelcodes", data={"code": code})
    assert r.status_code == 200 and len(re.findall(r"<li><code>", r.get_data(as_text=True))) == 10
    assert _audit(db_session, "nieuwe herstelcodes")


def test_the_account_page_tells_how_one_logs_in(client, inlog, wereld):
    inlog.als("beheer@test.local")
    tekst = client.get("/account").get_data(as_text=True)
    assert "Mijn account" in tekst and "ingesteld (authenticator-app)" in tekst and "Wachtwoord wijzigen" in tekst


def test_passwords_and_roles_settings_are_checked_at_start():
    with pytest.raises(ConfigurationError, match="niet zouden kunnen inloggen|niet kunnen inloggen"):
        load("/tmp", {"WACHTWOORD_LOGIN_ROLLEN": "beheerder"})
    with pytest.raises(ConfigurationError, match="OIDC_CLIENT_ID"):
        load("/tmp", {"OIDC_ISSUER": "https://login.example"})
    with pytest.raises(ConfigurationError, match="hoort bij een wijkteam"):
        load("/tmp", {"OIDC_ISSUER": "https://i", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s",
                      "OIDC_GROEPEN_CLAIM": "groups", "OIDC_GROEPEN_ROLLEN": "kk=medewerker"})
    cfg = load("/tmp", {"OIDC_ISSUER": "https://i/", "OIDC_CLIENT_ID": "c", "OIDC_CLIENT_SECRET": "s",
                        "OIDC_GROEPEN_CLAIM": "groups", "WACHTWOORD_LOGIN_ROLLEN": "beheerder",
                        "OIDC_GROEPEN_ROLLEN": "kk-b=beheerder\nkk-f = medewerker : Feyenoord",
                        "OIDC_AANMAKEN_GROEPEN": "kk-f"})
    assert cfg["OIDC_ISSUER"] == "https://i" and cfg["WACHTWOORD_LOGIN_ROLLEN"] == ("beheerder",)
    assert cfg["OIDC_GROEPEN_ROLLEN"] == {"kk-b": ("beheerder", None), "kk-f": ("medewerker", "Feyenoord")}
    assert Rol.BEHEERDER.value in cfg["TWEEDE_FACTOR_ROLLEN"]
