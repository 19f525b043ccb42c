"""Races on one case: with threads released together, each race acts once (issue 11).

Every use case locks the case row first (SELECT ... FOR UPDATE on PostgreSQL; BEGIN IMMEDIATE on
SQLite), so the second of two concurrent changes sees the first one's result. On top of that, the
database refuses a second spend or return for one case (uq_knipkaart_mutatie_zaak_soort).
"""
from __future__ import annotations

import threading
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tests.conftest import NU
from workflows import usecases
from workflows.fouten import DomeinFout
from workflows.models import Gebeurtenis, KnipkaartMutatie, MutatieSoort, Status, Zaak, ZaakSoort
from workflows.zaken import Actor


def samen(app, *werk) -> list[str]:
    """Run each function in its own thread, session and transaction, released together; 'ok' or the error."""
    from app.extensions import db

    start = threading.Barrier(len(werk))
    uit: list[str] = [""] * len(werk)

    def draai(i, f):
        with app.app_context():
            start.wait(timeout=30)
            try:
                f(db.session)
                db.session.commit()
                uit[i] = "ok"
            except (DomeinFout, IntegrityError) as e:
                db.session.rollback()
                uit[i] = type(e).__name__
            except Exception as e:  # shown in the assertion, never swallowed
                db.session.rollback()
                uit[i] = f"fout: {type(e).__name__}: {e}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=draai, args=(i, f)) for i, f in enumerate(werk)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(timeout=120)
    return uit


def _knip(db_session, wereld, versturen=True) -> int:
    """A sent (or concept) knip; the actors the threads need are read before, for the same reason."""
    wereld.manager_actor, wereld.dienst_actor = Actor.gebruiker(wereld.manager), _dienst(wereld)
    r = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.KNIP, wereld.invoer(), NU,
                               versturen=versturen)
    zaak_id = r.zaak.id
    db_session.commit()  # and touch nothing after: on SQLite a read would start a transaction that holds the lock
    return zaak_id


def _dienst(wereld) -> Actor:
    return Actor.dienst("Sanne Vos (Werk & Inkomen)", wereld.cp_wi.id, "contactpersoon")


def _teruggaven(db_session, zaak_id) -> int:
    return db_session.execute(select(func.count()).select_from(KnipkaartMutatie).where(
        KnipkaartMutatie.zaak_id == zaak_id, KnipkaartMutatie.soort == MutatieSoort.TERUGGEGEVEN)).scalar_one()


def test_a_regulier_reply_against_a_withdrawal_returns_the_knip_once(app, db_session, wereld):
    zaak_id = _knip(db_session, wereld)
    manager = wereld.manager_actor
    uit = samen(app,
                lambda s: usecases.antwoord_toepassen(s, wereld.dienst_actor, zaak_id, "REGULIER binnen de regels", NU),
                lambda s: usecases.handelen(s, manager, zaak_id, "intrekken", NU, toelichting="Zelf opgelost"))
    assert sorted(uit) == ["OngeldigeOvergang", "ok"], uit
    db_session.expire_all()
    assert _teruggaven(db_session, zaak_id) == 1
    assert db_session.get(Zaak, zaak_id).status in (Status.OPGELOST, Status.TERUGGETROKKEN)


def test_two_sends_of_one_concept_spend_one_knip(app, db_session, wereld):
    zaak_id = _knip(db_session, wereld, versturen=False)
    manager = wereld.manager_actor
    uit = samen(app, *[lambda s: usecases.handelen(s, manager, zaak_id, "versturen", NU) for _ in range(4)])
    assert sorted(uit) == ["OngeldigeOvergang"] * 3 + ["ok"], uit
    db_session.expire_all()
    assert db_session.execute(select(func.count()).select_from(KnipkaartMutatie)).scalar_one() == 1
    assert db_session.execute(select(func.count()).select_from(Gebeurtenis).where(
        Gebeurtenis.zaak_id == zaak_id, Gebeurtenis.actie == "versturen")).scalar_one() == 1


