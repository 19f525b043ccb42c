"""The case's state machine in one place: who acts, the actions, the transitions and the reply keywords.

Every transition is declared once in `OVERGANGEN`, keyed by `Actie`: the
states it starts from, where it goes, who may make it and whether it needs an
explanation. The reply keywords (`TREFWOORDEN`), the buttons on the pages and
the mails after a step (notifications/uitgaand.py) read the same enum, so
renaming an action cannot silently stop a keyword or a mail.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from .models import (
    UITKOMSTEN_ESCALATIE,
    UITKOMSTEN_KNIP,
    ActorSoort,
    Gebruiker,
    Rol,
    Status,
    Uitkomst,
    Zaak,
    ZaakSoort,
)

# ---------------------------------------------------------------- who acts

TEAM = "team"  # wijkteammanager or medewerker of the case's team
MANAGER = "wijkteammanager"
DIENST = "dienst"  # the routed contactpersoon (or vervanger / dienst address), by link or mail
SYSTEEM = "systeem"


@dataclass(frozen=True)
class Actor:
    """Who does something: a logged-in user, a contactpersoon by link or mail, or the system."""

    soort: ActorSoort
    label: str
    rol: str  # wijkteammanager, medewerker, beheerder, management, dienst, systeem
    gebruiker_id: int | None = None
    wijkteam_id: int | None = None
    contactpersoon_id: int | None = None
    functie: str | None = None  # a contactpersoon's LadderFunctie value

    @classmethod
    def gebruiker(cls, g: Gebruiker) -> "Actor":
        return cls(ActorSoort.GEBRUIKER, g.naam, g.rol.value, gebruiker_id=g.id, wijkteam_id=g.wijkteam_id)

    @classmethod
    def dienst(cls, label: str, contactpersoon_id: int | None = None, functie: str | None = None) -> "Actor":
        return cls(ActorSoort.CONTACTPERSOON, label, DIENST, contactpersoon_id=contactpersoon_id, functie=functie)

    @classmethod
    def systeem(cls) -> "Actor":
        return cls(ActorSoort.SYSTEEM, "Knipkaart", SYSTEEM)

    @property
    def is_maatwerkfunctionaris(self) -> bool:
        return self.rol == DIENST and self.functie == "maatwerkfunctionaris"

    @property
    def is_dienst(self) -> bool:
        return self.rol == DIENST

    def hoort_bij_team(self, zaak: Zaak) -> bool:
        return self.rol in (Rol.WIJKTEAMMANAGER.value, Rol.MEDEWERKER.value) and self.wijkteam_id == zaak.wijkteam_id

    def is_manager_van(self, zaak: Zaak) -> bool:
        return self.rol == Rol.WIJKTEAMMANAGER.value and self.wijkteam_id == zaak.wijkteam_id


def mag_zien(actor: Actor, zaak: Zaak) -> bool:
    """A team sees its own cases; a contactpersoon's access is proven by the signed link, checked by the caller."""
    return actor.hoort_bij_team(zaak) or actor.rol == DIENST


# ---------------------------------------------------------------- actions and other events


class Actie(str, enum.Enum):
    """A transition someone makes; the value is what the event log and the forms carry."""

    def __str__(self) -> str:  # templates and forms print the value, not "Actie.X" (Python 3.11's str())
        return self.value

    VERSTUREN = "versturen"
    INTREKKEN = "intrekken"
    ONTVANGEN = "ontvangen"
    IN_BEHANDELING = "in_behandeling"
    VRAAG = "vraag"
    BEANTWOORDEN = "beantwoorden"
    TOEGEKEND = Uitkomst.TOEGEKEND.value
    AFGEWEZEN = Uitkomst.AFGEWEZEN.value
    ANDERS_OPGELOST = Uitkomst.ANDERS_OPGELOST.value
    UITGEVOERD = Uitkomst.UITGEVOERD.value
    REGULIER = Uitkomst.REGULIER.value
    BEZWAAR = Uitkomst.BEZWAAR.value
    DOORSTUREN_LMW = "doorsturen_lmw"
    SLUITEN = "sluiten"
    HEROPENEN = "heropenen"
    ADVISEREN = "adviseren"  # an adviesvraag answered (workflows/advies.py)
    ADVISEREN_DELEN = "adviseren_delen"  # answered, and shared with every team as generally useful
    OMZETTEN = "omzetten"  # an adviesvraag becomes an escalatie, question and answer carried over


