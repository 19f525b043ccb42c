"""Hardening found by an attack on the running service (issue 12, points 5, 6, 7 and 10).

Each test names the defect it guards against; each failed on the code before its fix.
"""
from __future__ import annotations

import re
import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from app.api.tokens import maak_token
from app.config import ConfigurationError, load
from workflows.models import Auditregel, Bericht, Gebruiker, Zaak
from workflows.privacy import BSN_MELDING

BSN_MET_STREEPJES = "111-222-333"  # 111222333 passes the eleven-test


@pytest.fixture
def tokens(db_session, wereld):
    now = datetime.now(timezone.utc)
    uit = {"manager": maak_token(wereld.manager, "test", now),
           "andere_manager": maak_token(wereld.andere_manager, "test", now)}
    db_session.commit()
    return uit


def _h(token: str, sleutel: str | None = None) -> dict:
    h = {"Authorization": f"Bearer {token}"}
    if sleutel is not None:
        h["Idempotency-Key"] = sleutel
    return h


def _escalatie(wereld, **over) -> dict:
    body = {"dienst_id": wereld.wmo.id, "clientreferentie": "FEY-2026-301", "gevraagd": "Een e-bike naar het werk",
            "blokkerende_regel": "Wmo en bijzondere bijstand wijzen naar elkaar", "urgentie": "hoog",
            "oorzaak_id": wereld.oorzaak.id}
    body.update(over)
    return body


def _zaken(db_session) -> list[Zaak]:
    db_session.expire_all()
    return db_session.scalars(select(Zaak).order_by(Zaak.id)).all()


# ---------------------------------------------------------------- 5. Idempotency-Key


@pytest.mark.parametrize("lengte", [1, 60, 61, 64])
def test_a_retry_with_a_key_of_the_documented_length_creates_one_case(client, wereld, tokens, db_session, lengte):
    """Guards against: keys of 61-64 characters silently disabling idempotency (a prefix made them too long)."""
    sleutel = "k" * lengte
    eerste = client.post("/api/v1/escalaties", json=_escalatie(wereld), headers=_h(tokens["manager"], sleutel))
    assert eerste.status_code == 201, eerste.json
    tweede = client.post("/api/v1/escalaties", json=_escalatie(wereld), headers=_h(tokens["manager"], sleutel))
    assert tweede.status_code in (200, 201), tweede.json
    assert len(_zaken(db_session)) == 1
    assert tweede.headers["Location"] == eerste.headers["Location"]


def test_a_retry_is_answered_with_the_case_itself(client, wereld, tokens, db_session):
    """Guards against: a retry answered with only {"detail": "Al verwerkt."} instead of the case."""
    h = _h(tokens["manager"], "retry-1")
    eerste = client.post("/api/v1/escalaties", json=_escalatie(wereld), headers=h)
    tweede = client.post("/api/v1/escalaties", json=_escalatie(wereld), headers=h)
    assert tweede.status_code == 200
    assert tweede.json["id"] == eerste.json["id"] and tweede.json["nummer"] == eerste.json["nummer"]
    assert tweede.json["status"] == eerste.json["status"] and "acties" in tweede.json


def test_idempotency_keys_are_per_user(client, wereld, tokens, db_session):
    """Guards against: keys being global, so another team reusing a key got the first team's case's Location."""
    eerste = client.post("/api/v1/escalaties", json=_escalatie(wereld), headers=_h(tokens["manager"], "gedeeld"))
    assert eerste.status_code == 201
    ander = client.post("/api/v1/escalaties", json=_escalatie(wereld, clientreferentie="OOST-1"),
                        headers=_h(tokens["andere_manager"], "gedeeld"))
    assert ander.status_code == 201, ander.json
    assert ander.headers["Location"] != eerste.headers["Location"]
    teams = [z.wijkteam_id for z in _zaken(db_session)]
    assert teams == [wereld.team.id, wereld.ander_team.id]


