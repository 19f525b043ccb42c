"""The default price list of avoided societal cost (DOMAIN.md "Avoided societal cost").

The Zaanstad evaluation used these prices from the effectencalculator's
maatschappelijke prijslijst; the beheerder may change them, and the report
always shows the list it used with its source.
"""
from __future__ import annotations

BRON = "Maatschappelijke prijslijst van de effectencalculator, zoals gebruikt in de evaluatie van Zaanstad"

# naam, eenheid, prijs in hele euro's, bandbreedte
STANDAARD_PRIJSLIJST: list[tuple[str, str, int, str]] = [
    ("Huisuitzetting", "huisuitzetting", 6000, ""),
    ("Uithuisplaatsing (kinderen)", "plaatsing", 13500, ""),
    ("Pleegzorgplaats", "jaar", 7000, ""),
    ("Maatschappelijke opvang / daklozenopvang", "dag", 90, "€ 80–100"),
    ("Bijstandsuitkering", "maand", 900, ""),
    ("Schulddienstverlening", "jaar", 1500, ""),
    ("Eerstelijnspsycholoog", "uur", 80, ""),
    ("(Bedrijfs)arts", "uur", 100, ""),
    ("Loonbeslag", "beslag", 250, ""),
    ("Jeugdhulp met verblijf (Lelystad)", "half jaar", 39000, "€ 22.000–56.000"),
]


def zorg_voor_standaardlijst(session) -> dict:
    """The price list by name, with the default items added that are missing (migration 0006 seeds them)."""
    from .models import Prijspost

    bestaand = {p.naam: p for p in session.query(Prijspost)}
    for i, (naam, eenheid, prijs, bandbreedte) in enumerate(STANDAARD_PRIJSLIJST):
        if naam not in bestaand:
            bestaand[naam] = Prijspost(naam=naam, eenheid=eenheid, prijs=prijs, bandbreedte=bandbreedte, bron=BRON,
                                       volgorde=i + 1)
            session.add(bestaand[naam])
    session.flush()
    return bestaand
