"""The knipkaart ledger is append-only in the database itself (migration 0013), as the audit log is."""
import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from tests.conftest import NU
from workflows import knipkaart
from workflows.knipkaart import jaar_van
from workflows.models import KnipkaartMutatie, MutatieSoort, ZaakSoort
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren


def _grootboek(session):
    session.expire_all()
    return [(m.id, m.soort, m.zaak_id, m.op, m.door, m.reden)
            for m in session.scalars(select(KnipkaartMutatie).order_by(KnipkaartMutatie.id))]


@pytest.fixture
def grootboek(db_session, wereld):
    """Two ledger entries: a knip spent, and returned when the team withdrew it."""
    manager = Actor.gebruiker(wereld.manager)
    zaak = nieuwe_zaak(db_session, manager, ZaakSoort.KNIP, wereld.invoer(), NU)
    uitvoeren(db_session, manager, zaak, "versturen", NU)
    uitvoeren(db_session, manager, zaak, "intrekken", NU, toelichting="Toch niet nodig")
    db_session.commit()
    regels = _grootboek(db_session)
    assert [r[1] for r in regels] == [MutatieSoort.INGEZET, MutatieSoort.TERUGGEGEVEN]
    return regels


@pytest.mark.parametrize("sql", [
    "UPDATE knipkaart_mutatie SET soort = 'ingezet'",
    "UPDATE knipkaart_mutatie SET reden = 'achteraf anders', door = 'iemand anders'",
    "DELETE FROM knipkaart_mutatie WHERE soort = 'teruggegeven'",
    "DELETE FROM knipkaart_mutatie",
])
def test_the_database_refuses_to_change_or_delete_a_ledger_entry(db_session, grootboek, sql):
    """Guards against migration 0013 installing no trigger (or one for UPDATE only, or DELETE only): then
    a console UPDATE or DELETE would rewrite the card's history and these statements would succeed."""
    with pytest.raises(DBAPIError, match="append-only"):
        db_session.execute(text(sql))
    db_session.rollback()
    assert _grootboek(db_session) == grootboek


def test_the_orm_cannot_rewrite_an_entry_either_and_a_correction_is_a_new_entry(db_session, wereld, grootboek):
    """Guards against the same missing trigger, seen from the code: changing an entry's reason through the
    ORM and flushing must fail, while returning a knip (a new entry) keeps working."""
    mutatie = db_session.get(KnipkaartMutatie, grootboek[0][0])
    mutatie.reden = "stilletjes aangepast"
    with pytest.raises(DBAPIError, match="append-only"):
        db_session.flush()
    db_session.rollback()
    assert _grootboek(db_session) == grootboek
    stand = knipkaart.stand(db_session, knipkaart.kaart(db_session, wereld.team.id, jaar_van(NU)))
    assert (stand.ingezet, stand.teruggegeven, stand.resterend) == (1, 1, 5)
