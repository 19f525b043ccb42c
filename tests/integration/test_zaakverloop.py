"""One way through a case, through HTTP: the answer box, any reply counts, the ladder, no dead ends (issue 11)."""
from datetime import timedelta

from sqlalchemy import select

from notifications.models import UitgaandeMail
from tests.integration.test_mail_uit import t0  # noqa: F401 (a fixture)
from tests.conftest import NU
from workflows import usecases
from workflows.models import Dienst, LadderFunctie, Status, Zaak, ZaakSoort
from workflows.zaken import Actor, LMW_NIET_EERST


def _verstuurd(db_session, wereld, soort=ZaakSoort.ESCALATIE, **over):
    r = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.manager), soort,
                               wereld.invoer(dienst=over.pop("dienst", wereld.wmo), **over), NU, versturen=True)
    db_session.commit()
    return r.zaak


def _vraag(db_session, wereld, zaak):
    usecases.handelen(db_session, Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id), zaak.id, "vraag",
                      NU + timedelta(hours=1), toelichting="Sinds wanneer is er geen inkomen?")
    db_session.commit()


def _link(app, zaak):
    from app.links import maak_token

    with app.test_request_context():
        return f"/link/{maak_token(zaak, zaak.ontvanger_email)}"


def test_the_teams_answer_in_the_conversation_box_answers_the_question_and_restarts_the_clock(
        client, inlog, wereld, db_session):
    zaak = _verstuurd(db_session, wereld)
    _vraag(db_session, wereld, zaak)
    inlog.als("manager@test.local")
    pagina = client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    assert "wacht op uw antwoord" in pagina and "Antwoord versturen" in pagina and "Vraag beantwoorden" not in pagina
    r = client.post(f"/zaken/{zaak.id}/bericht", data={"tekst": "Sinds februari, zie bankafschriften."})
    assert r.status_code == 302
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.IN_BEHANDELING and zaak.pauze_sinds is None
    assert [m.soort for m in db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.aan == "wmo@test.local"))
            ][-1] == "antwoord"


def test_the_team_can_still_send_a_message_without_answering(client, inlog, wereld, db_session):
    zaak = _verstuurd(db_session, wereld)
    _vraag(db_session, wereld, zaak)
    inlog.als("manager@test.local")
    r = client.post(f"/zaken/{zaak.id}/bericht", data={"tekst": "We vragen het vandaag na.",
                                                       "alleen_bericht": "Alleen een bericht, nog geen antwoord"})
    assert r.status_code == 302
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).status == Status.WACHT_OP_WIJKTEAM


def test_a_message_through_the_link_is_the_contacts_first_reaction(app, client, wereld, db_session):
    zaak = _verstuurd(db_session, wereld)
    r = client.post(_link(app, zaak) + "/bericht", data={"tekst": "Ik pak dit morgen op."})
    assert r.status_code == 302
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.ONTVANGEN and zaak.ontvangen_op is not None


def test_the_landelijk_maatwerkloket_is_refused_as_a_first_stop_on_the_form_and_the_api(
        client, inlog, wereld, db_session):
    from app.api.tokens import maak_token

    lmw = Dienst(naam="Landelijk Maatwerkloket", mailbox="lmw@test.local", landelijk=True)
    db_session.add(lmw)
    db_session.commit()
    inlog.als("manager@test.local")
    formulier = client.get("/escalaties/nieuw").get_data(as_text=True)
    assert "Landelijk Maatwerkloket staat hier niet" in formulier and f'value="{lmw.id}"' not in formulier
    r = client.post("/escalaties/nieuw", data={
        "dienst_id": str(lmw.id), "clientreferentie": "FEY-1", "gevraagd": "x", "blokkerende_regel": "y",
        "urgentie": "hoog", "oorzaak_id": str(wereld.oorzaak.id), "knop": "versturen"})
    assert r.status_code == 422 and "lokale escalatie niet heeft gewerkt" in r.get_data(as_text=True)
    token = maak_token(wereld.manager, "test", NU)
    db_session.commit()
    r = client.post("/api/v1/escalaties", headers={"Authorization": f"Bearer {token}"}, json={
        "dienst_id": lmw.id, "clientreferentie": "FEY-1", "gevraagd": "x", "blokkerende_regel": "y",
        "urgentie": "hoog", "oorzaak_id": wereld.oorzaak.id})
    assert r.status_code in (400, 422) and r.headers["Content-Type"].startswith("application/problem+json")
    assert LMW_NIET_EERST in r.get_data(as_text=True)
    assert db_session.execute(select(Zaak)).first() is None