class Voorval(str, enum.Enum):
    """What happens to a case without being a transition: recorded as an event like the actions."""

    def __str__(self) -> str:
        return self.value

    AANGEMAAKT = "aangemaakt"
    GEWIJZIGD = "gewijzigd"
    GEROUTEERD = "gerouteerd"
    HERROUTEERD = "herrouteerd"
    HERINNERING = "herinnering"
    TERMIJN_VERLOPEN = "termijn_verlopen"
    OPGESCHAALD = "opgeschaald"
    LADDER_UITGEPUT = "ladder_uitgeput"
    TEAM_HERINNERD = "team_herinnerd"
    AUTOMATISCH_ANTWOORD = "automatisch_antwoord"
    BIJLAGE_TOEGEVOEGD = "bijlage_toegevoegd"
    GEZAMENLIJK = "gezamenlijk"  # a part of a joint case (workflows.gezamenlijk)
    OVERBRUGD = "overbrugd"  # one dienst took the joint case on for all: help now, settle later


OPEN_BIJ_DIENST = frozenset({Status.VERSTUURD, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.HEROPEND})
LOPEND = OPEN_BIJ_DIENST | {Status.WACHT_OP_WIJKTEAM}
EINDSTATUSSEN = frozenset({Status.GESLOTEN, Status.TERUGGETROKKEN})
BEIDE = frozenset({ZaakSoort.KNIP, ZaakSoort.ESCALATIE})
ADVIES = frozenset({ZaakSoort.ADVIESVRAAG})
# Sending, acknowledging, asking the team, withdrawing and closing are the same for every kind of case.
ALLE_SOORTEN = BEIDE | ADVIES


@dataclass(frozen=True)
class Overgang:
    actie: Actie
    label: str
    van: frozenset[Status]
    naar: Status
    door: str  # MANAGER, TEAM or DIENST
    soorten: frozenset[ZaakSoort] = ALLE_SOORTEN
    toelichting_verplicht: bool = False
    uitkomst: Uitkomst | None = None

    @property
    def uitleg(self) -> str:
        """What the action does, in a few words, for the person choosing it (link page, mail)."""
        return UITLEG.get(self.actie, "")


def _besluit(u: Uitkomst, soort: ZaakSoort, van: frozenset[Status]) -> Overgang:
    return Overgang(Actie(u.value), u.label if soort == ZaakSoort.ESCALATIE else u.label.split(" (")[0],
                    van, Status.OPGELOST, DIENST, frozenset({soort}),
                    toelichting_verplicht=u in (Uitkomst.AFGEWEZEN, Uitkomst.BEZWAAR, Uitkomst.ANDERS_OPGELOST),
                    uitkomst=u)


OVERGANGEN: dict[Actie, Overgang] = {o.actie: o for o in [
    Overgang(Actie.VERSTUREN, "Versturen", frozenset({Status.CONCEPT}), Status.VERSTUURD, MANAGER),
    Overgang(Actie.INTREKKEN, "Intrekken", frozenset({Status.CONCEPT}) | LOPEND, Status.TERUGGETROKKEN, MANAGER,
             toelichting_verplicht=True),
    Overgang(Actie.ONTVANGEN, "Ontvangst bevestigen", frozenset({Status.VERSTUURD}), Status.ONTVANGEN, DIENST),
    Overgang(Actie.IN_BEHANDELING, "In behandeling nemen",
             frozenset({Status.VERSTUURD, Status.ONTVANGEN, Status.HEROPEND}), Status.IN_BEHANDELING, DIENST),
    Overgang(Actie.VRAAG, "Vraag stellen aan het wijkteam", OPEN_BIJ_DIENST, Status.WACHT_OP_WIJKTEAM, DIENST,
             toelichting_verplicht=True),
    Overgang(Actie.BEANTWOORDEN, "Vraag beantwoorden", frozenset({Status.WACHT_OP_WIJKTEAM}), Status.IN_BEHANDELING,
             TEAM, toelichting_verplicht=True),
    *[_besluit(u, ZaakSoort.ESCALATIE, OPEN_BIJ_DIENST) for u in UITKOMSTEN_ESCALATIE],
    *[_besluit(u, ZaakSoort.KNIP, OPEN_BIJ_DIENST - {Status.HEROPEND}) for u in UITKOMSTEN_KNIP],
    Overgang(Actie.DOORSTUREN_LMW, "Doorsturen naar het Landelijk Maatwerkloket",
             frozenset({Status.VERSTUURD, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.HEROPEND}),
             Status.VERSTUURD, MANAGER, soorten=frozenset({ZaakSoort.ESCALATIE}), toelichting_verplicht=True),
    Overgang(Actie.SLUITEN, "Sluiten", frozenset({Status.OPGELOST}), Status.GESLOTEN, MANAGER),
    Overgang(Actie.HEROPENEN, "Heropenen", frozenset({Status.OPGELOST, Status.GESLOTEN}), Status.HEROPEND, MANAGER,
             soorten=frozenset({ZaakSoort.ESCALATIE}), toelichting_verplicht=True),
    # An adviesvraag: answered by the expert (the answer is the explanation), non-binding, no ladder.
    Overgang(Actie.ADVISEREN, "Advies geven", OPEN_BIJ_DIENST, Status.OPGELOST, DIENST, ADVIES,
             toelichting_verplicht=True, uitkomst=Uitkomst.GEADVISEERD),
    Overgang(Actie.ADVISEREN_DELEN, "Advies geven en delen met alle teams", OPEN_BIJ_DIENST, Status.OPGELOST, DIENST,
             ADVIES, toelichting_verplicht=True, uitkomst=Uitkomst.GEADVISEERD),
    Overgang(Actie.OMZETTEN, "Omzetten in een escalatie", LOPEND | {Status.OPGELOST}, Status.GESLOTEN, TEAM, ADVIES),
]}
assert set(OVERGANGEN) == set(Actie), "every action has exactly one transition"

