"""Small database helpers that differ per dialect (PostgreSQL in production, SQLite in development)."""
from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_if_absent(session: Session, model, values: dict, conflict_columns: list[str]) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: safe when two requests create the same row at once."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        stmt = postgresql.insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict_columns)
    elif dialect == "sqlite":
        stmt = sqlite.insert(model).values(**values).on_conflict_do_nothing(index_elements=conflict_columns)
    else:  # pragma: no cover - only the two supported databases
        stmt = insert(model).values(**values)
    session.execute(stmt)
