"""The screens and mail of a joint question (issue 18, point 5), through the app: the form, the parts side by
side, sending a colleague's concept, the overbrugging, who may see what, and the report."""
import re

import pytest
from sqlalchemy import func, select

from notifications.models import UitgaandeMail
from workflows.gezamenlijk import GezamenlijkeZaak
from workflows.models import Auditregel, Contactpersoon, Dienst, Status, Uitkomst, VasteContactpersoon, Zaak


@pytest.fixture
def bb(db_session, wereld):
    dienst = Dienst(naam="Bijzondere bijstand", mailbox="bb-postbus@test.local")
    lmw = Dienst(naam="Landelijk Maatwerkloket", mailbox="lmw@test.local", landelijk=True)
    db_session.add_all([dienst, lmw])
    db_session.flush()
    cp = Contactpersoon(naam="Bert Bijstand", email="bb@test.local", dienst_id=dienst.id)
    db_session.add(cp)
    db_session.flush()
    db_session.add(VasteContactpersoon(wijkteam_id=wereld.team.id, dienst_id=dienst.id, contactpersoon_id=cp.id))
    db_session.commit()
    wereld.bb, wereld.lmw = dienst, lmw
    return dienst


def _formulier(wereld, diensten, knop="versturen", **over):
    data = {"diensten": [str(d) for d in diensten], "clientreferentie": "FEY-2026-077",
            "gevraagd": "Een e-bike om naar het werk te gaan",
            "blokkerende_regel": "De Wmo verwijst naar bijzondere bijstand en andersom",
            "voorgestelde_oplossing": "Eén dienst verstrekt, de ander draagt bij", "urgentie": "hoog",
            "oorzaak_id": str(wereld.oorzaak.id), "knop": knop}
    data.update(over)
    return data


def _groep(db_session) -> GezamenlijkeZaak:
    db_session.expire_all()
    return db_session.scalars(select(GezamenlijkeZaak)).one()


def test_the_manager_asks_two_diensten_at_once_and_sees_the_parts_side_by_side(client, inlog, wereld, bb,
                                                                               db_session):
    inlog.als("manager@test.local")
    assert "Welke diensten vraagt u samen?" in client.get("/gezamenlijk/nieuw").get_data(as_text=True)
    r = client.post("/gezamenlijk/nieuw", data=_formulier(wereld, [wereld.wmo.id, bb.id]))
    assert r.status_code == 302
    groep = _groep(db_session)
    assert r.headers["Location"].endswith(f"/gezamenlijk/{groep.id}")
    assert [(z.dienst.naam, z.status) for z in groep.zaken] == [("Wmo", Status.VERSTUURD),
                                                                ("Bijzondere bijstand", Status.VERSTUURD)]
    html = client.get(f"/gezamenlijk/{groep.id}").get_data(as_text=True)
    assert f"Gezamenlijke vraag {groep.nummer}" in html and 'class="delen"' in html
    for z in groep.zaken:
        assert z.nummer in html and z.ontvanger.met_functie in html
    assert html.count("Reactietermijn") == 2  # each part its own clocks
    # Every part's read is in the audit log; the case page of a part links to the whole.
    gelezen = db_session.scalars(select(Auditregel.zaak_id).where(Auditregel.soort == "lezen",
                                                                   Auditregel.wat.like("gezamenlijke vraag%"))).all()
    assert sorted(gelezen) == sorted(z.id for z in groep.zaken)
    deel = client.get(f"/zaken/{groep.zaken[0].id}").get_data(as_text=True)
    assert f"gezamenlijke vraag {groep.nummer}" in deel and "ook gesteld aan Bijzondere bijstand" in deel
    assert groep.nummer in client.get("/gezamenlijk").get_data(as_text=True)


def test_each_dienst_is_mailed_that_it_is_a_joint_question_and_who_else_is_asked(client, inlog, wereld, bb,
                                                                                 db_session):
    inlog.als("manager@test.local")
    client.post("/gezamenlijk/nieuw", data=_formulier(wereld, [wereld.wmo.id, wereld.wi.id, bb.id]))
    mails = {m.aan: m for m in db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == "zaak_nieuw"))}
    assert set(mails) == {"wmo@test.local", "wi@test.local", "bb@test.local"}
    tekst = " ".join(mails["wmo@test.local"].tekst.split())
    assert "Dit is een gezamenlijke vraag (GZ-2026-0001)" in tekst
    assert "vraagt ook Werk & Inkomen en Bijzondere bijstand om hun deel" in tekst
    assert "vraagt ook Wmo en Werk & Inkomen om hun deel" in " ".join(mails["bb@test.local"].tekst.split())
    for m in mails.values():
        assert "FEY-2026-077" not in m.tekst + m.html + m.onderwerp  # the resident's reference stays home
        assert "gezamenlijke vraag" in m.html
        assert all(len(regel) <= 72 for regel in m.tekst.splitlines() if "://" not in regel and "@" not in regel)