def test_a_quarantined_mail_applied_while_the_contacts_own_reply_arrives_applies_one(app, db_session, wereld):
    from app.links import link_url
    from app.mail import instellingen
    from notifications.inkomend import handmatig_toepassen
    from notifications.models import InkomendeMail, InkomendStatus

    zaak_id = _knip(db_session, wereld)
    rij = InkomendeMail(message_id="<q1@test>", identiteit="q1-test", ontvangen_op=NU, kanaal="test", afzender="iemand@elders.test",
                        aan="zaak@reply.localhost", onderwerp="Re: knip", volledige_tekst="UITGEVOERD", ruw=b"",
                        tekst="UITGEVOERD door de postbus", status=InkomendStatus.QUARANTAINE)
    db_session.add(rij)
    db_session.flush()
    rij_id = rij.id
    db_session.commit()

    def beheerder(s):
        handmatig_toepassen(s, s.get(InkomendeMail, rij_id), s.get(Zaak, zaak_id), "Bea Beheer", NU, link_url,
                            instellingen())

    uit = samen(app, beheerder,
                lambda s: usecases.antwoord_toepassen(s, wereld.dienst_actor, zaak_id, "UITGEVOERD vandaag", NU))
    assert sorted(uit) == ["OngeldigeOvergang", "ok"], uit
    db_session.expire_all()
    assert db_session.execute(select(func.count()).select_from(Gebeurtenis).where(
        Gebeurtenis.zaak_id == zaak_id, Gebeurtenis.actie == "uitgevoerd")).scalar_one() == 1


def test_a_bounce_reroute_against_a_decision_never_reroutes_a_decided_case(app, db_session, wereld):
    from sqlalchemy import update

    from workflows.models import Contactpersoon

    zaak_id = _knip(db_session, wereld)  # routed to Sanne Vos, whose address then bounces
    db_session.execute(update(Contactpersoon).where(Contactpersoon.id == wereld.dienst_actor.contactpersoon_id)
                       .values(onbestelbaar_sinds=NU))
    db_session.commit()
    uit = samen(app,
                lambda s: usecases.herrouteren(s, zaak_id, NU, "Mail aan wi@test.local was onbestelbaar."),
                lambda s: usecases.handelen(s, wereld.dienst_actor, zaak_id, "uitgevoerd", NU))
    assert uit == ["ok", "ok"], uit
    db_session.expire_all()
    acties = db_session.scalars(select(Gebeurtenis.actie).where(Gebeurtenis.zaak_id == zaak_id)
                                .order_by(Gebeurtenis.id)).all()
    assert acties[-1] in ("uitgevoerd", "versturen", "gerouteerd") or acties.index("herrouteerd") < acties.index(
        "uitgevoerd"), acties
    assert acties.count("herrouteerd") <= 1 and acties.count("uitgevoerd") == 1


def test_two_scheduler_steps_on_one_case_climb_once(app, db_session, wereld):
    zaak_id = _knip(db_session, wereld)  # knip: react by Wednesday 11 March 17:00
    na = datetime(2026, 3, 20, 12, 0, tzinfo=timezone.utc)
    uit = samen(app, *[lambda s: usecases.termijnstappen_nemen(s, zaak_id, na) for _ in range(3)])
    assert uit == ["ok"] * 3, uit
    db_session.expire_all()
    acties = db_session.scalars(select(Gebeurtenis.actie).where(Gebeurtenis.zaak_id == zaak_id)).all()
    assert acties.count("termijn_verlopen") == 1
    assert acties.count("opgeschaald") + acties.count("ladder_uitgeput") == 1


def test_the_database_refuses_a_second_spend_or_return_for_one_case(app, db_session, wereld):
    zaak_id = _knip(db_session, wereld)
    eerste = db_session.scalars(select(KnipkaartMutatie).where(KnipkaartMutatie.zaak_id == zaak_id)).one()
    for soort in (MutatieSoort.INGEZET, MutatieSoort.TERUGGEGEVEN):
        db_session.add(KnipkaartMutatie(knipkaart_id=eerste.knipkaart_id, zaak_id=zaak_id, soort=soort, op=NU,
                                        door="test", reden=""))
        if soort == MutatieSoort.INGEZET:
            with pytest.raises(IntegrityError):
                db_session.flush()
            db_session.rollback()
        else:
            db_session.flush()  # the first return is fine
            db_session.add(KnipkaartMutatie(knipkaart_id=eerste.knipkaart_id, zaak_id=zaak_id, soort=soort, op=NU,
                                            door="test", reden=""))
            with pytest.raises(IntegrityError):
                db_session.flush()
            db_session.rollback()