UITLEG: dict[Actie, str] = {
    Actie.VERSTUREN: "De zaak gaat naar de dienst; een knip gaat van de kaart.",
    Actie.INTREKKEN: "De zaak stopt; een knip die nog niet is uitgevoerd gaat terug op de kaart.",
    Actie.ONTVANGEN: "U bevestigt dat u de zaak hebt: de reactietermijn is gehaald.",
    Actie.IN_BEHANDELING: "U gaat ermee aan de slag.",
    Actie.VRAAG: "U hebt iets van het wijkteam nodig; de oplostermijn staat stil tot het team antwoordt.",
    Actie.BEANTWOORDEN: "Het team antwoordt; de oplostermijn loopt weer.",
    Actie.TOEGEKEND: "U kent toe wat het team vraagt.",
    Actie.AFGEWEZEN: "U wijst af; zeg waarom.",
    Actie.ANDERS_OPGELOST: "Het is op een andere manier opgelost; zeg hoe.",
    Actie.UITGEVOERD: "U voert de knip uit zoals het team vraagt.",
    Actie.REGULIER: "Het kan binnen de gewone regels; de knip gaat terug op de kaart van het team.",
    Actie.BEZWAAR: "U maakt bezwaar; uw manager krijgt de zaak en de knip blijft ingezet.",
    Actie.DOORSTUREN_LMW: "De zaak gaat met de hele geschiedenis naar het Landelijk Maatwerkloket.",
    Actie.SLUITEN: "Het team sluit de zaak af.",
    Actie.HEROPENEN: "De zaak gaat opnieuw naar de dienst.",
    Actie.ADVISEREN: "Uw tekst is het advies aan het team; het is niet bindend.",
    Actie.ADVISEREN_DELEN: "Uw advies gaat naar het team en, zonder namen of cliëntgegevens, naar alle teams.",
    Actie.OMZETTEN: "Vraag en advies gaan mee in een nieuwe escalatie aan dezelfde dienst.",
}
assert set(UITLEG) == set(Actie), "every action is explained"


