"""Mail backends behind one small interface, chosen by MAIL_BACKEND: outbox, smtp, sendgrid.

`verstuur(mail)` returns the provider's id, or raises TijdelijkeFout (try again,
perhaps not before `niet_voor`) or PermanenteFout (give up: the reason is kept).
A TijdelijkeFout with `onzeker` means the request reached the provider and the
answer did not come back: it may have taken the mail. Every network backend
waits at most `timeout` seconds to connect and for each read.
"""
from __future__ import annotations

import http.client
import itertools
import os
import smtplib
import tempfile
import urllib.error
from dataclasses import dataclass
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Protocol

from .models import UitgaandeMail


class TijdelijkeFout(Exception):
    """Sending failed for now: retry later (not before `niet_voor` when the provider says so)."""

    def __init__(self, reden: str, niet_voor: datetime | None = None, *, onzeker: bool = False):
        super().__init__(reden)
        self.reden = reden
        self.niet_voor = niet_voor
        self.onzeker = onzeker


class PermanenteFout(Exception):
    """Sending will never work for this mail (a 4xx from the provider, a refused address)."""

    def __init__(self, reden: str):
        super().__init__(reden)
        self.reden = reden


class Backend(Protocol):
    naam: str

    def verstuur(self, mail: UitgaandeMail) -> str | None: ...


# Answers to a mail that came in (RFC 3834): "auto-replied", and a request not to auto-answer them in turn, so
# that two responders never answer each other. Every other mail is new mail: "auto-generated".
AUTOMATISCHE_ANTWOORDEN = frozenset({"afzender_onbekend"})


def automatische_kopregels(mail: UitgaandeMail) -> dict[str, str]:
    """The Auto-Submitted (and X-Auto-Response-Suppress) headers this mail carries."""
    if mail.soort in AUTOMATISCHE_ANTWOORDEN:
        return {"Auto-Submitted": "auto-replied", "X-Auto-Response-Suppress": "All"}
    return {"Auto-Submitted": "auto-generated"}


def bouw_bericht(mail: UitgaandeMail, afzender: str, now: datetime | None = None) -> EmailMessage:
    """The RFC 5322 message for an outbox row: text and HTML, threading headers, reply address."""
    msg = EmailMessage()
    msg["From"] = afzender
    msg["To"] = mail.aan
    msg["Subject"] = mail.onderwerp
    msg["Date"] = format_datetime(now or datetime.now(timezone.utc))
    msg["Message-ID"] = mail.message_id or make_msgid()
    if mail.reply_to:
        msg["Reply-To"] = mail.reply_to
    if mail.in_reply_to:
        msg["In-Reply-To"] = mail.in_reply_to
    if mail.references:
        msg["References"] = mail.references
    for naam, waarde in automatische_kopregels(mail).items():
        msg[naam] = waarde
    msg.set_content(mail.tekst)
    msg.add_alternative(mail.html, subtype="html")
    return msg


