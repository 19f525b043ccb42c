"""The quota holds under concurrent clicks: 20 threads spend on one card with quota 5."""
import threading

from tests.conftest import NU
from workflows import knipkaart
from workflows.fouten import KnipkaartVol
from workflows.models import KnipkaartMutatie, Zaak, ZaakSoort
from workflows.zaken import Actor, nieuwe_zaak, uitvoeren


def test_twenty_concurrent_spends_on_a_card_of_five_give_exactly_five_knips(app, db_session, wereld):
    from app.extensions import db

    manager = Actor.gebruiker(wereld.manager)
    zaak_ids = [nieuwe_zaak(db_session, manager, ZaakSoort.KNIP, wereld.invoer(), NU).id for _ in range(20)]
    knipkaart.kaart(db_session, wereld.team.id, 2026)
    db_session.commit()

    start = threading.Barrier(20)
    uitkomsten: list[str] = []
    slot = threading.Lock()

    def spend(zaak_id: int) -> None:
        with app.app_context():
            session = db.session
            # Wait for all threads before touching the database: on SQLite even a read takes the write lock.
            start.wait(timeout=30)
            try:
                zaak = session.get(Zaak, zaak_id)
                uitvoeren(session, manager, zaak, "versturen", NU)
                session.commit()
                uitkomst = "ingezet"
            except KnipkaartVol:
                session.rollback()
                uitkomst = "vol"
            except Exception as e:  # reported, so the assertion below shows what went wrong
                session.rollback()
                uitkomst = f"fout: {type(e).__name__}: {e}"
            finally:
                session.remove()
            with slot:
                uitkomsten.append(uitkomst)

    threads = [threading.Thread(target=spend, args=(zid,)) for zid in zaak_ids]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert sorted(uitkomsten) == ["ingezet"] * 5 + ["vol"] * 15, uitkomsten
    db_session.expire_all()
    assert db_session.query(KnipkaartMutatie).count() == 5
    stand = knipkaart.stand(db_session, knipkaart.kaart(db_session, wereld.team.id, 2026))
    assert (stand.ingezet, stand.resterend) == (5, 0)