def test_the_dashboard_says_what_to_do_now_and_the_case_page_shows_the_ladder(client, inlog, wereld, db_session):
    from workflows.models import Contactpersoon, LadderTrede

    mwf = Contactpersoon(naam="Frits Maatwerk", email="mwf@test.local", dienst_id=wereld.wmo.id,
                         functie=LadderFunctie.MAATWERKFUNCTIONARIS)
    db_session.add(mwf)
    db_session.flush()
    db_session.add(LadderTrede(dienst_id=wereld.wmo.id, niveau=1, contactpersoon_id=mwf.id))
    wacht = _verstuurd(db_session, wereld)
    _vraag(db_session, wereld, wacht)
    klaar = _verstuurd(db_session, wereld)
    usecases.handelen(db_session, Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id), klaar.id, "toegekend", NU)
    op = _verstuurd(db_session, wereld, bovenlokaal=True)
    later = NU + timedelta(days=30)
    for _ in range(3):
        usecases.termijnstappen_nemen(db_session, op.id, later)
        later += timedelta(days=30)
    db_session.commit()
    inlog.als("manager@test.local")
    html = client.get("/wijkteam").get_data(as_text=True)
    assert "Wacht op ons (1)" in html and wacht.nummer in html
    assert "Opgelost, te sluiten (1)" in html and klaar.nummer in html
    assert "Ladder uitgeput (1)" in html and op.nummer in html and "trede 1" in html
    pagina = client.get(f"/zaken/{op.id}").get_data(as_text=True)
    assert "De ladder van Wmo is uitgeput" in pagina and "Frits Maatwerk" in pagina and "mwf@test.local" in pagina
    assert "Doorsturen naar het Landelijk Maatwerkloket" in pagina or "Landelijk Maatwerkloket" in pagina
    assert 'aria-current="step"' in pagina


def test_a_link_stops_working_once_the_case_climbed_to_someone_else(app, client, wereld, db_session):
    from workflows.models import Contactpersoon, LadderTrede

    tl = Contactpersoon(naam="Tom Leider", email="tl.wmo@test.local", dienst_id=wereld.wmo.id,
                        functie=LadderFunctie.TEAMLEIDER)
    db_session.add(tl)
    db_session.flush()
    db_session.add(LadderTrede(dienst_id=wereld.wmo.id, niveau=1, contactpersoon_id=tl.id))
    zaak = _verstuurd(db_session, wereld)
    oud = _link(app, zaak)
    assert client.get(oud).status_code == 200
    usecases.termijnstappen_nemen(db_session, zaak.id, NU + timedelta(days=10))
    db_session.commit()
    assert db_session.get(Zaak, zaak.id).ontvanger_email == "tl.wmo@test.local"
    r = client.get(oud)
    assert r.status_code == 403 and "ingetrokken" in r.get_data(as_text=True)
    assert client.post(oud + "/actie", data={"actie": "toegekend"}).status_code == 403
    assert client.get(_link(app, db_session.get(Zaak, zaak.id))).status_code == 200


def test_the_link_page_posts_the_action_names_it_shows(app, client, wereld, db_session):
    zaak = _verstuurd(db_session, wereld, soort=ZaakSoort.KNIP, dienst=wereld.wi)
    html = client.get(_link(app, zaak)).get_data(as_text=True)
    assert 'value="uitgevoerd"' in html and "Actie." not in html


# ---------------------------------------------------------------- replies by mail (issue 11, point 4)


def test_a_plain_reply_by_mail_acknowledges_the_case_and_no_climb_follows(client, inlog, wereld, db_session, tmp_path,
                                                                       t0):
    from tests.integration.test_mail_in import antwoord, post_raw

    zaak, origineel = _knip_verstuurd_per_mail(client, inlog, wereld, db_session, tmp_path, t0)
    r = post_raw(client, antwoord(origineel, "Ik pak dit morgen op."))
    assert r.status_code == 200 and r.get_json()["status"] == "toegepast", r.get_json()
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.ONTVANGEN and zaak.ontvangen_op is not None
    assert zaak.berichten[-1].tekst == "Ik pak dit morgen op."
    from app.bewaking import sweep

    rapport = sweep(zaak.reactie_deadline + timedelta(minutes=5))  # the reactietermijn was met: nothing climbs
    assert not [s for s in rapport.stappen if "opgeschaald" in s or "verlopen" in s]
    db_session.expire_all()
    assert db_session.get(Zaak, zaak.id).trede == 0


