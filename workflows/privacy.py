"""Residents' privacy: no BSN in free text (DOMAIN.md "Privacy")."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# What people type or paste between groups of digits: spaces of every width (a non-breaking one from a
# word processor), dots, commas, hyphens and dashes, slashes, underscores; up to three of them (" - ").
_TEKEN = r"[\s.,\-/_\\\u00b7\u2010-\u2015\u2043\u2212\ufe58\ufe63]"
_MAG, _MOET = _TEKEN + "{0,3}", _TEKEN + "{1,3}"
# Nine digits, grouped as a BSN is written: 123.456.782 or 1234.56.782 (with any of the separators above).
_KANDIDAAT = re.compile(rf"(?<!\d)(\d{{3}}{_MAG}\d{{3}}{_MAG}\d{{3}}|\d{{4}}{_MOET}\d{{2}}{_MOET}\d{{3}})(?!\d)")


def _normaliseer(tekst: str) -> str:
    """Text as the eleven-test should see it: compatibility forms folded (full-width digits, odd spaces),
    invisible format characters (zero-width space, soft hyphen, word joiner, BOM) dropped wherever they are."""
    tekst = unicodedata.normalize("NFKC", tekst)
    return "".join(c for c in tekst if unicodedata.category(c) != "Cf")


def is_bsn(cijfers: str) -> bool:
    """True when nine digits pass the BSN eleven-test."""
    if len(cijfers) != 9 or not cijfers.isdigit() or cijfers == "000000000":
        return False
    som = sum(int(c) * w for c, w in zip(cijfers[:8], range(9, 1, -1)))
    som -= int(cijfers[8])
    return som % 11 == 0


def vind_bsn(tekst: str | None) -> str | None:
    """The first thing in `tekst` that looks like a valid BSN, or None."""
    if not tekst:
        return None
    for match in _KANDIDAAT.finditer(_normaliseer(tekst)):
        cijfers = re.sub(r"\D", "", match.group(0))
        if is_bsn(cijfers):
            return match.group(0)
    return None


BSN_MELDING = (
    "Dit veld bevat een nummer dat een burgerservicenummer (BSN) kan zijn. "
    "Knipkaart bewaart geen BSN of naam van inwoners: gebruik de cliëntreferentie van uw eigen dossier."
)


# ---------------------------------------------------------------- anonymised excerpts

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_TELEFOON = re.compile(r"(?<![\w])(\+31|0031|0)[\s-]?\d(?:[\s-]?\d){7,9}(?![\w])")
_POSTCODE = re.compile(r"\b[1-9]\d{3}\s?[A-Za-z]{2}\b")
_GETALLEN = re.compile(r"(?<![\w])\d{5,}(?![\w])")
_AANSPREKING = re.compile(
    r"\b(mevrouw|mevr\.?|mw\.?|meneer|mijnheer|dhr\.?|de heer|familie|fam\.?)\s+"
    r"((?:(?:van|de|der|den|ter|ten|el|al)\s+)*[A-Z][\w'-]*)", re.IGNORECASE)


def anonimiseer(tekst: str, weg: list[str] | tuple[str, ...] = (), personen: tuple[str, ...] = ()) -> str:
    """An excerpt fit for management: no cliëntreferentie, names, addresses, numbers or mail addresses.

    `weg` holds strings known to identify someone (the case's cliëntreferentie, names of team members and
    contact persons); they are replaced wherever they occur, the longest first. `personen` holds more of them
    that stay the same for many texts (the names of users and contact persons): the excerpt is the same as with
    them in `weg`, but they are looked for with one pattern, compiled once, and replaced in turn only when one
    occurs (most excerpts hold none; a report anonymises hundreds against a hundred names). The result is stable:
    anonymising it again changes nothing.
    """
    uit = tekst or ""
    if personen:
        zoeker = _zoeker(personen)
        if zoeker is None or zoeker.search(uit):
            weg = [*weg, *personen]
    for woord in sorted((w for w in weg if w and len(w.strip()) >= 3), key=len, reverse=True):
        uit = re.sub(re.escape(woord.strip()), "[…]", uit, flags=re.IGNORECASE)
    uit = _EMAIL.sub("[e-mailadres]", uit)
    uit = _TELEFOON.sub("[telefoonnummer]", uit)
    uit = _POSTCODE.sub("[postcode]", uit)
    uit = _GETALLEN.sub("[nummer]", uit)
    uit = _AANSPREKING.sub(lambda m: f"{m.group(1)} [naam]", uit)
    return uit


@lru_cache(maxsize=16)
def _zoeker(personen: tuple[str, ...]) -> re.Pattern | None:
    """One pattern that finds any of these names anywhere a replacement of one of them would (an alternation,
    the same flags); None when it cannot stand in for them: a name holding a character of the replacement "[…]"
    could appear only after another is replaced."""
    woorden = [w.strip() for w in personen if w and len(w.strip()) >= 3]
    if any(teken in w for w in woorden for teken in "[…]"):
        return None
    if not woorden:
        return re.compile(r"(?!)")  # matches nothing
    return re.compile("|".join(map(re.escape, woorden)), re.IGNORECASE)
