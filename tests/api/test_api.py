"""The JSON API: tokens, the screens' permissions per route and role, problem details, ISO times, the audit log."""
from __future__ import annotations

import re
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from app.api.tokens import maak_token
from workflows.knipkaart import jaar_van
from workflows.models import Auditregel, Zaak
from workflows.prijslijst import zorg_voor_standaardlijst

ROLLEN = ["beheerder", "management", "wijkteammanager", "medewerker", "andere_manager", "zonder_token"]
EMAILS = {"beheerder": "beheer@test.local", "management": "mt@test.local", "wijkteammanager": "manager@test.local",
          "medewerker": "medewerker@test.local", "andere_manager": "oost@test.local"}
TEAM = {"wijkteammanager", "medewerker", "andere_manager"}

# Who may use which API route; every route in the URL map under /api/v1 must be here.
REGELS = {
    "/api/v1/openapi.json": set(ROLLEN),
    "/api/v1/knipkaarten/<int:wijkteam>/<int:jaar>": {"beheerder", "management", "wijkteammanager", "medewerker"},
    "/api/v1/knippen": TEAM,
    "/api/v1/escalaties": TEAM,
    "/api/v1/zaken": TEAM,
    "/api/v1/zaken/<int:zaak_id>": {"wijkteammanager", "medewerker"},
    "/api/v1/zaken/<int:zaak_id>/acties": {"wijkteammanager", "medewerker"},
    "/api/v1/zaken/<int:zaak_id>/berichten": {"wijkteammanager", "medewerker"},
    "/api/v1/zaken/<int:zaak_id>/omzetten": {"wijkteammanager", "medewerker"},  # an escalatie here: 409, not 403
    "/api/v1/rapportage": {"beheerder", "management", "wijkteammanager", "andere_manager"},
    "/api/v1/diensten": set(ROLLEN) - {"zonder_token"},
    "/api/v1/oorzaken": set(ROLLEN) - {"zonder_token"},
    "/api/v1/prijsposten": set(ROLLEN) - {"zonder_token"},
    "/api/v1/wijkteams/mij": TEAM,
}


@pytest.fixture
def tokens(db_session, wereld):
    now = datetime.now(timezone.utc)
    uit = {rol: maak_token(getattr(wereld, {"wijkteammanager": "manager", "beheerder": "beheerder",
                                            "management": "management", "medewerker": "medewerker",
                                            "andere_manager": "andere_manager"}[rol]), "test", now)
           for rol in EMAILS}
    zorg_voor_standaardlijst(db_session)
    db_session.commit()
    return uit


def _h(token: str | None) -> dict:
    return {"Authorization": f"Bearer {token}"} if token else {}


def _knip(wereld, **over) -> dict:
    body = {"dienst_id": wereld.wi.id, "clientreferentie": "FEY-2026-101", "gevraagd": "Uitkering per direct",
            "blokkerende_regel": "De zoektermijn van vier weken", "urgentie": "acuut", "oorzaak_id": wereld.oorzaak.id,
            "uitzondering": "wachttermijn", "geen_inkomen": True}
    body.update(over)
    return body


def _escalatie(wereld, **over) -> dict:
    body = _knip(wereld, dienst_id=wereld.wmo.id)
    del body["uitzondering"]
    body.update(over)
    return body


def test_every_api_route_has_a_rule(app):
    routes = {r.rule for r in app.url_map.iter_rules() if r.rule.startswith("/api/")}
    assert routes - set(REGELS) == set(), "API routes without a rule in tests/api/test_api.py"


def test_each_role_reaches_only_what_it_may(client, wereld, tokens, db_session):
    r = client.post("/api/v1/escalaties", json=_escalatie(wereld, clientreferentie="FEY-2026-102"), headers=_h(tokens["wijkteammanager"]))
    assert r.status_code == 201, r.json
    zaak_id = r.json["id"]
    for regel, rollen in REGELS.items():
        pad = (regel.replace("<int:wijkteam>", str(wereld.team.id)).replace("<int:jaar>", "2026")
               .replace("<int:zaak_id>", str(zaak_id)))
        methode = "GET" if regel in ("/api/v1/openapi.json", "/api/v1/zaken", "/api/v1/rapportage",
                                     "/api/v1/zaken/<int:zaak_id>", "/api/v1/diensten", "/api/v1/oorzaken",
                                     "/api/v1/prijsposten", "/api/v1/wijkteams/mij") or "knipkaarten" in regel \
            else "POST"
        if regel == "/api/v1/rapportage":
            pad += "?van=2026-01-01&tot=2026-12-31"
        for rol in ROLLEN:
            r = client.open(pad, method=methode, json={} if methode == "POST" else None,
                            headers=_h(tokens.get(rol)))
            assert r.status_code < 500, (rol, pad, r.status_code)
            if rol in rollen:
                assert r.status_code not in (401, 403, 404), (rol, pad, r.status_code, r.json)
            elif rol == "zonder_token":
                assert r.status_code == 401 and r.mimetype == "application/problem+json", (pad, r.status_code)
                assert r.headers["WWW-Authenticate"].startswith("Bearer")
            else:
                assert r.status_code in (403, 404), (rol, pad, r.status_code)
                assert r.mimetype == "application/problem+json"


