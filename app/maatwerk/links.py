"""Signed links of the maatwerkbudget: a professional's decision page and finance's payment page, no account.

A professional's token names the request and the professional; finance's names the batch and the address it
went to (a new finance contact does not inherit old links). Both expire like the case links.
"""
from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from notifications.maatwerk import MaatwerkLinks
from workflows.maatwerk.modellen import MaatwerkAanvraag, MaatwerkBeoordeling, MaatwerkBetaalopdracht

from ..links import LinkOngeldig

SALT = "knipkaart.maatwerk.v1"


def _s() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt=SALT)


def _url(endpoint: str, **waarden) -> str:
    # Built from the URL map, not url_for: jobs and inbound mail have no request to borrow a host from.
    return current_app.config["BASE_URL"] + current_app.url_map.bind("localhost").build(endpoint, waarden)


def beoordeel_url(aanvraag: MaatwerkAanvraag, beoordeling: MaatwerkBeoordeling) -> str:
    return _url("maatwerk.beoordelen", token=_s().dumps({"a": aanvraag.id, "p": beoordeling.professional_id}))


def betaal_url(opdracht: MaatwerkBetaalopdracht) -> str:
    return _url("maatwerk.betaalopdracht", token=_s().dumps({"b": opdracht.id, "e": opdracht.financien_email}))


def team_url(aanvraag: MaatwerkAanvraag) -> str:
    return _url("maatwerk.aanvraag", aanvraag_id=aanvraag.id)


def links() -> MaatwerkLinks:
    return MaatwerkLinks(beoordelen=beoordeel_url, betaalopdracht=betaal_url, team=team_url)


def lees(token: str) -> dict:
    """The token's content; LinkOngeldig (in Dutch) when forged, broken or expired."""
    try:
        data = _s().loads(token, max_age=current_app.config["LINK_GELDIG_DAGEN"] * 86400)
    except SignatureExpired:
        raise LinkOngeldig("Deze link is verlopen. Antwoord op de e-mail, of vraag het wijkteam om een nieuwe link.")
    except BadSignature:
        raise LinkOngeldig("Deze link is ongeldig. Controleer of u de hele link uit de e-mail heeft gebruikt.")
    if not isinstance(data, dict):
        raise LinkOngeldig("Deze link is ongeldig.")
    return data
