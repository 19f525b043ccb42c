"""Small database helpers that differ per dialect (PostgreSQL in production, SQLite in development)."""
from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_if_absent(session: Session, model, values: dict, conflict_columns: list[str], *, index_where=None
                     ) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: safe when two requests create the same row at once. `index_where`
    names a partial unique index's condition (the conflict target is then that index)."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict_columns,
                                                                                index_where=index_where)
    elif dialect == "sqlite":
        stmt = sqlite.insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict_columns,
                                                                            index_where=index_where)
    else:  # pragma: no cover - only the two supported databases
        stmt = insert(model).values(**values)
    session.execute(stmt)
