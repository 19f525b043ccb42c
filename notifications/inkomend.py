"""Mail in: parse, match to a case, check the sender, strip quotes, read the keyword, apply once.

DOMAIN.md "Replies by email": matched by reply address first, then by
In-Reply-To/References; the sender must be the routed person, their vervanger
or an address of that dienst (for mail to the team: a member of the team);
anything unmatched, from a stranger or not applicable is quarantined for the
beheerder, never applied and never silently dropped. The same message
delivered twice is applied once.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from mailparser_reply import EmailReplyParser
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflows import zaken
from workflows.fouten import DomeinFout
from workflows.models import Contactpersoon, Gebruiker, Status, VasteContactpersoon, Zaak

from .models import Bijlage, InkomendeMail, InkomendStatus, ReplyAdres, UitgaandeMail
from .uitgaand import LinkMaker, MailInstellingen, na_bericht, na_gebeurtenis

# ---------------------------------------------------------------- parsing

TOEGESTANE_BIJLAGEN = {
    "application/pdf", "image/png", "image/jpeg", "image/gif", "text/plain", "text/csv",
    "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
}
MAX_BIJLAGE = 10 * 1024 * 1024


@dataclass
class BinnenkomendBericht:
    """A mail as it came in, whatever the channel."""

    message_id: str
    afzender: str
    aan: list[str]
    onderwerp: str
    tekst: str
    in_reply_to: list[str] = field(default_factory=list)
    bijlagen: list[tuple[str, str, bytes]] = field(default_factory=list)
    ruw: bytes | None = None


class _Tekst(HTMLParser):
    """HTML to plain text, dropping script and style (never rendered, never executed)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.delen: list[str] = []
        self._overslaan = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self._overslaan += 1
        elif tag in ("br", "p", "div", "li", "tr", "blockquote", "h1", "h2", "h3"):
            self.delen.append("\n")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head") and self._overslaan:
            self._overslaan -= 1

    def handle_data(self, data):
        if not self._overslaan:
            self.delen.append(data)


def html_naar_tekst(html: str) -> str:
    p = _Tekst()
    p.feed(html)
    p.close()
    return re.sub(r"\n{3,}", "\n\n", "".join(p.delen)).strip()


def _message_ids(waarde: str | None) -> list[str]:
    return re.findall(r"<[^<>\s]+>", waarde or "")


def _vervang_id(ruw: bytes | str) -> str:
    data = ruw if isinstance(ruw, bytes) else ruw.encode("utf-8", "replace")
    return f"<geen-message-id.{hashlib.sha256(data).hexdigest()[:32]}@knipkaart>"


def _deel_tekst(deel) -> str:
    try:
        return deel.get_content()
    except (LookupError, UnicodeError, AssertionError):
        # An unknown or lying charset: decode what we can rather than lose the reply.
        payload = deel.get_payload(decode=True) or b""
        return payload.decode("utf-8", errors="replace")


def lees_ruw(ruw: bytes, envelop_aan: list[str] | None = None) -> BinnenkomendBericht:
    """Parse a whole RFC 5322 message (SendGrid's raw mode, a .eml file)."""
    msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(ruw)
    tekst = ""
    try:
        deel = msg.get_body(preferencelist=("plain", "html"))
    except Exception:
        deel = None
    if deel is not None:
        tekst = _deel_tekst(deel)
        if deel.get_content_type() == "text/html":
            tekst = html_naar_tekst(tekst)
    bijlagen = []
    for bijlage in msg.iter_attachments() if msg.is_multipart() else []:
        data = bijlage.get_payload(decode=True) or b""
        bijlagen.append((bijlage.get_filename() or "bijlage", bijlage.get_content_type(), data))
    try:
        aan = [a for _, a in getaddresses([str(msg.get("To", "")), str(msg.get("Cc", ""))]) if a]
        afzender = parseaddr(str(msg.get("From", "")))[1]
        onderwerp = str(msg.get("Subject", ""))
        message_id = (_message_ids(str(msg.get("Message-ID", ""))) or [_vervang_id(ruw)])[0]
        in_reply_to = _message_ids(str(msg.get("In-Reply-To", ""))) + _message_ids(str(msg.get("References", "")))
    except Exception:  # headers broken beyond repair: keep the raw mail for the beheerder
        aan, afzender, onderwerp, message_id, in_reply_to = [], "", "", _vervang_id(ruw), []
    return BinnenkomendBericht(message_id=message_id, afzender=afzender.lower(),
                               aan=[a.lower() for a in aan + (envelop_aan or [])], onderwerp=onderwerp,
                               tekst=tekst, in_reply_to=in_reply_to, bijlagen=bijlagen, ruw=ruw)


