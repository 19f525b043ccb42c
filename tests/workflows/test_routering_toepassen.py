"""Applying a route to a case: the recipient, the reason, and old links revoked only when the recipient changes.

Written against the mutants that survived `make mutation` (docs/testing.md) in workflows/routering.py.
"""
from datetime import date

from tests.conftest import NU
from workflows.models import Afwezigheid, Zaak
from workflows.routering import pas_route_toe, routeer, vervanger_van

DAG = date(2026, 3, 10)


def test_a_new_recipient_is_set_with_its_reason_and_revokes_the_old_links(wereld):
    """Catches pas_route_toe not storing the contactpersoon, address or reason, or not (or wrongly) raising
    link_versie when the recipient changes."""
    zaak = Zaak(ontvanger_email="wi@test.local", ontvanger_id=wereld.cp_wi.id, link_versie=3)
    assert pas_route_toe(zaak, wereld.cp_wi_vervanger, "wi.vervanger@test.local", "vaste contactpersoon afwezig")
    assert (zaak.ontvanger_id, zaak.ontvanger_email, zaak.routering_reden, zaak.link_versie) == (
        wereld.cp_wi_vervanger.id, "wi.vervanger@test.local", "vaste contactpersoon afwezig", 4)


def test_a_first_route_counts_from_link_version_one(wereld):
    """Catches `(link_versie or 1) + 1` becoming `or 2`, `and 1` or `+ 2` for a case that had no version yet."""
    zaak = Zaak(ontvanger_email=None, link_versie=None)
    assert pas_route_toe(zaak, wereld.cp_wi, "wi@test.local", "vaste contactpersoon")
    assert zaak.link_versie == 2


def test_the_same_recipient_in_other_capitals_is_no_change_and_keeps_the_links(wereld):
    """Catches the comparison losing its lower-casing on either side, or being inverted."""
    zaak = Zaak(ontvanger_email="Wi@Test.Local", ontvanger_id=wereld.cp_wi.id, link_versie=3)
    assert pas_route_toe(zaak, wereld.cp_wi, "wi@TEST.local", "opnieuw gerouteerd") is False
    assert (zaak.link_versie, zaak.ontvanger_email) == (3, "wi@TEST.local")


def test_a_dienst_mailbox_has_no_contactpersoon(wereld):
    """Catches ontvanger_id keeping a contactpersoon (`or True`) when the case goes to the general mailbox."""
    zaak = Zaak(ontvanger_email="wi@test.local", ontvanger_id=wereld.cp_wi.id, link_versie=1)
    assert pas_route_toe(zaak, None, wereld.wi.mailbox, "niemand bereikbaar; naar de postbus")
    assert (zaak.ontvanger_id, zaak.ontvanger_email, zaak.link_versie) == (None, wereld.wi.mailbox, 2)


def test_no_recipient_at_all_changes_no_link_version(wereld):
    """Catches `veranderd and email is not None` becoming `or` / `is None`: clearing the recipient revokes
    nothing new (there is no one to send a new link to)."""
    zaak = Zaak(ontvanger_email=None, ontvanger_id=None, link_versie=5)
    assert pas_route_toe(zaak, None, None, "geen ontvanger") is False
    assert zaak.link_versie == 5


def test_the_vervanger_is_offered_only_for_the_vaste_contactpersoon_and_only_when_reachable(db_session, wereld):
    """Catches vervanger_van answering for another contact, for a team without a vaste contactpersoon, or
    ignoring that the vervanger is absent or not reachable."""
    zaak = Zaak(wijkteam_id=wereld.team.id, dienst_id=wereld.wi.id)
    assert vervanger_van(db_session, zaak, wereld.cp_wi.id, DAG).id == wereld.cp_wi_vervanger.id
    assert vervanger_van(db_session, zaak, wereld.teamleider_wi.id, DAG) is None
    assert vervanger_van(db_session, Zaak(wijkteam_id=wereld.ander_team.id, dienst_id=wereld.wi.id),
                         wereld.cp_wi.id, DAG) is None
    assert vervanger_van(db_session, Zaak(wijkteam_id=wereld.team.id, dienst_id=wereld.wmo.id),
                         wereld.cp_wmo.id, DAG) is None  # the Wmo contact has no vervanger
    db_session.add(Afwezigheid(contactpersoon_id=wereld.cp_wi_vervanger.id, van=DAG, tot=DAG))
    db_session.flush()
    assert vervanger_van(db_session, zaak, wereld.cp_wi.id, DAG) is None
    assert vervanger_van(db_session, zaak, wereld.cp_wi.id, date(2026, 3, 11)).id == wereld.cp_wi_vervanger.id
    wereld.cp_wi_vervanger.actief = False
    db_session.flush()
    assert vervanger_van(db_session, zaak, wereld.cp_wi.id, date(2026, 3, 11)) is None


def test_an_absence_that_has_not_begun_does_not_count_and_the_latest_ending_one_is_named(db_session, wereld):
    """Catches afwezigheid_op forgetting `van <= dag` (a holiday planned for next month would send today's
    case to the vervanger), or naming any of two overlapping absences instead of the one that ends last."""
    db_session.add(Afwezigheid(contactpersoon_id=wereld.cp_wi.id, van=date(2026, 4, 1), tot=date(2026, 4, 10)))
    db_session.flush()
    r = routeer(db_session, wereld.team.id, wereld.wi.id, DAG)
    assert (r.contactpersoon.id, r.email) == (wereld.cp_wi.id, "wi@test.local")
    db_session.add_all([Afwezigheid(contactpersoon_id=wereld.cp_wi.id, van=date(2026, 3, 2), tot=date(2026, 3, 12)),
                        Afwezigheid(contactpersoon_id=wereld.cp_wi.id, van=date(2026, 3, 9), tot=date(2026, 3, 20))])
    db_session.flush()
    r = routeer(db_session, wereld.team.id, wereld.wi.id, DAG)
    assert (r.contactpersoon.id, r.email) == (wereld.cp_wi_vervanger.id, "wi.vervanger@test.local")
    assert "afwezig van 09-03-2026 t/m 20-03-2026" in r.reden


def test_an_unreachable_vervanger_sends_the_case_to_the_mailbox_and_says_why(db_session, wereld):
    """Catches the mailbox branch for an unreachable vervanger losing its address, its reason or its shape,
    and the reason for an undeliverable vaste contactpersoon being dropped."""
    wereld.cp_wi.onbestelbaar_sinds = NU
    wereld.cp_wi_vervanger.actief = False
    db_session.flush()
    r = routeer(db_session, wereld.team.id, wereld.wi.id, DAG)
    assert (r.contactpersoon, r.email) == (None, "wi-postbus@test.local")
    assert r.reden == ("het e-mailadres van Sanne Vos (vaste contactpersoon) is onbestelbaar; vervanger Ahmed "
                       "Bakker is niet actief of onbestelbaar; naar de algemene mailbox van Werk & Inkomen "
                       "(wi-postbus@test.local).")
