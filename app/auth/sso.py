"""Single sign-on with the municipality's OpenID Connect provider (Entra ID, Keycloak, ...), through Authlib.

Authorization code flow with PKCE (S256), state and nonce kept in the session until the one callback that
uses them; the provider's settings from discovery, its issuer checked against OIDC_ISSUER; the ID token's
signature (the provider's published keys), issuer, audience, expiry and nonce checked by Authlib.

Who the person is: an account already linked to the provider's `sub`, else an account with the same e-mail
address when the provider says it is verified (and the link is made then). Anyone else is refused, unless the
groups mapping is on and one of their groups is in OIDC_AANMAKEN_GROEPEN.
"""
from __future__ import annotations

from dataclasses import dataclass

from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.flask_client import OAuth
from flask import current_app
from joserfc.errors import JoseError
from requests import RequestException
from sqlalchemy import func, select

from workflows.models import Gebruiker, Rol, Wijkteam

from ..extensions import db
from .models import GEEN_WACHTWOORD

# When several groups give a role, the widest wins.
RANG = {Rol.BEHEERDER: 4, Rol.MANAGEMENT: 3, Rol.WIJKTEAMMANAGER: 2, Rol.MEDEWERKER: 1}


class SsoGeweigerd(Exception):
    """The login through the provider is refused; `melding` is for the person (Dutch), `reden` for the audit log."""

    def __init__(self, melding: str, reden: str, status: int = 403) -> None:
        super().__init__(reden)
        self.melding, self.reden, self.status = melding, reden, status


def aan() -> bool:
    return bool(current_app.config["OIDC_ISSUER"])


def client():
    """The Authlib client for the configured provider (made once per configuration)."""
    c = current_app.config
    sleutel = (c["OIDC_ISSUER"], c["OIDC_CLIENT_ID"], c["OIDC_CLIENT_SECRET"], c["OIDC_SCOPES"])
    cache = current_app.extensions.setdefault("knipkaart_oidc", {})
    if sleutel not in cache:
        oauth = OAuth(current_app._get_current_object())
        oauth.register("knipkaart_oidc", client_id=c["OIDC_CLIENT_ID"], client_secret=c["OIDC_CLIENT_SECRET"],
                       server_metadata_url=c["OIDC_ISSUER"] + "/.well-known/openid-configuration",
                       client_kwargs={"scope": c["OIDC_SCOPES"], "code_challenge_method": "S256",
                                      "default_timeout": 10})
        cache[sleutel] = oauth.create_client("knipkaart_oidc")
    return cache[sleutel]


def metadata() -> dict:
    """The provider's discovery document, refused when it names another issuer than configured."""
    try:
        gegevens = client().load_server_metadata()
    except (RequestException, ValueError) as fout:
        raise SsoGeweigerd("De inlogdienst van de gemeente is nu niet bereikbaar. Probeer het later opnieuw.",
                           f"discovery mislukt: {fout.__class__.__name__}", status=502) from fout
    if gegevens.get("issuer") != current_app.config["OIDC_ISSUER"]:
        raise SsoGeweigerd("De inlogdienst van de gemeente is niet goed ingesteld. Meld dit bij de beheerder.",
                           f"discovery noemt issuer {str(gegevens.get('issuer'))[:100]!r}, "
                           f"niet {current_app.config['OIDC_ISSUER']!r}", status=502)
    return gegevens


def terugkeer() -> tuple[dict, str]:
    """Handle the provider's answer on the callback: the checked claims and the raw ID token."""
    metadata()
    c = current_app.config
    try:
        token = client().authorize_access_token(
            claims_options={"iss": {"essential": True, "values": [c["OIDC_ISSUER"]]}, "sub": {"essential": True}},
            leeway=c["OIDC_KLOKMARGE_SECONDEN"])
    except OAuthError as fout:
        raise SsoGeweigerd("Het inloggen via de gemeente is niet gelukt of verlopen. Probeer het opnieuw.",
                           f"OAuth: {fout.error}: {str(fout.description or '')[:150]}") from fout
    except JoseError as fout:
        raise SsoGeweigerd("Het inloggen via de gemeente is niet gelukt: het bewijs van de inlogdienst klopt "
                           "niet. Probeer het opnieuw; blijft dit gebeuren, meld het dan bij de beheerder.",
                           f"ID-token geweigerd: {fout.error}: {str(fout.description or '')[:150]}") from fout
    except RequestException as fout:
        raise SsoGeweigerd("De inlogdienst van de gemeente is nu niet bereikbaar. Probeer het later opnieuw.",
                           f"tokenaanvraag mislukt: {fout.__class__.__name__}", status=502) from fout
    claims = dict(token.get("userinfo") or {})
    if not claims.get("sub"):
        raise SsoGeweigerd("Het inloggen via de gemeente is niet gelukt. Probeer het opnieuw.",
                           "geen ID-token in het antwoord van de provider")
    if c["OIDC_EMAIL_CLAIM"] not in claims or (c["OIDC_GROEPEN_CLAIM"] and c["OIDC_GROEPEN_CLAIM"] not in claims):
        claims = _met_userinfo(claims, token)
    return claims, token.get("id_token", "")