# ---------------------------------------------------------------- stripping

_KNIPPEN = [
    re.compile(r"^\s*-{2,}\s*(Oorspronkelijk bericht|Original Message|Doorgestuurd bericht|Forwarded message)\s*-{2,}",
               re.I | re.M),
    re.compile(r"^\s*Op .{4,200}?schreef[^\n]*:\s*$", re.I | re.M | re.S),
    re.compile(r"^\s*On .{4,200}?wrote:\s*$", re.I | re.M | re.S),
    re.compile(r"^\s*\**(Van|From)\s*:\**\s.+\n(.*\n){0,3}?\s*\**(Verzonden|Sent|Datum|Date)\s*:", re.I | re.M),
    re.compile(r"^\s*_{10,}\s*$", re.M),  # Outlook's line above the quoted header
    re.compile(r"^>", re.M),
]


def nieuwe_tekst(tekst: str) -> str:
    """The new text of a reply: quoted history and signature stripped (Dutch and English clients)."""
    tekst = tekst.replace("\r\n", "\n").replace("\r", "\n")
    eind = len(tekst)
    for patroon in _KNIPPEN:
        m = patroon.search(tekst)
        if m and m.start() < eind:
            eind = m.start()
    tekst = tekst[:eind].strip()
    if not tekst:
        return ""
    antwoorden = EmailReplyParser(languages=["nl", "en"]).read(text=tekst).replies
    body = antwoorden[0].body.strip() if antwoorden else tekst
    return body or tekst


# ---------------------------------------------------------------- keywords

TREFWOORDEN = {  # longest first, so "IN BEHANDELING" wins over nothing shorter
    "ANDERS OPGELOST": "anders_opgelost",
    "IN BEHANDELING": "in_behandeling",
    "UITGEVOERD": "uitgevoerd",
    "TOEGEKEND": "toegekend",
    "AFGEWEZEN": "afgewezen",
    "ONTVANGEN": "ontvangen",
    "REGULIER": "regulier",
    "BEZWAAR": "bezwaar",
    "VRAAG": "vraag",
}


def lees_trefwoord(tekst: str) -> tuple[str | None, str]:
    """(action, the rest) when the first line starts with a keyword; (None, text) otherwise."""
    regels = tekst.strip().split("\n")
    if not regels or not regels[0].strip():
        return None, tekst.strip()
    eerste = regels[0].strip()
    for woord in sorted(TREFWOORDEN, key=len, reverse=True):
        patroon = r"\s+".join(map(re.escape, woord.split())) + r"(?!\w)[\s:.,!-]*"
        m = re.match(patroon, eerste, re.I)
        if m:
            rest = "\n".join([eerste[m.end():].strip(), *regels[1:]]).strip()
            return TREFWOORDEN[woord], rest
    return None, tekst.strip()


# ---------------------------------------------------------------- matching and applying


@dataclass
class Match:
    zaak: Zaak | None
    ontvanger: str | None = None
    van_wijkteam: bool = False
    reden: str = ""


def _adres_token(adressen: list[str], inst: MailInstellingen) -> str | None:
    patroon = re.compile(rf"^{re.escape(inst.inbound_localpart)}\+([0-9a-f]{{20}})@{re.escape(inst.inbound_domain)}$",
                         re.I)
    for adres in adressen:
        m = patroon.match(adres.strip())
        if m:
            return m.group(1).lower()
    return None


REPLY_GELDIG = timedelta(days=180)


