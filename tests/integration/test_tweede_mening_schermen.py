"""A second opinion on the screens and in mail (issue 17, point 2): the manager asks on the concept's case page,
the rayonmanager is mailed, lands on their list after login, reads the case without the cliëntreferentie and
answers; the manager is mailed and sees the answer on the case page and on the confirmation before spending.
Nobody else opens the question. The beheerder makes a rayonmanager with the teams of the rayon."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from notifications.models import UitgaandeMail
from tests.conftest import NU
from workflows import tweedemening as tm
from workflows import usecases
from workflows.models import Gebruiker, Rol, ZaakSoort
from workflows.overgangen import Actor


@pytest.fixture
def rayon(db_session, wereld):
    from app.auth.models import hash_wachtwoord

    zuid = Gebruiker(email="rayon.zuid@test.local", naam="Rita Rayon", rol=Rol.RAYONMANAGER,
                     wachtwoord_hash=hash_wachtwoord("geheim-wachtwoord"))
    db_session.add(zuid)
    db_session.flush()
    tm.rayon_instellen(db_session, zuid, [wereld.team.id])
    db_session.commit()
    return zuid


def _concept(s, w):
    r = usecases.zaak_aanmaken(s, Actor.gebruiker(w.medewerker), ZaakSoort.KNIP, w.invoer(), NU)
    s.commit()
    return r.zaak


def _mail(db_session, soort):
    return db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == soort)).all()


def test_ask_on_the_case_page_answer_on_the_colleagues_page_and_see_it_before_spending(client, inlog, db_session,
                                                                                       wereld, rayon):
    zaak = _concept(db_session, wereld)
    inlog.als("manager@test.local")
    pagina = client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    assert 'id="tweede-mening"' in pagina and "Rita Rayon (rayonmanager)" in pagina
    assert "Olga Oost (wijkteammanager Oosterflank)" in pagina

    r = client.post(f"/zaken/{zaak.id}/tweede-mening", data={"tweede-aan_id": "0", "tweede-vraag": ""})
    assert r.status_code == 422
    fout = r.get_data(as_text=True)
    assert "Kies aan wie u het vraagt." in fout and "Schrijf uw vraag" in fout
    assert 'id="tweede-vraag-fout"' in fout and 'id="tweede-aan_id-fout"' in fout
    assert tm.van_zaak(db_session, zaak.id) == []

    r = client.post(f"/zaken/{zaak.id}/tweede-mening", data={"tweede-aan_id": str(rayon.id),
                                                           "tweede-vraag": "Knip, of eerst escaleren?"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/zaken/{zaak.id}#tweede-mening")
    m, = tm.van_zaak(db_session, zaak.id)
    vraagmail, = _mail(db_session, "tweede_mening_vraag")
    assert vraagmail.aan == "rayon.zuid@test.local" and f"/tweede-mening/{m.id}" in vraagmail.tekst
    for geheim in (zaak.clientreferentie, "Knip, of eerst escaleren?", zaak.gevraagd):
        assert geheim not in vraagmail.tekst + vraagmail.html  # the mail says who asks whom, not what
    assert "nog geen antwoord" in client.get(f"/zaken/{zaak.id}").get_data(as_text=True)

    inlog.als("rayon.zuid@test.local")
    assert client.get("/").headers["Location"].endswith("/tweede-mening")
    lijst = client.get("/tweede-mening").get_data(as_text=True)
    assert "Wacht op uw mening (1)" in lijst and f"/tweede-mening/{m.id}" in lijst
    vraagpagina = client.get(f"/tweede-mening/{m.id}").get_data(as_text=True)
    assert "Knip, of eerst escaleren?" in vraagpagina and zaak.blokkerende_regel in vraagpagina
    assert zaak.clientreferentie not in vraagpagina
    assert client.get(f"/zaken/{zaak.id}").status_code in (403, 404)  # the case itself stays the team's
    r = client.post(f"/tweede-mening/{m.id}", data={"mening": "eens", "toelichting": "BSN 111222333"})
    assert r.status_code == 422 and 'id="toelichting-fout"' in r.get_data(as_text=True)
    r = client.post(f"/tweede-mening/{m.id}", data={"mening": "eens",
                                                    "toelichting": "Eens: zonder knip drie weken geen inkomen."})
    assert r.status_code == 302
    r = client.post(f"/tweede-mening/{m.id}", data={"mening": "niet_eens", "toelichting": "Toch niet."})
    assert r.status_code == 303
    db_session.expire_all()
    assert tm.van_zaak(db_session, zaak.id)[0].mening == tm.Mening.EENS
    na = client.get(f"/tweede-mening/{m.id}").get_data(as_text=True)  # answered: the case's text is no longer shown
    assert zaak.blokkerende_regel not in na and "Eens: zet de knip in" in na
    antwoord, = _mail(db_session, "tweede_mening_antwoord")
    assert antwoord.aan == "manager@test.local" and antwoord.onderwerp.endswith("tweede mening van Rita Rayon: eens")
    assert "drie weken" not in antwoord.tekst

    inlog.als("manager@test.local")
    assert "Rita Rayon: eens" in client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    form = {"dienst_id": wereld.wi.id, "clientreferentie": zaak.clientreferentie, "gevraagd": zaak.gevraagd,
            "blokkerende_regel": zaak.blokkerende_regel, "urgentie": zaak.urgentie.value,
            "oorzaak_id": wereld.oorzaak.id, "uitzondering": zaak.uitzondering.value,
            "voorgestelde_oplossing": zaak.voorgestelde_oplossing, "knop": "versturen"}
    bevestig = client.post(f"/zaken/{zaak.id}/bewerken", data=form)
    assert bevestig.status_code == 200, bevestig.get_data(as_text=True)[:2000]
    assert "Tweede mening van Rita Rayon: eens." in bevestig.get_data(as_text=True)


def test_nobody_else_opens_the_question_and_another_teams_manager_cannot_ask(client, inlog, db_session, wereld,
                                                                             rayon):
    zaak = _concept(db_session, wereld)
    tm.vragen(db_session, Actor.gebruiker(wereld.manager), zaak.id, rayon.id, "Vraag", NU)
    db_session.commit()
    m, = tm.van_zaak(db_session, zaak.id)
    for wie in ("oost@test.local", "manager@test.local"):
        inlog.als(wie)
        assert client.get(f"/tweede-mening/{m.id}").status_code == 404
        assert client.post(f"/tweede-mening/{m.id}", data={"mening": "eens", "toelichting": "Ja."}).status_code == 404
    inlog.als("medewerker@test.local")
    assert client.get(f"/tweede-mening/{m.id}").status_code == 403
    assert client.post(f"/zaken/{zaak.id}/tweede-mening", data={"tweede-aan_id": str(rayon.id),
                                                               "tweede-vraag": "Vraag"}).status_code == 403
    inlog.als("oost@test.local")
    assert client.post(f"/zaken/{zaak.id}/tweede-mening", data={"tweede-aan_id": str(rayon.id),
                                                               "tweede-vraag": "Vraag"}).status_code == 404
    assert len(tm.van_zaak(db_session, zaak.id)) == 1 and tm.van_zaak(db_session, zaak.id)[0].open


def test_the_beheerder_makes_a_rayonmanager_with_the_teams_of_the_rayon(client, inlog, db_session, wereld):
    inlog.als("beheer@test.local")
    basis = {"naam": "Rob Rayon", "email": "rob.rayon@test.local", "rol": "rayonmanager", "wijkteam_id": 0,
             "actief": "y"}
    r = client.post("/beheer/gebruikers/nieuw", data=basis)
    assert r.status_code == 422 and "Kies de teams van het rayon" in r.get_data(as_text=True)
    r = client.post("/beheer/gebruikers/nieuw", data={**basis, "rol": "wijkteammanager",
                                                      "wijkteam_id": wereld.team.id, "rayon": [wereld.team.id]})
    assert r.status_code == 422 and "Alleen een rayonmanager heeft een rayon" in r.get_data(as_text=True)
    r = client.post("/beheer/gebruikers/nieuw", data={**basis, "rayon": [wereld.team.id, wereld.ander_team.id]})
    assert r.status_code == 302
    rob = db_session.scalars(select(Gebruiker).where(Gebruiker.email == "rob.rayon@test.local")).one()
    assert rob.rol == Rol.RAYONMANAGER and rob.wijkteam_id is None
    assert sorted(t.id for t in tm.rayon_van(db_session, rob.id)) == sorted([wereld.team.id, wereld.ander_team.id])
    pagina = client.get(f"/beheer/gebruikers/{rob.id}").get_data(as_text=True)
    assert pagina.count("checked") >= 2
    r = client.post(f"/beheer/gebruikers/{rob.id}", data={**basis, "rayon": [wereld.ander_team.id]})
    assert r.status_code == 302
    assert [t.id for t in tm.rayon_van(db_session, rob.id)] == [wereld.ander_team.id]


def _statements_voor(app, client, pad) -> int:
    from sqlalchemy import event

    from app.extensions import db

    teller = []
    luister = lambda *a, **k: teller.append(1)  # noqa: E731
    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", luister)
    try:
        assert client.get(pad).status_code == 200
    finally:
        event.remove(engine, "before_cursor_execute", luister)
    return len(teller)


def _teams_met_manager(db_session, n, begin):
    from app.auth.models import hash_wachtwoord
    from workflows.models import Wijkteam

    for i in range(begin, begin + n):
        team = Wijkteam(naam=f"Extra {i:03d}")
        db_session.add(team)
        db_session.flush()
        db_session.add(Gebruiker(email=f"extra{i}@test.local", naam=f"Manager {i}", rol=Rol.WIJKTEAMMANAGER,
                                 wijkteam_id=team.id, wachtwoord_hash=hash_wachtwoord("geheim-wachtwoord")))
    db_session.commit()


def test_the_case_page_reads_as_many_statements_with_many_teams_as_with_few(app, client, inlog, db_session, wereld):
    """The colleagues a second opinion may be asked of come with their team in one statement (not one more per
    colleague: at 500 teams that was 0.6 s per page), and a knip that was sent has no question form at all."""
    concept = _concept(db_session, wereld)
    verstuurd = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.KNIP, wereld.invoer(),
                                       NU, versturen=True).zaak
    db_session.commit()
    _teams_met_manager(db_session, 3, 0)
    inlog.als("manager@test.local")
    weinig = _statements_voor(app, client, f"/zaken/{concept.id}"), _statements_voor(app, client, f"/zaken/{verstuurd.id}")
    _teams_met_manager(db_session, 12, 3)
    veel = _statements_voor(app, client, f"/zaken/{concept.id}"), _statements_voor(app, client, f"/zaken/{verstuurd.id}")
    assert veel == weinig
    pagina = client.get(f"/zaken/{concept.id}").get_data(as_text=True)
    assert "Manager 14 (wijkteammanager Extra 014)" in pagina
    assert "Kies een collega" not in client.get(f"/zaken/{verstuurd.id}").get_data(as_text=True)
