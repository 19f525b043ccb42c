"""The effect six months after a maatwerk payment on the team's screens and in its mail (issue 17, point 4): the
scheduler's job asks the requester by one mail, the dashboard lists it, the request page records it, wrong
input is answered beside its field and changes nothing, and another team cannot record it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from notifications.models import UitgaandeMail
from tests.maatwerk_gegevens import Maatwerk
from workflows.nazorg import Effectmeting


@pytest.fixture
def maatwerk(db_session, wereld):
    m = Maatwerk(db_session, wereld)
    db_session.commit()
    return m


def _vragen(now):
    from app.nazorg.taken import vragen_stellen

    return vragen_stellen(now)


def _effectmails(db_session):
    return db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == "maatwerk_effectvraag")
                              .order_by(UitgaandeMail.id)).all()


def test_the_job_asks_the_requester_once_by_one_mail_without_the_residents_reference(app, db_session, maatwerk,
                                                                                      wereld):
    nu = datetime.now(timezone.utc)
    a = maatwerk.betaald(db_session, nu - timedelta(days=200))
    assert _vragen(nu).maatwerk == [a.nummer]
    assert _vragen(nu + timedelta(minutes=15)).maatwerk == []
    mail, = _effectmails(db_session)
    assert mail.aan == "medewerker@test.local"  # who asked for the payment knows the resident; not the managers
    assert mail.onderwerp == f"{a.nummer}: zes maanden later, hoe gaat het met de inwoner?"
    assert f"/maatwerk/aanvragen/{a.id}#effect" in mail.tekst and "Woonstad Rotterdam" in mail.tekst
    assert "FEY-2026-031" not in mail.tekst + mail.html and "NL91" not in mail.tekst + mail.html
    assert all(len(regel) <= 72 for regel in mail.tekst.splitlines() if "://" not in regel)


def test_when_the_requester_left_the_team_its_managers_are_asked(app, db_session, maatwerk, wereld):
    nu = datetime.now(timezone.utc)
    a = maatwerk.betaald(db_session, nu - timedelta(days=200))
    wereld.medewerker.actief = False
    db_session.commit()
    assert _vragen(nu).maatwerk == [a.nummer]
    assert [m.aan for m in _effectmails(db_session)] == ["manager@test.local"]


def test_the_dashboard_lists_it_and_the_request_page_records_it_with_errors_beside_the_fields(
        app, client, inlog, db_session, maatwerk, wereld):
    nu = datetime.now(timezone.utc)
    a = maatwerk.betaald(db_session, nu - timedelta(days=200))
    _vragen(nu)
    inlog.als("medewerker@test.local")
    dashboard = client.get("/wijkteam").get_data(as_text=True)
    assert "Effect van een betaling vastleggen (1)" in dashboard
    assert f"/maatwerk/aanvragen/{a.id}#effect" in dashboard
    pagina = client.get(f"/maatwerk/aanvragen/{a.id}").get_data(as_text=True)
    assert "Zes maanden na de betaling: hoe gaat het nu met de inwoner?" in pagina and 'id="effect"' in pagina

    r = client.post(f"/maatwerk/aanvragen/{a.id}/effect", data={"eindpunt": "vervolgtraject",
                                                                 "effect_toelichting": "Beter."})
    assert r.status_code == 422 and "Kies hoe de situatie nu is." in r.get_data(as_text=True)
    r = client.post(f"/maatwerk/aanvragen/{a.id}/effect", data={"schaal": "verbeterd", "eindpunt": "vervolgtraject",
                                                                 "effect_toelichting": "BSN 111222333"})
    assert r.status_code == 422
    fout = r.get_data(as_text=True)
    assert 'id="effect_toelichting-fout"' in fout and 'aria-invalid="true"' in fout
    assert db_session.scalars(select(Effectmeting).where(Effectmeting.aanvraag_id == a.id)).one().schaal is None

    r = client.post(f"/maatwerk/aanvragen/{a.id}/effect", data={"schaal": "sterk_verbeterd",
                                                                 "eindpunt": "geen_vervolg",
                                                                 "effect_toelichting": "Geen achterstand meer."})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/maatwerk/aanvragen/{a.id}#effect")
    db_session.expire_all()
    m = db_session.scalars(select(Effectmeting).where(Effectmeting.aanvraag_id == a.id)).one()
    assert m.schaal.value == "sterk_verbeterd" and m.vastgelegd_door_id == wereld.medewerker.id
    assert "Effect van een betaling vastleggen" not in client.get("/wijkteam").get_data(as_text=True)
    pagina = client.get(f"/maatwerk/aanvragen/{a.id}").get_data(as_text=True)
    assert "Sterk verbeterd" in pagina and "Effect bijwerken" in pagina


def test_a_request_not_yet_paid_shows_no_effect_and_refuses_one_and_another_team_gets_404(
        client, inlog, db_session, maatwerk):
    nu = datetime.now(timezone.utc)
    open_ = maatwerk.vraag(db_session, nu - timedelta(hours=1))
    betaald = maatwerk.betaald(db_session, nu - timedelta(days=3))
    inlog.als("medewerker@test.local")
    assert 'id="effect"' not in client.get(f"/maatwerk/aanvragen/{open_.id}").get_data(as_text=True)
    r = client.post(f"/maatwerk/aanvragen/{open_.id}/effect", data={"schaal": "verbeterd", "eindpunt": "geen_vervolg",
                                                                     "effect_toelichting": "Goed."})
    assert r.status_code == 409
    assert "Het effect leggen we vast na de betaling" in client.get(f"/maatwerk/aanvragen/{open_.id}").get_data(
        as_text=True)
    client.post("/logout")
    inlog.als("oost@test.local")
    r = client.post(f"/maatwerk/aanvragen/{betaald.id}/effect", data={"schaal": "verbeterd",
                                                                       "eindpunt": "geen_vervolg",
                                                                       "effect_toelichting": "Goed."})
    assert r.status_code == 404
    assert db_session.scalars(select(Effectmeting).where(Effectmeting.aanvraag_id.is_not(None))).all() == []