def test_a_key_reused_for_a_different_request_is_refused(client, wereld, tokens, db_session):
    """A key names one request: the same key with another body is a client error, not the old case."""
    h = _h(tokens["manager"], "een-verzoek")
    assert client.post("/api/v1/escalaties", json=_escalatie(wereld), headers=h).status_code == 201
    r = client.post("/api/v1/escalaties", json=_escalatie(wereld, gevraagd="Iets anders"), headers=h)
    assert r.status_code == 422 and r.mimetype == "application/problem+json"
    assert r.json["errors"][0]["name"] == "Idempotency-Key"
    assert len(_zaken(db_session)) == 1


def test_a_key_longer_than_documented_is_refused(client, wereld, tokens, db_session):
    r = client.post("/api/v1/escalaties", json=_escalatie(wereld), headers=_h(tokens["manager"], "k" * 65))
    assert r.status_code == 422 and r.json["errors"][0]["name"] == "Idempotency-Key"
    assert _zaken(db_session) == []


def test_concurrent_retries_with_one_key_create_one_case(app, wereld, tokens, db_session):
    """Guards against: a retry that waited on the key's unique index and then created a second case (PostgreSQL)."""
    aantal = 4
    start = threading.Barrier(aantal)
    antwoorden: list[tuple[int, int | None]] = []
    slot = threading.Lock()
    body, kop = _escalatie(wereld), _h(tokens["manager"], "tegelijk")  # read here: threads have no app context
    db_session.rollback()  # on SQLite even that read holds the write lock

    def poging() -> None:
        client = app.test_client()
        start.wait(timeout=30)
        r = client.post("/api/v1/escalaties", json=body, headers=kop)
        with slot:
            antwoorden.append((r.status_code, (r.json or {}).get("id")))

    threads = [threading.Thread(target=poging) for _ in range(aantal)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    zaken_ = _zaken(db_session)
    assert len(zaken_) == 1, antwoorden
    assert sorted(s for s, _ in antwoorden) == [200] * (aantal - 1) + [201], antwoorden
    assert {i for _, i in antwoorden} == {zaken_[0].id}


# ---------------------------------------------------------------- 6. login lockout and rate limit


def _parallel_fout(app, email: str, aantal: int) -> list[int]:
    start = threading.Barrier(aantal)
    codes: list[int] = []
    slot = threading.Lock()

    def poging() -> None:
        client = app.test_client()
        start.wait(timeout=30)
        r = client.post("/login", data={"email": email, "wachtwoord": "fout-wachtwoord-123"})
        with slot:
            codes.append(r.status_code)

    threads = [threading.Thread(target=poging) for _ in range(aantal)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return codes


@pytest.fixture
def max_pogingen(app):
    oud = app.config["LOGIN_MAX_POGINGEN"]

    def zet(n: int) -> None:
        app.config["LOGIN_MAX_POGINGEN"] = n

    yield zet
    app.config["LOGIN_MAX_POGINGEN"] = oud


def _gebruiker(db_session, email: str) -> Gebruiker:
    db_session.expire_all()
    return db_session.scalars(select(Gebruiker).where(Gebruiker.email == email)).one()


def test_every_one_of_parallel_wrong_passwords_is_counted(app, wereld, db_session, max_pogingen):
    """Guards against: read-modify-write of the counter (8 concurrent attempts left it at 2 on PostgreSQL)."""
    max_pogingen(100)
    codes = _parallel_fout(app, "manager@test.local", 8)
    assert codes == [422] * 8
    assert _gebruiker(db_session, "manager@test.local").mislukte_pogingen == 8


def test_parallel_wrong_passwords_lock_the_account(app, client, wereld, db_session, max_pogingen):
    """Guards against: parallel attempts bypassing the lockout; at most the allowed number of guesses is checked."""
    max_pogingen(5)
    codes = _parallel_fout(app, "manager@test.local", 8)
    assert len(codes) == 8
    gebruiker = _gebruiker(db_session, "manager@test.local")
    assert gebruiker.geblokkeerd_tot is not None and gebruiker.geblokkeerd_tot > datetime.now(timezone.utc)
    # No more than five passwords were tried; the rest were refused without looking at the password.
    gecontroleerd = db_session.scalars(select(Auditregel).where(Auditregel.wie == "manager@test.local",
                                                                Auditregel.wat == "inloggen: mislukt")).all()
    assert len(gecontroleerd) == 5
    r = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "geheim-wachtwoord"})
    assert r.status_code != 302  # even the right password waits for the lockout to end


