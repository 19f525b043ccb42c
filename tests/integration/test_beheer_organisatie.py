"""The beheerder's organisation screens through HTTP: wijkteams, diensten with ladder and termijnnormen,
contactpersonen, vaste contactpersonen and afwezigheid, and what they do to routing."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from workflows.kalender import amsterdam
from workflows.models import (
    Afwezigheid,
    Contactpersoon,
    Dienst,
    LadderFunctie,
    LadderTrede,
    Termijnnorm,
    Urgentie,
    VasteContactpersoon,
    Wijkteam,
)
from workflows.privacy import BSN_MELDING
from workflows.routering import routeer

BEHEERDER = "beheer@test.local"
BSN = "111222333"  # passes the eleven-test


def _vandaag():
    return amsterdam(datetime.now(timezone.utc)).date()


def _html(r) -> str:
    return r.get_data(as_text=True)


def _aantal(session, model) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def _lijstpaginas(wereld) -> list[str]:
    return ["/beheer/wijkteams", "/beheer/diensten", "/beheer/contactpersonen", "/beheer/vaste-contactpersonen",
            "/beheer/afwezigheden"]


def _alle_paginas(wereld) -> list[str]:
    return _lijstpaginas(wereld) + [
        "/beheer/wijkteams/nieuw", f"/beheer/wijkteams/{wereld.team.id}",
        "/beheer/diensten/nieuw", f"/beheer/diensten/{wereld.wi.id}",
        "/beheer/contactpersonen/nieuw", f"/beheer/contactpersonen/{wereld.cp_wi.id}",
        f"/beheer/vaste-contactpersonen/{wereld.team.id}/{wereld.wi.id}",
    ]


# ---------------------------------------------------------------- access


def test_every_organisation_page_renders_for_the_beheerder(client, inlog, wereld):
    inlog.als(BEHEERDER)
    for pad in _alle_paginas(wereld):
        r = client.get(pad)
        assert r.status_code == 200, pad
        assert "<h1>" in _html(r), pad


@pytest.mark.parametrize("pad, nieuw", [
    ("/beheer/wijkteams", "Nieuw wijkteam"),
    ("/beheer/diensten", "Nieuwe dienst"),
    ("/beheer/contactpersonen", "Nieuwe contactpersoon"),
    ("/beheer/vaste-contactpersonen", "Nieuwe contactpersoon"),
    ("/beheer/afwezigheden", "Nieuwe afwezigheid"),
])
def test_each_list_page_explains_itself_and_offers_a_nieuw_link(client, inlog, wereld, pad, nieuw):
    inlog.als(BEHEERDER)
    html = _html(client.get(pad))
    assert html.count("<h1>") == 1
    assert nieuw in html


@pytest.mark.parametrize("email", ["manager@test.local", "medewerker@test.local", "mt@test.local"])
def test_other_roles_are_refused_every_organisation_page(client, inlog, wereld, db_session, email):
    inlog.als(email)
    for pad in _alle_paginas(wereld):
        assert client.get(pad).status_code == 403, pad
    assert client.post("/beheer/wijkteams/nieuw", data={"naam": "Inbraak", "soort": "jeugdteam"}).status_code == 403
    assert client.post("/beheer/afwezigheden", data={"contactpersoon_id": wereld.cp_wi.id, "van": "2030-01-01",
                                                     "tot": "2030-01-02"}).status_code == 403
    assert _aantal(db_session, Wijkteam) == 2 and _aantal(db_session, Afwezigheid) == 0


def test_an_anonymous_visitor_is_sent_to_the_login_page(client, wereld, db_session):
    for pad in _alle_paginas(wereld):
        r = client.get(pad)
        assert r.status_code == 302 and "/login" in r.headers["Location"], pad
    r = client.post(f"/beheer/diensten/{wereld.wi.id}/ladder",
                    data={"niveau": 1, "contactpersoon_id": wereld.teamleider_wi.id})
    assert r.status_code == 302 and "/login" in r.headers["Location"]
    assert _aantal(db_session, LadderTrede) == 0


# ---------------------------------------------------------------- wijkteams


def test_a_beheerder_creates_and_edits_a_wijkteam_that_then_shows_in_the_list(client, inlog, wereld, db_session):
    inlog.als(BEHEERDER)
    r = client.post("/beheer/wijkteams/nieuw", data={"naam": "  Zuidwijk ", "soort": "jeugdteam",
                                                     "gebied": "Charlois", "actief": "y"})
    assert r.status_code == 302
    team = db_session.execute(select(Wijkteam).where(Wijkteam.naam == "Zuidwijk")).scalar_one()
    assert (team.soort, team.gebied, team.actief) == ("jeugdteam", "Charlois", True)
    assert "Zuidwijk" in _html(client.get("/beheer/wijkteams"))

    r = client.post(f"/beheer/wijkteams/{team.id}", data={"naam": "Zuidwijk-Oost", "soort": "sociaal wijkteam",
                                                          "gebied": "Charlois"})
    assert r.status_code == 302
    db_session.expire_all()
    team = db_session.get(Wijkteam, team.id)
    assert (team.naam, team.soort, team.actief) == ("Zuidwijk-Oost", "sociaal wijkteam", False)
    assert "Zuidwijk-Oost" in _html(client.get("/beheer/wijkteams"))


def test_a_wijkteam_without_a_name_or_with_a_name_in_use_is_refused_in_dutch(client, inlog, wereld, db_session):
    inlog.als(BEHEERDER)
    r = client.post("/beheer/wijkteams/nieuw", data={"naam": "", "soort": "jeugdteam", "gebied": "Lage Land"})
    assert r.status_code == 422
    assert "Vul de naam in." in _html(r) and 'value="Lage Land"' in _html(r)
    r = client.post("/beheer/wijkteams/nieuw", data={"naam": "feyenoord", "soort": "jeugdteam", "gebied": "Noord"})
    assert r.status_code == 422 and "Er is al een wijkteam met deze naam." in _html(r)
    assert 'value="feyenoord"' in _html(r)
    r = client.post(f"/beheer/wijkteams/{wereld.ander_team.id}", data={"naam": "Feyenoord", "soort": "jeugdteam"})
    assert r.status_code == 422 and "Er is al een wijkteam met deze naam." in _html(r)
    r = client.post("/beheer/wijkteams/nieuw", data={"naam": "Rubroek", "soort": "jeugdteam", "gebied": f"Wijk {BSN}"})
    assert r.status_code == 422 and BSN_MELDING in _html(r)
    db_session.expire_all()
    assert sorted(t.naam for t in db_session.execute(select(Wijkteam)).scalars()) == ["Feyenoord", "Oosterflank"]


# ---------------------------------------------------------------- diensten


def test_a_beheerder_creates_and_edits_a_dienst_that_then_shows_in_the_list(client, inlog, wereld, db_session):
    inlog.als(BEHEERDER)
    r = client.post("/beheer/diensten/nieuw", data={"naam": "Landelijk Maatwerkloket",
                                                    "mailbox": "Loket@Maatwerk.Local", "landelijk": "y", "actief": "y"})
    assert r.status_code == 302
    dienst = db_session.execute(select(Dienst).where(Dienst.naam == "Landelijk Maatwerkloket")).scalar_one()
    assert (dienst.mailbox, dienst.landelijk, dienst.accepteert_knippen, dienst.actief) == (
        "loket@maatwerk.local", True, False, True)
    assert r.headers["Location"].endswith(f"/beheer/diensten/{dienst.id}")
    assert "Landelijk Maatwerkloket" in _html(client.get("/beheer/diensten"))

    r = client.post(f"/beheer/diensten/{wereld.wmo.id}", data={"naam": "Wmo", "mailbox": "wmo-nieuw@test.local",
                                                               "accepteert_knippen": "y"})
    assert r.status_code == 302
    db_session.expire_all()
    wmo = db_session.get(Dienst, wereld.wmo.id)
    assert (wmo.mailbox, wmo.accepteert_knippen, wmo.actief) == ("wmo-nieuw@test.local", True, False)


def test_a_dienst_with_a_bad_mailbox_an_empty_or_a_used_name_is_refused_in_dutch(client, inlog, wereld, db_session):
    inlog.als(BEHEERDER)
    r = client.post("/beheer/diensten/nieuw", data={"naam": "Schuldhulpverlening", "mailbox": "geen-adres"})
    assert r.status_code == 422 and "Dit is geen geldig e-mailadres." in _html(r)
    assert 'value="Schuldhulpverlening"' in _html(r)
    r = client.post("/beheer/diensten/nieuw", data={"naam": "", "mailbox": "shv@test.local"})
    assert r.status_code == 422 and "Vul de naam in." in _html(r)
    r = client.post("/beheer/diensten/nieuw", data={"naam": "WMO", "mailbox": "wmo2@test.local"})
    assert r.status_code == 422 and "Er is al een dienst met deze naam." in _html(r)
    r = client.post(f"/beheer/diensten/{wereld.wmo.id}", data={"naam": "Werk & Inkomen", "mailbox": "x@test.local"})
    assert r.status_code == 422 and "Er is al een dienst met deze naam." in _html(r)
    db_session.expire_all()
    assert _aantal(db_session, Dienst) == 2
    assert db_session.get(Dienst, wereld.wmo.id).mailbox == "wmo-postbus@test.local"


def test_the_dienst_page_shows_the_standard_deadlines_until_the_beheerder_sets_its_own(client, inlog, wereld,
                                                                                       db_session):
    inlog.als(BEHEERDER)
    pad = f"/beheer/diensten/{wereld.wi.id}"
    html = _html(client.get(pad))
    assert "<td>2</td><td>5</td><td>standaard</td>" in html  # hoog: 2 and 5 werkdagen
    assert "eigen norm" not in html

    r = client.post(pad + "/termijnen", data={"urgentie": "hoog", "reactie_werkdagen": 3, "oplos_werkdagen": 8})
    assert r.status_code == 302
    norm = db_session.execute(select(Termijnnorm)).scalar_one()
    assert (norm.dienst_id, norm.urgentie, norm.reactie_werkdagen, norm.oplos_werkdagen) == (
        wereld.wi.id, Urgentie.HOOG, 3, 8)
    assert "<td>3</td><td>8</td><td>eigen norm</td>" in _html(client.get(pad))

    r = client.post(pad + "/termijnen", data={"herstel": "hoog"})
    assert r.status_code == 302
    assert _aantal(db_session, Termijnnorm) == 0
    assert "<td>2</td><td>5</td><td>standaard</td>" in _html(client.get(pad))


@pytest.mark.parametrize("reactie, oplos, melding", [
    (0, 5, "Kies 1 tot en met 60 werkdagen."),
    (2, 61, "Kies 1 tot en met 60 werkdagen."),
    (4, 2, "De oplostermijn kan niet korter zijn dan de reactietermijn."),
    ("", 2, "Vul een aantal werkdagen in."),
])
def test_a_deadline_norm_outside_the_rules_is_refused_in_dutch(client, inlog, wereld, db_session, reactie, oplos,
                                                               melding):
    inlog.als(BEHEERDER)
    r = client.post(f"/beheer/diensten/{wereld.wi.id}/termijnen",
                    data={"urgentie": "acuut", "reactie_werkdagen": reactie, "oplos_werkdagen": oplos})
    assert r.status_code == 422 and melding in _html(r)
    assert f'value="{oplos}"' in _html(r)
    assert _aantal(db_session, Termijnnorm) == 0


def test_the_beheerder_sets_changes_and_removes_a_rung_of_the_ladder(client, inlog, wereld, db_session):
    inlog.als(BEHEERDER)
    pad = f"/beheer/diensten/{wereld.wi.id}"
    assert client.post(pad + "/ladder", data={"niveau": 1, "contactpersoon_id": wereld.teamleider_wi.id}
                       ).status_code == 302
    assert "Teun Leider" in _html(client.get(pad))
    assert client.post(pad + "/ladder", data={"niveau": 1, "contactpersoon_id": wereld.cp_wi_vervanger.id}
                       ).status_code == 302
    trede = db_session.execute(select(LadderTrede)).scalar_one()
    assert (trede.niveau, trede.contactpersoon_id) == (1, wereld.cp_wi_vervanger.id)

    assert client.post(pad + "/ladder", data={"verwijder": 1}).status_code == 302
    assert _aantal(db_session, LadderTrede) == 0
    assert "Nog geen treden" in _html(client.get(pad))


def test_a_rung_goes_to_someone_of_the_dienst_except_the_municipal_maatwerkfunctionaris(client, inlog, wereld,
                                                                                         db_session):
    inlog.als(BEHEERDER)
    r = client.post(f"/beheer/diensten/{wereld.wi.id}/ladder",
                    data={"niveau": 2, "contactpersoon_id": wereld.cp_wmo.id})
    assert r.status_code == 422 and "Ineke de Wit werkt bij Wmo" in _html(r)
    assert _aantal(db_session, LadderTrede) == 0

    mwf = Contactpersoon(naam="Carla Maatman", email="mwf@test.local", dienst_id=wereld.wi.id,
                         functie=LadderFunctie.MAATWERKFUNCTIONARIS)
    db_session.add(mwf)
    db_session.commit()
    r = client.post(f"/beheer/diensten/{wereld.wmo.id}/ladder", data={"niveau": 3, "contactpersoon_id": mwf.id})
    assert r.status_code == 302
    assert db_session.execute(select(LadderTrede.contactpersoon_id).where(
        LadderTrede.dienst_id == wereld.wmo.id, LadderTrede.niveau == 3)).scalar_one() == mwf.id


# ---------------------------------------------------------------- contactpersonen


def test_contactpersonen_are_listed_per_dienst_with_who_is_away_today(client, inlog, wereld, db_session):
    vandaag = _vandaag()
    db_session.add(Afwezigheid(contactpersoon_id=wereld.cp_wmo.id, van=vandaag, tot=vandaag + timedelta(days=3)))
    db_session.commit()
    inlog.als(BEHEERDER)
    html = _html(client.get("/beheer/contactpersonen"))
    assert "<h2>Werk &amp; Inkomen</h2>" in html and "<h2>Wmo</h2>" in html
    assert html.index("Sanne Vos") < html.index("<h2>Wmo</h2>") < html.index("Ineke de Wit")
    rij = html[html.index("Ineke de Wit"):].split("</tr>")[0]
    assert "afwezig t/m" in rij
    assert "afwezig t/m" not in html[html.index("Sanne Vos"):].split("</tr>")[0]


def test_a_beheerder_creates_and_edits_a_contactpersoon_that_then_shows_in_the_list(client, inlog, wereld,
                                                                                    db_session):
    inlog.als(BEHEERDER)
    r = client.post("/beheer/contactpersonen/nieuw", data={
        "naam": "Petra Smit", "email": "P.Smit@Test.local", "dienst_id": wereld.wmo.id, "functie": "teamleider",
        "actief": "y"})
    assert r.status_code == 302
    cp = db_session.execute(select(Contactpersoon).where(Contactpersoon.naam == "Petra Smit")).scalar_one()
    assert (cp.email, cp.dienst_id, cp.functie, cp.actief) == ("p.smit@test.local", wereld.wmo.id,
                                                                LadderFunctie.TEAMLEIDER, True)
    assert "Petra Smit" in _html(client.get("/beheer/contactpersonen"))
    assert '<option selected value="teamleider">' in _html(client.get(f"/beheer/contactpersonen/{cp.id}"))

    r = client.post(f"/beheer/contactpersonen/{cp.id}", data={
        "naam": "Petra Smit-de Boer", "email": "p.smit@test.local", "dienst_id": wereld.wi.id, "functie": "manager",
        "actief": "y"})
    assert r.status_code == 302
    db_session.expire_all()
    cp = db_session.get(Contactpersoon, cp.id)
    assert (cp.naam, cp.dienst_id, cp.functie) == ("Petra Smit-de Boer", wereld.wi.id, LadderFunctie.MANAGER)
    assert "Petra Smit-de Boer" in _html(client.get("/beheer/contactpersonen"))


@pytest.mark.parametrize("veld, waarde, melding", [
    ("naam", "", "Vul de naam in."),
    ("email", "geen-adres", "Dit is geen geldig e-mailadres."),
    ("email", "WI@test.local", "Dit e-mailadres hoort al bij een andere contactpersoon."),
    ("naam", f"Jan {BSN}", BSN_MELDING),
    ("dienst_id", "0", "Kies een dienst."),
])
def test_a_contactpersoon_with_bad_input_is_refused_in_dutch_and_nothing_is_stored(client, inlog, wereld, db_session,
                                                                                   veld, waarde, melding):
    inlog.als(BEHEERDER)
    data = {"naam": "Nieuw Persoon", "email": "nieuw@test.local", "dienst_id": wereld.wi.id,
            "functie": "contactpersoon", "actief": "y", veld: waarde}
    r = client.post("/beheer/contactpersonen/nieuw", data=data)
    assert r.status_code == 422 and melding in _html(r)
    if veld != "dienst_id" and waarde:
        assert f'value="{waarde.lower()}"' in _html(r).lower()  # addresses are kept, in lower case
    assert _aantal(db_session, Contactpersoon) == 4


def test_changing_an_address_to_one_in_use_is_refused_and_leaves_the_person_as_they_were(client, inlog, wereld,
                                                                                        db_session):
    inlog.als(BEHEERDER)
    r = client.post(f"/beheer/contactpersonen/{wereld.cp_wmo.id}", data={
        "naam": "Ineke de Wit", "email": "wi.vervanger@test.local", "dienst_id": wereld.wmo.id,
        "functie": "contactpersoon", "actief": "y"})
    assert r.status_code == 422 and "Dit e-mailadres hoort al bij een andere contactpersoon." in _html(r)
    db_session.expire_all()
    assert db_session.get(Contactpersoon, wereld.cp_wmo.id).email == "wmo@test.local"


def test_a_vaste_contactpersoon_cannot_move_to_another_dienst_before_being_replaced(client, inlog, wereld,
                                                                                     db_session):
    inlog.als(BEHEERDER)
    r = client.post(f"/beheer/contactpersonen/{wereld.cp_wi.id}", data={
        "naam": "Sanne Vos", "email": "wi@test.local", "dienst_id": wereld.wmo.id, "functie": "contactpersoon",
        "actief": "y"})
    assert r.status_code == 422 and "vaste contactpersoon voor Feyenoord" in _html(r)
    db_session.expire_all()
    assert db_session.get(Contactpersoon, wereld.cp_wi.id).dienst_id == wereld.wi.id


def test_deactivating_a_vaste_contactpersoon_warns_and_routes_to_the_vervanger(client, inlog, wereld, db_session):
    inlog.als(BEHEERDER)
    r = client.post(f"/beheer/contactpersonen/{wereld.cp_wi.id}", data={
        "naam": "Sanne Vos", "email": "wi@test.local", "dienst_id": wereld.wi.id, "functie": "contactpersoon"},
        follow_redirects=True)
    assert r.status_code == 200 and "nog vaste contactpersoon voor Feyenoord" in _html(r)
    db_session.expire_all()
    assert db_session.get(Contactpersoon, wereld.cp_wi.id).actief is False
    route = routeer(db_session, wereld.team.id, wereld.wi.id, _vandaag())
    assert route.contactpersoon.id == wereld.cp_wi_vervanger.id


# ---------------------------------------------------------------- vaste contactpersonen


def test_the_routing_table_shows_every_team_and_dienst(client, inlog, wereld):
    inlog.als(BEHEERDER)
    html = _html(client.get("/beheer/vaste-contactpersonen"))
    assert "<h2>Feyenoord</h2>" in html and "<h2>Oosterflank</h2>" in html
    assert "Sanne Vos" in html and "Ahmed Bakker" in html and "Ineke de Wit" in html
    assert f"/beheer/vaste-contactpersonen/{wereld.ander_team.id}/{wereld.wmo.id}" in html


def test_a_beheerder_sets_changes_and_removes_a_vaste_contactpersoon(client, inlog, wereld, db_session):
    inlog.als(BEHEERDER)
    pad = f"/beheer/vaste-contactpersonen/{wereld.ander_team.id}/{wereld.wi.id}"
    r = client.post(pad, data={"contactpersoon_id": wereld.cp_wi_vervanger.id, "vervanger_id": wereld.cp_wi.id})
    assert r.status_code == 302

    def vast():
        db_session.expire_all()
        return db_session.execute(select(VasteContactpersoon).where(
            VasteContactpersoon.wijkteam_id == wereld.ander_team.id,
            VasteContactpersoon.dienst_id == wereld.wi.id)).scalar_one_or_none()

    assert (vast().contactpersoon_id, vast().vervanger_id) == (wereld.cp_wi_vervanger.id, wereld.cp_wi.id)
    assert routeer(db_session, wereld.ander_team.id, wereld.wi.id, _vandaag()).email == "wi.vervanger@test.local"

    assert client.post(pad, data={"contactpersoon_id": wereld.teamleider_wi.id, "vervanger_id": 0}
                       ).status_code == 302
    assert (vast().contactpersoon_id, vast().vervanger_id) == (wereld.teamleider_wi.id, None)

    assert client.post(pad, data={"contactpersoon_id": 0, "vervanger_id": 0}).status_code == 302
    assert vast() is None
    assert routeer(db_session, wereld.ander_team.id, wereld.wi.id, _vandaag()).email == "wi-postbus@test.local"


@pytest.mark.parametrize("vaste, vervanger, melding", [
    ("cp_wi", "cp_wmo", "Ineke de Wit werkt bij Wmo; kies iemand van Werk &amp; Inkomen."),
    ("cp_wmo", "cp_wi_vervanger", "Ineke de Wit werkt bij Wmo; kies iemand van Werk &amp; Inkomen."),
    ("cp_wi", "cp_wi", "De vervanger moet iemand anders zijn dan de vaste contactpersoon."),
    (None, "cp_wi", "Een vervanger hoort bij een vaste contactpersoon; kies die eerst."),
])
def test_a_vaste_contactpersoon_and_vervanger_must_be_two_people_of_that_dienst(client, inlog, wereld, db_session,
                                                                               vaste, vervanger, melding):
    inlog.als(BEHEERDER)
    ids = {n: getattr(wereld, n).id if n else 0 for n in (vaste, vervanger)}
    r = client.post(f"/beheer/vaste-contactpersonen/{wereld.team.id}/{wereld.wi.id}",
                    data={"contactpersoon_id": ids[vaste], "vervanger_id": ids[vervanger]})
    assert r.status_code == 422 and melding in _html(r)
    db_session.expire_all()
    vast = db_session.execute(select(VasteContactpersoon).where(VasteContactpersoon.wijkteam_id == wereld.team.id,
                                                                VasteContactpersoon.dienst_id == wereld.wi.id)
                              ).scalar_one()
    assert (vast.contactpersoon_id, vast.vervanger_id) == (wereld.cp_wi.id, wereld.cp_wi_vervanger.id)


# ---------------------------------------------------------------- afwezigheid


def test_putting_the_vaste_contactpersoon_on_holiday_routes_new_cases_to_the_vervanger(client, inlog, wereld,
                                                                                       db_session):
    inlog.als(BEHEERDER)
    vandaag = _vandaag()
    r = client.post("/beheer/afwezigheden", data={"contactpersoon_id": wereld.cp_wi.id, "van": vandaag.isoformat(),
                                                  "tot": (vandaag + timedelta(days=14)).isoformat(),
                                                  "omschrijving": "Zomervakantie"}, follow_redirects=True)
    assert r.status_code == 200 and "Sanne Vos is afwezig van" in _html(r) and "Let op" not in _html(r)

    route = routeer(db_session, wereld.team.id, wereld.wi.id, vandaag)
    assert route.contactpersoon.id == wereld.cp_wi_vervanger.id
    assert "afwezig" in route.reden and f"{vandaag:%d-%m-%Y}" in route.reden

    html = _html(client.get("/beheer/afwezigheden"))
    assert "Feyenoord → vervanger Ahmed Bakker" in html
    assert route.reden in html
    assert "Zomervakantie" in html


def test_an_absence_warns_naming_the_teams_left_without_a_vervanger(client, inlog, wereld, db_session):
    db_session.add(VasteContactpersoon(wijkteam_id=wereld.ander_team.id, dienst_id=wereld.wi.id,
                                       contactpersoon_id=wereld.cp_wi.id))
    db_session.commit()
    inlog.als(BEHEERDER)
    begin = _vandaag() + timedelta(days=30)
    r = client.post("/beheer/afwezigheden", data={"contactpersoon_id": wereld.cp_wi.id, "van": begin.isoformat(),
                                                  "tot": (begin + timedelta(days=6)).isoformat()},
                    follow_redirects=True)
    html = _html(r)
    assert "melding--waarschuwing" in html
    assert "geen vervanger voor Oosterflank" in html and "geen vervanger voor Feyenoord" not in html
    assert "Oosterflank → algemene mailbox wi-postbus@test.local" in html
    assert "Feyenoord → vervanger Ahmed Bakker" in html


@pytest.mark.parametrize("data, melding", [
    ({"van": "2030-08-10", "tot": "2030-08-01"}, "De laatste dag ligt vóór de eerste dag."),
    ({"van": "2030-08-01", "tot": ""}, "Vul de laatste dag in."),
    ({"van": "2030-08-01", "tot": "2030-08-10", "contactpersoon_id": "999999"}, "Deze contactpersoon bestaat niet"),
    ({"van": "2030-08-01", "tot": "2030-08-10", "omschrijving": f"Dossier {BSN}"}, BSN_MELDING),
    ({"van": "2020-08-01", "tot": "2020-08-10"}, "Deze periode ligt helemaal in het verleden"),
])
def test_a_bad_absence_is_refused_in_dutch_and_nothing_is_stored(client, inlog, wereld, db_session, data, melding):
    inlog.als(BEHEERDER)
    r = client.post("/beheer/afwezigheden", data={"contactpersoon_id": wereld.cp_wi.id, **data})
    assert r.status_code == 422 and melding in _html(r)
    assert f'value="{data["van"]}"' in _html(r)
    assert _aantal(db_session, Afwezigheid) == 0


def test_removing_an_absence_sends_cases_to_the_vaste_contactpersoon_again(client, inlog, wereld, db_session):
    vandaag = _vandaag()
    afwezigheid = Afwezigheid(contactpersoon_id=wereld.cp_wi.id, van=vandaag, tot=vandaag + timedelta(days=2),
                              omschrijving="Cursus")
    db_session.add(afwezigheid)
    db_session.commit()
    inlog.als(BEHEERDER)
    assert "Cursus" in _html(client.get("/beheer/afwezigheden"))
    assert client.get(f"/beheer/afwezigheden/{afwezigheid.id}/verwijderen").status_code == 405
    assert client.post(f"/beheer/afwezigheden/{afwezigheid.id}/verwijderen").status_code == 302
    assert _aantal(db_session, Afwezigheid) == 0
    assert routeer(db_session, wereld.team.id, wereld.wi.id, vandaag).contactpersoon.id == wereld.cp_wi.id
    assert "Niemand is nu of binnenkort afwezig." in _html(client.get("/beheer/afwezigheden"))


def test_past_absences_are_not_listed(client, inlog, wereld, db_session):
    vandaag = _vandaag()
    db_session.add(Afwezigheid(contactpersoon_id=wereld.cp_wmo.id, van=vandaag - timedelta(days=20),
                               tot=vandaag - timedelta(days=10), omschrijving="Voorbij"))
    db_session.commit()
    inlog.als(BEHEERDER)
    assert "Voorbij" not in _html(client.get("/beheer/afwezigheden"))