def test_a_colleague_saves_the_joint_question_and_the_manager_sends_it(client, inlog, wereld, bb, db_session):
    inlog.als("medewerker@test.local")
    assert client.post("/gezamenlijk/nieuw", data=_formulier(wereld, [wereld.wmo.id, bb.id])).status_code == 403
    r = client.post("/gezamenlijk/nieuw", data=_formulier(wereld, [wereld.wmo.id, bb.id], knop="concept"))
    assert r.status_code == 302
    groep = _groep(db_session)
    assert {z.status for z in groep.zaken} == {Status.CONCEPT}
    html = client.get(f"/gezamenlijk/{groep.id}").get_data(as_text=True)
    assert "De wijkteammanager verstuurt haar" in html and "Alle delen versturen" not in html
    assert client.post(f"/gezamenlijk/{groep.id}/versturen").status_code == 403
    inlog.als("manager@test.local")
    html = client.get(f"/gezamenlijk/{groep.id}").get_data(as_text=True)
    assert "Alle delen versturen" in html
    r = client.post(f"/gezamenlijk/{groep.id}/versturen", follow_redirects=True)
    assert "verstuurd aan Wmo en Bijzondere bijstand" in r.get_data(as_text=True)
    assert {z.status for z in _groep(db_session).zaken} == {Status.VERSTUURD}


@pytest.mark.parametrize("diensten, melding", [
    (lambda w: [w.wmo.id], "Kies minstens twee diensten"),
    (lambda w: [w.wmo.id, w.wmo.id], "Kies elke dienst één keer"),
    (lambda w: [w.wmo.id, w.lmw.id], "Landelijk Maatwerkloket neemt een zaak pas"),
])
def test_a_wrong_choice_of_diensten_is_explained_and_nothing_is_saved(client, inlog, wereld, bb, db_session,
                                                                      diensten, melding):
    inlog.als("manager@test.local")
    r = client.post("/gezamenlijk/nieuw", data=_formulier(wereld, diensten(wereld), gevraagd=""))
    assert r.status_code == 422
    html = r.get_data(as_text=True)
    assert melding in html and 'id="diensten-fout"' in html
    assert "Beschrijf wat er nodig is." in html  # the other fields' errors at the same time
    db_session.expire_all()
    assert db_session.scalar(select(func.count()).select_from(Zaak)) == 0
    assert db_session.scalar(select(func.count()).select_from(GezamenlijkeZaak)) == 0


def test_the_manager_records_an_overbrugging_and_every_dienst_hears_of_it(client, inlog, wereld, bb, db_session):
    inlog.als("manager@test.local")
    client.post("/gezamenlijk/nieuw", data=_formulier(wereld, [wereld.wmo.id, bb.id]))
    groep = _groep(db_session)
    html = client.get(f"/gezamenlijk/{groep.id}").get_data(as_text=True)
    assert "Overbrugging vastleggen" in html
    r = client.post(f"/gezamenlijk/{groep.id}/overbruggen", data={"dienst_id": str(wereld.wmo.id), "toelichting": ""})
    assert r.status_code == 422 and "Schrijf in een paar woorden" in r.get_data(as_text=True)
    r = client.post(f"/gezamenlijk/{groep.id}/overbruggen", follow_redirects=True, data={
        "dienst_id": str(wereld.wmo.id), "toelichting": "De Wmo verstrekt de e-bike; bijzondere bijstand betaalt mee."})
    html = r.get_data(as_text=True)
    assert "Overbrugging vastgelegd: Wmo neemt de vraag voor alle diensten op zich" in html
    assert "Overbrugd door Wmo" in html and "Overbrugging vastleggen" not in html
    groep = _groep(db_session)
    assert {z.dienst.naam: z.uitkomst for z in groep.zaken} == {"Wmo": Uitkomst.TOEGEKEND,
                                                                "Bijzondere bijstand": Uitkomst.ANDERS_OPGELOST}
    gewijzigd = db_session.scalars(select(Auditregel.zaak_id).where(Auditregel.soort == "wijzigen",
                                                                     Auditregel.wat.like("overbrugging%"))).all()
    assert sorted(gewijzigd) == sorted(z.id for z in groep.zaken)  # every part's change is in the audit log
    mails = {m.aan: " ".join(m.tekst.split()) for m in db_session.scalars(
        select(UitgaandeMail).where(UitgaandeMail.soort == "overbrugging"))}
    assert set(mails) == {"wmo@test.local", "bb@test.local"}
    assert "Wmo de gezamenlijke vraag GZ-2026-0001 voor alle diensten op zich neemt: u helpt nu" in mails[
        "wmo@test.local"]
    assert "Uw deel is daarmee opgelost" in mails["bb@test.local"]
    assert "bijzondere bijstand betaalt mee" in mails["bb@test.local"]
    assert not re.search(r"Antwoorden per e-mail|Reageren vóór", " ".join(mails.values()))
    # The part's own page shows the overbrugging in its timeline.
    assert "Overbrugging" in client.get(f"/zaken/{groep.zaken[1].id}").get_data(as_text=True)


