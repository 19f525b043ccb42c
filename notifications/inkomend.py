"""Mail in: parse, match to a case, check the sender, strip quotes, read the keyword, apply once.

DOMAIN.md "Replies by email": matched by reply address first, then by
In-Reply-To/References; the sender must be the routed person, their vervanger
or an address of that dienst (for mail to the team: a member of the team);
anything unmatched, from a stranger or not applicable is quarantined for the
beheerder, never applied and never silently dropped. The same message
delivered twice is applied once; a different mail reusing its Message-ID is held.

A reply is applied only when its sender is authenticated: the From domain
aligned with a passing DKIM signature or SPF result as the inbound provider
reports them (or on a domain of a dienst the beheerder marked "intern, zonder
SPF/DKIM"). Header threading alone, several From addresses, and mail that was
unreadable or held NUL characters are quarantined with the reason.
"""
from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email import policy
from email.message import EmailMessage
from email.parser import BytesHeaderParser, BytesParser
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from mailparser_reply import parser as mailparser_reply
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from workflows import usecases, zaken
from workflows.fouten import DomeinFout
from workflows.kalender import amsterdam
from workflows.overgangen import TREFWOORDEN, lees_trefwoord  # noqa: F401  (re-exported for callers)
from workflows.models import Contactpersoon, Dienst, Gebruiker, Status, VasteContactpersoon, Zaak

from . import maatwerk, maatwerk_inkomend
from .afwezigheid import lees_terugkeer
from .models import (
    Afwezigheidsbericht,
    Bijlage,
    InkomendeMail,
    InkomendStatus,
    ReplyAdres,
    ToegestaneAfzender,
    UitgaandeMail,
)
from .quarantaine import antwoord_aan_onbekende, waarom_geen_antwoord
from .uitgaand import LinkMaker, MailInstellingen, na_resultaat

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
    """A mail as it came in, whatever the channel, with the inbound provider's verdicts on its sender."""

    message_id: str
    afzender: str
    aan: list[str]
    onderwerp: str
    tekst: str
    in_reply_to: list[str] = field(default_factory=list)
    bijlagen: list[tuple[str, str, bytes]] = field(default_factory=list)
    ruw: bytes | None = None
    afzenders: int = 1  # distinct addresses over all From: fields; more than one is never applied
    spf: str = ""  # the SPF verdict about envelop_van: pass, fail, softfail, neutral, none, temperror, permerror
    envelop_van: str = ""  # the SMTP MAIL FROM (return path)
    dkim: list[tuple[str, str]] = field(default_factory=list)  # (signing domain, verdict) per signature
    geverifieerd_door: str = ""  # someone vouched for the sender by hand (`flask mail inbound --geverifieerd`)
    automatisch: bool = False  # an out-of-office; what it does to the case is toepassen's business
    niet_beantwoorden: str = ""  # why no automatic answer may go to this mail (a list, automatic, ...)
    problemen: list[str] = field(default_factory=list)  # what is wrong with the mail itself: held, never applied


class _Tekst(HTMLParser):
    """HTML to plain text as a reader sees it, so that the reply parser finds the client's layout in it.

    Whitespace in the source collapses as a browser collapses it (Outlook breaks its source lines anywhere),
    blocks and <br> make lines, list items get "- ", and what sits in a <blockquote> (Gmail's and Apple's
    quoted history) gets "> " as it would in a text part. Script, style and head are dropped, never run.
    Written here rather than taken from html2text: that one writes Markdown and escapes the text ("1\\.",
    "\\-"), which would change what the contact person wrote.
    """

    BLOKKEN = {"p", "div", "li", "tr", "ul", "ol", "table", "blockquote", "pre", "hr", "dl", "dt", "dd",
               "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header", "footer", "address"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.regels: list[list] = [[0, ""]]  # [quote depth, text] per line
        self._overslaan = 0
        self._citaat = 0
        self._pre = 0

    def _nieuwe_regel(self, altijd: bool = False) -> None:
        if altijd or self.regels[-1][1].strip():
            self.regels.append([self._citaat, ""])

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head", "title"):
            self._overslaan += 1
        elif tag == "br":
            self._nieuwe_regel(altijd=True)
        elif tag in self.BLOKKEN:
            self._nieuwe_regel()
            if tag == "blockquote":
                self._citaat += 1
                self.regels[-1][0] = self._citaat
            elif tag == "pre":
                self._pre += 1
            elif tag == "li":
                self.regels[-1][1] = "- "

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head", "title"):
            self._overslaan = max(0, self._overslaan - 1)
        elif tag in self.BLOKKEN:
            if tag == "blockquote":
                self._citaat = max(0, self._citaat - 1)
            elif tag == "pre":
                self._pre = max(0, self._pre - 1)
            self._nieuwe_regel()

    def handle_data(self, data):
        if self._overslaan:
            return
        data = data.replace("\xa0", " ")
        if self._pre:
            eerste, *rest = data.split("\n")
            self.regels[-1][1] += eerste
            for regel in rest:
                self.regels.append([self._citaat, regel])
            return
        data = re.sub(r"\s+", " ", data)
        regel = self.regels[-1]
        if not regel[1].strip():
            regel[0] = self._citaat
        if regel[1].endswith(" ") or not regel[1]:
            data = data.lstrip()
        regel[1] += data


def html_naar_tekst(html: str) -> str:
    """The text of an HTML mail part, line by line as it reads, quoted history marked with "> "."""
    p = _Tekst()
    p.feed(html)
    p.close()
    regels = [("> " * diepte + tekst.strip()).rstrip() for diepte, tekst in p.regels]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(regels)).strip()


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


