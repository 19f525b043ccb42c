"""Routing: vaste contactpersoon, vervanger during absence, the dienst's mailbox as fallback."""
from datetime import date

from workflows.models import Afwezigheid, VasteContactpersoon
from workflows.routering import routeer

DAG = date(2026, 3, 10)


def test_a_case_goes_to_the_vaste_contactpersoon_when_present(db_session, wereld):
    r = routeer(db_session, wereld.team.id, wereld.wi.id, DAG)
    assert r.contactpersoon.id == wereld.cp_wi.id and r.email == "wi@test.local"
    assert "vaste contactpersoon" in r.reden


def test_during_an_absence_a_case_goes_to_the_vervanger_with_the_reason(db_session, wereld):
    db_session.add(Afwezigheid(contactpersoon_id=wereld.cp_wi.id, van=date(2026, 3, 9), tot=date(2026, 3, 20),
                               omschrijving="vakantie"))
    db_session.flush()
    r = routeer(db_session, wereld.team.id, wereld.wi.id, DAG)
    assert r.contactpersoon.id == wereld.cp_wi_vervanger.id
    assert "afwezig van 09-03-2026 t/m 20-03-2026" in r.reden and "vervanger Ahmed Bakker" in r.reden


def test_the_absence_end_date_is_inclusive(db_session, wereld):
    db_session.add(Afwezigheid(contactpersoon_id=wereld.cp_wi.id, van=date(2026, 3, 1), tot=DAG))
    db_session.flush()
    assert routeer(db_session, wereld.team.id, wereld.wi.id, DAG).contactpersoon.id == wereld.cp_wi_vervanger.id
    assert routeer(db_session, wereld.team.id, wereld.wi.id, date(2026, 3, 11)).contactpersoon.id == wereld.cp_wi.id


def test_absent_without_a_vervanger_goes_to_the_dienst_mailbox(db_session, wereld):
    db_session.add(Afwezigheid(contactpersoon_id=wereld.cp_wmo.id, van=DAG, tot=DAG))
    db_session.flush()
    r = routeer(db_session, wereld.team.id, wereld.wmo.id, DAG)
    assert r.contactpersoon is None and r.email == "wmo-postbus@test.local"
    assert "geen vervanger" in r.reden


def test_when_both_are_absent_the_case_goes_to_the_mailbox(db_session, wereld):
    for cp in (wereld.cp_wi, wereld.cp_wi_vervanger):
        db_session.add(Afwezigheid(contactpersoon_id=cp.id, van=DAG, tot=DAG))
    db_session.flush()
    r = routeer(db_session, wereld.team.id, wereld.wi.id, DAG)
    assert r.contactpersoon is None and r.email == "wi-postbus@test.local" and "ook afwezig" in r.reden


def test_a_team_without_a_vaste_contactpersoon_reaches_the_mailbox(db_session, wereld):
    r = routeer(db_session, wereld.ander_team.id, wereld.wi.id, DAG)
    assert r.contactpersoon is None and r.email == "wi-postbus@test.local"
    assert "Geen vaste contactpersoon" in r.reden


def test_an_inactive_vaste_contactpersoon_is_replaced_by_the_vervanger(db_session, wereld):
    wereld.cp_wi.actief = False
    db_session.flush()
    r = routeer(db_session, wereld.team.id, wereld.wi.id, DAG)
    assert r.contactpersoon.id == wereld.cp_wi_vervanger.id and "niet meer actief" in r.reden
