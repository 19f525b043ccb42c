"""Learning between teams (issue 18): who decides what, and examples between teams."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from sqlalchemy import select

from workflows.models import (Afwezigheid, Contactpersoon, Dienst, LadderFunctie, LadderTrede, Termijnnorm,
                              Urgentie, VasteContactpersoon)


def _vandaag() -> date:
    from workflows.kalender import amsterdam

    return amsterdam(datetime.now(timezone.utc)).date()


def _pagina(client) -> str:
    r = client.get("/wie-beslist-waarover")
    assert r.status_code == 200
    return r.get_data(as_text=True)


# ---------------------------------------------------------------- wie beslist waarover


def test_every_team_member_sees_per_dienst_the_contact_deputy_ladder_and_terms(client, inlog, wereld, db_session):
    db_session.add(LadderTrede(dienst_id=wereld.wi.id, niveau=1, contactpersoon_id=wereld.teamleider_wi.id))
    db_session.add(Termijnnorm(dienst_id=wereld.wmo.id, urgentie=Urgentie.ACUUT, reactie_werkdagen=1,
                               oplos_werkdagen=4))
    db_session.commit()
    inlog.als("medewerker@test.local")
    html = _pagina(client)
    assert "Werk &amp; Inkomen" in html and "Wmo" in html
    assert "Sanne Vos" in html and "Ahmed Bakker" in html and "Ineke de Wit" in html
    assert "Teamleider: Teun Leider" in html
    assert "Wachttermijn of zoektermijn laten vervallen" in html  # W&I takes knips
    assert "Geen knippen" in html  # Wmo does not
    wmo = html[html.index('id="dienst-%d"' % wereld.wmo.id):]
    assert '<th scope="row" data-label="Urgentie">Acuut</th>' in wmo
    assert '<td data-label="Oplostermijn">4</td>' in wmo  # the dienst's own norm, not the default 2


def test_changing_a_vaste_contactpersoon_changes_the_page(client, inlog, wereld, db_session):
    inlog.als("manager@test.local")
    assert "Ineke de Wit" in _pagina(client)
    nieuw = Contactpersoon(naam="Pieter Zand", email="pieter@test.local", dienst_id=wereld.wmo.id)
    db_session.add(nieuw)
    db_session.flush()
    vast = db_session.scalars(select(VasteContactpersoon).where(VasteContactpersoon.dienst_id == wereld.wmo.id)).one()
    vast.contactpersoon_id = nieuw.id
    db_session.commit()
    html = _pagina(client)
    assert "Pieter Zand" in html and "Ineke de Wit" not in html


def test_an_absent_contact_is_marked_and_the_case_goes_to_the_deputy_today(client, inlog, wereld, db_session):
    vandaag = _vandaag()
    db_session.add(Afwezigheid(contactpersoon_id=wereld.cp_wi.id, van=vandaag, tot=date(vandaag.year + 1, 1, 31)))
    db_session.commit()
    inlog.als("medewerker@test.local")
    html = _pagina(client)
    wi = html[html.index('id="dienst-%d"' % wereld.wi.id):html.index('id="dienst-%d"' % wereld.wmo.id)]
    assert f"afwezig t/m 31-01-{vandaag.year + 1}" in wi
    assert "wi.vervanger@test.local<br>" in wi  # where routing sends a case today


def test_the_landelijk_maatwerkloket_says_when_it_can_be_reached(client, inlog, wereld, db_session):
    db_session.add(Dienst(naam="Landelijk Maatwerkloket", mailbox="lmw@test.local", landelijk=True))
    db_session.commit()
    inlog.als("medewerker@test.local")
    html = _pagina(client)
    assert "Landelijk Maatwerkloket" in html
    assert "pas als lokale escalatie niet heeft gewerkt" in html
    assert html.index("Landelijk Maatwerkloket") > html.index("Wmo")  # local diensten first


def test_another_team_sees_its_own_routing_not_ours(client, inlog, wereld):
    inlog.als("oost@test.local")
    html = _pagina(client)
    assert "Sanne Vos" not in html and "Geen: zaken gaan naar de algemene mailbox" in html


def test_the_page_is_printable(client, inlog, wereld):
    inlog.als("medewerker@test.local")
    html = _pagina(client)
    assert "leren.css" in html
    r = client.get("/static/leren.css")
    css = r.get_data(as_text=True)
    r.close()
    assert "@media print" in css


# ---------------------------------------------------------------- examples between teams

from tests.conftest import NU  # noqa: E402
from workflows import usecases  # noqa: E402
from workflows.models import Gebeurtenis, Status, ZaakSoort  # noqa: E402
from workflows.voorbeelden import Voorbeeld, VoorbeeldStatus  # noqa: E402
from workflows.zaken import Actor  # noqa: E402

GOED = {"situatie": "Een jonge vrouw zonder inkomen tijdens de zoektermijn, met een huurachterstand.",
        "blokkerende_regel": "De zoektermijn van vier weken voor jongeren onder de 27.",
        "wat_werkte": "Een knip: de vaste contactpersoon liet de zoektermijn vervallen binnen twee werkdagen."}


def _opgeloste_zaak(db_session, wereld, uitkomst="toegekend", sluiten=True):
    manager = Actor.gebruiker(wereld.manager)
    r = usecases.zaak_aanmaken(db_session, manager, ZaakSoort.ESCALATIE, wereld.invoer(dienst=wereld.wmo), NU,
                               versturen=True)
    usecases.handelen(db_session, Actor.dienst("Ineke de Wit (Wmo)", wereld.cp_wmo.id), r.zaak.id, uitkomst, NU,
                      toelichting="Besloten door de contactpersoon.")
    if sluiten:
        usecases.handelen(db_session, manager, r.zaak.id, "sluiten", NU)
    db_session.commit()
    return r.zaak


def _voorstellen(client, zaak, **over):
    return client.post(f"/zaken/{zaak.id}/voorbeeld", data={**GOED, **over})


def test_a_team_member_proposes_a_solved_case_and_it_waits_for_the_manager(client, inlog, wereld, db_session):
    zaak = _opgeloste_zaak(db_session, wereld)
    inlog.als("medewerker@test.local")
    assert f'href="/zaken/{zaak.id}/voorbeeld"' in client.get(f"/zaken/{zaak.id}").get_data(as_text=True)
    assert "De regel die blokkeerde" in client.get(f"/zaken/{zaak.id}/voorbeeld").get_data(as_text=True)
    r = _voorstellen(client, zaak)
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/zaken/{zaak.id}")
    v = db_session.scalars(select(Voorbeeld)).one()
    assert v.status == VoorbeeldStatus.VOORGESTELD and v.dienst_id == wereld.wmo.id
    assert v.oorzaak_id == wereld.oorzaak.id and v.instrument == ZaakSoort.ESCALATIE
    assert db_session.scalars(select(Gebeurtenis.actie).where(Gebeurtenis.zaak_id == zaak.id)).all()[-1] \
        == "voorbeeld_voorgesteld"
    # Not in the library until reviewed, not even for the own team.
    assert "zoektermijn van vier weken" not in client.get("/voorbeelden").get_data(as_text=True)


def test_a_bsn_in_an_example_is_refused_with_the_reason(client, inlog, wereld, db_session):
    zaak = _opgeloste_zaak(db_session, wereld)
    inlog.als("medewerker@test.local")
    r = _voorstellen(client, zaak, situatie="Mevrouw met BSN 111222333 had geen inkomen.")
    assert r.status_code == 200
    assert "burgerservicenummer" in r.get_data(as_text=True).lower() or "BSN" in r.get_data(as_text=True)
    assert db_session.scalars(select(Voorbeeld)).all() == []


def test_the_workflow_refuses_a_bsn_and_the_clientreferentie_whatever_the_form_lets_through(wereld, db_session):
    from workflows.fouten import OngeldigeInvoer
    from workflows.voorbeelden import VoorbeeldInvoer

    zaak = _opgeloste_zaak(db_session, wereld)
    team = Actor.gebruiker(wereld.medewerker)
    for veld, tekst in [("wat_werkte", "Gebeld over 111.222.333"), ("situatie", "Zie dossier fey-2026-001")]:
        invoer = VoorbeeldInvoer(**{**GOED, veld: tekst})
        with pytest.raises(OngeldigeInvoer) as fout:
            usecases.voorbeeld_voorstellen(db_session, team, zaak.id, invoer, NU)
        assert fout.value.veld == veld
        db_session.rollback()


def test_only_a_solved_case_can_become_an_example(client, inlog, wereld, db_session):
    afgewezen = _opgeloste_zaak(db_session, wereld, uitkomst="afgewezen")
    inlog.als("medewerker@test.local")
    r = _voorstellen(client, afgewezen)
    assert r.status_code == 200 and "Alleen een opgeloste zaak" in r.get_data(as_text=True)
    assert db_session.scalars(select(Voorbeeld)).all() == []


def test_an_open_case_of_another_team_cannot_be_proposed(client, inlog, wereld, db_session):
    zaak = _opgeloste_zaak(db_session, wereld)
    inlog.als("oost@test.local")
    assert _voorstellen(client, zaak).status_code == 404


def test_the_manager_approves_and_every_team_finds_it_by_cause_dienst_and_text(client, inlog, wereld, db_session):
    zaak = _opgeloste_zaak(db_session, wereld, sluiten=False)  # solved, not yet closed: may be proposed too
    inlog.als("medewerker@test.local")
    _voorstellen(client, zaak)
    v = db_session.scalars(select(Voorbeeld)).one()
    assert client.post(f"/voorbeelden/{v.id}/beoordelen", data={"besluit": "goedkeuren"}).status_code == 403

    inlog.als("oost@test.local")  # another team's manager does not review ours
    assert client.post(f"/voorbeelden/{v.id}/beoordelen", data={"besluit": "goedkeuren"}).status_code == 404

    inlog.als("manager@test.local")
    pagina = client.get("/voorbeelden/te-beoordelen").get_data(as_text=True)
    assert "zoektermijn van vier weken" in pagina
    assert client.post(f"/voorbeelden/{v.id}/beoordelen", data={"besluit": "goedkeuren"}).status_code == 302
    db_session.expire_all()
    assert db_session.get(Voorbeeld, v.id).status == VoorbeeldStatus.GOEDGEKEURD

    inlog.als("oost@test.local")
    html = client.get("/voorbeelden").get_data(as_text=True)
    assert "zoektermijn van vier weken" in html
    assert "FEY-2026-001" not in html and "Feyenoord" not in html and (zaak.nummer or "x") not in html
    assert "zoektermijn van vier weken" in client.get(f"/voorbeelden?oorzaak_id={wereld.oorzaak.id}").get_data(as_text=True)
    assert "zoektermijn van vier weken" not in client.get(f"/voorbeelden?oorzaak_id={wereld.anders.id}").get_data(as_text=True)
    assert "zoektermijn van vier weken" in client.get(f"/voorbeelden?dienst_id={wereld.wmo.id}").get_data(as_text=True)
    assert "zoektermijn van vier weken" not in client.get(f"/voorbeelden?dienst_id={wereld.wi.id}").get_data(as_text=True)
    assert "zoektermijn van vier weken" not in client.get("/voorbeelden?instrument=knip").get_data(as_text=True)
    assert "zoektermijn van vier weken" in client.get("/voorbeelden?q=huurachterstand").get_data(as_text=True)
    assert "zoektermijn van vier weken" not in client.get("/voorbeelden?q=e-bike").get_data(as_text=True)


def test_a_declined_example_stays_out_of_the_library(client, inlog, wereld, db_session):
    zaak = _opgeloste_zaak(db_session, wereld)
    inlog.als("manager@test.local")
    _voorstellen(client, zaak)
    v = db_session.scalars(select(Voorbeeld)).one()
    client.post(f"/voorbeelden/{v.id}/beoordelen", data={"besluit": "afwijzen"})
    client.post(f"/voorbeelden/{v.id}/beoordelen", data={"besluit": "goedkeuren"})  # decided once
    db_session.expire_all()
    assert db_session.get(Voorbeeld, v.id).status == VoorbeeldStatus.AFGEWEZEN
    assert "zoektermijn van vier weken" not in client.get("/voorbeelden").get_data(as_text=True)


def test_management_pins_an_example_on_top(client, inlog, wereld, db_session):
    eerste = _opgeloste_zaak(db_session, wereld)
    tweede = _opgeloste_zaak(db_session, wereld)
    inlog.als("manager@test.local")
    _voorstellen(client, eerste, situatie="Eerste situatie, een oudere man.")
    _voorstellen(client, tweede, situatie="Tweede situatie, een gezin.")
    for v in db_session.scalars(select(Voorbeeld)):
        client.post(f"/voorbeelden/{v.id}/beoordelen", data={"besluit": "goedkeuren"})
    html = client.get("/voorbeelden").get_data(as_text=True)
    assert html.index("Tweede situatie") < html.index("Eerste situatie")  # newest first
    oud = db_session.scalars(select(Voorbeeld).where(Voorbeeld.zaak_id == eerste.id)).one()
    assert client.post(f"/voorbeelden/{oud.id}/vastzetten", data={"vast": "ja"}).status_code == 403

    inlog.als("mt@test.local")
    assert client.post(f"/voorbeelden/{oud.id}/vastzetten", data={"vast": "ja"}).status_code == 302
    html = client.get("/voorbeelden").get_data(as_text=True)
    assert html.index("Eerste situatie") < html.index("Tweede situatie") and "Uitgelicht" in html


def test_the_demo_holds_examples_in_the_library_and_one_waiting_for_review(app, client, db_session):
    from app.demo import vul_demo

    vul_demo(db_session, NU)
    db_session.commit()
    voorbeelden = db_session.scalars(select(Voorbeeld)).all()
    assert sum(v.status == VoorbeeldStatus.GOEDGEKEURD for v in voorbeelden) >= 2
    assert any(v.vastgezet for v in voorbeelden)
    wacht = [v for v in voorbeelden if v.status == VoorbeeldStatus.VOORGESTELD]
    assert len(wacht) == 1
    for v in voorbeelden:
        assert v.zaak.status == Status.GESLOTEN and v.zaak.clientreferentie not in v.situatie + v.wat_werkte
    client.post("/login", data={"email": "feyenoord@demo.local", "wachtwoord": "demo"})
    html = client.get("/voorbeelden").get_data(as_text=True)
    assert "Uitgelicht" in html and "zoektermijn" in html
