"""What happens to an account: invitations, reset links, a new password, unlocking. The caller commits.

A one-time link is a random token of 256 bits; only its SHA-256 is stored. It is used up in one UPDATE, so two
clicks on the same link set one password. A new link of the same kind replaces the user's earlier ones.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from flask import current_app, url_for
from sqlalchemy import select, update

from notifications import accountmail
from workflows.models import Gebruiker

from ..extensions import db
from . import tweede_factor
from .models import GEEN_WACHTWOORD, Accounttoken, hash_wachtwoord

UITNODIGING, HERSTEL = "uitnodiging", "herstel"


def wachtwoord_toegestaan(gebruiker: Gebruiker) -> bool:
    """Whether this user's role may log in with a password (WACHTWOORD_LOGIN_ROLLEN)."""
    return gebruiker.rol.value in current_app.config["WACHTWOORD_LOGIN_ROLLEN"]


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def maak_link(gebruiker: Gebruiker, soort: str, geldig: timedelta, now: datetime) -> tuple[str, datetime]:
    """A new one-time token for this user; earlier unused ones of the same kind stop working."""
    db.session.execute(update(Accounttoken)
                       .where(Accounttoken.gebruiker_id == gebruiker.id, Accounttoken.soort == soort,
                              Accounttoken.gebruikt_op.is_(None))
                       .values(gebruikt_op=now).execution_options(synchronize_session=False))
    token = secrets.token_urlsafe(32)
    db.session.add(Accounttoken(gebruiker_id=gebruiker.id, soort=soort, hash=_hash(token), aangemaakt_op=now,
                                verloopt_op=now + geldig))
    return token, now + geldig


def geldige_link(token: str, soort: str, now: datetime) -> Accounttoken | None:
    """The token's row when it is unused and not expired (a look only: opening the page uses nothing up)."""
    return db.session.execute(select(Accounttoken).where(
        Accounttoken.hash == _hash(token), Accounttoken.soort == soort, Accounttoken.gebruikt_op.is_(None),
        Accounttoken.verloopt_op > now)).scalar_one_or_none()


def link_gebruiken(token: str, soort: str, now: datetime) -> Gebruiker | None:
    """Use the token up; its user, or None when it was used, expired or never existed."""
    gebruiker_id = db.session.execute(
        update(Accounttoken)
        .where(Accounttoken.hash == _hash(token), Accounttoken.soort == soort, Accounttoken.gebruikt_op.is_(None),
               Accounttoken.verloopt_op > now)
        .values(gebruikt_op=now)
        .returning(Accounttoken.gebruiker_id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return db.session.get(Gebruiker, gebruiker_id) if gebruiker_id else None


def nodig_uit(gebruiker: Gebruiker, door: str, now: datetime) -> None:
    """Mail the user an invitation: a link to choose a password (and set up the second factor), or, for a role
    that logs in only through the municipality's provider, where to log in."""
    from ..mail import instellingen

    link = tot = None
    if wachtwoord_toegestaan(gebruiker):
        token, tot = maak_link(gebruiker, UITNODIGING, timedelta(days=current_app.config["UITNODIGING_GELDIG_DAGEN"]),
                               now)
        link = _extern("auth.uitnodiging", token=token)
    accountmail.uitnodiging(db.session, gebruiker, door, now, instellingen(), link=link, geldig_tot=tot,
                            tweede_factor=tweede_factor.vereist(gebruiker), inlog_link=_extern("auth.login"),
                            knoptekst=current_app.config["OIDC_KNOPTEKST"])


def stuur_herstellink(gebruiker: Gebruiker, now: datetime, door: str | None = None) -> None:
    """Mail the user a link to choose a new password."""
    from ..mail import instellingen

    token, tot = maak_link(gebruiker, HERSTEL, timedelta(minutes=current_app.config["HERSTEL_GELDIG_MINUTEN"]), now)
    accountmail.herstellink(db.session, gebruiker, _extern("auth.wachtwoord_herstellen", token=token), tot, now,
                            instellingen(), door=door)


def _extern(endpoint: str, **waarden) -> str:
    return current_app.config["BASE_URL"] + url_for(endpoint, **waarden)


def wachtwoord_zetten(gebruiker: Gebruiker, wachtwoord: str) -> None:
    """A new password: every other session of the user ends, and a lock from failed attempts is lifted."""
    gebruiker.wachtwoord_hash = hash_wachtwoord(wachtwoord)
    gebruiker.sessie_versie += 1
    gebruiker.mislukte_pogingen = 0
    gebruiker.geblokkeerd_tot = None


def ontgrendelen(gebruiker: Gebruiker) -> None:
    gebruiker.mislukte_pogingen = 0
    gebruiker.geblokkeerd_tot = None


def heeft_wachtwoord(gebruiker: Gebruiker) -> bool:
    return gebruiker.wachtwoord_hash != GEEN_WACHTWOORD
