"""The same form submitted twice acts once.

Each form carries a one-time key; the key is stored in the same transaction as
the change it caused, before the work, so a second submission either finds it
or waits on the unique index and fails.
"""
from __future__ import annotations

import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflows.models import VerwerktFormulier

from .extensions import db


def nieuwe_sleutel() -> str:
    return secrets.token_hex(16)


def eerder_verwerkt(sleutel: str | None) -> VerwerktFormulier | None:
    if not sleutel:
        return None
    return db.session.execute(select(VerwerktFormulier).where(VerwerktFormulier.sleutel == sleutel)).scalar_one_or_none()


def claim(sleutel: str | None, gebruiker_id: int | None) -> VerwerktFormulier | None:
    """Reserve the key in this transaction; None when there is no key or it was taken meanwhile."""
    if not sleutel or len(sleutel) > 64:
        return None
    rij = VerwerktFormulier(sleutel=sleutel, gebruiker_id=gebruiker_id)
    try:
        with db.session.begin_nested():
            db.session.add(rij)
    except IntegrityError:
        return None
    return rij