GENEST = ("De MIME-structuur van de mail is te diep genest om te lezen; alleen de kopregels zijn gelezen en de "
          "ruwe mail is bewaard.")
NUL_TEKENS = ("De mail bevatte NUL-tekens; die zijn verwijderd. Controleer de inhoud voordat u de mail toepast.")


def _inhoud(msg: EmailMessage) -> tuple[str, list[tuple[str, str, bytes]]]:
    """The text (plain preferred, else HTML reduced to text) and the attachments of a parsed mail."""
    tekst = ""
    try:
        deel = msg.get_body(preferencelist=("plain", "html"))
    except RecursionError:
        raise
    except Exception:
        deel = None
    if deel is not None:
        tekst = _deel_tekst(deel)
        if deel.get_content_type() == "text/html":
            tekst = html_naar_tekst(tekst)
    bijlagen = []
    for bijlage in msg.iter_attachments() if msg.is_multipart() else []:
        data = bijlage.get_payload(decode=True)
        bijlagen.append((bijlage.get_filename() or "bijlage", bijlage.get_content_type(),
                         data if isinstance(data, bytes) else b""))
    return tekst, bijlagen


def _kop(msg: EmailMessage, naam: str, charset: str | None) -> str:
    """A header as text. Raw 8-bit bytes (not RFC 2047) are read as UTF-8, else in the body's charset."""
    waarde = str(msg.get(naam, ""))
    if "\ufffd" not in waarde:
        return waarde
    for kopnaam, ruw in msg.raw_items():
        if kopnaam.lower() == naam.lower() and isinstance(ruw, str) and not ruw.isascii():
            try:
                data = ruw.encode("ascii", "surrogateescape")  # the parser kept 8-bit bytes as surrogates
            except UnicodeEncodeError:
                return waarde
            for cs in ("utf-8", charset or "latin-1"):
                try:
                    return " ".join(data.decode(cs).split())
                except (UnicodeError, LookupError):
                    continue
    return waarde


def _afzenders(velden: list[str]) -> tuple[str, int]:
    """The first From address and how many distinct addresses all From fields hold."""
    adressen = [a.lower() for _, a in getaddresses(velden) if a]
    return (adressen[0] if adressen else ""), len(set(adressen))


def lees_ruw(ruw: bytes, envelop_aan: list[str] | None = None) -> BinnenkomendBericht:
    """Parse a whole RFC 5322 message (SendGrid's raw mode, a .eml file) from its bytes: its own charsets decide."""
    problemen: list[str] = []
    try:
        msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(ruw)
    except RecursionError:  # thousands of nested multiparts: the headers can still be read
        msg = BytesParser(policy=policy.default).parsebytes(ruw, headersonly=True)
        problemen.append(GENEST)
    tekst, bijlagen = "", []
    if not problemen:
        try:
            tekst, bijlagen = _inhoud(msg)
        except RecursionError:
            problemen.append(GENEST)
    try:
        afzender, afzenders = _afzenders([str(v) for v in msg.get_all("From", [])])
        aan = [a for _, a in getaddresses([str(msg.get("To", "")), str(msg.get("Cc", ""))]) if a]
        charset = None if problemen else _tekst_charset(msg)
        onderwerp = _kop(msg, "Subject", charset)
        message_id = (_message_ids(str(msg.get("Message-ID", ""))) or [_vervang_id(ruw)])[0]
        in_reply_to = _message_ids(str(msg.get("In-Reply-To", ""))) + _message_ids(str(msg.get("References", "")))
        koppen = [(naam, str(waarde)) for naam, waarde in msg.raw_items()]
    except Exception:  # headers broken beyond repair: keep the raw mail for the beheerder
        afzender, afzenders, aan, onderwerp, message_id, in_reply_to, koppen = "", 0, [], "", _vervang_id(ruw), [], []
    bericht = BinnenkomendBericht(message_id=message_id, afzender=afzender,
                                  aan=[a.lower() for a in aan + (envelop_aan or [])], onderwerp=onderwerp,
                                  tekst=tekst, in_reply_to=in_reply_to, bijlagen=bijlagen, ruw=ruw,
                                  afzenders=afzenders, automatisch=is_automatisch(koppen, onderwerp),
                                  niet_beantwoorden=niet_te_beantwoorden(koppen), problemen=problemen)
    _verdicten_uit_kopregels(bericht, koppen)
    return bericht


def _tekst_charset(msg: EmailMessage) -> str | None:
    try:
        deel = msg.get_body(preferencelist=("plain", "html"))
        return deel.get_content_charset() if deel is not None else msg.get_content_charset()
    except Exception:
        return None


