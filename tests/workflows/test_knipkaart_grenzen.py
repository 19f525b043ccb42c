"""The knipkaart ledger at its edges: the quota's bounds, the configured default, a return that cannot happen,
and a quota lowered while a knip is being spent.

Written against the mutants that survived `make mutation` (docs/testing.md) in workflows/knipkaart.py: each
test names the change it catches.
"""
import threading
import time

import pytest

from tests.conftest import NU
from workflows import knipkaart
from workflows.fouten import KnipkaartVol, OngeldigeInvoer
from workflows.knipkaart import jaar_van
from workflows.models import KnipkaartMutatie, MutatieSoort, ZaakSoort
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren

JAAR = jaar_van(NU)


def _concept(session, wereld):
    return nieuwe_zaak(session, Actor.gebruiker(wereld.manager), ZaakSoort.KNIP, wereld.invoer(), NU)


def _concept_van(session, wereld, team):
    manager = wereld.manager if team.id == wereld.team.id else wereld.andere_manager
    return nieuwe_zaak(session, Actor.gebruiker(manager), ZaakSoort.KNIP, wereld.invoer(), NU)


@pytest.mark.parametrize("quotum", [0, 1000])
def test_a_quota_of_zero_or_a_thousand_may_be_set(db_session, wereld, quotum):
    """Catches the bounds check refusing its own edges (`<= 0`, `< 1`, `>= 1000`)."""
    assert knipkaart.quotum_instellen(db_session, wereld.team.id, JAAR, quotum).quotum == quotum


@pytest.mark.parametrize("quotum", [-1, 1001])
def test_a_quota_outside_zero_to_a_thousand_is_refused_on_its_field(db_session, wereld, quotum):
    """Catches the bounds check letting these through (`and` for `or`, 1001 for 1000) or losing its message or
    the field the form shows it on."""
    with pytest.raises(OngeldigeInvoer) as fout:
        knipkaart.quotum_instellen(db_session, wereld.team.id, JAAR, quotum)
    assert (fout.value.melding, fout.value.veld) == ("Het quotum moet tussen 0 en 1000 liggen.", "quotum")


def test_a_quota_equal_to_what_was_spent_is_allowed_and_one_lower_is_refused_with_the_count(db_session, wereld):
    """Catches `quotum < netto_ingezet` becoming `<=`, and the refusal losing its message or field."""
    for _ in range(2):
        uitvoeren(db_session, Actor.gebruiker(wereld.manager), _concept(db_session, wereld), "versturen", NU)
    assert knipkaart.quotum_instellen(db_session, wereld.team.id, JAAR, 2).quotum == 2
    with pytest.raises(OngeldigeInvoer) as fout:
        knipkaart.quotum_instellen(db_session, wereld.team.id, JAAR, 1)
    assert fout.value.veld == "quotum"
    assert fout.value.melding == f"Er zijn in {JAAR} al 2 knippen ingezet; het quotum kan niet lager zijn."


def test_a_new_card_takes_the_configured_default_quota(db_session, wereld):
    """Catches knip_inzetten not passing STANDAARD_QUOTUM on (the card would get 5 whatever is configured)."""
    eerste, tweede = _concept(db_session, wereld), _concept(db_session, wereld)
    knipkaart.knip_inzetten(db_session, eerste, "Mila Manager", NU, standaard_quotum=1)
    with pytest.raises(KnipkaartVol) as vol:
        knipkaart.knip_inzetten(db_session, tweede, "Mila Manager", NU, standaard_quotum=1)
    assert vol.value.melding == (f"De knipkaart {JAAR} van dit wijkteam is vol: alle 1 knippen zijn ingezet. "
                                 "Er is niets verstuurd. Open een escalatie, of vraag de beheerder om een hoger "
                                 "quotum.")


def test_reading_a_card_that_does_not_exist_shows_the_default_and_creates_nothing(db_session, wereld):
    """Catches lees_kaart creating the card, answering another quota than the configured default, or giving
    the ledger of another card or in another order."""
    stand, mutaties = knipkaart.lees_kaart(db_session, wereld.team.id, JAAR, standaard_quotum=7)
    assert (stand, mutaties) == (knipkaart.KaartStand(JAAR, 7, 0, 0), [])
    assert db_session.query(knipkaart.Knipkaart).count() == 0
    eerste, tweede = _concept(db_session, wereld), _concept(db_session, wereld)
    a = knipkaart.knip_inzetten(db_session, eerste, "Mila Manager", NU)
    b = knipkaart.knip_inzetten(db_session, tweede, "Mila Manager", NU)
    c = knipkaart.knip_teruggeven(db_session, eerste, "Mila Manager", "ingetrokken", NU)
    knipkaart.knip_inzetten(db_session, _concept_van(db_session, wereld, wereld.ander_team), "Olga Oost", NU)
    knipkaart.quotum_instellen(db_session, wereld.team.id, JAAR + 1, 9)  # next year's card is another card
    stand, mutaties = knipkaart.lees_kaart(db_session, wereld.team.id, JAAR, standaard_quotum=7)
    assert (stand.jaar, stand.quotum, stand.ingezet, stand.teruggegeven, stand.resterend) == (JAAR, 5, 2, 1, 4)
    assert [m.id for m in mutaties] == [a.id, b.id, c.id]


