"""Hand-over on the screens (issue 17, point 5), and who sees what.

Decided and documented (README "Na het besluit"): until the receiving team's manager accepts, the case stays
the sending team's; the receiving manager sees only the hand-over page (the note and the structured facts), no
one else in the receiving team sees anything. After acceptance the receiving team sees the whole case with its
history and the sending team no longer opens it; the knip stays on the sending team's card.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select

from notifications.models import UitgaandeMail
from tests.effect_hulp import verstuurd
from workflows import knipkaart
from workflows.models import Gebruiker, Rol, Zaak
from workflows.nazorg import Overdracht, OverdrachtStatus

NOTITIE = "Verhuisd naar Ommoord per 1 maart. Huur loopt via W&I; afspraak met schuldhulp staat."


def _voorstellen(client, inlog, db_session, wereld):
    zaak = verstuurd(db_session, wereld, datetime.now(timezone.utc) - timedelta(hours=2))
    inlog.als("manager@test.local")
    r = client.post(f"/zaken/{zaak.id}/overdracht", data={"naar_wijkteam_id": wereld.ander_team.id,
                                                          "notitie": NOTITIE})
    assert r.status_code == 302, r.get_data(as_text=True)[:400]
    return zaak, db_session.scalars(select(Overdracht).where(Overdracht.zaak_id == zaak.id)).one()


def _medewerker_oost(db_session, wereld):
    g = Gebruiker(email="mw.oost@test.local", naam="Otto Oost", rol=Rol.MEDEWERKER, wijkteam_id=wereld.ander_team.id,
                  wachtwoord_hash=wereld.manager.wachtwoord_hash)
    db_session.add(g)
    db_session.commit()


def test_before_acceptance_only_the_receiving_manager_sees_the_note_and_not_the_case(client, inlog, db_session, wereld):
    _medewerker_oost(db_session, wereld)
    zaak, o = _voorstellen(client, inlog, db_session, wereld)
    mail, = db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == "overdracht_voorstel")).all()
    assert mail.aan == "oost@test.local" and "Feyenoord wil deze zaak aan uw team overdragen" in mail.onderwerp
    assert NOTITIE not in mail.tekst and "FEY-2026-001" not in mail.tekst  # the note stays in the app
    link = re.search(r"https?://\S+/overdrachten/\d+", mail.tekst).group(0)
    pad = link[link.index("/overdrachten/"):]
    inlog.als("oost@test.local")
    html = client.get(pad).get_data(as_text=True)
    assert NOTITIE.split(".")[0] in html and zaak.nummer in html and "Werk &amp; Inkomen" in html
    assert "FEY-2026-001" not in html and "Uitkering zonder zoektermijn" not in html  # no free text of the case
    assert client.get(f"/zaken/{zaak.id}").status_code == 404
    assert f"/overdrachten/{o.id}" in client.get("/wijkteam").get_data(as_text=True)
    inlog.als("mw.oost@test.local")
    assert client.get(pad).status_code == 403  # a medewerker decides no hand-over (role check)
    assert client.get(f"/zaken/{zaak.id}").status_code == 404
    inlog.als("medewerker@test.local")
    assert client.get(pad).status_code == 403
    inlog.als("manager@test.local")
    assert client.get(pad).status_code == 404  # the sender's manager: not addressed to their team
    assert client.get(f"/zaken/{zaak.id}").status_code == 200


def test_accepted_the_receiving_team_has_the_case_with_its_history_and_the_sender_does_not(client, inlog, db_session,
                                                                                           wereld):
    _medewerker_oost(db_session, wereld)
    zaak, o = _voorstellen(client, inlog, db_session, wereld)
    inlog.als("oost@test.local")
    r = client.post(f"/overdrachten/{o.id}", data={"besluit": "aanvaarden"})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/zaken/{zaak.id}")
    html = client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    assert "Overgedragen van wijkteam Feyenoord aan wijkteam Oosterflank" in html
    assert "Verstuurd" in html and "Uitkering zonder zoektermijn" in html  # the history and the case came along
    inlog.als("mw.oost@test.local")
    assert client.get(f"/zaken/{zaak.id}").status_code == 200
    inlog.als("manager@test.local")
    assert client.get(f"/zaken/{zaak.id}").status_code == 404
    assert client.get(f"/zaken/{zaak.id}/bewerken").status_code == 404
    besluit, = db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == "overdracht_besluit")).all()
    assert besluit.aan == "manager@test.local" and "neemt de zaak over" in besluit.onderwerp
    assert "De knip blijft op de knipkaart van wijkteam Feyenoord" in besluit.tekst
    # The card stays with the team that spent it.
    jaar = knipkaart.jaar_van(datetime.now(timezone.utc))
    assert knipkaart.lees_kaart(db_session, wereld.team.id, jaar)[0].netto_ingezet == 1
    assert knipkaart.lees_kaart(db_session, wereld.ander_team.id, jaar)[0].netto_ingezet == 0
    assert "1 ingezet" in client.get("/wijkteam").get_data(as_text=True)
    kaart = client.get("/wijkteam/knipkaart").get_data(as_text=True)
    assert "1 ingezet" in kaart and f"{zaak.nummer} (overgedragen aan een ander team)" in kaart
    assert f'href="/zaken/{zaak.id}"' not in kaart  # the card's line no longer links to a case it cannot open


def test_refused_the_case_stays_and_the_sender_reads_why(client, inlog, db_session, wereld):
    zaak, o = _voorstellen(client, inlog, db_session, wereld)
    inlog.als("oost@test.local")
    r = client.post(f"/overdrachten/{o.id}", data={"besluit": "weigeren"})
    assert r.status_code == 422 and "Geef een reden" in r.get_data(as_text=True)
    r = client.post(f"/overdrachten/{o.id}", data={"besluit": "weigeren", "reden": "Adres valt nog onder Feyenoord."})
    assert r.status_code == 302
    assert client.post(f"/overdrachten/{o.id}", data={"besluit": "aanvaarden"}).status_code == 409
    assert db_session.get(Zaak, zaak.id).wijkteam_id == wereld.team.id
    assert db_session.get(Overdracht, o.id).status == OverdrachtStatus.GEWEIGERD
    inlog.als("manager@test.local")
    html = client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    assert "geweigerd" in html and "Adres valt nog onder Feyenoord." in html
    besluit, = db_session.scalars(select(UitgaandeMail).where(UitgaandeMail.soort == "overdracht_besluit")).all()
    assert "niet over" in besluit.onderwerp and "Adres valt" not in besluit.tekst


def test_the_sender_withdraws_and_a_medewerker_cannot_propose(client, inlog, db_session, wereld):
    zaak, o = _voorstellen(client, inlog, db_session, wereld)
    assert client.post(f"/overdrachten/{o.id}/intrekken").status_code == 302
    assert db_session.get(Overdracht, o.id).status == OverdrachtStatus.INGETROKKEN
    inlog.als("medewerker@test.local")
    r = client.post(f"/zaken/{zaak.id}/overdracht", data={"naar_wijkteam_id": wereld.ander_team.id, "notitie": "x"})
    assert r.status_code == 403
    inlog.als("oost@test.local")
    assert client.post(f"/overdrachten/{o.id}", data={"besluit": "aanvaarden"}).status_code == 409
    assert db_session.get(Zaak, zaak.id).wijkteam_id == wereld.team.id


def test_the_hand_over_has_its_own_page_that_says_what_is_missing_and_keeps_nothing(client, inlog, db_session, wereld):
    zaak = verstuurd(db_session, wereld, datetime.now(timezone.utc) - timedelta(hours=2))
    inlog.als("manager@test.local")
    pagina = client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    assert f'href="/zaken/{zaak.id}/overdracht"' in pagina and "Naar welk wijkteam?" not in pagina
    r = client.get(f"/zaken/{zaak.id}/overdracht")
    assert r.status_code == 200 and "Naar welk wijkteam?" in r.get_data(as_text=True)
    assert wereld.ander_team.naam in r.get_data(as_text=True)
    r = client.post(f"/zaken/{zaak.id}/overdracht", data={"naar_wijkteam_id": "0", "notitie": ""})
    html = r.get_data(as_text=True)
    assert r.status_code == 422 and "Schrijf een overdrachtsnotitie." in html and "Naar welk wijkteam?" in html
    assert db_session.scalars(select(Overdracht)).first() is None
    inlog.als("medewerker@test.local")
    assert client.get(f"/zaken/{zaak.id}/overdracht").status_code == 403
    assert f'href="/zaken/{zaak.id}/overdracht"' not in client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