def zoek_zaak(session: Session, bericht: BinnenkomendBericht, inst: MailInstellingen, now: datetime) -> Match:
    """Reply address first, then In-Reply-To/References."""
    token = _adres_token(bericht.aan, inst)
    if token:
        adres = session.execute(select(ReplyAdres).where(ReplyAdres.token == token)).scalar_one_or_none()
        if adres is None:
            return Match(None, reden="Het antwoordadres is onbekend of vervalst.")
        if now - adres.aangemaakt_op > REPLY_GELDIG:
            return Match(adres.zaak, reden=f"Het antwoordadres is verlopen (uitgegeven op "
                                           f"{adres.aangemaakt_op:%d-%m-%Y}); controleer of dit antwoord nog geldt.")
        return Match(adres.zaak, adres.ontvanger, adres.van_wijkteam)
    if bericht.in_reply_to:
        rijen = session.execute(
            select(UitgaandeMail).where(UitgaandeMail.message_id.in_(bericht.in_reply_to))
        ).scalars().all()
        zaken_ = {m.zaak_id for m in rijen if m.zaak_id}
        if len(zaken_) == 1:
            mail = rijen[0]
            van_team = session.execute(
                select(ReplyAdres.van_wijkteam).where(ReplyAdres.zaak_id == mail.zaak_id,
                                                      ReplyAdres.ontvanger == mail.aan.lower()).limit(1)
            ).scalar_one_or_none()
            return Match(mail.zaak, mail.aan.lower(), bool(van_team))
        if len(zaken_) > 1:
            return Match(None, reden="De kopregels verwijzen naar meer dan één zaak.")
    return Match(None, reden="Niet te koppelen aan een zaak: geen geldig antwoordadres en geen bekende verwijzing.")


def afzender_mag(session: Session, match: Match, afzender: str) -> zaken.Actor | None:
    """Who the sender acts as, when they may answer for this case; None for a stranger."""
    zaak = match.zaak
    if not afzender:
        return None
    if match.van_wijkteam:
        g = session.execute(select(Gebruiker).where(func.lower(Gebruiker.email) == afzender,
                                                    Gebruiker.wijkteam_id == zaak.wijkteam_id,
                                                    Gebruiker.actief.is_(True))).scalar_one_or_none()
        return zaken.Actor.gebruiker(g) if g else None
    cp = session.execute(
        select(Contactpersoon).where(func.lower(Contactpersoon.email) == afzender)
    ).scalar_one_or_none()
    if cp is not None and cp.actief and cp.dienst_id == zaak.dienst_id:
        return zaken.Actor.dienst(f"{cp.naam} ({zaak.dienst.naam})", cp.id, cp.functie.value)
    vast = session.execute(select(VasteContactpersoon).where(
        VasteContactpersoon.wijkteam_id == zaak.wijkteam_id, VasteContactpersoon.dienst_id == zaak.dienst_id)
    ).scalar_one_or_none()
    if vast and vast.vervanger and vast.vervanger.actief and vast.vervanger.email.lower() == afzender:
        return zaken.Actor.dienst(f"{vast.vervanger.naam} ({zaak.dienst.naam})", vast.vervanger.id)
    if afzender in {(zaak.dienst.mailbox or "").lower(), (match.ontvanger or "").lower(),
                    (zaak.ontvanger_email or "").lower()}:
        return zaken.Actor.dienst(f"{zaak.dienst.naam} ({afzender})")
    return None


def _opslaan(session: Session, bericht: BinnenkomendBericht, kanaal: str, now: datetime) -> InkomendeMail | None:
    """Store the mail once per Message-ID; None when it was stored before."""
    rij = InkomendeMail(message_id=bericht.message_id[:400], ontvangen_op=now, kanaal=kanaal,
                        afzender=bericht.afzender[:254], aan=", ".join(bericht.aan)[:2000],
                        onderwerp=bericht.onderwerp[:500], volledige_tekst=bericht.tekst, ruw=bericht.ruw,
                        status=InkomendStatus.QUARANTAINE)
    try:
        with session.begin_nested():
            session.add(rij)
    except IntegrityError:
        return None
    for naam, soort, data in bericht.bijlagen:
        toegestaan = soort in TOEGESTANE_BIJLAGEN and len(data) <= MAX_BIJLAGE
        session.add(Bijlage(inkomende_mail_id=rij.id, bestandsnaam=naam[:255], content_type=soort[:120],
                            grootte=len(data), data=data if toegestaan else None))
    return rij


@dataclass
class Uitkomst:
    mail: InkomendeMail | None
    dubbel: bool = False

    @property
    def toegepast(self) -> bool:
        return self.mail is not None and self.mail.status == InkomendStatus.TOEGEPAST