def test_spend_a_knip_open_an_escalation_read_the_case_refused_another_teams(client, wereld, tokens, db_session):
    """The issue's curl journey, through HTTP."""
    h = _h(tokens["wijkteammanager"])
    r = client.post("/api/v1/knippen", json=_knip(wereld), headers=h)
    assert r.status_code == 201 and r.headers["Location"] == f"/api/v1/zaken/{r.json['id']}"
    knip = r.json
    assert knip["nummer"].startswith("KN-") and knip["status"] == "verstuurd"
    # The card of the year the knip was spent, in Amsterdam (not the test machine's local year).
    jaar = jaar_van(datetime.fromisoformat(knip["verstuurd_op"]))
    kaart = client.get(f"/api/v1/knipkaarten/{wereld.team.id}/{jaar}", headers=h).json
    assert (kaart["quotum"], kaart["ingezet"], kaart["teruggegeven"], kaart["resterend"]) == (5, 1, 0, 4)
    assert [k["nummer"] for k in kaart["knippen"]] == [knip["nummer"]]
    r = client.post("/api/v1/escalaties", json=_escalatie(wereld, urgentie="hoog"), headers=h)
    assert r.status_code == 201, r.json
    zaak = client.get(r.headers["Location"], headers=h).json
    reactie, oplos = zaak["termijnen"]
    assert (reactie["naam"], oplos["naam"]) == ("Reactietermijn", "Oplostermijn")
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT17:00:00\+0[12]:00", reactie["deadline"])  # ISO 8601 with its offset
    assert zaak["routering"]["ontvanger"] == "wmo@test.local" and zaak["routering"]["reden"]
    # Every change is an event, oldest first (a reversed or incomplete history fails here).
    assert [(e["actie"], e["naar_status"]) for e in zaak["gebeurtenissen"]] == [
        ("aangemaakt", "concept"), ("gerouteerd", None), ("versturen", "verstuurd")]
    r = client.get(f"/api/v1/zaken/{zaak['id']}", headers=_h(tokens["andere_manager"]))
    assert r.status_code == 404 and r.mimetype == "application/problem+json" and r.json["status"] == 404
    # The beheerder sees these reads in the audit log.
    db_session.expire_all()
    regels = db_session.scalars(select(Auditregel).where(Auditregel.kanaal == "api")).all()
    assert ("manager@test.local", "lezen", zaak["id"]) in [(a.wie, a.soort, a.zaak_id) for a in regels]
    assert ("oost@test.local", "geweigerd", zaak["id"]) in [(a.wie, a.soort, a.zaak_id) for a in regels]


def test_an_empty_card_is_a_409_problem_and_nothing_is_half_applied(client, wereld, tokens, db_session):
    h = _h(tokens["wijkteammanager"])
    for i in range(5):
        assert client.post("/api/v1/knippen", json=_knip(wereld, clientreferentie=f"FEY-{i}"), headers=h).status_code == 201
    r = client.post("/api/v1/knippen", json=_knip(wereld, clientreferentie="FEY-6"), headers=h)
    assert r.status_code == 409 and r.mimetype == "application/problem+json"
    assert r.json["type"] == "urn:knipkaart:probleem:knipkaart-vol" and "vol" in r.json["detail"]
    db_session.expire_all()
    assert db_session.scalars(select(Zaak).where(Zaak.clientreferentie == "FEY-6")).first() is None


def test_bad_input_gets_a_problem_detail_per_field(client, wereld, tokens):
    h = _h(tokens["wijkteammanager"])
    r = client.post("/api/v1/knippen", data="geen json", headers=h | {"Content-Type": "text/plain"})
    assert r.status_code == 400 and r.mimetype == "application/problem+json"
    r = client.post("/api/v1/knippen", json=_knip(wereld, urgentie="morgen", dienst_id=True, onbekend=1), headers=h)
    assert r.status_code == 422
    assert {e["name"] for e in r.json["errors"]} == {"urgentie", "dienst_id", "onbekend"}
    r = client.post("/api/v1/knippen", json=_knip(wereld, gevraagd="BSN 111222333 zonder inkomen"), headers=h)
    assert r.status_code == 422 and "burgerservicenummer" in r.json["detail"]
    r = client.post("/api/v1/knippen", json=_knip(wereld, scenario=[{"prijspost_id": 1}]), headers=h)
    assert r.status_code == 422 and r.json["errors"][0]["name"] == "scenario[0]"
    r = client.get("/api/v1/zaken?status=kwijt&pagina=0", headers=h)
    assert r.status_code == 400 and {e["name"] for e in r.json["errors"]} == {"status", "pagina"}
    r = client.get("/api/v1/zaken/99999999999", headers=h)
    assert r.status_code == 404
    r = client.get("/api/v1/rapportage?van=2026-13-01&tot=2026-01-01", headers=_h(tokens["management"]))
    assert r.status_code == 400


