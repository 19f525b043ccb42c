"""Webhooks from SendGrid (Inbound Parse, Event Webhook) and `flask mail inbound FILE.eml`.

Both webhooks are exempt from CSRF but authenticated: a shared secret (basic
auth) for Inbound Parse and, when a public key is configured, SendGrid's ECDSA
signature over timestamp + raw body. A 2xx is answered only once the mail is
stored, applied or quarantined, so SendGrid retries when we fail.
"""
from __future__ import annotations

import base64
import hmac
import json
from datetime import datetime, timezone
from email.parser import HeaderParser
from email.utils import getaddresses, parseaddr

import click
from flask import Blueprint, current_app, request

from notifications import gebeurtenissen
from notifications.inkomend import BinnenkomendBericht, html_naar_tekst, lees_ruw, verwerk

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


def _uit_parsed(form, files) -> BinnenkomendBericht:
    """SendGrid's parsed mode: fields for headers, text, html, envelope, attachments."""
    koppen = HeaderParser().parsestr(form.get("headers", ""))
    afzender = parseaddr(form.get("from", "") or str(koppen.get("From", "")))[1].lower()
    aan = [a.lower() for _, a in getaddresses([form.get("to", ""), form.get("cc", "")]) if a]
    try:
        envelop = json.loads(form.get("envelope") or "{}")
        aan += [a.lower() for a in envelop.get("to", []) if isinstance(a, str)]
    except (ValueError, AttributeError):
        pass
    from notifications.inkomend import _message_ids, _vervang_id

    tekst = form.get("text") or ""
    if not tekst.strip() and form.get("html"):
        tekst = html_naar_tekst(form.get("html"))
    ruw = form.get("headers", "") + "\n\n" + tekst
    bijlagen = [(f.filename or "bijlage", f.mimetype or "application/octet-stream", f.read())
                for f in files.values()]
    return BinnenkomendBericht(
        message_id=(_message_ids(str(koppen.get("Message-ID", ""))) or [_vervang_id(ruw)])[0],
        afzender=afzender, aan=aan, onderwerp=form.get("subject", "") or str(koppen.get("Subject", "")),
        tekst=tekst,
        in_reply_to=_message_ids(str(koppen.get("In-Reply-To", ""))) + _message_ids(str(koppen.get("References", ""))),
        bijlagen=bijlagen, ruw=ruw.encode("utf-8", "replace"))


@bp.route("/mail/inbound/sendgrid", methods=["POST"])
@csrf.exempt
def sendgrid_inbound():
    # Mails up to 30 MB for this view only; the rest of the app keeps its small limit.
    request.max_content_length = MAX_INBOUND + 1024 * 1024
    request.max_form_memory_size = MAX_INBOUND + 1024 * 1024
    if not _basic_auth_klopt():
        return _probleem(401, "Niet geautoriseerd", "Basic auth met INBOUND_USERNAME/INBOUND_PASSWORD ontbreekt "
                                                     "of klopt niet.", {"WWW-Authenticate": 'Basic realm="inbound"'})
    if request.content_length is not None and request.content_length > MAX_INBOUND:
        return _probleem(413, "Te groot", "Een inkomende mail is hooguit 30 MB.")
    ruw_verzoek = request.get_data(cache=True)
    sleutel = current_app.config["SENDGRID_INBOUND_PUBLIC_KEY"]
    if sleutel and not handtekening_klopt(sleutel, ruw_verzoek):
        return _probleem(403, "Ongeldige handtekening", "De ECDSA-handtekening van SendGrid klopt niet.")
    form, files = request.form, request.files
    if "email" in form:
        envelop = []
        try:
            envelop = [a.lower() for a in json.loads(form.get("envelope") or "{}").get("to", [])]
        except (ValueError, AttributeError):
            pass
        bericht = lees_ruw(form["email"].encode("utf-8", "surrogateescape"), envelop)
        kanaal = "sendgrid-raw"
    elif "from" in form and ("text" in form or "html" in form or "headers" in form):
        bericht = _uit_parsed(form, files)
        kanaal = "sendgrid-parsed"
    else:
        return _probleem(400, "Onvolledig", "Verwacht het veld 'email' (raw) of 'from' met 'text'/'html' (parsed).")
    uitkomst = verwerk(db.session, bericht, kanaal, _nu(), link_url, instellingen())
    if not uitkomst.dubbel and uitkomst.mail.status.value == "toegepast":
        # a change made by mail: in the audit log with its sender, in the same transaction as the change
        audit.leg_vast("wijzigen", bericht.afzender, "contactpersoon", wat=f"antwoord per e-mail: {uitkomst.mail.actie}",
                       zaak_id=uitkomst.mail.zaak_id, status=200, kanaal="mail", commit=False)
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
    except ValueError:
        return _probleem(400, "Geen JSON", "Het Event Webhook stuurt een JSON-lijst.")
    if not isinstance(events, list) or not all(isinstance(e, dict) for e in events):
        return _probleem(400, "Onverwachte vorm", "Verwacht een JSON-lijst van events.")
    verwerkt = gebeurtenissen.verwerk_events(db.session, events, _nu(), link_url, instellingen())
    db.session.commit()
    return {"verwerkt": verwerkt}, 200


@mail_cli.command("inbound")
@click.argument("bestand", type=click.File("rb"))
def inbound_cmd(bestand) -> None:
    """Voer een mail (.eml) in via hetzelfde pad als SendGrid."""
    uitkomst = verwerk(db.session, lees_ruw(bestand.read()), "cli", _nu(), link_url, instellingen())
    db.session.commit()
    if uitkomst.dubbel:
        click.echo("Deze mail (Message-ID) was al verwerkt; niets gewijzigd.")
    elif uitkomst.mail.status.value == "toegepast":
        click.echo(f"Toegepast op zaak {uitkomst.mail.zaak.nummer}: {uitkomst.mail.actie}.")
    else:
        click.echo(f"In quarantaine: {uitkomst.mail.reden}")


def init_app(app) -> None:
    app.register_blueprint(bp)