def _met_userinfo(claims: dict, token: dict) -> dict:
    """Claims the ID token lacks, from the userinfo endpoint; its `sub` must be the ID token's."""
    try:
        extra = dict(client().userinfo(token=token))
    except (OAuthError, RequestException, ValueError):
        return claims
    if extra.get("sub") != claims["sub"]:
        raise SsoGeweigerd("Het inloggen via de gemeente is niet gelukt. Probeer het opnieuw.",
                           "userinfo hoort bij een ander sub dan het ID-token")
    return {**extra, **claims}


@dataclass
class Inlog:
    gebruiker: Gebruiker
    wat: str  # for the audit log: how the account was found or made, what changed


def _groepen(claims: dict) -> list[str]:
    waarde = claims.get(current_app.config["OIDC_GROEPEN_CLAIM"]) or []
    if isinstance(waarde, str):
        waarde = [waarde]
    return [str(g) for g in waarde]


def _rol_uit_groepen(groepen: list[str]) -> tuple[str, Rol, str | None] | None:
    beste = None
    for groep, (rol, team) in current_app.config["OIDC_GROEPEN_ROLLEN"].items():
        if groep in groepen and (beste is None or RANG[Rol(rol)] > RANG[beste[1]]):
            beste = (groep, Rol(rol), team)
    return beste


def gebruiker_voor(claims: dict) -> Inlog:
    """The Knipkaart account for these checked claims, linked or made as configured; SsoGeweigerd otherwise."""
    c = current_app.config
    issuer, sub = c["OIDC_ISSUER"], str(claims["sub"])
    email = str(claims.get(c["OIDC_EMAIL_CLAIM"]) or "").strip().lower()
    geverifieerd = claims.get(c["OIDC_EMAIL_VERIFIED_CLAIM"]) in (True, "true") if c["OIDC_EMAIL_VERIFIED_CLAIM"] else True
    wat = []
    gebruiker = db.session.execute(select(Gebruiker).where(Gebruiker.oidc_issuer == issuer,
                                                           Gebruiker.oidc_sub == sub)).scalar_one_or_none()
    if gebruiker is not None:
        wat.append("gekoppeld account")
    elif email and geverifieerd:
        gebruiker = db.session.execute(select(Gebruiker).where(func.lower(Gebruiker.email) == email)).scalar_one_or_none()
        if gebruiker is not None:
            if gebruiker.oidc_sub and (gebruiker.oidc_issuer, gebruiker.oidc_sub) != (issuer, sub):
                raise SsoGeweigerd("Uw Knipkaart-account is al gekoppeld aan een ander gemeenteaccount. Vraag de "
                                   "beheerder om hulp.", f"e-mail {email} hoort bij een ander gekoppeld sub")
            gebruiker.oidc_issuer, gebruiker.oidc_sub = issuer, sub
            wat.append("gekoppeld op geverifieerd e-mailadres")

    toewijzing, team_id = None, None
    if c["OIDC_GROEPEN_CLAIM"]:
        toewijzing = _rol_uit_groepen(_groepen(claims))
        if toewijzing is None:
            raise SsoGeweigerd("Uw gemeenteaccount geeft (nog) geen toegang tot Knipkaart: u zit in geen van de "
                               "groepen die een rol in Knipkaart geven. Vraag uw leidinggevende of de beheerder "
                               "u toegang te geven.", f"geen Knipkaart-groep voor {email or sub}")
        if toewijzing[2]:
            with db.session.no_autoflush:
                team_id = db.session.execute(select(Wijkteam.id).where(Wijkteam.naam == toewijzing[2])).scalar_one_or_none()
            if team_id is None:
                raise SsoGeweigerd("Uw groep verwijst naar een wijkteam dat Knipkaart niet kent. Meld dit bij de "
                                   "beheerder.", f"wijkteam {toewijzing[2]!r} uit de groepen bestaat niet")
    if gebruiker is None:
        if toewijzing is None or toewijzing[0] not in c["OIDC_AANMAKEN_GROEPEN"]:
            reden = "e-mailadres niet geverifieerd" if email and not geverifieerd else "onbekende gebruiker"
            raise SsoGeweigerd("U bent bij de gemeente ingelogd, maar Knipkaart kent u nog niet. Vraag de "
                               "beheerder van Knipkaart om een account voor uw e-mailadres"
                               f"{' (' + email + ')' if email else ''}.", f"{reden}: {email or sub}")
        if not (email and geverifieerd):
            raise SsoGeweigerd("Knipkaart kan geen account voor u maken: de gemeente geeft geen geverifieerd "
                               "e-mailadres door. Vraag de beheerder om hulp.", f"aanmaken zonder e-mail: {sub}")
        gebruiker = Gebruiker(email=email, naam=str(claims.get("name") or email)[:120], wachtwoord_hash=GEEN_WACHTWOORD,
                              rol=toewijzing[1], wijkteam_id=team_id, oidc_issuer=issuer, oidc_sub=sub, actief=True)
        db.session.add(gebruiker)
        wat.append(f"aangemaakt via groep {toewijzing[0]}")
    elif toewijzing is not None and (gebruiker.rol, gebruiker.wijkteam_id) != (toewijzing[1], team_id):
        wat.append(f"rol uit groepen: {toewijzing[1].value}{' ' + toewijzing[2] if toewijzing[2] else ''}")
        gebruiker.rol, gebruiker.wijkteam_id = toewijzing[1], team_id
    if not gebruiker.actief:
        raise SsoGeweigerd("Uw Knipkaart-account staat uit. Vraag de beheerder om het weer aan te zetten.",
                           f"account niet actief: {gebruiker.email}")
    return Inlog(gebruiker, "; ".join(wat))
