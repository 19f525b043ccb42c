"""The knipkaart ledger: quota 5 unless overridden, spend / return / withdraw, never beyond the quota."""
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import NU
from workflows import knipkaart
from workflows.fouten import KnipkaartVol, OngeldigeInvoer
from workflows.models import KnipkaartMutatie, MutatieSoort, Status, ZaakSoort
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren


def _knip(session, wereld, now=NU, **over):
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(session, manager, ZaakSoort.KNIP, wereld.invoer(**over), now)
    uitvoeren(session, manager, zaak, "versturen", now)
    return zaak


def test_a_new_card_has_the_default_quota_of_five(db_session, wereld):
    kaart = knipkaart.kaart(db_session, wereld.team.id, 2026)
    assert knipkaart.stand(db_session, kaart).resterend == 5


def test_spending_a_knip_lowers_what_remains_on_this_years_card(db_session, wereld):
    _knip(db_session, wereld)
    stand = knipkaart.stand(db_session, knipkaart.kaart(db_session, wereld.team.id, 2026))
    assert (stand.ingezet, stand.teruggegeven, stand.resterend) == (1, 0, 4)


def test_the_sixth_knip_of_a_year_is_refused_and_changes_nothing(db_session, wereld):
    for _ in range(5):
        _knip(db_session, wereld)
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.KNIP, wereld.invoer(), NU)
    with pytest.raises(KnipkaartVol, match="vol"):
        uitvoeren(db_session, manager, zaak, "versturen", NU)
    assert db_session.query(KnipkaartMutatie).count() == 5


def test_the_card_year_is_the_calendar_year_in_amsterdam(db_session, wereld):
    # 31 December 23:30 UTC is already 1 January in Amsterdam.
    oudjaar = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)
    _knip(db_session, wereld, now=oudjaar)
    assert knipkaart.stand(db_session, knipkaart.kaart(db_session, wereld.team.id, 2027)).ingezet == 1
    assert knipkaart.stand(db_session, knipkaart.kaart(db_session, wereld.team.id, 2026)).ingezet == 0


def test_a_quota_set_for_a_team_and_year_applies_to_that_card_only(db_session, wereld):
    knipkaart.quotum_instellen(db_session, wereld.team.id, 2026, 1)
    _knip(db_session, wereld)
    with pytest.raises(KnipkaartVol):
        _knip(db_session, wereld)
    assert knipkaart.stand(db_session, knipkaart.kaart(db_session, wereld.ander_team.id, 2026)).quotum == 5


def test_a_quota_below_what_was_spent_is_refused(db_session, wereld):
    _knip(db_session, wereld)
    _knip(db_session, wereld)
    with pytest.raises(OngeldigeInvoer):
        knipkaart.quotum_instellen(db_session, wereld.team.id, 2026, 1)


def test_regulier_returns_the_knip_to_the_card_with_a_new_ledger_entry(db_session, wereld):
    zaak = _knip(db_session, wereld)
    uitvoeren(db_session, Actor.dienst("Sanne Vos (W&I)", wereld.cp_wi.id), zaak, "regulier", NU + timedelta(hours=2),
              toelichting="")
    stand = knipkaart.stand(db_session, knipkaart.kaart(db_session, wereld.team.id, 2026))
    assert (stand.ingezet, stand.teruggegeven, stand.resterend) == (1, 1, 5)
    soorten = [m.soort for m in db_session.query(KnipkaartMutatie).order_by(KnipkaartMutatie.id)]
    assert soorten == [MutatieSoort.INGEZET, MutatieSoort.TERUGGEGEVEN]


def test_bezwaar_keeps_the_knip_spent(db_session, wereld):
    zaak = _knip(db_session, wereld)
    uitvoeren(db_session, Actor.dienst("Sanne Vos (W&I)", wereld.cp_wi.id), zaak, "bezwaar", NU,
              toelichting="Wij zien een juridisch risico")
    assert zaak.status == Status.OPGELOST
    assert knipkaart.stand(db_session, knipkaart.kaart(db_session, wereld.team.id, 2026)).resterend == 4


def test_a_withdrawn_knip_that_was_not_executed_is_returned(db_session, wereld):
    zaak = _knip(db_session, wereld)
    uitvoeren(db_session, Actor.gebruiker(wereld.manager), zaak, "intrekken", NU, toelichting="Toch niet nodig")
    assert zaak.status == Status.TERUGGETROKKEN
    assert knipkaart.stand(db_session, knipkaart.kaart(db_session, wereld.team.id, 2026)).resterend == 5


def test_a_withdrawn_concept_never_touched_the_card(db_session, wereld):
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.KNIP, wereld.invoer(), NU)
    uitvoeren(db_session, manager, zaak, "intrekken", NU, toelichting="Concept weggooien")
    assert db_session.query(KnipkaartMutatie).count() == 0


def test_the_ledger_is_append_only(db_session, wereld):
    zaak = _knip(db_session, wereld)
    uitvoeren(db_session, Actor.gebruiker(wereld.manager), zaak, "intrekken", NU, toelichting="weg")
    mutaties = db_session.query(KnipkaartMutatie).order_by(KnipkaartMutatie.id).all()
    assert len(mutaties) == 2 and mutaties[0].soort == MutatieSoort.INGEZET
