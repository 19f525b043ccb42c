"""The case lock reads the case afresh (workflows/usecases.py `vergrendel`), on PostgreSQL.

Written against a mutant mutmut left alive (docs/testing.md, "Mutation testing"): `populate_existing` off. A
case read earlier in the same transaction stays in the session; when another transaction changed it since, the
lock (SELECT ... FOR UPDATE) must replace what the session holds, or the use case acts on a stale status. Only
PostgreSQL shows it: on SQLite every transaction is BEGIN IMMEDIATE, so the other writer cannot get in between.
"""
from __future__ import annotations

import pytest
from sqlalchemy import create_engine, update
from sqlalchemy.orm import Session

from tests.conftest import NU
from workflows import usecases
from workflows.models import Status, Zaak, ZaakSoort
from workflows.overgangen import Actor


def test_the_lock_reads_a_case_changed_since_the_session_first_read_it(app, db_session, wereld, database_url):
    """Fails when vergrendel keeps the session's stale copy (mutmut: populate_existing=None)."""
    if not database_url.startswith("postgresql"):
        pytest.skip(reason="SQLite serialises every transaction (BEGIN IMMEDIATE): no other writer gets in between")
    zaak = usecases.zaak_aanmaken(db_session, Actor.gebruiker(wereld.manager), ZaakSoort.ESCALATIE,
                                  wereld.invoer(dienst=wereld.wmo), NU, versturen=True).zaak
    db_session.commit()
    assert db_session.get(Zaak, zaak.id).status == Status.VERSTUURD  # read: the session holds this copy now
    engine = create_engine(database_url)
    try:
        with Session(engine) as ander:
            ander.execute(update(Zaak).where(Zaak.id == zaak.id).values(status=Status.ONTVANGEN))
            ander.commit()
    finally:
        engine.dispose()
    assert usecases.vergrendel(db_session, zaak.id).status == Status.ONTVANGEN
    db_session.rollback()
