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
