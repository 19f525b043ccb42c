"""Learning between teams (issue 18): who decides what, and examples between teams."""
from __future__ import annotations

from datetime import date, datetime, timezone

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
