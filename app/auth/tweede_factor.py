"""The second factor for local accounts: TOTP (pyotp) with a QR code (segno, SVG made here), recovery codes.

The TOTP secret is stored encrypted with a key derived from SECRET_KEY, so a copy of the database alone does
not give the codes. No code counts twice: the last accepted time step is kept, and a code must be of a later one.
Recovery codes are random (60 bits), shown once, and stored as their SHA-256.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import current_app
from sqlalchemy import delete, or_, update

from workflows.models import Gebruiker

from ..extensions import db
from .models import Herstelcode

AANTAL_HERSTELCODES = 10
_ALFABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off a sheet of paper


def vereist(gebruiker: Gebruiker) -> bool:
    """Whether this user's role must log in with a second factor (TWEEDE_FACTOR_ROLLEN)."""
    return gebruiker.rol.value in current_app.config["TWEEDE_FACTOR_ROLLEN"]


def _fernet() -> Fernet:
    sleutel = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=b"knipkaart totp-geheim").derive(
        current_app.config["SECRET_KEY"].encode())
    return Fernet(base64.urlsafe_b64encode(sleutel))


def nieuw_geheim() -> str:
    return pyotp.random_base32()


def versleuteld(geheim: str) -> str:
    return _fernet().encrypt(geheim.encode()).decode()


def geheim_van(gebruiker: Gebruiker) -> str | None:
    if not gebruiker.totp_geheim:
        return None
    try:
        return _fernet().decrypt(gebruiker.totp_geheim.encode()).decode()
    except InvalidToken:  # SECRET_KEY changed: the factor must be set up again (README)
        return None


def koppel_uri(geheim: str, email: str) -> str:
    return pyotp.TOTP(geheim).provisioning_uri(name=email, issuer_name=f"Knipkaart {current_app.config['GEMEENTE_NAAM']}")


def qr_svg(uri: str) -> str:
    """The QR code as inline SVG, made here: the secret goes to no other service."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, title="QR-code voor uw authenticator-app",
                                                 svgclass="qr", lineclass=None, omitsize=False)
    return svg.replace("<svg ", "<svg role=\"img\" ", 1)


def passende_stap(geheim: str, code: str, now: datetime) -> int | None:
    """The time step (30 s) this code belongs to, allowing one step of clock drift either way; None if none."""
    code = "".join(code.split())
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(geheim)
    nu = int(now.timestamp()) // totp.interval
    for stap in (nu, nu - 1, nu + 1):
        if secrets.compare_digest(totp.generate_otp(stap), code):
            return stap
    return None


def code_gebruiken(gebruiker: Gebruiker, code: str, now: datetime) -> bool:
    """True for a right code of a later step than the last one accepted; that step is then used up."""
    geheim = geheim_van(gebruiker)
    stap = passende_stap(geheim, code, now) if geheim else None
    if stap is None:
        return False
    # One UPDATE: of two requests with the same code, only one finds the step still unused.
    gelukt = db.session.execute(
        update(Gebruiker)
        .where(Gebruiker.id == gebruiker.id,
               or_(Gebruiker.totp_laatste_stap.is_(None), Gebruiker.totp_laatste_stap < stap))
        .values(totp_laatste_stap=stap)
        .returning(Gebruiker.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return gelukt is not None


def _hash(code: str) -> str:
    return hashlib.sha256("".join(code.lower().split()).replace("-", "").encode()).hexdigest()


def nieuwe_herstelcodes(gebruiker: Gebruiker) -> list[str]:
    """Replace the user's recovery codes; return the new ones, to be shown once."""
    db.session.execute(delete(Herstelcode).where(Herstelcode.gebruiker_id == gebruiker.id))
    codes = []
    for _ in range(AANTAL_HERSTELCODES):
        ruw = "".join(secrets.choice(_ALFABET) for _ in range(12))
        codes.append(f"{ruw[:4]}-{ruw[4:8]}-{ruw[8:]}")
    db.session.add_all(Herstelcode(gebruiker_id=gebruiker.id, hash=_hash(c)) for c in codes)
    return codes


def herstelcode_gebruiken(gebruiker: Gebruiker, code: str, now: datetime) -> bool:
    """True for an unused recovery code of this user; it is used up at once."""
    gebruikt = db.session.execute(
        update(Herstelcode)
        .where(Herstelcode.gebruiker_id == gebruiker.id, Herstelcode.hash == _hash(code),
               Herstelcode.gebruikt_op.is_(None))
        .values(gebruikt_op=now)
        .returning(Herstelcode.id)
        .execution_options(synchronize_session=False)
    ).scalar_one_or_none()
    return gebruikt is not None


def instellen(gebruiker: Gebruiker, geheim: str, stap: int) -> list[str]:
    """Enrol: keep the secret (encrypted) and the step of the code that proved it; new recovery codes."""
    gebruiker.totp_geheim = versleuteld(geheim)
    gebruiker.totp_laatste_stap = stap
    return nieuwe_herstelcodes(gebruiker)


def resetten(gebruiker: Gebruiker) -> None:
    """Remove the second factor (the beheerder's reset); the user's sessions end with it."""
    gebruiker.totp_geheim = None
    gebruiker.totp_laatste_stap = None
    db.session.execute(delete(Herstelcode).where(Herstelcode.gebruiker_id == gebruiker.id))
    gebruiker.sessie_versie += 1
