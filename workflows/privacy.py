"""Residents' privacy: no BSN in free text (DOMAIN.md "Privacy")."""
from __future__ import annotations

import re

# Nine digits, optionally grouped with dots or spaces as people type them (123.456.782).
_KANDIDAAT = re.compile(r"(?<![\d])(\d{3}[. ]?\d{3}[. ]?\d{3}|\d{4}[. ]\d{2}[. ]\d{3})(?![\d])")


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
    for match in _KANDIDAAT.finditer(tekst):
        cijfers = re.sub(r"[. ]", "", match.group(0))
        if is_bsn(cijfers):
            return match.group(0)
    return None


BSN_MELDING = (
    "Dit veld bevat een nummer dat een burgerservicenummer (BSN) kan zijn. "
    "Knipkaart bewaart geen BSN of naam van inwoners: gebruik de cliëntreferentie van uw eigen dossier."
)