def test_actions_and_messages_through_the_api(client, wereld, tokens, db_session):
    h = _h(tokens["wijkteammanager"])
    zaak = client.post("/api/v1/escalaties", json=_escalatie(wereld),
                       headers=h).json
    assert "intrekken" in zaak["acties"]
    r = client.post(f"/api/v1/zaken/{zaak['id']}/berichten", json={"tekst": "Graag snel."}, headers=h)
    assert r.status_code == 201 and r.json["kanaal"] == "api"
    r = client.post(f"/api/v1/zaken/{zaak['id']}/acties", json={"actie": "toegekend"}, headers=h)
    assert r.status_code == 403  # the team cannot grant its own case
    r = client.post(f"/api/v1/zaken/{zaak['id']}/acties", json={"actie": "sluiten"}, headers=h)
    assert r.status_code == 409 and r.json["type"] == "urn:knipkaart:probleem:ongeldige-overgang"
    r = client.post(f"/api/v1/zaken/{zaak['id']}/acties", json={"actie": "intrekken", "toelichting": "Opgelost"},
                    headers=h)
    assert r.status_code == 200 and r.json["status"] == "teruggetrokken"


def test_a_concept_by_a_medewerker_and_the_idempotency_key(client, wereld, tokens, db_session):
    h = _h(tokens["medewerker"])
    assert client.post("/api/v1/knippen", json=_knip(wereld), headers=h).status_code == 403
    r = client.post("/api/v1/knippen", json=_knip(wereld, versturen=False), headers=h | {"Idempotency-Key": "abc"})
    assert r.status_code == 201 and r.json["status"] == "concept" and r.json["nummer"] is None
    again = client.post("/api/v1/knippen", json=_knip(wereld, versturen=False), headers=h | {"Idempotency-Key": "abc"})
    assert again.status_code == 200 and again.headers["Location"] == r.headers["Location"]
    assert db_session.scalars(select(Zaak)).all().__len__() == 1


def test_tokens_are_stored_hashed_and_can_be_revoked(app, client, wereld, tokens, db_session):
    from workflows.models import ApiToken

    token = tokens["wijkteammanager"]
    assert token not in {t.hash for t in db_session.scalars(select(ApiToken))}
    runner = app.test_cli_runner()
    r = runner.invoke(args=["create-token", "manager@test.local"])
    assert r.exit_code == 0 and r.output.strip().startswith("kk_")
    assert client.get("/api/v1/zaken", headers=_h(r.output.strip())).status_code == 200
    assert runner.invoke(args=["revoke-tokens", "manager@test.local"]).exit_code == 0
    assert client.get("/api/v1/zaken", headers=_h(r.output.strip())).status_code == 401
    assert client.get("/api/v1/zaken", headers=_h(token)).status_code == 401
    assert runner.invoke(args=["create-token", "niemand@test.local"]).exit_code != 0


def test_the_report_through_the_api_matches_the_screens_tables(client, wereld, tokens, db_session):
    from tests.rapportage_gegevens import Dataset

    Dataset(db_session, wereld)
    r = client.get("/api/v1/rapportage?van=2026-01-01&tot=2026-06-30", headers=_h(tokens["management"]))
    diensten = next(t for t in r.json["tabellen"] if t["sleutel"] == "diensten")
    assert ["Werk & Inkomen", 6, 2.0, 4.0, 3.0, 5.4, 1, 1, "teamleider", 1] in diensten["rijen"]
    r = client.get("/api/v1/rapportage?van=2026-01-01&tot=2026-06-30", headers=_h(tokens["andere_manager"]))
    diensten = next(t for t in r.json["tabellen"] if t["sleutel"] == "diensten")
    assert [rij[0] for rij in diensten["rijen"]] == ["Wmo"]  # a wijkteammanager: their own team only



