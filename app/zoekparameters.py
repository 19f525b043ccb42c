"""Reading the case search from a query string, for the team's list and the API alike: every wrong field at once."""
from __future__ import annotations

from collections.abc import Mapping

from workflows.models import Status, Urgentie, ZaakSoort
from workflows.zoeken import MAX_PAGINA, MAX_PER_PAGINA, SORTERINGEN, Zoekvraag

JA = {"1", "ja", "true", "on", "y"}
NEE = {"", "0", "nee", "false", "off", "n"}


def _geheel(waarde: str, laagste: int, hoogste: int) -> int | None:
    waarde = waarde.strip()
    if not waarde.isdigit() or len(waarde) > 7:
        return None
    getal = int(waarde)
    return getal if laagste <= getal <= hoogste else None


def lees_zoekvraag(args: Mapping[str, str], *, standaard_per_pagina: int = 50) -> tuple[Zoekvraag, dict[str, str]]:
    """The search a query string asks for, and per wrong field what is wrong (in Dutch); nothing is guessed."""
    fouten: dict[str, str] = {}
    velden: dict = {}
    tekst = (args.get("q") or "").strip()
    if len(tekst) > 200:
        fouten["q"] = "Zoek op hooguit 200 tekens."
    velden["tekst"] = tekst[:200]
    for naam, enum_, melding in (("status", Status, "Kies een bestaande status."),
                                 ("soort", ZaakSoort, "Kies knip of escalatie."),
                                 ("urgentie", Urgentie, "Kies acuut, hoog, normaal of knip.")):
        waarde = (args.get(naam) or "").strip()
        if waarde:
            try:
                velden[naam] = enum_(waarde)
            except ValueError:
                fouten[naam] = melding
    for naam, veld, hoogste, melding in (("dienst_id", "dienst_id", 2_000_000_000, "Kies een bestaande dienst."),
                                         ("trede", "trede", 10, "Een trede is een getal van 0 tot en met 10.")):
        waarde = (args.get(naam) or "").strip()
        if waarde:
            getal = _geheel(waarde, 0 if naam == "trede" else 1, hoogste)
            if getal is None:
                fouten[naam] = melding
            else:
                velden[veld] = getal
    for naam in ("te_laat", "wacht_op_ons", "uitgeput"):
        waarde = (args.get(naam) or "").strip().lower()
        if waarde in JA:
            velden[naam] = True
        elif waarde not in NEE:
            fouten[naam] = "Gebruik ja of nee."
    sorteer = (args.get("sorteer") or "deadline").strip()
    if sorteer not in SORTERINGEN:
        fouten["sorteer"] = "Sorteer op " + ", ".join(SORTERINGEN) + "."
    else:
        velden["sorteer"] = sorteer
    for naam, standaard, hoogste in (("pagina", 1, MAX_PAGINA), ("per_pagina", standaard_per_pagina, MAX_PER_PAGINA)):
        waarde = (args.get(naam) or "").strip()
        if not waarde:
            velden[naam] = standaard
            continue
        getal = _geheel(waarde, 1, hoogste)
        if getal is None:
            fouten[naam] = f"Verwacht een geheel getal van 1 tot en met {hoogste}."
        else:
            velden[naam] = getal
    return Zoekvraag(**velden), fouten