def test_only_the_team_sees_its_joint_question(client, inlog, wereld, bb, db_session):
    inlog.als("manager@test.local")
    client.post("/gezamenlijk/nieuw", data=_formulier(wereld, [wereld.wmo.id, bb.id]))
    groep = _groep(db_session)
    inlog.als("medewerker@test.local")
    assert client.get(f"/gezamenlijk/{groep.id}").status_code == 200
    inlog.als("oost@test.local")
    assert client.get(f"/gezamenlijk/{groep.id}").status_code == 404
    assert client.post(f"/gezamenlijk/{groep.id}/overbruggen", data={
        "dienst_id": str(wereld.wmo.id), "toelichting": "Wmo helpt."}).status_code == 404
    assert client.post(f"/gezamenlijk/{groep.id}/versturen").status_code == 404
    assert groep.nummer not in client.get("/gezamenlijk").get_data(as_text=True)
    inlog.als("mt@test.local")
    assert client.get(f"/gezamenlijk/{groep.id}").status_code == 403
    assert _groep(db_session).overbrugd_op is None


def test_the_report_shows_joint_questions_and_overbruggingen_per_dienst(client, inlog, wereld, bb, db_session):
    inlog.als("manager@test.local")
    client.post("/gezamenlijk/nieuw", data=_formulier(wereld, [wereld.wmo.id, bb.id]))
    groep = _groep(db_session)
    client.post(f"/gezamenlijk/{groep.id}/overbruggen", data={"dienst_id": str(bb.id), "toelichting": "BB helpt."})
    jaar = groep.aangemaakt_op.year
    inlog.als("mt@test.local")
    html = client.get(f"/rapportage?van={jaar}-01-01&tot={jaar}-12-31").get_data(as_text=True)
    assert "Gezamenlijke vragen en overbruggingen per dienst" in html
    tabel = html[html.index('id="tabel-gezamenlijk"'):]
    tabel = tabel[:tabel.index("</table>")]
    rijen = [re.sub(r"<[^>]+>", " ", rij).split() for rij in re.findall(r"<tr>(.*?)</tr>", tabel, re.S)]
    assert ["Bijzondere", "bijstand", "1", "1", "1"] in rijen and ["Wmo", "1", "1", "0"] in rijen
    csv = client.get(f"/rapportage.csv?van={jaar}-01-01&tot={jaar}-12-31").get_data(as_text=True)
    assert "Gezamenlijke vragen en overbruggingen per dienst" in csv


def test_the_contactpersoon_sees_on_the_link_page_that_it_is_a_joint_question(app, client, inlog, wereld, bb,
                                                                             db_session):
    from app.links import link_url

    inlog.als("manager@test.local")
    client.post("/gezamenlijk/nieuw", data=_formulier(wereld, [wereld.wmo.id, bb.id]))
    groep = _groep(db_session)
    wmo = groep.zaken[0]
    with app.test_request_context():
        link = link_url(wmo, wmo.ontvanger_email)
    client.post("/logout")
    html = " ".join(client.get(link).get_data(as_text=True).split())
    assert f"gezamenlijke vraag</strong> ({groep.nummer}): het team vraagt ook Bijzondere bijstand" in html
    assert "de wijkteammanager legt het vast" in html
    inlog.als("manager@test.local")
    client.post(f"/gezamenlijk/{groep.id}/overbruggen", data={"dienst_id": str(bb.id), "toelichting": "BB helpt."})
    client.post("/logout")
    html = " ".join(client.get(link).get_data(as_text=True).split())
    assert "Bijzondere bijstand heeft de hele vraag op zich genomen (overbrugging)" in html
