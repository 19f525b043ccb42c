"""The wijkteam's screens through HTTP: card, knip and escalatie forms, case page, scope."""
from datetime import datetime, timezone

from sqlalchemy import select

from tests.conftest import sleutel_uit
from workflows.models import Gebeurtenis, KnipkaartMutatie, Status, Zaak, ZaakSoort


def _knip_formulier(wereld, **over):
    data = {
        "dienst_id": str(wereld.wi.id), "clientreferentie": "FEY-2026-031", "uitzondering": "wachttermijn",
        "gevraagd": "Bijstand zonder de zoektermijn van vier weken", "blokkerende_regel": "Zoektermijn jongeren",
        "voorgestelde_oplossing": "Uitkering per direct toekennen", "urgentie": "acuut",
        "oorzaak_id": str(wereld.oorzaak.id), "geen_inkomen": "y", "knop": "versturen", "bevestigd": "ja",
    }
    data.update(over)
    return data


def _escalatie_formulier(wereld, **over):
    data = {
        "dienst_id": str(wereld.wmo.id), "clientreferentie": "FEY-2026-032",
        "gevraagd": "Een e-bike om naar werk te komen", "blokkerende_regel": "Wmo en bijzondere bijstand wijzen elkaar aan",
        "urgentie": "hoog", "oorzaak_id": str(wereld.oorzaak.id), "knop": "versturen",
    }
    data.update(over)
    return data


def test_the_dashboard_shows_this_years_card_and_open_cases(client, inlog, wereld):
    inlog.als("manager@test.local")
    r = client.get("/wijkteam")
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert "Knipkaart" in html and "<strong>5</strong> van de 5 knippen over" in html


def test_a_manager_spends_a_knip_and_it_is_sent_routed_and_on_the_card(client, inlog, wereld, db_session):
    inlog.als("manager@test.local")
    r = client.post("/knippen/nieuw", data=_knip_formulier(wereld))
    assert r.status_code == 302
    zaak = db_session.execute(select(Zaak)).scalar_one()
    assert zaak.status == Status.VERSTUURD and zaak.soort == ZaakSoort.KNIP
    assert zaak.ontvanger_email == "wi@test.local"
    pagina = client.get(r.headers["Location"]).get_data(as_text=True)
    assert zaak.nummer in pagina and "Reactietermijn" in pagina and "Oplostermijn" in pagina
    assert "/link/" in pagina  # until mail exists, the team forwards the link
    assert "<strong>4</strong> van de 5" in client.get("/wijkteam").get_data(as_text=True)


def test_an_escalation_is_sent_with_both_deadlines(client, inlog, wereld, db_session):
    inlog.als("manager@test.local")
    r = client.post("/escalaties/nieuw", data=_escalatie_formulier(wereld))
    assert r.status_code == 302
    zaak = db_session.execute(select(Zaak)).scalar_one()
    assert zaak.reactie_deadline is not None and zaak.oplos_deadline > zaak.reactie_deadline
    assert zaak.ontvanger_email == "wmo@test.local"


def test_a_medewerker_saves_a_concept_and_the_manager_sends_it(client, inlog, wereld, db_session):
    inlog.als("medewerker@test.local")
    r = client.post("/escalaties/nieuw", data=_escalatie_formulier(wereld, knop="concept"))
    assert r.status_code == 302
    zaak = db_session.execute(select(Zaak)).scalar_one()
    assert zaak.status == Status.CONCEPT
    assert client.post("/escalaties/nieuw", data=_escalatie_formulier(wereld)).status_code == 403
    assert client.post(f"/zaken/{zaak.id}/actie", data={"actie": "versturen"}).status_code == 403
    inlog.als("manager@test.local")
    assert client.post(f"/zaken/{zaak.id}/actie", data={"actie": "versturen"}).status_code == 302
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).status == Status.VERSTUURD


def test_bad_input_is_answered_per_field_in_dutch_and_keeps_what_was_typed(client, inlog, wereld, db_session):
    inlog.als("manager@test.local")
    r = client.post("/knippen/nieuw", data=_knip_formulier(wereld, gevraagd="", blokkerende_regel="x" * 2000))
    html = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Beschrijf wat er nodig is." in html and "FEY-2026-031" in html
    assert db_session.execute(select(Zaak)).first() is None


