"""The return date an out-of-office states, in Dutch or English, read as a proposal for the beheerder.

"Ik ben afwezig tot en met 20 maart", "terug op 3 januari", "until 14 April", "back on March 3rd": the
beheerder is offered to record the absence (workflows.models.Afwezigheid), so that new cases go to the
vervanger from the start. Nothing is recorded without the beheerder's click.

python-dateutil reads the date itself, with the Dutch month and day names added to its parserinfo. Finding
*which* date in the message is the return date is done here by hand: no library knows that "tot en met"
gives the last day away and "terug op" the first day back, and dateutil's fuzzy mode (or dateparser's
search) takes the first number it meets, a phone number or "2 weken" as readily as the date.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from dateutil import parser as dateutil_parser


class _Datums(dateutil_parser.parserinfo):
    """dateutil's parserinfo with Dutch names beside the English ones; day first, as both languages write."""

    MONTHS = [("jan", "januari", "january"), ("feb", "februari", "february"), ("mrt", "maart", "mar", "march"),
              ("apr", "april"), ("mei", "may"), ("jun", "juni", "june"), ("jul", "juli", "july"),
              ("aug", "augustus", "august"), ("sep", "sept", "september"), ("okt", "oktober", "oct", "october"),
              ("nov", "november"), ("dec", "december")]
    WEEKDAYS = [("ma", "maandag", "mon", "monday"), ("di", "dinsdag", "tue", "tuesday"),
                ("wo", "woensdag", "wed", "wednesday"), ("do", "donderdag", "thu", "thursday"),
                ("vr", "vrijdag", "fri", "friday"), ("za", "zaterdag", "sat", "saturday"),
                ("zo", "zondag", "sun", "sunday")]

    def __init__(self):
        super().__init__(dayfirst=True)


_MAAND = (r"(?:jan(?:uari|uary)?|feb(?:ruari|ruary)?|mrt|maart|mar(?:ch)?|apr(?:il)?|mei|may|june?|juni|july?|juli|"
          r"aug(?:ustus|ust)?|sept?(?:ember)?|o[ck]t(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAG = (r"(?:maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|ma|di|wo|do|vr|za|zo|monday|tuesday|"
            r"wednesday|thursday|friday|saturday|sunday|mon|tue|wed|thu|fri|sat|sun)\.?,?")
_DAG = r"\d{1,2}(?:st|nd|rd|th|e|ste|de)?"
_DATUM = (rf"(?:{_WEEKDAG}\s+)?(?:the\s+)?(?:{_DAG}\s+(?:of\s+)?{_MAAND}(?:\s+\d{{4}})?"
          rf"|{_MAAND}\s+{_DAG}(?:,?\s+\d{{4}})?"
          rf"|\d{{1,2}}[-/.]\d{{1,2}}(?:[-/.]\d{{2,4}})?)(?![\w-])")

# (pattern, True when it names the last day away; False when it names the first day back)
_ZINNEN = [
    (re.compile(rf"\b(?:tot\s+en\s+met|t/m|tot|until|till|through|thru)\s+({_DATUM})", re.I), True),
    (re.compile(rf"\b(?:terug|weer\s+(?:aanwezig|op\s+kantoor|bereikbaar|beschikbaar|aan\s+het\s+werk)|back"
                rf"(?:\s+in\s+(?:the\s+)?office)?|return(?:ing)?|available\s+again)\s+(?:op|vanaf|per|on|from)\s+"
                rf"({_DATUM})", re.I), False),
    (re.compile(rf"\b(?:vanaf|op|per|from|on)\s+({_DATUM}),?\s+(?:ben\s+ik|zijn\s+wij|zijn\s+we|I\s+will\s+be|"
                rf"I'll\s+be|I\s+am|I'm)\s+(?:weer|again|back)\b", re.I), False),
]
VERLEDEN = timedelta(days=60)  # a date up to this long ago, without a year, is a message left on too long
VERST = timedelta(days=366)


@dataclass(frozen=True)
class Terugkeer:
    """The last day of the absence, and the sentence it was read from (shown to the beheerder)."""

    tot: date
    zin: str


def _lees_datum(fragment: str, ontvangen: date) -> date | None:
    schoon = re.sub(r"(?<=\d)(?:st|nd|rd|th|ste|de|e)\b", "", fragment, flags=re.I)
    schoon = re.sub(r"\b(?:the|of)\b", " ", schoon, flags=re.I).strip().rstrip(".")
    heeft_jaar = bool(re.search(r"\d{4}|\d{1,2}[-/.]\d{1,2}[-/.]\d{2}", schoon))
    try:
        gelezen = dateutil_parser.parse(schoon, parserinfo=_Datums(),
                                        default=datetime(ontvangen.year, ontvangen.month, 1)).date()
    except (ValueError, OverflowError):
        return None
    if not heeft_jaar and gelezen < ontvangen:
        if ontvangen - gelezen <= VERLEDEN:
            return None
        try:
            gelezen = gelezen.replace(year=gelezen.year + 1)
        except ValueError:  # 29 February
            return None
    return gelezen


def _zin(tekst: str, begin: int, eind: int) -> str:
    punt, regel = tekst.rfind(". ", 0, begin), tekst.rfind("\n", 0, begin)
    links = max(punt + 2 if punt >= 0 else 0, regel + 1)
    rechts = [i for i in (tekst.find(". ", max(eind - 1, 0)), tekst.find("\n", eind)) if i >= 0]
    zin = tekst[links:min(rechts) + 1 if rechts else len(tekst)]
    return " ".join(zin.split())[:300]


def lees_terugkeer(tekst: str, ontvangen: date) -> Terugkeer | None:
    """The last day of the absence that an out-of-office received on `ontvangen` states; None when it states
    none, or one that has passed or lies over a year ahead."""
    tekst = (tekst or "").replace("\r\n", "\n")
    gevonden = []
    for patroon, laatste_dag in _ZINNEN:
        for m in patroon.finditer(tekst):
            gevonden.append((m.start(), m, laatste_dag))
    for _, m, laatste_dag in sorted(gevonden, key=lambda g: g[0]):
        datum = _lees_datum(m.group(1), ontvangen)
        if datum is None:
            continue
        tot = datum if laatste_dag else datum - timedelta(days=1)
        if tot < ontvangen or tot - ontvangen > VERST:
            return None
        return Terugkeer(tot, _zin(tekst, m.start(), m.end()))
    return None
