"""The maatwerkbudget's ledger: committed, paid and returned in cents; append-only; never overspent."""
import threading
from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from tests.conftest import NU
from tests.maatwerk_gegevens import Maatwerk
from workflows.fouten import OngeldigeInvoer
from workflows.maatwerk import aanvragen as mw
from workflows.maatwerk import budget as budgetboek
from workflows.maatwerk.budget import BudgetOntoereikend
from workflows.maatwerk.modellen import (
    AanvraagStatus,
    BudgetMutatieSoort,
    MaatwerkAanvraag,
    MaatwerkBeoordeling,
    MaatwerkMutatie,
    Oordeel,
)


@pytest.fixture
def maatwerk(db_session, wereld):
    m = Maatwerk(db_session, wereld)
    db_session.commit()
    return m


def _stand(s, w):
    return budgetboek.lees_budget(s, w.team.id, 2026)[0]


@pytest.mark.parametrize("tekst, centen", [("450", 45000), ("450,50", 45050), ("1.250", 125000),
                                           ("1.250,05", 125005), ("€ 75", 7500), ("12.5", 1250), ("0,01", 1)])
def test_an_amount_is_read_as_dutch_writes_it_into_exact_cents(tekst, centen):
    assert budgetboek.lees_bedrag(tekst) == centen


@pytest.mark.parametrize("tekst", ["", "abc", "12,345", "1.2.3", "-5", "1e3"])
def test_an_amount_that_is_no_amount_is_refused_in_dutch(tekst):
    with pytest.raises(OngeldigeInvoer) as fout:
        budgetboek.lees_bedrag(tekst)
    assert fout.value.veld == "bedrag" and ("bedrag" in fout.value.melding.lower())


def test_a_request_commits_its_amount_and_asks_the_two_other_disciplines(db_session, maatwerk, wereld):
    aanvraag = maatwerk.vraag(db_session, NU)
    assert aanvraag.nummer == "MW-2026-0001" and aanvraag.bedrag_centen == 45050
    assert aanvraag.crediteur_iban == "NL91ABNA0417164300"
    assert sorted(b.discipline for b in aanvraag.beoordelingen) == ["inkomen", "schuldhulp"]
    stand = _stand(db_session, wereld)
    assert (stand.bedrag, stand.vastgelegd, stand.beschikbaar, stand.in_behandeling) == (100_000, 45050, 54950, 45050)


def test_a_refusal_returns_the_amount_and_a_payment_is_booked_once(db_session, maatwerk, wereld):
    a = maatwerk.vraag(db_session, NU)
    mw.beoordelen(db_session, a.id, maatwerk.schuldhulp.id, Oordeel.NIET_AKKOORD, "Voorliggende voorziening.", NU,
                  kanaal="scherm")
    assert a.status == AanvraagStatus.AFGEWEZEN
    assert _stand(db_session, wereld).beschikbaar == 100_000

    b = maatwerk.vraag(db_session, NU, bedrag="200")
    for p in (maatwerk.schuldhulp, maatwerk.inkomen):
        mw.beoordelen(db_session, b.id, p.id, Oordeel.AKKOORD, "", NU, kanaal="scherm")
    opdracht = mw.betaalronde(db_session, NU + timedelta(hours=1)).betaalopdracht
    mw.betaald_melden(db_session, opdracht.id, None, "Fenna Financiën", "e-mail", NU + timedelta(hours=3))
    mw.betaald_melden(db_session, opdracht.id, None, "Fenna Financiën", "e-mail", NU + timedelta(hours=4))
    stand = _stand(db_session, wereld)
    assert (stand.betaald, stand.in_behandeling, stand.beschikbaar) == (20_000, 0, 80_000)
    soorten = [m.soort for m in db_session.scalars(select(MaatwerkMutatie).order_by(MaatwerkMutatie.id))]
    assert soorten == [BudgetMutatieSoort.VASTGELEGD, BudgetMutatieSoort.TERUGGEBOEKT,
                       BudgetMutatieSoort.VASTGELEGD, BudgetMutatieSoort.BETAALD]


def test_a_request_beyond_what_is_left_is_refused_and_writes_nothing(db_session, maatwerk, wereld):
    maatwerk.vraag(db_session, NU, bedrag="900")
    db_session.commit()
    with pytest.raises(BudgetOntoereikend) as fout:
        maatwerk.vraag(db_session, NU, bedrag="100,01")
    db_session.rollback()
    assert "nog € 100 beschikbaar" in fout.value.melding and "niets aangevraagd" in fout.value.melding
    assert db_session.query(MaatwerkAanvraag).count() == 1
    assert db_session.query(MaatwerkBeoordeling).count() == 2


def test_the_ledger_refuses_change_and_deletion_in_the_database(db_session, maatwerk):
    maatwerk.vraag(db_session, NU)
    db_session.commit()
    for sql in ("UPDATE maatwerk_mutatie SET bedrag_centen = 1", "DELETE FROM maatwerk_mutatie"):
        with pytest.raises(DatabaseError):
            db_session.execute(text(sql))
        db_session.rollback()
    assert db_session.query(MaatwerkMutatie).one().bedrag_centen == 45050


def test_the_budget_cannot_be_set_below_what_is_committed(db_session, maatwerk, wereld):
    maatwerk.vraag(db_session, NU, bedrag="600")
    with pytest.raises(OngeldigeInvoer) as fout:
        budgetboek.budget_instellen(db_session, wereld.team.id, 2026, 50_000)
    assert "al € 600 vastgelegd" in fout.value.melding


def test_ten_concurrent_requests_never_commit_more_than_the_budget(app, db_session, maatwerk, wereld):
    """€ 1.000 budget, ten requests of € 300 at once: exactly three pass, the ledger holds € 900."""
    from app.extensions import db
    from workflows.models import Gebruiker
    from workflows.termijnen import kalender

    medewerker_id = wereld.medewerker.id  # read here: the threads must not touch this session's objects
    db_session.rollback()  # and end the read's transaction: on SQLite it holds the write lock
    start = threading.Barrier(10)
    uitkomsten: list[str] = []
    slot = threading.Lock()

    def vraag() -> None:
        with app.app_context():
            session = db.session
            start.wait(timeout=30)
            try:
                g = session.get(Gebruiker, medewerker_id)
                mw.aanvragen(session, g, Maatwerk.invoer(bedrag="300"), NU, kalender(session))
                session.commit()
                uitkomst = "aangevraagd"
            except BudgetOntoereikend:
                session.rollback()
                uitkomst = "vol"
            except Exception as e:  # reported, so the assertion shows what went wrong
                session.rollback()
                uitkomst = f"fout: {type(e).__name__}: {e}"
            finally:
                session.remove()
            with slot:
                uitkomsten.append(uitkomst)

    threads = [threading.Thread(target=vraag) for _ in range(10)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert sorted(uitkomsten) == ["aangevraagd"] * 3 + ["vol"] * 7, uitkomsten
    db_session.expire_all()
    stand = _stand(db_session, wereld)
    assert (stand.vastgelegd, stand.beschikbaar) == (90_000, 10_000)
    assert sorted(a.nummer for a in db_session.scalars(select(MaatwerkAanvraag))) == [
        "MW-2026-0001", "MW-2026-0002", "MW-2026-0003"]