def test_a_bsn_in_a_free_text_field_is_refused_with_an_explanation(client, inlog, wereld, db_session):
    inlog.als("manager@test.local")
    r = client.post("/escalaties/nieuw", data=_escalatie_formulier(wereld, gevraagd="Voor inwoner 111222333"))
    assert r.status_code == 422
    assert "burgerservicenummer" in r.get_data(as_text=True)
    assert db_session.execute(select(Zaak)).first() is None


def test_a_knip_on_an_empty_card_says_so_and_changes_nothing(client, inlog, wereld, db_session):
    from workflows import knipkaart

    # This year's card in Amsterdam, and next year's in case the year turns during the test.
    jaar = knipkaart.jaar_van(datetime.now(timezone.utc))
    knipkaart.quotum_instellen(db_session, wereld.team.id, jaar, 0)
    knipkaart.quotum_instellen(db_session, wereld.team.id, jaar + 1, 0)
    db_session.commit()
    inlog.als("manager@test.local")
    r = client.post("/knippen/nieuw", data=_knip_formulier(wereld))
    assert r.status_code == 409
    assert "vol" in r.get_data(as_text=True)
    assert db_session.execute(select(Zaak)).first() is None
    assert db_session.execute(select(KnipkaartMutatie)).first() is None


def test_submitting_the_same_form_twice_acts_once(client, inlog, wereld, db_session):
    inlog.als("manager@test.local")
    sleutel = sleutel_uit(client.get("/knippen/nieuw").get_data(as_text=True))
    assert sleutel
    eerste = client.post("/knippen/nieuw", data=_knip_formulier(wereld, formulier_sleutel=sleutel))
    tweede = client.post("/knippen/nieuw", data=_knip_formulier(wereld, formulier_sleutel=sleutel))
    assert eerste.status_code == tweede.status_code == 302
    assert tweede.headers["Location"] == eerste.headers["Location"]
    assert len(db_session.execute(select(Zaak)).all()) == 1
    assert len(db_session.execute(select(KnipkaartMutatie)).all()) == 1


def test_a_team_never_sees_another_teams_case(client, inlog, wereld, db_session):
    inlog.als("manager@test.local")
    client.post("/escalaties/nieuw", data=_escalatie_formulier(wereld))
    zaak = db_session.execute(select(Zaak)).scalar_one()
    inlog.als("oost@test.local")
    assert client.get(f"/zaken/{zaak.id}").status_code == 404
    assert client.post(f"/zaken/{zaak.id}/actie", data={"actie": "intrekken", "toelichting": "x"}).status_code == 404
    assert client.post(f"/zaken/{zaak.id}/bericht", data={"tekst": "hallo"}).status_code == 404
    assert zaak.nummer not in client.get("/wijkteam").get_data(as_text=True)


def test_other_roles_are_refused_the_team_screens(client, inlog, wereld):
    for email in ("beheer@test.local", "mt@test.local"):
        inlog.als(email)
        for pad in ("/wijkteam", "/knippen/nieuw", "/escalaties/nieuw"):
            assert client.get(pad).status_code == 403, (email, pad)
    client.post("/logout")
    r = client.get("/wijkteam")
    assert r.status_code == 302 and "/login" in r.headers["Location"]


def test_the_manager_answers_a_question_and_closes_the_case(client, inlog, wereld, db_session):
    from tests.conftest import NU
    from workflows.zaken import Actor, uitvoeren

    inlog.als("manager@test.local")
    client.post("/escalaties/nieuw", data=_escalatie_formulier(wereld))
    zaak = db_session.execute(select(Zaak)).scalar_one()
    dienst = Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id)
    uitvoeren(db_session, dienst, zaak, "vraag", NU, toelichting="Is er een offerte?")
    db_session.commit()
    assert client.post(f"/zaken/{zaak.id}/actie", data={"actie": "beantwoorden", "toelichting": ""}).status_code == 422
    assert client.post(f"/zaken/{zaak.id}/actie",
                       data={"actie": "beantwoorden", "toelichting": "Ja, bijgevoegd"}).status_code == 302
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    uitvoeren(db_session, dienst, zaak, "toegekend", NU)
    db_session.commit()
    r = client.post(f"/zaken/{zaak.id}/actie", data={"actie": "sluiten", "structureel": "ja"})
    assert r.status_code == 302
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.GESLOTEN and zaak.structureel is True
    acties = [g.actie for g in db_session.execute(select(Gebeurtenis).order_by(Gebeurtenis.id)).scalars()]
    assert acties == ["aangemaakt", "gerouteerd", "versturen", "vraag", "beantwoorden", "toegekend", "sluiten"]
    pagina = client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    assert "Is er een offerte?" in pagina and "Ja, bijgevoegd" in pagina


