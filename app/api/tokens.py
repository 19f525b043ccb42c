"""Personal API tokens: shown once, stored as SHA-256, revocable. `flask --app app create-token EMAIL`."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

import click
from flask import Flask, g, request
from sqlalchemy import func, select

from workflows.models import ApiToken, Gebruiker

from .. import audit
from ..extensions import db

VOORVOEGSEL = "kk_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def maak_token(gebruiker: Gebruiker, naam: str, now: datetime) -> str:
    """A new token for this user; the caller shows it once, only its hash is kept."""
    token = VOORVOEGSEL + secrets.token_urlsafe(32)
    db.session.add(ApiToken(gebruiker_id=gebruiker.id, hash=_hash(token), naam=naam[:120], aangemaakt_op=now))
    return token


def gebruiker_bij_verzoek() -> Gebruiker | None:
    """The active user whose valid, unrevoked token is in `Authorization: Bearer ...`; None otherwise."""
    kop = request.headers.get("Authorization", "")
    soort, _, token = kop.partition(" ")
    if soort.lower() != "bearer" or not token.startswith(VOORVOEGSEL) or len(token) > 200:
        return None
    rij = db.session.execute(select(ApiToken).where(ApiToken.hash == _hash(token.strip()))).scalar_one_or_none()
    if rij is None or rij.ingetrokken_op is not None or not rij.gebruiker.actief:
        return None
    rij.laatst_gebruikt_op = datetime.now(timezone.utc)
    g.api_token_id = rij.id
    audit.zet_actor(rij.gebruiker.email, rij.gebruiker.rol.value, rij.gebruiker.id)
    return rij.gebruiker


@click.command("create-token")
@click.argument("email")
@click.option("--naam", default="", help="Waarvoor het token dient (bijvoorbeeld: koppeling zaaksysteem).")
def create_token(email: str, naam: str) -> None:
    """Maak een API-token voor de gebruiker met dit e-mailadres en toon het (eenmalig)."""
    gebruiker = db.session.execute(select(Gebruiker).where(func.lower(Gebruiker.email) == email.strip().lower())
                                   ).scalar_one_or_none()
    if gebruiker is None or not gebruiker.actief:
        raise click.ClickException(f"Geen actieve gebruiker met e-mailadres {email}.")
    token = maak_token(gebruiker, naam or "aangemaakt via de opdrachtregel", datetime.now(timezone.utc))
    db.session.commit()
    click.echo(token)


@click.command("revoke-tokens")
@click.argument("email")
def revoke_tokens(email: str) -> None:
    """Trek alle API-tokens van deze gebruiker in."""
    gebruiker = db.session.execute(select(Gebruiker).where(func.lower(Gebruiker.email) == email.strip().lower())
                                   ).scalar_one_or_none()
    if gebruiker is None:
        raise click.ClickException(f"Geen gebruiker met e-mailadres {email}.")
    now = datetime.now(timezone.utc)
    rijen = db.session.scalars(select(ApiToken).where(ApiToken.gebruiker_id == gebruiker.id,
                                                      ApiToken.ingetrokken_op.is_(None))).all()
    for rij in rijen:
        rij.ingetrokken_op = now
    db.session.commit()
    click.echo(f"{len(rijen)} token(s) ingetrokken.")


def init_app(app: Flask) -> None:
    app.cli.add_command(create_token)
    app.cli.add_command(revoke_tokens)
