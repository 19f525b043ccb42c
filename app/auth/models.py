"""Accounts: the Gebruiker of a session, passwords, failed attempts, one-time links and recovery codes."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import ForeignKey, String, func, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from workflows.models import Base, Gebruiker, UTCDateTime

from ..extensions import db, login_manager


class Accounttoken(Base):
    """A one-time link for an account: an invitation or a password reset. Stored as its SHA-256 only."""

    __tablename__ = "accounttoken"
    id: Mapped[int] = mapped_column(primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"), index=True)
    soort: Mapped[str] = mapped_column(String(20))  # uitnodiging, herstel
    hash: Mapped[str] = mapped_column(String(64), unique=True)
    aangemaakt_op: Mapped[datetime] = mapped_column(UTCDateTime)
    verloopt_op: Mapped[datetime] = mapped_column(UTCDateTime)
    gebruikt_op: Mapped[datetime | None] = mapped_column(UTCDateTime)
    gebruiker: Mapped[Gebruiker] = relationship()


class Herstelcode(Base):
    """One recovery code for when the authenticator app is gone: shown once, stored as its SHA-256, used once."""

    __tablename__ = "herstelcode"
    id: Mapped[int] = mapped_column(primary_key=True)
    gebruiker_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"), index=True)
    hash: Mapped[str] = mapped_column(String(64))
    gebruikt_op: Mapped[datetime | None] = mapped_column(UTCDateTime)


@login_manager.user_loader
def laad_gebruiker(user_id: str) -> Gebruiker | None:
    """The user of a session, if the session is of the user's current version (see Gebruiker.get_id)."""
    id_deel, _, versie = user_id.partition(":")
    try:
        gebruiker = db.session.get(Gebruiker, int(id_deel))
        versie_nr = int(versie)
    except ValueError:
        return None
    if gebruiker is None or gebruiker.sessie_versie != versie_nr:
        return None
    return gebruiker


def hash_wachtwoord(wachtwoord: str) -> str:
    return generate_password_hash(wachtwoord)


# An account without a password of its own (invited, or by single sign-on only): no password matches it.
GEEN_WACHTWOORD = "!"


def wachtwoord_klopt(gebruiker: Gebruiker, wachtwoord: str) -> bool:
    if gebruiker.wachtwoord_hash == GEEN_WACHTWOORD:
        check_password_hash(_NEP_HASH, wachtwoord)  # as slow as a real check
        return False
    return check_password_hash(gebruiker.wachtwoord_hash, wachtwoord)


# Checked against when the e-mail is unknown, so that a wrong address and a wrong
# password take the same time.
_NEP_HASH = generate_password_hash("niet-bestaand-account")


def zoek_gebruiker(email: str) -> Gebruiker | None:
    return db.session.execute(
        select(Gebruiker).where(func.lower(Gebruiker.email) == (email or "").strip().lower())
    ).scalar_one_or_none()


def tel_poging(gebruiker_id: int, now: datetime, maximum: int) -> bool:
    """Count one login attempt before the password is checked; False when the account is locked.

    One UPDATE ... RETURNING, committed at once: parallel attempts each add one (a read-then-write lost
    counts, so eight parallel guesses left the counter at two), and an attempt beyond `maximum` is refused
    without looking at the password, so no more than `maximum` guesses are ever checked between locks.
    """
    teller = db.session.execute(
        update(Gebruiker)
        .where(Gebruiker.id == gebruiker_id,
               or_(Gebruiker.geblokkeerd_tot.is_(None), Gebruiker.geblokkeerd_tot <= now))
        .values(mislukte_pogingen=Gebruiker.mislukte_pogingen + 1)
        .returning(Gebruiker.mislukte_pogingen)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    db.session.commit()
    return teller is not None and teller <= maximum


def poging_gelukt(gebruiker_id: int) -> None:
    """A right password: the count starts again."""
    db.session.execute(update(Gebruiker).where(Gebruiker.id == gebruiker_id)
                       .values(mislukte_pogingen=0, geblokkeerd_tot=None)
                       .execution_options(synchronize_session=False))
    db.session.commit()


def poging_mislukt(gebruiker_id: int, now: datetime, maximum: int, blokkade: timedelta) -> bool:
    """A wrong password; when it was the `maximum`-th in a row, lock the account. True when it locked."""
    geblokkeerd = db.session.execute(
        update(Gebruiker)
        .where(Gebruiker.id == gebruiker_id, Gebruiker.mislukte_pogingen >= maximum,
               or_(Gebruiker.geblokkeerd_tot.is_(None), Gebruiker.geblokkeerd_tot <= now))
        .values(mislukte_pogingen=0, geblokkeerd_tot=now + blokkade)
        .returning(Gebruiker.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    db.session.commit()
    return geblokkeerd is not None


def controleer_wachtwoord(gebruiker: Gebruiker | None, wachtwoord: str) -> bool:
    """True for an active user with this password; as slow for an unknown user as for a known one."""
    if gebruiker is None:
        check_password_hash(_NEP_HASH, wachtwoord)
        return False
    return wachtwoord_klopt(gebruiker, wachtwoord) and gebruiker.actief
