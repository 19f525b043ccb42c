"""The demo holds joint questions (issue 18, point 5): one open with its parts side by side, one overbrugd."""
from sqlalchemy import select

from tests.conftest import NU
from workflows import gezamenlijk
from workflows.gezamenlijk import GezamenlijkeZaak
from workflows.models import Status


def test_the_demo_has_an_open_and_an_overbrugd_joint_question_of_feyenoord(app, client, db_session):
    from app.demo import vul_demo

    vul_demo(db_session, NU)
    db_session.commit()
    groepen = db_session.scalars(select(GezamenlijkeZaak).order_by(GezamenlijkeZaak.id)).all()
    assert [gezamenlijk.stand(g) for g in groepen] == ["overbrugd", "lopend"]
    assert {g.wijkteam.naam for g in groepen} == {"Feyenoord"}
    overbrugd, open_ = groepen
    assert overbrugd.overbrugd_door.naam == "Bijzondere bijstand"
    assert {z.dienst.naam: z.status for z in open_.zaken} == {"Wmo": Status.VERSTUURD,
                                                              "Bijzondere bijstand": Status.ONTVANGEN}
    r = client.post("/login", data={"email": "feyenoord@demo.local", "wachtwoord": "demo"})
    assert r.status_code == 302
    html = client.get(f"/gezamenlijk/{open_.id}").get_data(as_text=True)
    assert "Overbrugging vastleggen" in html and html.count('class="deel') == 2
    assert f"{open_.nummer}" in client.get("/gezamenlijk").get_data(as_text=True)