def _decodeer(data: bytes | None, charset: str | None = None) -> str:
    try:
        return (data or b"").decode(charset or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        return (data or b"").decode("utf-8", errors="replace")


def _json(data: bytes | None) -> dict:
    """A JSON object posted as a form field; {} when it is missing, not an object or nested beyond reason."""
    try:
        waarde = json.loads(data or b"{}")
    except (ValueError, RecursionError):
        return {}
    return waarde if isinstance(waarde, dict) else {}


_TEKSTVELDEN = ("headers", "text", "html", "subject", "from", "to", "cc")


def lees_sendgrid(velden: dict[str, bytes], bestanden: list[tuple[str, str, bytes]]) -> BinnenkomendBericht:
    """A mail as SendGrid's Inbound Parse posts it, raw mode (field `email`) or parsed mode, with its verdicts.

    The fields come as the bytes SendGrid sent: the raw mail is parsed as bytes, so that the charsets in the
    mail decide, and parsed-mode fields are decoded with the charset SendGrid names for them in `charsets`.
    SendGrid's `SPF` and `dkim` fields (both modes) are its own verdicts; without them only trace headers that
    our side prepended count (see _verdicten_uit_kopregels).
    """
    envelop = _json(velden.get("envelope"))
    envelop_aan = [a.lower() for a in envelop.get("to", []) if isinstance(a, str)] \
        if isinstance(envelop.get("to"), list) else []
    if "email" in velden:
        bericht = lees_ruw(velden["email"], envelop_aan)
    else:
        bericht = _lees_parsed(velden, bestanden, envelop_aan)
    envelop_van = envelop.get("from") if isinstance(envelop.get("from"), str) else ""
    spf_veld = velden.get("SPF", velden.get("spf"))
    if spf_veld is not None or "dkim" in velden:
        bericht.spf = lees_spf(_decodeer(spf_veld))
        bericht.dkim = lees_dkim(_decodeer(velden.get("dkim")))
        bericht.envelop_van = envelop_van.strip().strip("<>").lower()
    elif not bericht.envelop_van:
        bericht.envelop_van = envelop_van.strip().strip("<>").lower()
    return bericht


def _lees_parsed(velden: dict[str, bytes], bestanden: list[tuple[str, str, bytes]],
                 envelop_aan: list[str]) -> BinnenkomendBericht:
    """SendGrid's parsed mode: fields for headers, text, html, from, to, subject; attachments as files."""
    charsets = _json(velden.get("charsets"))

    def veld(naam: str) -> str:
        charset = charsets.get(naam)
        return _decodeer(velden.get(naam), charset if isinstance(charset, str) else None)

    kopbytes = velden.get("headers", b"")
    problemen = [NUL_TEKENS] if any(b"\x00" in velden.get(n, b"") for n in _TEKSTVELDEN) else []
    tekst = veld("text")
    if not tekst.strip() and velden.get("html"):
        tekst = html_naar_tekst(veld("html"))
    ruw = kopbytes + b"\n\n" + (velden.get("text") or velden.get("html") or b"")
    try:
        koppen_msg = BytesHeaderParser(policy=policy.default).parsebytes(kopbytes)
        afzender, afzenders = _afzenders([veld("from") or str(koppen_msg.get("From", ""))])
        afzenders = max(afzenders, _afzenders([str(v) for v in koppen_msg.get_all("From", [])])[1])
        onderwerp = veld("subject") or str(koppen_msg.get("Subject", ""))
        message_id = (_message_ids(str(koppen_msg.get("Message-ID", ""))) or [_vervang_id(ruw)])[0]
        in_reply_to = (_message_ids(str(koppen_msg.get("In-Reply-To", "")))
                       + _message_ids(str(koppen_msg.get("References", ""))))
        koppen = [(naam, str(waarde)) for naam, waarde in koppen_msg.raw_items()]
    except Exception:  # headers broken beyond repair: keep what came for the beheerder
        afzender, afzenders = _afzenders([veld("from")])
        onderwerp, message_id, in_reply_to, koppen = veld("subject"), _vervang_id(ruw), [], []
    aan = [a.lower() for _, a in getaddresses([veld("to"), veld("cc")]) if a]
    bericht = BinnenkomendBericht(message_id=message_id, afzender=afzender, aan=aan + envelop_aan,
                                  onderwerp=onderwerp, tekst=tekst, in_reply_to=in_reply_to,
                                  bijlagen=list(bestanden), ruw=ruw, afzenders=afzenders,
                                  automatisch=is_automatisch(koppen, onderwerp),
                                  niet_beantwoorden=niet_te_beantwoorden(koppen), problemen=problemen)
    _verdicten_uit_kopregels(bericht, koppen)
    return bericht


# ---------------------------------------------------------------- the sender's authentication

UITSLAGEN = {"pass", "fail", "softfail", "neutral", "none", "temperror", "permerror", "policy"}


def lees_spf(waarde: str | None) -> str:
    """An SPF verdict ("pass", "softfail", "Fail (...)") as one lower-case word; "" when unreadable."""
    woorden = (waarde or "").strip().lower().split(None, 1)
    woord = woorden[0].strip(";:,.") if woorden else ""
    return woord if woord in UITSLAGEN else ""


def lees_dkim(waarde: str | None) -> list[tuple[str, str]]:
    """SendGrid's `dkim` field, e.g. "{@example.nl : pass, @mailer.test : fail}", as (domain, verdict) pairs."""
    return [(domein.lower().rstrip("."), uitslag.lower())
            for domein, uitslag in re.findall(r"@([A-Za-z0-9._-]+)\s*:\s*([A-Za-z]+)", waarde or "")]


def _zonder_commentaar(waarde: str) -> str:
    vorige = None
    while vorige != waarde:
        vorige, waarde = waarde, re.sub(r"\([^()]*\)", " ", waarde)
    return waarde


def _verdicten_uit_kopregels(bericht: BinnenkomendBericht, koppen: list[tuple[str, str]]) -> None:
    """SPF and DKIM verdicts from Authentication-Results and Received-SPF, when our side wrote them.

    A receiving server prepends these trace fields together with its Received line (RFC 7208 9.1, RFC 8601
    4-5). A sender can put any Authentication-Results in its own mail, but never above the Received line our
    MX adds on receipt; so only the fields above the first Received count. SendGrid adds none (its verdicts
    come in the SPF and dkim form fields, which then win); a mail taken from the municipality's own server may
    carry them.
    """
    spf, envelop, dkim = "", "", []
    for naam, waarde in koppen:
        naam = naam.lower()
        if naam == "received":
            break
        waarde = _zonder_commentaar(" ".join(waarde.split()))
        if naam == "received-spf":
            spf = spf or lees_spf(waarde)
            m = re.search(r"envelope-from\s*=\s*\"?<?([^\s;\"<>]+)", waarde, re.I)
            envelop = envelop or (m.group(1).lower() if m else "")
        elif naam == "authentication-results":
            for deel in waarde.split(";")[1:]:  # the first part is the authserv-id
                m = re.match(r"\s*(dkim|spf)\s*=\s*([a-z]+)(.*)", deel, re.I | re.S)
                if not m:
                    continue
                methode, uitslag, rest = m.group(1).lower(), m.group(2).lower(), m.group(3)
                if methode == "dkim":
                    d = re.search(r"header\.d\s*=\s*([A-Za-z0-9._-]+)", rest) or \
                        re.search(r"header\.i\s*=\s*[^@\s;]*@([A-Za-z0-9._-]+)", rest)
                    if d:
                        dkim.append((d.group(1).lower().rstrip("."), uitslag))
                else:
                    spf = spf or lees_spf(uitslag)
                    van = re.search(r"smtp\.mailfrom\s*=\s*\"?<?([^\s;\"<>]+)", rest)
                    envelop = envelop or (van.group(1).lower() if van else "")
    bericht.spf, bericht.envelop_van, bericht.dkim = spf, envelop, dkim


def _domein(adres: str) -> str:
    return (adres or "").rpartition("@")[2].strip().strip(".").lower()


def uitgelijnd(domein: str, afzenderdomein: str) -> bool:
    """DMARC-style relaxed alignment, simplified: the same domain, or one a subdomain of the other.

    Without the public suffix list we cannot name the organisational domain; this rule is stricter than
    DMARC's for siblings (a.gemeente.nl and b.gemeente.nl do not align) and never aligns with a bare
    top-level domain. A parent that is a public suffix (co.uk) cannot sign or pass SPF for itself in practice.
    """
    a, b = domein.lower().strip("."), afzenderdomein.lower().strip(".")
    if not a or not b:
        return False
    if a == b:
        return True
    kort, lang = sorted((a, b), key=len)
    return "." in kort and lang.endswith("." + kort)


def geauthenticeerd(bericht: BinnenkomendBericht) -> bool:
    """The From domain is aligned with a passing DKIM signature or a passing SPF result for the envelope-from."""
    if bericht.geverifieerd_door:
        return True
    domein = _domein(bericht.afzender)
    if any(uitslag == "pass" and uitgelijnd(d, domein) for d, uitslag in bericht.dkim):
        return True
    return bericht.spf == "pass" and uitgelijnd(_domein(bericht.envelop_van), domein)


def _niet_geverifieerd(bericht: BinnenkomendBericht) -> str:
    spf = f"SPF {bericht.spf or 'onbekend'}" + (f" voor {_domein(bericht.envelop_van)}" if bericht.envelop_van else "")
    dkim = "DKIM " + (", ".join(f"{d} {u}" for d, u in bericht.dkim) or "ontbreekt")
    return (f"Afzender niet geverifieerd: geen geslaagde DKIM-handtekening of SPF-controle voor het domein "
            f"{_domein(bericht.afzender) or '(geen)'} ({spf}; {dkim}). Mogelijk vervalst: pas de mail alleen toe "
            f"na controle bij de afzender.")


def interne_dienst(session: Session, afzender: str) -> Dienst | None:
    """The dienst marked "intern, zonder SPF/DKIM" whose mailbox or contact persons use the sender's domain."""
    domein = _domein(afzender)
    if not domein:
        return None
    for dienst in session.execute(select(Dienst).where(Dienst.intern_zonder_authenticatie.is_(True))).scalars():
        adressen = [dienst.mailbox or "", *session.execute(
            select(Contactpersoon.email).where(Contactpersoon.dienst_id == dienst.id)).scalars()]
        if domein in {_domein(a) for a in adressen}:
            return dienst
    return None


# ---------------------------------------------------------------- automatic replies

_AFWEZIG = re.compile(
    r"\s*(automatisch(e)? (antwoord|bericht|antwort)|afwezig(heidsmelding|heidsbericht)?|niet aanwezig|"
    r"out of (the )?office( autoreply)?|automatic reply|auto[- ]?reply|auto[- ]?response|autoresponder|abwesend|"
    r"abwesenheitsnotiz|absence|r[ée]ponse automatique)\s*:", re.I)
_DOORGESTUURD = re.compile(r"\s*(fw|fwd|doorst|tr|wg)\s*:", re.I)


def _koppen(koppen: list[tuple[str, str]]) -> dict[str, str]:
    """The first value of each header, name and value in lower case, folded whitespace made one space."""
    uit: dict[str, str] = {}
    for naam, waarde in koppen:
        uit.setdefault(naam.lower(), " ".join(waarde.split()).lower())
    return uit


def is_automatisch(koppen: list[tuple[str, str]], onderwerp: str) -> bool:
    """An out-of-office: Auto-Submitted: auto-replied (RFC 3834), X-Autoreply, X-Autorespond,
    Precedence: auto_reply, Exchange's pair below, or a subject that starts like Outlook's and Gmail's.

    Outlook marks a mail that a rule forwards as Auto-Submitted: auto-generated: that alone is not one. And
    X-Auto-Response-Suppress alone says only "do not auto-answer me": Outlook and many applications put it on
    ordinary mail. Exchange's out-of-office carries both (auto-generated, and suppress All); a forward by a
    rule ("FW:", "Doorst:") is still an ordinary mail.
    """
    k = _koppen(koppen)
    if k.get("auto-submitted", "").startswith("auto-replied"):
        return True
    if any(k.get(naam, "no") not in ("", "no", "false", "0") for naam in ("x-autoreply", "x-autorespond")):
        return True
    if any(k.get(naam, "").startswith("auto_reply") for naam in ("precedence", "x-precedence")):
        return True
    onderdrukt = re.search(r"\b(all|oof|autoreply)\b", k.get("x-auto-response-suppress", ""))
    if onderdrukt and k.get("auto-submitted", "").startswith("auto-generated") and \
            not _DOORGESTUURD.match(onderwerp or ""):
        return True
    return bool(_AFWEZIG.match(onderwerp or ""))


def niet_te_beantwoorden(koppen: list[tuple[str, str]]) -> str:
    """Why no automatic answer may go to this mail (RFC 3834 section 2), from its headers; "" when none.

    Anything automatic (Auto-Submitted other than "no", X-Autoreply), a list or bulk mail (List-Id,
    List-Unsubscribe, Precedence list/bulk/junk), or a sender that asked for none (X-Auto-Response-Suppress).
    """
    k = _koppen(koppen)
    if k.get("auto-submitted", "no") != "no":
        return f"Auto-Submitted: {k['auto-submitted']}"
    for naam in ("x-autoreply", "x-autorespond"):
        if k.get(naam, "no") not in ("", "no", "false", "0"):
            return naam
    for naam in ("list-id", "list-unsubscribe", "list-post"):
        if naam in k:
            return "een mailinglijst (List-Id)"
    for naam in ("precedence", "x-precedence"):
        if k.get(naam, "").split(" ")[0] in ("list", "bulk", "junk", "auto_reply"):
            return f"Precedence: {k[naam]}"
    if re.search(r"\b(all|autoreply)\b", k.get("x-auto-response-suppress", "")):
        return "X-Auto-Response-Suppress"
    return ""


# ---------------------------------------------------------------- stripping

class _Antwoord(mailparser_reply.EmailMessage):
    """mail-parser-reply's reading of a reply, taught the mobile signatures it does not know (version 1.36).

    It knows "Verzonden vanaf mijn ..." and "Sent from my ...", "Get Outlook for ..."; Apple's and Samsung's
    Dutch "Verstuurd vanaf mijn ...", Outlook mobile's "Sent from Outlook for Android" and its Dutch
    "Outlook voor Android downloaden", and "Verzonden vanuit Mail voor Windows" it leaves in the message.
    These are added to its own `sent_from` vocabulary, so its signature rule (the line, and all below it)
    does the stripping. `keep_hyphen_lists`: a list the contact person typed ("- de cliënt belt") is text,
    not a "-Name" signature.
    """

    def __post_init__(self):
        self.keep_hyphen_lists = True
        super().__post_init__()

    def _get_language_regex(self, language: str, regex_key: str) -> str:
        patroon = super()._get_language_regex(language, regex_key)
        extra = _MOBIELE_ONDERTEKENINGEN.get(language) if regex_key == "sent_from" else None
        return "|".join(p for p in (patroon, extra) if p)


# Each is followed, in the library's rule, by the rest of its one line (device name, link).
_MOBIELE_ONDERTEKENINGEN = {
    "nl": r"(?:Verstuurd|Verzonden) (?:vanaf|vanuit|met) [^\n]{0,60}?|Outlook voor (?:iOS|Android|Windows)",
    "en": r"Sent from (?:Outlook|Mail|Yahoo Mail|Samsung)[^\n]{0,60}?",
}

# What mail-parser-reply does not cut, cut here first (each the start of the quoted history):
_KNIPPEN = [
    # Separators in Dutch, and with any number of dashes and spaces (Samsung: "-------- Oorspronkelijk
    # bericht --------"); the library knows only "-----Original Message-----" exactly.
    re.compile(r"^[ \t]*-{2,}[ \t]*(Oorspronkelijk bericht|Original Message|Doorgestuurd bericht|Forwarded message)"
               r"[ \t]*-{2,}", re.I | re.M),
    # Outlook's rule above its header block when no blank line precedes it (the library wants two newlines).
    re.compile(r"^[ \t]*_{10,}[ \t]*$", re.M),
    # A quoted line: quoted history whose attribution the library does not read, or that has none.
    re.compile(r"^>", re.M),
]
_ATTRIBUTIE_BEGIN = re.compile(r"[ \t]*(?:Op|On)\s", re.I)
_ATTRIBUTIE_WERKWOORD = re.compile(r"\b(?:schreef|wrote|geschreven)\b", re.I)


def _attributie(regels: list[str]) -> int | None:
    """The line where an attribution ("Op ... schreef ...:", "On ... wrote:") starts, over up to three lines.

    By hand because the library reads "Op <datum> <naam> schreef:" on at most two lines, while Gmail writes
    "Op <datum> schreef <naam> <adres>:" and wraps it near 80 characters, leaving ">:" or the address alone on
    the next line, and Apple writes "Op <datum> heeft <naam> het volgende geschreven:".
    """
    for i, regel in enumerate(regels):
        if not _ATTRIBUTIE_BEGIN.match(regel):
            continue
        samen = ""
        for volgende in regels[i:i + 3]:
            if not volgende.strip():
                break
            samen += " " + volgende.strip()
            if samen.endswith(":") and _ATTRIBUTIE_WERKWOORD.search(samen):
                return i
    return None


def nieuwe_tekst(tekst: str) -> str:
    """The new text of a reply: quoted history and signature stripped (Dutch and English clients)."""
    tekst = tekst.replace("\r\n", "\n").replace("\r", "\n").replace("\xa0", " ")
    regels = tekst.split("\n")
    regel = _attributie(regels)
    eind = len("\n".join(regels[:regel])) if regel is not None else len(tekst)
    for patroon in _KNIPPEN:
        m = patroon.search(tekst)
        if m and m.start() < eind:
            eind = m.start()
    tekst = tekst[:eind].strip()
    if not tekst:
        return ""
    antwoorden = _Antwoord(text=tekst, languages=["nl", "en"]).read().replies
    body = antwoorden[0].body.strip() if antwoorden else tekst
    return body or tekst


# The reply keywords and `lees_trefwoord` are declared with the state machine (workflows/overgangen.py).


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
# Header threading alone never changes a case: In-Reply-To and References are copied by anyone who saw
# a mail of the thread (forwarded, cc), while the reply address is issued to one recipient.
ALLEEN_KOPREGELS = ("Niet toegepast: alleen gekoppeld via kopregels (In-Reply-To/References), zonder geldig "
                    "antwoordadres. Controleer afzender en zaak en pas de mail zo nodig handmatig toe.")


def zoek_zaak(session: Session, bericht: BinnenkomendBericht, inst: MailInstellingen, now: datetime) -> Match:
    """Reply address first, then In-Reply-To/References (which only ever lead to quarantine)."""
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
        # In-Reply-To first, then References newest first; a bounded number (a query has a parameter limit).
        verwijzingen = list(dict.fromkeys([bericht.in_reply_to[0], *reversed(bericht.in_reply_to[1:])]))[:100]
        rijen = session.execute(
            select(UitgaandeMail).where(UitgaandeMail.message_id.in_(verwijzingen))
        ).scalars().all()
        zaken_ = {m.zaak_id for m in rijen if m.zaak_id}
        if len(zaken_) == 1:
            mail = rijen[0]
            van_team = session.execute(
                select(ReplyAdres.van_wijkteam).where(ReplyAdres.zaak_id == mail.zaak_id,
                                                      ReplyAdres.ontvanger == mail.aan.lower()).limit(1)
            ).scalar_one_or_none()
            return Match(mail.zaak, mail.aan.lower(), bool(van_team), reden=ALLEEN_KOPREGELS)
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
    toegestaan = session.execute(select(ToegestaneAfzender.id).where(
        ToegestaneAfzender.dienst_id == zaak.dienst_id, ToegestaneAfzender.email == afzender)).first()
    if toegestaan:
        return zaken.Actor.dienst(f"{afzender} ({zaak.dienst.naam}, toegestane afzender)")
    return None


def _afwezigheid_voorstellen(session: Session, rij: InkomendeMail, now: datetime) -> None:
    """An authenticated out-of-office of a contact person: offer the beheerder to record the absence,
    with the last day away when the message states it (notifications.afwezigheid)."""
    cp = session.execute(select(Contactpersoon).where(func.lower(Contactpersoon.email) == rij.afzender,
                                                      Contactpersoon.actief.is_(True))).scalar_one_or_none()
    if cp is None:
        return
    terugkeer = lees_terugkeer(rij.volledige_tekst, amsterdam(now).date())
    session.add(Afwezigheidsbericht(inkomende_mail_id=rij.id, contactpersoon_id=cp.id, ontvangen_op=now,
                                    tot=terugkeer.tot if terugkeer else None, status="open"))


def _opschonen(bericht: BinnenkomendBericht) -> None:
    """Text the database can hold: no NUL (PostgreSQL refuses it in text columns), no lone surrogates."""
    gevonden = False

    def schoon(tekst: str) -> str:
        nonlocal gevonden
        if "\x00" in tekst:
            gevonden = True
            tekst = tekst.replace("\x00", "")
        try:
            tekst.encode("utf-8")
        except UnicodeEncodeError:
            tekst = tekst.encode("utf-8", "surrogatepass").decode("utf-8", "replace")
        return tekst

    bericht.message_id = schoon(bericht.message_id)
    bericht.afzender = schoon(bericht.afzender)
    bericht.aan = [schoon(a) for a in bericht.aan]
    bericht.onderwerp = schoon(bericht.onderwerp)
    bericht.tekst = schoon(bericht.tekst)
    bericht.in_reply_to = [schoon(i) for i in bericht.in_reply_to]
    bericht.bijlagen = [(schoon(naam), schoon(soort), data) for naam, soort, data in bericht.bijlagen]
    bericht.envelop_van = schoon(bericht.envelop_van)
    bericht.dkim = [(schoon(d), schoon(u)) for d, u in bericht.dkim]
    if gevonden and NUL_TEKENS not in bericht.problemen:
        bericht.problemen.append(NUL_TEKENS)


MAX_MESSAGE_ID = 400  # the column's length


def opslagbare_message_id(message_id: str) -> str:
    """A Message-ID that fits its column: a longer one is hashed, never cut (cut ones could collide)."""
    if len(message_id) <= MAX_MESSAGE_ID:
        return message_id
    return f"<sha256.{hashlib.sha256(message_id.encode('utf-8', 'surrogatepass')).hexdigest()}@lange-message-id>"


def identiteit(message_id: str, ruw: bytes | None) -> str:
    """What makes a delivery "the same mail again": its Message-ID and its raw content (migration 0011 too)."""
    return hashlib.sha256(message_id.encode("utf-8", "surrogatepass") + b"\n" + (ruw or b"")).hexdigest()


def _opslaan(session: Session, bericht: BinnenkomendBericht, kanaal: str, now: datetime) -> InkomendeMail | None:
    """Store the mail; None when this very mail (same Message-ID, same content) was stored before.

    A different mail that reuses a Message-ID already seen is stored too, with that as a problem.
    """
    message_id = opslagbare_message_id(bericht.message_id)
    sleutel = identiteit(message_id, bericht.ruw)
    velden = dict(message_id=message_id, identiteit=sleutel, ontvangen_op=now, kanaal=kanaal,
                  afzender=bericht.afzender[:254], aan=", ".join(bericht.aan)[:2000],
                  onderwerp=bericht.onderwerp[:500], volledige_tekst=bericht.tekst, ruw=bericht.ruw,
                  status=InkomendStatus.QUARANTAINE, spf=bericht.spf[:20], envelop_van=bericht.envelop_van[:254],
                  dkim="; ".join(f"{d}={u}" for d, u in bericht.dkim)[:1000],
                  geauthenticeerd=geauthenticeerd(bericht), automatisch=bericht.automatisch)
    rij = InkomendeMail(**velden, message_id_eerste=message_id)
    try:
        with session.begin_nested():
            session.add(rij)
    except IntegrityError:
        if session.execute(select(InkomendeMail.id).where(InkomendeMail.identiteit == sleutel)).first():
            return None
        rij = InkomendeMail(**velden, message_id_eerste=None)
        try:
            with session.begin_nested():
                session.add(rij)
        except IntegrityError:  # this very mail, stored at the same moment by another worker
            return None
        eerste = session.execute(select(InkomendeMail.id).where(InkomendeMail.message_id_eerste == message_id)
                                 ).scalar_one_or_none()
        bericht.problemen.append(f"Een andere mail (#{eerste}) kwam al binnen met dezelfde Message-ID: deze mail "
                                 f"kan vervalst of hergebruikt zijn en is niet toegepast.")
    for naam, soort, data in bericht.bijlagen:
        toegestaan = soort in TOEGESTANE_BIJLAGEN and len(data) <= MAX_BIJLAGE
        session.add(Bijlage(inkomende_mail_id=rij.id, bestandsnaam=naam[:255], content_type=soort[:120],
                            grootte=len(data), data=data if toegestaan else None))
    return rij


def bewaar_onleesbaar(session: Session, ruw: bytes, kanaal: str, now: datetime, reden: str) -> Uitkomst:
    """Keep a mail that could not be processed, raw, in quarantine with the reason: never lost, never applied."""
    bericht = BinnenkomendBericht(message_id=_vervang_id(ruw), afzender="", aan=[], onderwerp="", tekst="", ruw=ruw)
    rij = _opslaan(session, bericht, kanaal, now)
    if rij is None:
        return Uitkomst(None, dubbel=True)
    rij.reden = reden
    return Uitkomst(rij)


@dataclass
class Uitkomst:
    mail: InkomendeMail | None
    dubbel: bool = False

    @property
    def toegepast(self) -> bool:
        return self.mail is not None and self.mail.status == InkomendStatus.TOEGEPAST


MEER_AFZENDERS = ("De mail heeft meer dan één afzender (From:): niet vast te stellen namens wie hij spreekt; "
                  "niet toegepast.")


def verwerk(session: Session, bericht: BinnenkomendBericht, kanaal: str, now: datetime, link_maker: LinkMaker,
            inst: MailInstellingen) -> Uitkomst:
    """Store, match, check and apply one inbound mail; the caller commits.

    Applied only when the mail itself is sound (readable, one From address, its own Message-ID), its reply
    address names the case, the sender may answer for it and the sender is authenticated (or on the domain
    of a dienst the beheerder marked as internal without SPF/DKIM). Everything else waits in quarantine.
    """
    _opschonen(bericht)
    if bericht.afzenders > 1:
        bericht.problemen.append(MEER_AFZENDERS)
    rij = _opslaan(session, bericht, kanaal, now)
    if rij is None:
        return Uitkomst(None, dubbel=True)
    rij.tekst = nieuwe_tekst(bericht.tekst)
    maatwerk_adres = maatwerk_inkomend.adres_van(session, _adres_token(bericht.aan, inst))
    if maatwerk_adres is not None:  # a verdict or BETAALD on the maatwerkbudget: the same rules, its own use cases
        maatwerk_inkomend.verwerk(
            session, rij, bericht, maatwerk_adres, now, inst, maatwerk.links(),
            vertrouwd=rij.geauthenticeerd or interne_dienst(session, bericht.afzender) is not None,
            verlopen=now - maatwerk_adres.aangemaakt_op > REPLY_GELDIG)
        return Uitkomst(rij)
    weggelaten = [b.bestandsnaam for b in rij.bijlagen if b.data is None]
    match = zoek_zaak(session, bericht, inst, now)
    rij.zaak_id = match.zaak.id if match.zaak else None
    if bericht.problemen:
        rij.reden = " ".join(dict.fromkeys(bericht.problemen))
        return Uitkomst(rij)
    vertrouwd = rij.geauthenticeerd or interne_dienst(session, bericht.afzender) is not None
    if bericht.automatisch and vertrouwd:
        _afwezigheid_voorstellen(session, rij, now)
    if match.zaak is None or match.reden:
        rij.reden = match.reden
        return Uitkomst(rij)
    actor = afzender_mag(session, match, bericht.afzender)
    if actor is None:
        rij.reden = f"Afzender {bericht.afzender or '(onbekend)'} mag niet antwoorden namens deze zaak."
        waarom = waarom_geen_antwoord(rij, bericht.niet_beantwoorden, vertrouwd, inst)
        if not waarom:
            in_reply_to = bericht.message_id if not bericht.message_id.startswith("<geen-message-id.") else ""
            if antwoord_aan_onbekende(session, rij, in_reply_to, match.van_wijkteam, now, inst):
                rij.reden += " De afzender kreeg een automatisch antwoord."
        return Uitkomst(rij)
    if not vertrouwd:
        rij.reden = _niet_geverifieerd(bericht)
        return Uitkomst(rij)
    if not rij.tekst and not rij.automatisch:
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
    """Apply the mail's new text to the case through the use case for replies (workflows.usecases).

    Any reply from the dienst counts: a keyword's transition, else a message that is also the first
    reaction; from the team, the answer when the dienst waits on it. An out-of-office is only noted (and
    may send the case to the vervanger). Inside a savepoint: what is not allowed leaves nothing behind.
    """
    with session.begin_nested():
        if getattr(rij, "automatisch", False):
            resultaat = usecases.automatisch_antwoord(session, zaak.id, rij.afzender, rij.onderwerp or "", now)
            actie = "automatisch antwoord"
        else:
            resultaat = usecases.antwoord_toepassen(session, actor, zaak.id, rij.tekst, now, kanaal="e-mail")
            actie = resultaat.overgang.actie if resultaat.overgang is not None else "bericht"
            if resultaat.berichten and resultaat.overgang is not None:
                actie = "bericht (eerste reactie)"
        na_resultaat(session, resultaat, now, link_maker, inst)
        for b in rij.bijlagen:
            b.zaak_id = zaak.id
    rij.status = status
    rij.actie = actie
    rij.reden = ""


def handmatig_toepassen(session: Session, rij: InkomendeMail, zaak: Zaak, beheerder: str, now: datetime,
                        link_maker: LinkMaker, inst: MailInstellingen) -> None:
    """The beheerder applies a quarantined mail to a case; the sender is recorded, with who approved it."""
    session.refresh(rij, with_for_update=True)  # two beheerders, one mail: the second sees it handled
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


def afzender_toestaan(session: Session, rij: InkomendeMail, beheerder: str, now: datetime, link_maker: LinkMaker,
                      inst: MailInstellingen) -> ToegestaneAfzender:
    """"Afzender toestaan voor deze dienst": the held mail's sender may answer for its case's dienst from now
    on (still only when authenticated), and this mail is applied to its case, both or neither."""
    session.refresh(rij, with_for_update=True)
    if rij.status != InkomendStatus.QUARANTAINE:
        raise DomeinFout("Deze mail is al afgehandeld.")
    zaak, adres = rij.zaak, (rij.afzender or "").lower()
    if zaak is None:
        raise DomeinFout("Deze mail hoort bij geen zaak: pas hem toe op een zaak of verwerp hem.")
    if "@" not in adres:
        raise DomeinFout("Deze mail heeft geen afzenderadres om toe te staan.")
    token = _adres_token([a.strip() for a in (rij.aan or "").split(",")], inst)
    if token and session.execute(select(ReplyAdres.van_wijkteam).where(ReplyAdres.token == token)).scalar():
        raise DomeinFout("Deze mail ging naar het wijkteam, niet naar de dienst: een afzender toestaan kan alleen "
                         "voor antwoorden van een dienst. Pas hem toe op de zaak of verwerp hem.")
    if not rij.tekst and not rij.automatisch:
        raise DomeinFout("Deze mail bevat geen nieuwe tekst om toe te passen.")
    toegestaan = session.execute(select(ToegestaneAfzender).where(
        ToegestaneAfzender.dienst_id == zaak.dienst_id, ToegestaneAfzender.email == adres)).scalar_one_or_none()
    if toegestaan is None:
        toegestaan = ToegestaneAfzender(dienst_id=zaak.dienst_id, email=adres, toegevoegd_door=beheerder,
                                        toegevoegd_op=now, inkomende_mail_id=rij.id)
        session.add(toegestaan)
        session.flush()
    actor = zaken.Actor.dienst(f"{adres} ({zaak.dienst.naam}, toegestaan door {beheerder})")
    toepassen(session, rij, zaak, actor, now, link_maker, inst, status=InkomendStatus.HANDMATIG)
    rij.afgehandeld_door = beheerder
    rij.afgehandeld_op = now
    return toegestaan


def verwerpen(rij: InkomendeMail, beheerder: str, reden: str, now: datetime) -> None:
    """Discard a quarantined mail, keeping it and the reason."""
    if rij.status != InkomendStatus.QUARANTAINE:
        raise DomeinFout("Deze mail is al afgehandeld.")
    rij.status = InkomendStatus.VERWORPEN
    rij.reden = f"{rij.reden} — verworpen: {reden}".strip(" —")
    rij.afgehandeld_door = beheerder
    rij.afgehandeld_op = now