@dataclass
class OutboxBackend:
    """Development: every message written as an .eml file."""

    map: str
    afzender: str
    naam: str = "outbox"

    def verstuur(self, mail: UitgaandeMail) -> str | None:
        pad = Path(self.map)
        pad.mkdir(parents=True, exist_ok=True)
        stam = f"{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{mail.id:06d}-{mail.soort}"
        # A temporary file of its own, then a hard link under a name nobody has: a reader never sees half a
        # mail, and a second send of the same mail in the same second is a second file, never an overwrite
        # (which would hide exactly the double send a test looks for).
        fd, tijdelijk = tempfile.mkstemp(dir=pad, suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(bytes(bouw_bericht(mail, self.afzender)))
            for n in itertools.count(1):
                bestand = pad / (f"{stam}.eml" if n == 1 else f"{stam}.{n}.eml")
                try:
                    os.link(tijdelijk, bestand)
                    return bestand.name
                except FileExistsError:
                    continue
        finally:
            os.unlink(tijdelijk)
        raise AssertionError("unreachable")  # pragma: no cover


class _Smtp(smtplib.SMTP):
    """smtplib's client, remembering whether the message itself went out: after that, a lost reply
    leaves the outcome unknown (the relay may have queued it)."""

    inhoud_verstuurd = False

    def data(self, msg):
        self.inhoud_verstuurd = True
        return super().data(msg)


@dataclass
class SmtpBackend:
    """A municipality's own relay. The Message-ID is the row's, the same on every attempt."""

    host: str
    port: int
    afzender: str
    gebruikersnaam: str = ""
    wachtwoord: str = ""
    starttls: bool = False
    timeout: float = 20.0
    naam: str = "smtp"

    def verstuur(self, mail: UitgaandeMail) -> str | None:
        msg = bouw_bericht(mail, self.afzender)
        smtp = None
        try:
            with _Smtp(self.host, self.port, timeout=self.timeout) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.gebruikersnaam:
                    smtp.login(self.gebruikersnaam, self.wachtwoord)
                geweigerd = smtp.send_message(msg)
        except smtplib.SMTPRecipientsRefused as e:
            code, tekst = next(iter(e.recipients.values()))
            return self._fout(code, tekst)
        except (smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as e:
            return self._fout(e.smtp_code, e.smtp_error)
        except smtplib.SMTPAuthenticationError as e:
            raise PermanenteFout(f"SMTP-aanmelding geweigerd ({e.smtp_code})")
        except (smtplib.SMTPException, OSError) as e:
            if smtp is not None and smtp.inhoud_verstuurd:
                raise TijdelijkeFout(f"SMTP: uitkomst onbekend, de relay antwoordde niet na het bericht: "
                                     f"{type(e).__name__}: {e}", onzeker=True)
            raise TijdelijkeFout(f"SMTP niet bereikbaar: {type(e).__name__}: {e}")
        if geweigerd:
            code, tekst = next(iter(geweigerd.values()))
            return self._fout(code, tekst)
        return msg["Message-ID"]

    @staticmethod
    def _fout(code: int, tekst) -> None:
        tekst = tekst.decode(errors="replace") if isinstance(tekst, bytes) else str(tekst)
        if 400 <= code < 500:
            raise TijdelijkeFout(f"SMTP {code}: {tekst}")
        raise PermanenteFout(f"SMTP {code}: {tekst}")


@dataclass
class SendgridBackend:
    """SendGrid's v3 Mail Send through the official client; ids only in categories and custom_args.

    Every attempt carries the same Message-ID header and our row id in custom_args (`mail_id`), which
    SendGrid copies onto each delivery event: the event webhook finds the row by it, whichever attempt
    the event is about, so a re-send after an unknown outcome is recognised as the same mail.
    """

    api_key: str
    afzender: str
    host: str = "https://api.sendgrid.com"
    timeout: float = 20.0
    naam: str = "sendgrid"

    def verstuur(self, mail: UitgaandeMail) -> str | None:
        from email.utils import parseaddr

        from python_http_client.exceptions import HTTPError
        from sendgrid import SendGridAPIClient
        from sendgrid.helpers.mail import Category, CustomArg, From, Header, Mail, ReplyTo

        naam, adres = parseaddr(self.afzender)
        bericht = Mail(from_email=From(adres, naam or None), to_emails=mail.aan, subject=mail.onderwerp,
                       plain_text_content=mail.tekst, html_content=mail.html)
        if mail.reply_to:
            bericht.reply_to = ReplyTo(mail.reply_to)
        bericht.header = Header("Message-ID", mail.message_id)
        if mail.in_reply_to:
            bericht.header = Header("In-Reply-To", mail.in_reply_to)
            bericht.header = Header("References", mail.references or mail.in_reply_to)
        if mail.soort in AUTOMATISCHE_ANTWOORDEN:
            for naam, waarde in automatische_kopregels(mail).items():
                bericht.header = Header(naam, waarde)
        bericht.category = Category("knipkaart")
        bericht.category = Category(mail.soort)
        bericht.custom_arg = CustomArg("mail_id", str(mail.id))
        if mail.zaak_id:
            bericht.custom_arg = CustomArg("zaak_id", str(mail.zaak_id))
        client = SendGridAPIClient(api_key=self.api_key, host=self.host)
        # python-http-client hands this to urllib: the socket's timeout, for connecting and for every read.
        client.client.timeout = self.timeout
        try:
            antwoord = client.send(bericht)
        except HTTPError as e:
            self._fout(e)
        except urllib.error.URLError as e:
            # urllib wraps what fails while connecting and sending: the request never arrived whole.
            raise TijdelijkeFout(f"SendGrid niet bereikbaar: {type(e.reason).__name__}: {e.reason}")
        except (OSError, http.client.HTTPException) as e:
            # The request went out; the answer timed out or broke off. SendGrid may have accepted it.
            raise TijdelijkeFout(f"SendGrid: uitkomst onbekend, geen volledig antwoord: {type(e).__name__}: {e}",
                                 onzeker=True)
        return _header(antwoord.headers, "X-Message-Id")

    @staticmethod
    def _fout(e) -> None:
        status = e.status_code
        body = e.body.decode(errors="replace") if isinstance(e.body, bytes) else str(e.body)
        if status == 429:
            reset = _header(e.headers, "X-RateLimit-Reset")
            niet_voor = None
            if reset and reset.isdigit():
                niet_voor = datetime.fromtimestamp(int(reset), tz=timezone.utc)
            raise TijdelijkeFout("SendGrid 429: te veel verzoeken", niet_voor)
        if status >= 500:
            raise TijdelijkeFout(f"SendGrid {status}: {body[:500]}")
        raise PermanenteFout(f"SendGrid {status}: {body[:500]}")


def _header(headers, naam: str) -> str | None:
    if headers is None:
        return None
    if hasattr(headers, "get"):
        waarde = headers.get(naam)
        if waarde is None and hasattr(headers, "items"):
            waarde = next((v for k, v in headers.items() if k.lower() == naam.lower()), None)
        return waarde
    return None


def uit_config(config: dict) -> Backend:
    """The backend MAIL_BACKEND names, configured from the app config."""
    soort = config.get("MAIL_BACKEND", "outbox")
    afzender = config["MAIL_FROM"]
    timeout = float(config.get("MAIL_TIMEOUT_SECONDEN", 20.0))
    if soort == "outbox":
        return OutboxBackend(config["OUTBOX_DIR"], afzender)
    if soort == "smtp":
        return SmtpBackend(config["SMTP_HOST"], int(config["SMTP_PORT"]), afzender, config.get("SMTP_USERNAME", ""),
                           config.get("SMTP_PASSWORD", ""), bool(config.get("SMTP_STARTTLS")), timeout=timeout)
    if soort == "sendgrid":
        if not config.get("SENDGRID_API_KEY"):
            raise ValueError("MAIL_BACKEND=sendgrid vraagt SENDGRID_API_KEY")
        return SendgridBackend(config["SENDGRID_API_KEY"], afzender,
                               config.get("SENDGRID_API_HOST", "https://api.sendgrid.com"), timeout=timeout)
    raise ValueError(f"Onbekende MAIL_BACKEND {soort!r}: kies outbox, smtp of sendgrid")
