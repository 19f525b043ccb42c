"""Flask-Login glue: load the Gebruiker of a session."""
from __future__ import annotations

from werkzeug.security import check_password_hash, generate_password_hash

from workflows.models import Gebruiker

from ..extensions import db, login_manager


@login_manager.user_loader
def laad_gebruiker(user_id: str) -> Gebruiker | None:
    try:
        return db.session.get(Gebruiker, int(user_id))
    except ValueError:
        return None


def hash_wachtwoord(wachtwoord: str) -> str:
    return generate_password_hash(wachtwoord)


def wachtwoord_klopt(gebruiker: Gebruiker, wachtwoord: str) -> bool:
    return check_password_hash(gebruiker.wachtwoord_hash, wachtwoord)


# Checked against when the e-mail is unknown, so that a wrong address and a wrong
# password take the same time.
_NEP_HASH = generate_password_hash("niet-bestaand-account")


def controleer_inlog(email: str, wachtwoord: str) -> Gebruiker | None:
    """The active user with this e-mail and password, or None."""
    from sqlalchemy import func, select

    gebruiker = db.session.execute(
        select(Gebruiker).where(func.lower(Gebruiker.email) == email.strip().lower())
    ).scalar_one_or_none()
    if gebruiker is None:
        check_password_hash(_NEP_HASH, wachtwoord)
        return None
    if not wachtwoord_klopt(gebruiker, wachtwoord) or not gebruiker.actief:
        return None
    return gebruiker
