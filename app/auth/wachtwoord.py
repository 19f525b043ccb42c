"""The password policy: long, not common, not the e-mail address. Messages in Dutch."""
from __future__ import annotations

MIN_LENGTE = 12
MAX_LENGTE = 200

# The most used passwords and their Dutch favourites (a short list: length already stops most of the rest).
VEELGEBRUIKT = {
    "123456789012", "1234567890123", "qwertyuiopas", "wachtwoord12", "wachtwoord123", "wachtwoord1234",
    "welkom123456", "welkomwelkom", "password1234", "passwordpassword", "wachtwoordwachtwoord",
    "geheimgeheim", "zomer2026!!!", "winter2026!!!", "voorjaar2026", "najaar202626", "gemeente1234",
    "knipkaart123", "knipkaart1234", "wijkteam1234", "rotterdam010", "amsterdam020", "feyenoord010",
    "aaaaaaaaaaaa", "abcdefghijkl", "abc123abc123", "iloveyou1234", "letmein12345", "changeme1234",
}


def problemen(wachtwoord: str, email: str = "") -> list[str]:
    """What is wrong with this password, in Dutch; empty when it is fine."""
    uit = []
    if len(wachtwoord) < MIN_LENGTE:
        uit.append(f"Een wachtwoord is minstens {MIN_LENGTE} tekens.")
    if len(wachtwoord) > MAX_LENGTE:
        uit.append(f"Een wachtwoord is hoogstens {MAX_LENGTE} tekens.")
    if wachtwoord.lower() in VEELGEBRUIKT or len(set(wachtwoord)) < 5:
        uit.append("Dit wachtwoord is te makkelijk te raden; kies een zin of een reeks losse woorden.")
    lokaal = email.split("@")[0].lower() if email else ""
    if len(lokaal) >= 4 and lokaal in wachtwoord.lower():
        uit.append("Een wachtwoord bevat niet uw e-mailadres.")
    return uit