# What happened, as a timeline or a mail's history names it (past tense; the buttons use Overgang.label).
GEBEURTENIS_LABELS: dict[str, str] = {
    Actie.VERSTUREN: "Verstuurd", Actie.INTREKKEN: "Ingetrokken", Actie.ONTVANGEN: "Ontvangst bevestigd",
    Actie.IN_BEHANDELING: "In behandeling genomen", Actie.VRAAG: "Vraag aan het wijkteam",
    Actie.BEANTWOORDEN: "Vraag beantwoord", Actie.TOEGEKEND: "Toegekend", Actie.AFGEWEZEN: "Afgewezen",
    Actie.ANDERS_OPGELOST: "Anders opgelost", Actie.UITGEVOERD: "Uitgevoerd", Actie.REGULIER: "Regulier opgelost",
    Actie.BEZWAAR: "Bezwaar", Actie.DOORSTUREN_LMW: "Doorgestuurd naar het Landelijk Maatwerkloket",
    Actie.SLUITEN: "Gesloten", Actie.HEROPENEN: "Heropend",
    Actie.ADVISEREN: "Advies gegeven", Actie.ADVISEREN_DELEN: "Advies gegeven en gedeeld met alle teams",
    Actie.OMZETTEN: "Omgezet in een escalatie",
    Voorval.AANGEMAAKT: "Aangemaakt", Voorval.GEWIJZIGD: "Gewijzigd", Voorval.GEROUTEERD: "Gerouteerd",
    Voorval.HERROUTEERD: "Opnieuw gerouteerd", Voorval.HERINNERING: "Herinnering",
    Voorval.TERMIJN_VERLOPEN: "Termijn verlopen", Voorval.OPGESCHAALD: "Opgeschaald",
    Voorval.LADDER_UITGEPUT: "Ladder uitgeput", Voorval.TEAM_HERINNERD: "Herinnering aan het wijkteam",
    Voorval.AUTOMATISCH_ANTWOORD: "Afwezigheidsbericht", Voorval.BIJLAGE_TOEGEVOEGD: "Bijlage toegevoegd",
    Voorval.GEZAMENLIJK: "Gezamenlijke vraag", Voorval.OVERBRUGD: "Overbrugging",
}
assert set(GEBEURTENIS_LABELS) == set(Actie) | set(Voorval), "every event has a name"


def gebeurtenis_label(actie: str) -> str:
    """The name of an event as people read it; an unknown (older) value as it is stored."""
    return GEBEURTENIS_LABELS.get(actie, str(actie).replace("_", " ").capitalize())


def overgang(actie: str | Actie) -> Overgang | None:
    """The transition for an action name as a form or the API sends it; None when unknown."""
    try:
        return OVERGANGEN[Actie(actie)]
    except ValueError:
        return None


def mag(actor: Actor, o: Overgang, zaak: Zaak) -> bool:
    """May this actor make this transition on this case (the state aside)?"""
    if o.actie == Actie.DOORSTUREN_LMW and actor.is_maatwerkfunctionaris:
        return True  # the mandated official may forward a bovenlokaal case at any rung
    if o.door == MANAGER and zaak.soort == ZaakSoort.ADVIESVRAAG:
        return actor.hoort_bij_team(zaak)  # a non-binding question spends nothing: any team member asks it
    if o.door == MANAGER:
        return actor.is_manager_van(zaak)
    if o.door == TEAM:
        return actor.hoort_bij_team(zaak)
    return actor.rol == DIENST


# ---------------------------------------------------------------- reply keywords (DOMAIN.md "Replies by email")

TREFWOORDEN: dict[str, Actie] = {
    "ONTVANGEN": Actie.ONTVANGEN,
    "IN BEHANDELING": Actie.IN_BEHANDELING,
    "TOEGEKEND": Actie.TOEGEKEND,
    "AFGEWEZEN": Actie.AFGEWEZEN,
    "ANDERS OPGELOST": Actie.ANDERS_OPGELOST,
    "VRAAG": Actie.VRAAG,
    "UITGEVOERD": Actie.UITGEVOERD,
    "REGULIER": Actie.REGULIER,
    "BEZWAAR": Actie.BEZWAAR,
    "ADVIES": Actie.ADVISEREN,
    "ADVIES VOOR ALLE TEAMS": Actie.ADVISEREN_DELEN,
}
assert all(OVERGANGEN[a].door == DIENST for a in TREFWOORDEN.values()), "keywords are the dienst's actions"


def lees_trefwoord(tekst: str) -> tuple[Actie | None, str]:
    """(action, the rest) when the first line starts with a keyword (any case); (None, the text) otherwise."""
    regels = tekst.strip().split("\n")
    if not regels or not regels[0].strip():
        return None, tekst.strip()
    eerste = regels[0].strip()
    for woord in sorted(TREFWOORDEN, key=len, reverse=True):  # longest first: "ANDERS OPGELOST" before others
        patroon = r"\s+".join(map(re.escape, woord.split())) + r"(?!\w)[\s:.,!-]*"
        m = re.match(patroon, eerste, re.I)
        if m:
            rest = "\n".join([eerste[m.end():].strip(), *regels[1:]]).strip()
            return TREFWOORDEN[woord], rest
    return None, tekst.strip()