def test_a_client_finds_the_ids_it_must_send(client, wereld, tokens, db_session):
    from workflows.models import Dienst

    db_session.add(Dienst(naam="Landelijk Maatwerkloket", mailbox="lmw@test.local", landelijk=True))
    db_session.commit()
    h = _h(tokens["wijkteammanager"])
    diensten = client.get("/api/v1/diensten", headers=h).get_json()["diensten"]
    assert {(d["naam"], d["accepteert_knippen"], d["eerste_stop"]) for d in diensten} >= {
        ("Werk & Inkomen", True, True), ("Landelijk Maatwerkloket", False, False)}
    assert any(o["id"] == wereld.oorzaak.id for o in client.get("/api/v1/oorzaken", headers=h).get_json()["oorzaken"])
    assert client.get("/api/v1/prijsposten", headers=h).get_json()["prijsposten"]
    mij = client.get("/api/v1/wijkteams/mij", headers=h)
    assert mij.get_json()["naam"] == "Feyenoord" and mij.get_json()["knipkaart"]["resterend"] == 5
    assert mij.headers["API-Version"] == "1.1.0"


def test_a_bad_case_lists_every_wrong_field_in_one_answer(client, wereld, tokens):
    body = _knip(wereld, dienst_id=999999, oorzaak_id=999999, gevraagd="", clientreferentie="BSN 111222333",
                 urgentie="spoed")
    r = client.post("/api/v1/knippen", json=body, headers=_h(tokens["wijkteammanager"]))
    assert r.status_code == 422 and r.headers["API-Version"]
    namen = {f["name"] for f in r.get_json()["errors"]}
    assert namen == {"dienst_id", "oorzaak_id", "gevraagd", "clientreferentie", "urgentie"}, r.get_json()


def test_the_case_list_searches_and_filters_like_the_screen(client, wereld, tokens, db_session):
    h = _h(tokens["wijkteammanager"])
    for ref, gevraagd in (("FEY-1", "Borg voor een kamer"), ("FEY-2", "Waterafsluiting")):
        assert client.post("/api/v1/escalaties", json=_escalatie(wereld, clientreferentie=ref, gevraagd=gevraagd),
                           headers=h).status_code == 201
    r = client.get("/api/v1/zaken?q=borg", headers=h).get_json()
    assert r["totaal"] == 1 and r["zaken"][0]["status"] == "verstuurd"
    r = client.get("/api/v1/zaken?status=kwijt&trede=x&te_laat=misschien", headers=h)
    assert r.status_code == 400 and {f["name"] for f in r.get_json()["errors"]} == {"status", "trede", "te_laat"}


def test_an_answered_adviesvraag_is_turned_into_an_escalatie_by_the_api(client, db_session, wereld, tokens):
    """Issue 18 left 'omzetten' out of the API (handelen refuses it: it makes a second case). POST .../omzetten
    does what the case page does: 201, the new escalatie with its Location, sent at once by the manager; bad
    input lists every wrong field; another team's case is 404; a knip cannot be turned."""
    from workflows import advies, usecases
    from workflows.models import Status, ZaakSoort
    from workflows.overgangen import Actor

    now = datetime.now(timezone.utc)
    vraag = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.ADVIESVRAAG,
                                   advies.vraag_invoer(dienst_id=wereld.wi.id, vraag="Mag de zoektermijn eraf?",
                                                       regel="De zoektermijn", oorzaak_id=wereld.oorzaak.id,
                                                       clientreferentie="FEY-2026-120"), now, versturen=True).zaak
    dienst = Actor.dienst("Sanne Vos (Werk & Inkomen)", wereld.cp_wi.id, "contactpersoon")
    usecases.antwoord_toepassen(db_session, dienst, vraag.id, "Ja, bij acute nood; dien het als escalatie in.", now)
    db_session.commit()
    pad = f"/api/v1/zaken/{vraag.id}/omzetten"
    r = client.post(pad, json={"urgentie": "heel hoog", "kleur": "rood"}, headers=_h(tokens["wijkteammanager"]))
    assert r.status_code == 422
    assert sorted(f["name"] for f in r.get_json()["errors"]) == ["kleur", "urgentie"]
    assert client.post(pad, json={}, headers=_h(tokens["andere_manager"])).status_code == 404
    r = client.post(pad, json={"urgentie": "hoog"}, headers=_h(tokens["wijkteammanager"]))
    assert r.status_code == 201, r.get_json()
    escalatie = r.get_json()
    assert r.headers["Location"].endswith(f"/api/v1/zaken/{escalatie['id']}")
    assert (escalatie["soort"], escalatie["status"]) == ("escalatie", "verstuurd")
    db_session.expire_all()
    assert db_session.get(Zaak, vraag.id).status != Status.VERSTUURD
    assert client.post(pad, json={}, headers=_h(tokens["wijkteammanager"])).status_code == 409  # once
    knip = client.post("/api/v1/knippen", json=_knip(wereld), headers=_h(tokens["wijkteammanager"])).get_json()
    assert client.post(f"/api/v1/zaken/{knip['id']}/omzetten", json={},
                       headers=_h(tokens["wijkteammanager"])).status_code == 409
