"""Webhooks from SendGrid (Inbound Parse, Event Webhook) and `flask mail inbound FILE.eml`.

Both webhooks are exempt from CSRF but authenticated: a shared secret (basic
auth) for Inbound Parse and, when a public key is configured, SendGrid's ECDSA
signature over timestamp + raw body. A 2xx is answered only once the mail is
stored, applied or quarantined, so SendGrid retries when we fail; a 4xx only
for what we refuse to store (no authentication, too large, not a form or JSON
at all). Whatever the content of a mail (NUL characters, thousands of nested
parts, a charset werkzeug does not decode), it is stored and, when it cannot be
applied, quarantined with the reason: never a 500.
"""
from __future__ import annotations

import base64
import hmac
import json
from datetime import datetime, timezone
from urllib.parse import parse_qsl

import click
from flask import Blueprint, current_app, request
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

from notifications import gebeurtenissen
from notifications.inkomend import bewaar_onleesbaar, lees_ruw, lees_sendgrid, verwerk

from . import audit
from .extensions import csrf, db
from .links import link_url
from .mail import instellingen, mail_cli

bp = Blueprint("inbound", __name__)

MAX_INBOUND = 30 * 1024 * 1024


def _probleem(status: int, titel: str, detail: str, headers: dict | None = None):
    body = {"type": "about:blank", "title": titel, "status": status, "detail": detail}
    return body, status, {"Content-Type": "application/problem+json", **(headers or {})}


def _nu() -> datetime:
    return datetime.now(timezone.utc)


def _basic_auth_klopt() -> bool:
    verwacht_gebruiker = current_app.config["INBOUND_USERNAME"]
    verwacht_wachtwoord = current_app.config["INBOUND_PASSWORD"]
    auth = request.authorization
    if not verwacht_wachtwoord or auth is None or auth.type != "basic":
        return False
    return hmac.compare_digest((auth.username or "").encode(), verwacht_gebruiker.encode()) and \
        hmac.compare_digest((auth.password or "").encode(), verwacht_wachtwoord.encode())


def handtekening_klopt(publieke_sleutel: str, ruw: bytes) -> bool:
    """SendGrid's ECDSA signature over the timestamp header + the raw body bytes."""
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from sendgrid.helpers.eventwebhook import EventWebhook

    handtekening = request.headers.get("X-Twilio-Email-Event-Webhook-Signature", "")
    tijdstempel = request.headers.get("X-Twilio-Email-Event-Webhook-Timestamp", "")
    if not handtekening or not tijdstempel:
        return False
    try:
        sleutel = EventWebhook().convert_public_key_to_ecdsa(publieke_sleutel)
        sleutel.verify(base64.b64decode(handtekening), tijdstempel.encode() + ruw, ec.ECDSA(hashes.SHA256()))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _velden() -> tuple[dict[str, bytes], list[tuple[str, str, bytes]]]:
    """The posted fields as the bytes SendGrid sent, and the attached files (parsed mode).

    Werkzeug decodes form fields as UTF-8 and replaces what is not: a raw mail in latin-1, or a parsed
    field in the charset SendGrid names in `charsets`, would be garbled before it is read. So the body is
    read here with werkzeug's own multipart decoder, keeping every field's bytes.
    """
    data = request.get_data(cache=True)
    if request.mimetype == "application/x-www-form-urlencoded":
        return {naam.decode("utf-8", "replace"): waarde for naam, waarde in parse_qsl(data, keep_blank_values=True)}, []
    if request.mimetype != "multipart/form-data":
        return {}, []
    decoder = MultipartDecoder(request.mimetype_params.get("boundary", "").encode("latin-1", "replace"),
                               max_parts=1000)
    decoder.receive_data(data)
    decoder.receive_data(None)
    velden: dict[str, bytes] = {}
    bestanden: list[tuple[str, str, bytes]] = []
    deel, stukken = None, []
    gebeurtenis = decoder.next_event()
    while not isinstance(gebeurtenis, (Epilogue, NeedData)):
        if isinstance(gebeurtenis, (Field, File)):
            deel, stukken = gebeurtenis, []
        elif isinstance(gebeurtenis, Data) and deel is not None:
            stukken.append(gebeurtenis.data)
            if not gebeurtenis.more_data:
                if isinstance(deel, File):
                    bestanden.append((deel.filename or "bijlage",
                                      deel.headers.get("content-type", "application/octet-stream"), b"".join(stukken)))
                else:
                    velden.setdefault(deel.name, b"".join(stukken))
        gebeurtenis = decoder.next_event()
    return velden, bestanden


