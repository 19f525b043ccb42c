"""Signed, expiring links for contactpersonen: the case page without an account.

A token names the case, the address it was sent to and the case's link
version; raising `Zaak.link_versie` revokes every link issued before.
"""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from workflows.models import Zaak

SALT = "knipkaart.zaaklink.v1"


class LinkOngeldig(Exception):
    """The link is forged, broken, revoked or expired; `melding` says which, in Dutch."""

    def __init__(self, melding: str):
        super().__init__(melding)
        self.melding = melding


@dataclass(frozen=True)
class LinkInhoud:
    zaak_id: int
    email: str
    versie: int


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def maak_token(zaak: Zaak, email: str) -> str:
    return _serializer().dumps({"z": zaak.id, "e": email.lower(), "v": zaak.link_versie})


def link_url(zaak: Zaak, email: str) -> str:
    """The absolute URL a contactpersoon uses, built on BASE_URL (mail leaves the request context)."""
    # Built from the URL map, not url_for: jobs and CLI commands have no request to borrow a host from.
    pad = current_app.url_map.bind("localhost").build("dienst.zaak", {"token": maak_token(zaak, email)})
    return current_app.config["BASE_URL"] + pad


def lees_token(token: str) -> LinkInhoud:
    max_age = current_app.config["LINK_GELDIG_DAGEN"] * 86400
    try:
        data = _serializer().loads(token, max_age=max_age)
    except SignatureExpired:
        raise LinkOngeldig("Deze link is verlopen. Antwoord op de e-mail of vraag het wijkteam om een nieuwe link.")
    except BadSignature:
        raise LinkOngeldig("Deze link is ongeldig. Controleer of u de hele link uit de e-mail heeft gebruikt.")
    try:
        return LinkInhoud(int(data["z"]), str(data["e"]), int(data["v"]))
    except (KeyError, TypeError, ValueError):
        raise LinkOngeldig("Deze link is ongeldig.")


# ---------------------------------------------------------------- "Mijn zaken": one personal link per contactpersoon

MIJN_SALT = "knipkaart.mijnzaken.v1"


@dataclass(frozen=True)
class MijnInhoud:
    contactpersoon_id: int
    versie: int


def _mijn_serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=MIJN_SALT)


def mijn_zaken_url(cp) -> str:
    """The contactpersoon's personal link to every open case routed to them; raising
    `Contactpersoon.mijn_zaken_versie` revokes it."""
    token = _mijn_serializer().dumps({"c": cp.id, "v": cp.mijn_zaken_versie})
    pad = current_app.url_map.bind("localhost").build("dienst.mijn_zaken", {"token": token})
    return current_app.config["BASE_URL"] + pad


def lees_mijn_token(token: str) -> MijnInhoud:
    max_age = current_app.config["LINK_GELDIG_DAGEN"] * 86400
    try:
        data = _mijn_serializer().loads(token, max_age=max_age)
        return MijnInhoud(int(data["c"]), int(data["v"]))
    except SignatureExpired:
        raise LinkOngeldig("Deze link is verlopen. Vraag hieronder een nieuwe aan.")
    except (BadSignature, KeyError, TypeError, ValueError):
        raise LinkOngeldig("Deze link is ongeldig. Controleer of u de hele link uit de e-mail heeft gebruikt, of "
                           "vraag hieronder een nieuwe aan.")
