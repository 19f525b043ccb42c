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


def zoek_gebruiker(email: str) -> Gebruiker | None:
    from sqlalchemy import func, select

    return db.session.execute(
        select(Gebruiker).where(func.lower(Gebruiker.email) == (email or "").strip().lower())
    ).scalar_one_or_none()


def controleer_wachtwoord(gebruiker: Gebruiker | None, wachtwoord: str) -> bool:
    """True for an active user with this password; as slow for an unknown user as for a known one."""
    if gebruiker is None:
        check_password_hash(_NEP_HASH, wachtwoord)
        return False
    return wachtwoord_klopt(gebruiker, wachtwoord) and gebruiker.actief