def _melding(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_lockout_does_not_tell_whether_an_account_exists(client, wereld, db_session):
    """Guards against: 'Dit account is tijdelijk geblokkeerd' (and a 429) only for addresses that have an account."""
    for _ in range(5):
        client.post("/login", data={"email": "manager@test.local", "wachtwoord": "fout-wachtwoord-123"})
    assert _gebruiker(db_session, "manager@test.local").geblokkeerd_tot is not None
    bestaand = client.post("/login", data={"email": "manager@test.local", "wachtwoord": "fout-wachtwoord-123"})
    onbekend = client.post("/login", data={"email": "niemand@test.local", "wachtwoord": "fout-wachtwoord-123"})
    assert bestaand.status_code == onbekend.status_code == 422
    assert (_melding(bestaand.get_data(as_text=True)).replace("manager@test.local", "X")
            == _melding(onbekend.get_data(as_text=True)).replace("niemand@test.local", "X"))
    assert "geblokkeerd" in _melding(bestaand.get_data(as_text=True))  # the message names the possibility


def _productie(**extra) -> dict:
    return {"KNIPKAART_ENV": "production", "SECRET_KEY": "x" * 40, "DATABASE_URL": "postgresql://u:p@db/k", **extra}


def test_production_refuses_a_per_process_rate_limit_with_several_workers(tmp_path):
    """Guards against: the login limit counted per worker (memory://), so N workers allow N times the limit."""
    with pytest.raises(ConfigurationError, match="RATELIMIT_STORAGE_URI"):
        load(str(tmp_path), env=_productie())  # WEB_WORKERS defaults to 2
    with pytest.raises(ConfigurationError, match="RATELIMIT_STORAGE_URI"):
        load(str(tmp_path), env=_productie(WEB_WORKERS="4", RATELIMIT_STORAGE_URI="memory://"))
    assert load(str(tmp_path), env=_productie(WEB_WORKERS="1"))["RATELIMIT_STORAGE_URI"] == "memory://"
    gedeeld = load(str(tmp_path), env=_productie(WEB_WORKERS="4", RATELIMIT_STORAGE_URI="redis://cache:6379/0"))
    assert gedeeld["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/0"
    assert load(str(tmp_path), env={"WEB_WORKERS": "4"})["RATELIMIT_STORAGE_URI"] == "memory://"  # development


# ---------------------------------------------------------------- 7. BSN with other separators


@pytest.mark.parametrize("bsn", ["111-222-333", "111/222/333", "111_222_333", "111\u00a0222\u00a0333",
                                 "111\u200b222\u200b333"])
def test_the_api_refuses_a_bsn_with_any_separator(client, wereld, tokens, db_session, bsn):
    r = client.post("/api/v1/escalaties", json=_escalatie(wereld, gevraagd=f"Voor inwoner {bsn}"),
                    headers=_h(tokens["manager"]))
    assert r.status_code == 422 and r.json["errors"][0]["name"] == "gevraagd", r.json
    assert _zaken(db_session) == []


def test_a_message_through_the_api_with_a_bsn_between_slashes_is_refused(client, wereld, tokens, db_session):
    zaak = client.post("/api/v1/escalaties", json=_escalatie(wereld), headers=_h(tokens["manager"])).json
    r = client.post(f"/api/v1/zaken/{zaak['id']}/berichten", json={"tekst": "Inwoner 111/222/333 belt"},
                    headers=_h(tokens["manager"]))
    assert r.status_code == 422
    db_session.expire_all()
    assert db_session.scalars(select(Bericht)).all() == []


def test_a_form_refuses_a_bsn_with_dashes(client, inlog, wereld, db_session):
    inlog.als("manager@test.local")
    r = client.post("/escalaties/nieuw", data={
        "dienst_id": str(wereld.wmo.id), "clientreferentie": "FEY-2026-032", "urgentie": "hoog",
        "gevraagd": f"Een e-bike voor {BSN_MET_STREEPJES}", "blokkerende_regel": "Wmo en bijzondere bijstand",
        "oorzaak_id": str(wereld.oorzaak.id), "knop": "versturen"})
    assert r.status_code == 422
    assert BSN_MELDING.split(" (")[0] in r.get_data(as_text=True)
    assert _zaken(db_session) == []


# ---------------------------------------------------------------- 10. bounds, caching, the API's document


@pytest.mark.parametrize("pagina", ["99999999999999999999999", "-99999999999999999999999", "100001"])
def test_a_huge_page_number_is_refused_not_a_500(client, inlog, wereld, pagina):
    inlog.als("beheer@test.local")
    r = client.get(f"/beheer/audit?pagina={pagina}")
    assert r.status_code == 400
    assert "pagina" in r.get_data(as_text=True).lower()


def test_ordinary_page_numbers_still_work(client, inlog, wereld):
    inlog.als("beheer@test.local")
    assert client.get("/beheer/audit?pagina=2").status_code == 200
    assert client.get("/beheer/audit?pagina=100000").status_code == 200
    assert client.get("/beheer/audit").status_code == 200


def test_the_api_refuses_a_huge_page_number(client, wereld, tokens):
    r = client.get("/api/v1/zaken?pagina=99999999999999999999999", headers=_h(tokens["manager"]))
    assert r.status_code == 400 and r.json["errors"][0]["name"] == "pagina"


def test_the_teams_pages_are_not_cached(client, inlog, wereld, tokens, db_session):
    """Guards against: the case page (a resident's situation) kept in the browser's or a proxy's cache."""
    zaak = client.post("/api/v1/escalaties", json=_escalatie(wereld), headers=_h(tokens["manager"])).json
    inlog.als("manager@test.local")
    for pad in (f"/zaken/{zaak['id']}", "/wijkteam", "/escalaties/nieuw"):
        r = client.get(pad)
        assert r.status_code == 200 and r.headers.get("Cache-Control") == "no-store", pad


@pytest.mark.parametrize("pad,methode,toegestaan", [
    ("/api/v1/knippen", "delete", {"POST"}),
    ("/api/v1/zaken", "put", {"GET"}),
    ("/logout", "get", {"POST"}),
])
def test_a_405_names_the_allowed_methods(client, pad, methode, toegestaan):
    """RFC 9110: a 405 carries Allow (it was dropped by our error pages)."""
    r = getattr(client, methode)(pad)
    assert r.status_code == 405
    assert toegestaan <= {m.strip() for m in r.headers.get("Allow", "").split(",")}


def _verplichte_tekstvelden(schema: dict) -> list[str]:
    return [naam for naam in schema.get("required", [])
            if schema["properties"][naam].get("type") == "string"]


def test_required_strings_the_api_refuses_empty_are_documented_with_min_length(client, wereld, tokens, db_session):
    """Guards against: the document accepting "" where the API answers 422 (OpenAPI conformance)."""
    from app.api.openapi import document

    doc = document()
    schemas = doc["components"]["schemas"]
    for naam in ("KnipInvoer", "EscalatieInvoer"):
        velden = _verplichte_tekstvelden(schemas[naam])
        assert velden, naam
        for veld in velden:
            assert schemas[naam]["properties"][veld].get("minLength", 0) >= 1, (naam, veld)
    for veld in _verplichte_tekstvelden(schemas["EscalatieInvoer"]):
        r = client.post("/api/v1/escalaties", json=_escalatie(wereld, **{veld: ""}), headers=_h(tokens["manager"]))
        assert r.status_code == 422, (veld, r.json)
    for pad in ("/zaken/{zaak_id}/acties", "/zaken/{zaak_id}/berichten"):
        schema = doc["paths"][pad]["post"]["requestBody"]["content"]["application/json"]["schema"]
        for veld in _verplichte_tekstvelden(schema):
            assert schema["properties"][veld].get("minLength", 0) >= 1, (pad, veld)
    zaak = client.post("/api/v1/escalaties", json=_escalatie(wereld), headers=_h(tokens["manager"])).json
    for pad, body in ((f"/api/v1/zaken/{zaak['id']}/acties", {"actie": ""}),
                      (f"/api/v1/zaken/{zaak['id']}/berichten", {"tekst": ""})):
        assert client.post(pad, json=body, headers=_h(tokens["manager"])).status_code in (409, 422), pad
