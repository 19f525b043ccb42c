"""The same form submitted twice acts once; the same API request retried acts once.

Each form carries a one-time key made by the server; an API client sends its
own `Idempotency-Key`. The key is stored in the same transaction as the change
it caused, before the work, so a second submission either finds it or waits on
the unique index and fails. A form's key is unique on its own; an API key is
unique per user (two teams may choose the same key) and stored as sent.
"""
from __future__ import annotations

import hashlib
import json
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from workflows.models import VerwerktFormulier

from .extensions import db

FORMULIER, API = "formulier", "api"
MAX_SLEUTEL = 64  # the column's length and what the OpenAPI document promises


def nieuwe_sleutel() -> str:
    return secrets.token_hex(16)


def _zoek(bereik: str, sleutel: str, gebruiker_id: int | None) -> VerwerktFormulier | None:
    stmt = select(VerwerktFormulier).where(VerwerktFormulier.bereik == bereik, VerwerktFormulier.sleutel == sleutel)
    if bereik == API:
        stmt = stmt.where(VerwerktFormulier.gebruiker_id == gebruiker_id)
    return db.session.execute(stmt).scalar_one_or_none()


def _claim(rij: VerwerktFormulier) -> VerwerktFormulier | None:
    try:
        with db.session.begin_nested():
            db.session.add(rij)
    except IntegrityError:
        return None
    return rij


def eerder_verwerkt(sleutel: str | None) -> VerwerktFormulier | None:
    """The form submission this key already made, if any."""
    if not sleutel or len(sleutel) > MAX_SLEUTEL:
        return None
    return _zoek(FORMULIER, sleutel, None)


def claim(sleutel: str | None, gebruiker_id: int | None) -> VerwerktFormulier | None:
    """Reserve a form's key in this transaction; None when there is no key or it was taken meanwhile."""
    if not sleutel or len(sleutel) > MAX_SLEUTEL:
        return None
    return _claim(VerwerktFormulier(bereik=FORMULIER, sleutel=sleutel, gebruiker_id=gebruiker_id))


def verzoek_hash(pad: str, data: dict) -> str:
    """A fingerprint of an API request: the same key with another request is the client's mistake."""
    tekst = json.dumps([pad, data], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(tekst.encode("utf-8")).hexdigest()


def api_eerder(gebruiker_id: int, sleutel: str) -> VerwerktFormulier | None:
    """What this user's request with this Idempotency-Key already did, if anything."""
    return _zoek(API, sleutel, gebruiker_id)


def api_claim(gebruiker_id: int, sleutel: str, vingerafdruk: str) -> VerwerktFormulier | None:
    """Reserve this user's Idempotency-Key in this transaction; None when a concurrent request took it.

    On PostgreSQL the insert waits for a concurrent request with the same key to finish; when that one
    committed, the caller finds its row with `api_eerder` and answers with its result.
    """
    return _claim(VerwerktFormulier(bereik=API, sleutel=sleutel, gebruiker_id=gebruiker_id,
                                    verzoek_hash=vingerafdruk))