def test_an_out_of_office_reply_does_not_acknowledge_and_goes_to_the_vervanger(client, inlog, wereld, db_session,
                                                                              tmp_path, t0):
    from tests.integration.test_mail_in import antwoord, post_raw

    zaak, origineel = _knip_verstuurd_per_mail(client, inlog, wereld, db_session, tmp_path, t0)
    import email as email_
    from email import policy

    m = email_.message_from_bytes(antwoord(origineel, "Ik ben afwezig tot en met 20 maart."), policy=policy.default)
    m.replace_header("Subject", "Automatisch antwoord: " + str(m["Subject"]))
    m["Auto-Submitted"] = "auto-replied"
    r = post_raw(client, bytes(m))
    assert r.status_code == 200, r.get_json()
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.VERSTUURD and zaak.ontvangen_op is None and not zaak.berichten
    assert zaak.ontvanger_email == "wi.vervanger@test.local"
    assert [g.actie for g in zaak.gebeurtenissen][-2:] == ["automatisch_antwoord", "herrouteerd"]
    nieuw = db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.aan == "wi.vervanger@test.local")).all()
    assert [m.soort for m in nieuw] == ["zaak_nieuw"]


def _knip_verstuurd_per_mail(client, inlog, wereld, db_session, tmp_path, t0):
    import email as email_
    from email import policy

    from notifications.backends import OutboxBackend
    from notifications.verzender import verstuur_wachtrij
    from tests.integration.test_mail_uit import _klok
    from tests.integration.test_wijkteam import _knip_formulier

    inlog.als("manager@test.local")
    client.post("/knippen/nieuw", data=_knip_formulier(wereld))
    client.post("/logout")
    verstuur_wachtrij(db_session, OutboxBackend(str(tmp_path), "Knipkaart <knipkaart@test.local>"), _klok(t0))
    eml = next(tmp_path.glob("*.eml"))
    return (db_session.execute(select(Zaak)).scalar_one(),
            email_.message_from_bytes(eml.read_bytes(), policy=policy.default))


def test_the_link_page_is_one_choice_one_text_box_and_one_button(app, client, wereld, db_session):
    zaak = _verstuurd(db_session, wereld, soort=ZaakSoort.KNIP, dienst=wereld.wi)
    link = _link(app, zaak)
    html = client.get(link).get_data(as_text=True)
    assert html.count("<form") == 1 + html.count('action="/logout"') and html.count('name="toelichting"') == 1
    assert "de knip gaat terug op de kaart van het team" in html  # each choice says what it does
    r = client.post(link + "/actie", data={"toelichting": "Zonder keuze"})
    assert r.status_code == 422 and "Kies wat u doet." in r.get_data(as_text=True)
    r = client.post(link + "/actie", data={"actie": "bericht", "toelichting": "Ik bel het team morgen."})
    assert r.status_code == 302
    db_session.expire_all()
    zaak = db_session.get(Zaak, zaak.id)
    assert zaak.status == Status.ONTVANGEN and zaak.berichten[-1].tekst == "Ik bel het team morgen."
    r = client.post(link + "/actie", data={"actie": "bezwaar", "toelichting": ""})
    assert r.status_code == 422 and "Geef bij" in r.get_data(as_text=True)


def test_the_manager_sees_the_concepts_to_send_at_the_top_of_the_dashboard(client, inlog, wereld, db_session):
    usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.medewerker), ZaakSoort.ESCALATIE,
                           wereld.invoer(dienst=wereld.wmo, uitzondering=None), NU)
    db_session.commit()
    inlog.als("manager@test.local")
    html = client.get("/wijkteam").get_data(as_text=True)
    assert "Concepten om te versturen (1)" in html and "klaargezet door Mo Medewerker" in html
    inlog.als("medewerker@test.local")
    assert "Concepten om te versturen" not in client.get("/wijkteam").get_data(as_text=True)


def test_a_closed_case_takes_no_message_by_link_or_mail(app, client, inlog, wereld, db_session, tmp_path, t0):
    """Issue 12 point 4: links of closed cases are revoked, and a reply by mail to a closed case is held."""
    from tests.integration.test_mail_in import antwoord, post_raw

    zaak, origineel = _knip_verstuurd_per_mail(client, inlog, wereld, db_session, tmp_path, t0)
    link = _link(app, zaak)
    dienst = Actor.dienst("Sanne Vos (Werk & Inkomen)", wereld.cp_wi.id)
    usecases.handelen(db_session, dienst, zaak.id, "uitgevoerd", NU)
    usecases.handelen(db_session, Actor.gebruiker(wereld.manager), zaak.id, "sluiten", NU, structureel=True)
    db_session.commit()
    assert client.get(link).status_code == 403
    assert client.post(link + "/actie", data={"actie": "bericht", "toelichting": "Nog iets"}).status_code == 403
    r = post_raw(client, antwoord(origineel, "Nog een vraag over deze zaak."))
    assert r.status_code == 200 and r.get_json()["status"] == "quarantaine"
    from notifications.models import InkomendeMail

    db_session.expire_all()
    assert "gesloten" in db_session.scalars(select(InkomendeMail.reden)).one()
    assert not db_session.get(Zaak, zaak.id).berichten