@bp.route("/mail/inbound/sendgrid", methods=["POST"])
@csrf.exempt
def sendgrid_inbound():
    """SendGrid's Inbound Parse: every readable post is stored (applied or quarantined) and answered 200."""
    request.max_content_length = MAX_INBOUND + 1024 * 1024
    if not _basic_auth_klopt():
        return _probleem(401, "Niet geautoriseerd", "Basic auth met INBOUND_USERNAME/INBOUND_PASSWORD ontbreekt "
                                                     "of klopt niet.", {"WWW-Authenticate": 'Basic realm="inbound"'})
    if request.content_length is not None and request.content_length > MAX_INBOUND:
        return _probleem(413, "Te groot", "Een inkomende mail is hooguit 30 MB.")
    ruw_verzoek = request.get_data(cache=True)
    sleutel = current_app.config["SENDGRID_INBOUND_PUBLIC_KEY"]
    if sleutel and not handtekening_klopt(sleutel, ruw_verzoek):
        return _probleem(403, "Ongeldige handtekening", "De ECDSA-handtekening van SendGrid klopt niet.")
    try:
        velden, bestanden = _velden()
    except ValueError:
        return _probleem(400, "Onleesbaar formulier", "De multipart/form-data van dit verzoek is niet te lezen.")
    if "email" in velden:
        kanaal = "sendgrid-raw"
    elif "from" in velden and ("text" in velden or "html" in velden or "headers" in velden):
        kanaal = "sendgrid-parsed"
    else:
        return _probleem(400, "Onvolledig", "Verwacht het veld 'email' (raw) of 'from' met 'text'/'html' (parsed).")
    try:
        uitkomst = verwerk(db.session, lees_sendgrid(velden, bestanden), kanaal, _nu(), link_url, instellingen())
        if not uitkomst.dubbel and uitkomst.mail.status.value == "toegepast":
            # a change made by mail: in the audit log with its sender, in the same transaction as the change
            audit.leg_vast("wijzigen", uitkomst.mail.afzender, "contactpersoon",
                           wat=f"antwoord per e-mail: {uitkomst.mail.actie}", zaak_id=uitkomst.mail.zaak_id,
                           status=200, kanaal="mail", commit=False)
        db.session.commit()
    except Exception as fout:  # a mail we cannot process is kept for the beheerder, never lost to a 500
        db.session.rollback()
        current_app.logger.exception("Inkomende mail niet te verwerken; ruw bewaard in quarantaine")
        ruw = velden.get("email") or velden.get("headers", b"") + b"\n\n" + velden.get("text", b"")
        uitkomst = bewaar_onleesbaar(db.session, ruw, kanaal, _nu(),
                                     f"De mail kon niet worden verwerkt ({type(fout).__name__}); de ruwe mail is "
                                     f"bewaard. Bekijk hem en pas hem zo nodig handmatig toe.")
        db.session.commit()
    if uitkomst.dubbel:
        return {"status": "al-verwerkt"}, 200
    return {"status": uitkomst.mail.status.value, "id": uitkomst.mail.id}, 200


@bp.route("/mail/events/sendgrid", methods=["POST"])
@csrf.exempt
def sendgrid_events():
    request.max_content_length = 5 * 1024 * 1024
    ruw = request.get_data(cache=True)
    sleutel = current_app.config["SENDGRID_EVENT_PUBLIC_KEY"]
    if sleutel:
        if not handtekening_klopt(sleutel, ruw):
            return _probleem(403, "Ongeldige handtekening", "De ECDSA-handtekening van SendGrid klopt niet.")
    elif not _basic_auth_klopt():
        return _probleem(401, "Niet geautoriseerd", "Stel SENDGRID_EVENT_PUBLIC_KEY in, of gebruik basic auth.",
                         {"WWW-Authenticate": 'Basic realm="events"'})
    try:
        events = json.loads(ruw)
    except RecursionError:
        return _probleem(400, "Te diep genest", "Deze JSON is te diep genest om te lezen; SendGrid stuurt een "
                                                "platte lijst van events.")
    except ValueError:
        return _probleem(400, "Geen JSON", "Het Event Webhook stuurt een JSON-lijst.")
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return _probleem(400, "Onverwachte vorm", "Verwacht een JSON-lijst van events.")
    verwerkt = gebeurtenissen.verwerk_events(db.session, events, _nu(), link_url, instellingen())
    db.session.commit()
    return {"verwerkt": verwerkt}, 200


@mail_cli.command("inbound")
@click.argument("bestand", type=click.File("rb"))
@click.option("--geverifieerd", is_flag=True,
              help="U staat in voor de afzender (de mail komt van de eigen mailserver van de gemeente); zonder "
                   "deze vlag tellen alleen SPF/DKIM-uitslagen die de ontvangende server bovenaan de mail zette.")
def inbound_cmd(bestand, geverifieerd: bool) -> None:
    """Voer een mail (.eml) in via hetzelfde pad als SendGrid."""
    bericht = lees_ruw(bestand.read())
    if geverifieerd:
        bericht.geverifieerd_door = "beheerder via flask mail inbound --geverifieerd"
    uitkomst = verwerk(db.session, bericht, "cli", _nu(), link_url, instellingen())
    db.session.commit()
    if uitkomst.dubbel:
        click.echo("Deze mail (Message-ID) was al verwerkt; niets gewijzigd.")
    elif uitkomst.mail.status.value == "toegepast":
        click.echo(f"Toegepast op zaak {uitkomst.mail.zaak.nummer}: {uitkomst.mail.actie}.")
    else:
        click.echo(f"In quarantaine: {uitkomst.mail.reden}")


def init_app(app) -> None:
    app.register_blueprint(bp)