def test_forwarding_to_the_landelijk_maatwerkloket_is_only_offered_when_it_can_be_done(client, inlog, wereld,
                                                                                       db_session):
    inlog.als("manager@test.local")
    client.post("/escalaties/nieuw", data=_escalatie_formulier(wereld, bovenlokaal="y"))
    zaak = db_session.execute(select(Zaak)).scalar_one()
    assert "Landelijk Maatwerkloket" not in client.get(f"/zaken/{zaak.id}").get_data(as_text=True)


def test_a_knip_records_the_scenario_it_avoided_and_bad_lines_get_a_dutch_answer(client, inlog, wereld, db_session):
    from workflows.prijslijst import zorg_voor_standaardlijst

    posten = zorg_voor_standaardlijst(db_session)
    db_session.commit()
    inlog.als("manager@test.local")
    opvang, uitzetting = posten["Maatschappelijke opvang / daklozenopvang"].id, posten["Huisuitzetting"].id
    r = client.post("/knippen/nieuw", data=_knip_formulier(wereld, **{
        "scenario-0-prijspost_id": str(opvang), "scenario-0-aantal": "",
        "scenario-1-prijspost_id": "0", "scenario-1-aantal": "2"}))
    pagina = r.get_data(as_text=True)
    assert r.status_code == 422
    assert "Vul het aantal in." in pagina and "Kies ook wat er is voorkomen" in pagina
    assert db_session.scalars(select(Zaak)).first() is None  # nothing half-applied
    r = client.post("/knippen/nieuw", data=_knip_formulier(wereld, **{
        "scenario-0-prijspost_id": str(opvang), "scenario-0-aantal": "30",
        "scenario-1-prijspost_id": str(uitzetting), "scenario-1-aantal": "1"}))
    assert r.status_code == 302
    zaak = db_session.scalars(select(Zaak)).one()
    assert sorted((s.prijspost_id, s.aantal) for s in zaak.scenario) == sorted([(opvang, 30), (uitzetting, 1)])
    assert "30 × maatschappelijke opvang" in client.get(f"/zaken/{zaak.id}").get_data(as_text=True)


def test_spending_a_knip_is_confirmed_on_a_summary_page_before_anything_is_spent(client, inlog, wereld, db_session):
    from workflows.models import KnipkaartMutatie

    inlog.als("manager@test.local")
    data = _knip_formulier(wereld)
    del data["bevestigd"]
    r = client.post("/knippen/nieuw", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and "Na deze knip heeft Feyenoord nog 4 van de 5 knippen voor" in html
    assert "Sanne Vos" in html and "Ja, knip inzetten en versturen" in html
    assert db_session.execute(select(Zaak)).first() is None and db_session.query(KnipkaartMutatie).count() == 0
    terug = client.post("/knippen/nieuw", data={**data, "knop": "terug"})
    assert terug.status_code == 200 and "FEY-2026-031" in terug.get_data(as_text=True)
    assert db_session.execute(select(Zaak)).first() is None
    r = client.post("/knippen/nieuw", data={**data, "bevestigd": "ja"})
    assert r.status_code == 302 and db_session.query(KnipkaartMutatie).count() == 1


def test_a_refused_spend_does_not_look_like_a_saved_concept(client, inlog, wereld, db_session):
    from datetime import datetime, timezone

    from workflows import knipkaart

    # The card of the year the form is sent in (the app's own clock), set to a quota of nothing.
    knipkaart.quotum_instellen(db_session, wereld.team.id, knipkaart.jaar_van(datetime.now(timezone.utc)), 0)
    db_session.commit()
    inlog.als("manager@test.local")
    data = _knip_formulier(wereld)
    del data["bevestigd"]
    r = client.post("/knippen/nieuw", data=data)
    html = r.get_data(as_text=True)
    assert r.status_code == 409 and "is vol" in html and "niets verstuurd of opgeslagen" in html
    assert "Opgeslagen als concept" not in html and db_session.execute(select(Zaak)).first() is None
