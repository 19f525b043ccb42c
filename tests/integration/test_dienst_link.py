"""The contactpersoon's case page through a signed, expiring link: no account needed."""
import time

import pytest
import time_machine
from sqlalchemy import select

from tests.conftest import NU
from workflows.models import Status, Uitkomst, Zaak, ZaakSoort
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren


@pytest.fixture
def knip(db_session, wereld):
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.KNIP, wereld.invoer(), NU)
    uitvoeren(db_session, manager, zaak, "versturen", NU)
    db_session.commit()
    return zaak


def _link(app, zaak, email=None):
    from app.links import maak_token

    with app.test_request_context():
        return f"/link/{maak_token(zaak, email or zaak.ontvanger_email)}"


def test_the_contactpersoon_opens_the_case_without_logging_in(app, client, knip):
    r = client.get(_link(app, knip))
    html = r.get_data(as_text=True)
    assert r.status_code == 200
    assert knip.nummer in html and "Ontvangst bevestigen" in html and "Uitgevoerd" in html
    assert r.headers["Referrer-Policy"] == "no-referrer"


def test_the_contactpersoon_acknowledges_and_executes_a_knip(app, client, knip, db_session):
    link = _link(app, knip)
    assert client.post(link + "/actie", data={"actie": "ontvangen"}).status_code == 302
    assert client.post(link + "/actie", data={"actie": "uitgevoerd", "toelichting": "Uitkering loopt"}).status_code == 302
    db_session.expire_all()
    zaak = db_session.get(Zaak, knip.id)
    assert zaak.status == Status.OPGELOST and zaak.uitkomst == Uitkomst.UITGEVOERD
    assert zaak.ontvangen_op is not None and zaak.opgelost_op is not None
    assert "Sanne Vos" in zaak.gebeurtenissen[-1].actor_label


def test_a_question_through_the_link_pauses_the_case_and_reaches_the_team(app, client, inlog, knip, db_session):
    link = _link(app, knip)
    assert client.post(link + "/actie", data={"actie": "vraag", "toelichting": ""}).status_code == 422
    assert client.post(link + "/actie", data={"actie": "vraag", "toelichting": "Welke datum?"}).status_code == 302
    db_session.expire_all()
    assert db_session.get(Zaak, knip.id).status == Status.WACHT_OP_WIJKTEAM
    inlog.als("manager@test.local")
    assert "Welke datum?" in client.get(f"/zaken/{knip.id}").get_data(as_text=True)


def test_a_message_through_the_link_is_in_the_thread(app, client, knip, db_session):
    link = _link(app, knip)
    assert client.post(link + "/bericht", data={"tekst": "We pakken het vandaag op"}).status_code == 302
    assert "We pakken het vandaag op" in client.get(link).get_data(as_text=True)


def test_the_team_actions_are_not_offered_or_allowed_through_the_link(app, client, knip, db_session):
    link = _link(app, knip)
    assert "Intrekken" not in client.get(link).get_data(as_text=True)
    assert client.post(link + "/actie", data={"actie": "intrekken", "toelichting": "x"}).status_code == 403
    db_session.expire_all()
    assert db_session.get(Zaak, knip.id).status == Status.VERSTUURD


def test_a_forged_or_broken_link_is_refused(app, client, knip):
    link = _link(app, knip)
    r = client.get(link[:-3] + "abc")
    assert r.status_code == 403 and "ongeldig" in r.get_data(as_text=True)
    assert client.post(link[:-3] + "abc/actie", data={"actie": "ontvangen"}).status_code == 403


def test_an_expired_link_is_refused_with_the_reason(app, client, knip):
    link = _link(app, knip)
    with time_machine.travel(time.time() + 31 * 86400):
        r = client.get(link)
    assert r.status_code == 403 and "verlopen" in r.get_data(as_text=True)


def test_a_revoked_link_is_refused(app, client, knip, db_session):
    link = _link(app, knip)
    knip.link_versie += 1
    db_session.commit()
    r = client.get(link)
    assert r.status_code == 403 and "ingetrokken" in r.get_data(as_text=True)


def test_a_link_for_someone_outside_the_dienst_is_refused(app, client, knip, wereld):
    r = client.get(_link(app, knip, email="wmo@test.local"))
    assert r.status_code == 403


def test_a_link_never_opens_another_case(app, client, knip, db_session, wereld):
    manager = Actor.gebruiker(wereld.manager)
    andere = nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), NU)
    uitvoeren(db_session, manager, andere, "versturen", NU)
    db_session.commit()
    html = client.get(_link(app, knip)).get_data(as_text=True)
    assert andere.nummer not in html
    assert db_session.execute(select(Zaak).where(Zaak.id == andere.id)).scalar_one().status == Status.VERSTUURD