def verwerk(session: Session, bericht: BinnenkomendBericht, kanaal: str, now: datetime, link_maker: LinkMaker,
            inst: MailInstellingen) -> Uitkomst:
    """Store, match, check and apply one inbound mail; the caller commits."""
    rij = _opslaan(session, bericht, kanaal, now)
    if rij is None:
        return Uitkomst(None, dubbel=True)
    rij.tekst = nieuwe_tekst(bericht.tekst)
    weggelaten = [b.bestandsnaam for b in rij.bijlagen if b.data is None]
    match = zoek_zaak(session, bericht, inst, now)
    if match.zaak is None or match.reden:
        rij.zaak_id = match.zaak.id if match.zaak else None
        rij.reden = match.reden
        return Uitkomst(rij)
    rij.zaak_id = match.zaak.id
    actor = afzender_mag(session, match, bericht.afzender)
    if actor is None:
        rij.reden = f"Afzender {bericht.afzender or '(onbekend)'} mag niet antwoorden namens deze zaak."
        return Uitkomst(rij)
    if not rij.tekst:
        rij.reden = "De mail bevat geen nieuwe tekst."
        return Uitkomst(rij)
    try:
        toepassen(session, rij, match.zaak, actor, now, link_maker, inst)
    except DomeinFout as fout:
        rij.reden = f"Niet toe te passen: {fout.melding}"
        rij.status = InkomendStatus.QUARANTAINE
        return Uitkomst(rij)
    if weggelaten:
        rij.reden = "Bijlagen niet bewaard (type of grootte niet toegestaan): " + ", ".join(weggelaten)
    return Uitkomst(rij)


def toepassen(session: Session, rij: InkomendeMail, zaak: Zaak, actor: zaken.Actor, now: datetime,
              link_maker: LinkMaker, inst: MailInstellingen, *, status: InkomendStatus = InkomendStatus.TOEGEPAST,
              ) -> None:
    """Apply the mail's text to the case: a keyword's transition, the team's answer, or a message.

    Inside a savepoint: a transition that is not allowed leaves nothing behind.
    """
    with session.begin_nested():
        if actor.rol == zaken.DIENST:
            actie, rest = lees_trefwoord(rij.tekst)
        else:  # the team replies: an answer when the dienst asked a question, a message otherwise
            actie = "beantwoorden" if zaak.status == Status.WACHT_OP_WIJKTEAM else None
            rest = rij.tekst
        if actie is None:
            b = zaken.bericht_plaatsen(session, actor, zaak, rest, now, kanaal="e-mail")
            na_bericht(session, b, now, link_maker, inst)
        else:
            g = zaken.uitvoeren(session, actor, zaak, actie, now, toelichting=rest)
            na_gebeurtenis(session, g, now, link_maker, inst)
        for b in rij.bijlagen:
            b.zaak_id = zaak.id
    rij.status = status
    rij.actie = actie or "bericht"
    rij.reden = ""


def handmatig_toepassen(session: Session, rij: InkomendeMail, zaak: Zaak, beheerder: str, now: datetime,
                        link_maker: LinkMaker, inst: MailInstellingen) -> None:
    """The beheerder applies a quarantined mail to a case; the sender is recorded, with who approved it."""
    if rij.status != InkomendStatus.QUARANTAINE:
        raise DomeinFout("Deze mail is al afgehandeld.")
    if not rij.tekst:
        raise DomeinFout("Deze mail bevat geen nieuwe tekst om toe te passen.")
    lid = session.execute(select(Gebruiker).where(func.lower(Gebruiker.email) == rij.afzender,
                                                  Gebruiker.wijkteam_id == zaak.wijkteam_id)).scalar_one_or_none()
    if lid is not None:
        actor = zaken.Actor.gebruiker(lid)
    else:
        actor = zaken.Actor.dienst(f"{rij.afzender or 'onbekende afzender'} ({zaak.dienst.naam}, "
                                   f"toegelaten door {beheerder})")
    toepassen(session, rij, zaak, actor, now, link_maker, inst, status=InkomendStatus.HANDMATIG)
    rij.zaak_id = zaak.id
    rij.afgehandeld_door = beheerder
    rij.afgehandeld_op = now


def verwerpen(rij: InkomendeMail, beheerder: str, reden: str, now: datetime) -> None:
    """Discard a quarantined mail, keeping it and the reason."""
    if rij.status != InkomendStatus.QUARANTAINE:
        raise DomeinFout("Deze mail is al afgehandeld.")
    rij.status = InkomendStatus.VERWORPEN
    rij.reden = f"{rij.reden} — verworpen: {reden}".strip(" —")
    rij.afgehandeld_door = beheerder
    rij.afgehandeld_op = now