def test_a_spend_is_recorded_without_a_reason_and_a_return_with_its_reason(db_session, wereld):
    """Catches the spent entry getting a made-up reason, or the return losing the reason it was given."""
    zaak = _concept(db_session, wereld)
    ingezet = knipkaart.knip_inzetten(db_session, zaak, "Mila Manager", NU)
    terug = knipkaart.knip_teruggeven(db_session, zaak, "Sanne Vos", "Regulier opgelost", NU)
    assert [(m.soort, m.door, m.reden) for m in (ingezet, terug)] == [
        (MutatieSoort.INGEZET, "Mila Manager", ""), (MutatieSoort.TERUGGEGEVEN, "Sanne Vos", "Regulier opgelost")]


def test_a_knip_is_returned_once_and_a_case_without_one_has_nothing_to_return(db_session, wereld):
    """Catches the net count of knip_teruggeven being miscounted (`+1`, `2`, `-2`, `or True`) or its check
    becoming `netto < 0`: a second return, or a return for a case that never spent, must be refused with
    the reason, before the database is asked."""
    zaak = _concept(db_session, wereld)
    with pytest.raises(OngeldigeInvoer, match="^Voor deze zaak staat geen knip op de kaart die teruggegeven kan"):
        knipkaart.knip_teruggeven(db_session, zaak, "Mila Manager", "niets", NU)
    knipkaart.knip_inzetten(db_session, zaak, "Mila Manager", NU)
    knipkaart.knip_teruggeven(db_session, zaak, "Mila Manager", "ingetrokken", NU)
    with pytest.raises(OngeldigeInvoer, match="^Voor deze zaak staat geen knip op de kaart die teruggegeven kan"):
        knipkaart.knip_teruggeven(db_session, zaak, "Mila Manager", "nog eens", NU)
    assert db_session.query(KnipkaartMutatie).count() == 2


def test_a_quota_lowered_while_a_knip_is_being_spent_never_ends_below_what_was_spent(app, database_url, db_session,
                                                                                    wereld):
    """Catches quotum_instellen not locking the card (`vergrendel` dropped or False): it would count the
    ledger while a spend is still open, set the quota below it, and the card would be overspent. With the
    lock it waits for the spend, counts it, and refuses. (PostgreSQL: SQLite runs one writer at a time.)"""
    from app.extensions import db

    if not database_url.startswith("postgresql"):
        pytest.skip(reason="row locks: on SQLite every transaction takes the database's write lock")

    zaak_id = _concept(db_session, wereld).id
    knipkaart.kaart(db_session, wereld.team.id, JAAR)
    db_session.commit()
    ingezet, klaar = threading.Event(), threading.Event()
    uitkomst: list[str] = []

    def inzetten() -> None:
        with app.app_context():
            from workflows.models import Zaak

            knipkaart.knip_inzetten(db.session, db.session.get(Zaak, zaak_id), "Mila Manager", NU)
            ingezet.set()  # the card is locked and the entry written, not yet committed
            klaar.wait(timeout=30)
            time.sleep(1)  # the other transaction is now reading the card
            db.session.commit()
            db.session.remove()

    def verlagen() -> None:
        with app.app_context():
            ingezet.wait(timeout=30)
            klaar.set()
            try:
                knipkaart.quotum_instellen(db.session, wereld.team.id, JAAR, 0)
                db.session.commit()
                uitkomst.append("verlaagd")
            except OngeldigeInvoer:
                db.session.rollback()
                uitkomst.append("geweigerd")
            finally:
                db.session.remove()

    draden = [threading.Thread(target=inzetten), threading.Thread(target=verlagen)]
    for d in draden:
        d.start()
    for d in draden:
        d.join(timeout=60)
    db_session.expire_all()
    stand = knipkaart.stand(db_session, knipkaart.kaart(db_session, wereld.team.id, JAAR))
    assert (uitkomst, stand.ingezet, stand.quotum) == (["geweigerd"], 1, 5)

