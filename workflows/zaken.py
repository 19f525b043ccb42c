"""Cases (knips and escalaties): creating, sending, and the state machine.

Every change goes through `uitvoeren` (or `nieuwe_zaak` / `concept_bijwerken` /
`bericht_plaatsen`), checks who may do it, records a Gebeurtenis with actor,
time and reason, and raises a named error when the move is not allowed.
The caller owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import and_, case, select
from sqlalchemy.orm import Session

from . import bewaking, knipkaart
from .db import insert_if_absent
from .fouten import DienstAccepteertGeenKnippen, GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from .kalender import Werkdagkalender, amsterdam, pauzeer_oplostermijn
from .models import (
    UITKOMSTEN_ESCALATIE,
    UITKOMSTEN_KNIP,
    ActorSoort,
    Bericht,
    Dienst,
    Gebeurtenis,
    Gebruiker,
    Oorzaak,
    Prijspost,
    Rol,
    Sluitingsdag,
    Status,
    Termijnnorm,
    UitzonderingSoort,
    Uitkomst,
    Urgentie,
    VermedenScenario,
    Zaak,
    Zaaknummer,
    ZaakSoort,
)
from .privacy import BSN_MELDING, vind_bsn
from .routering import routeer

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

    @property
    def is_maatwerkfunctionaris(self) -> bool:
        return self.rol == DIENST and self.functie == "maatwerkfunctionaris"

    @classmethod
    def systeem(cls) -> "Actor":
        return cls(ActorSoort.SYSTEEM, "Knipkaart", SYSTEEM)

    def hoort_bij_team(self, zaak: Zaak) -> bool:
        return self.rol in (Rol.WIJKTEAMMANAGER.value, Rol.MEDEWERKER.value) and self.wijkteam_id == zaak.wijkteam_id

    def is_manager_van(self, zaak: Zaak) -> bool:
        return self.rol == Rol.WIJKTEAMMANAGER.value and self.wijkteam_id == zaak.wijkteam_id


def mag_zien(actor: Actor, zaak: Zaak) -> bool:
    """A team sees its own cases; a contactpersoon's access is proven by the signed link, checked by the caller."""
    return actor.hoort_bij_team(zaak) or actor.rol == DIENST


# ---------------------------------------------------------------- the transition table

OPEN_BIJ_DIENST = frozenset({Status.VERSTUURD, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.HEROPEND})
LOPEND = OPEN_BIJ_DIENST | {Status.WACHT_OP_WIJKTEAM}
EINDSTATUSSEN = frozenset({Status.GESLOTEN, Status.TERUGGETROKKEN})
BEIDE = frozenset({ZaakSoort.KNIP, ZaakSoort.ESCALATIE})


@dataclass(frozen=True)
class Overgang:
    actie: str
    label: str
    van: frozenset[Status]
    naar: Status
    door: str  # MANAGER, TEAM or DIENST
    soorten: frozenset[ZaakSoort] = BEIDE
    toelichting_verplicht: bool = False
    uitkomst: Uitkomst | None = None


def _besluit(u: Uitkomst, soort: ZaakSoort, van: frozenset[Status]) -> Overgang:
    return Overgang(u.value, u.label if soort == ZaakSoort.ESCALATIE else u.label.split(" (")[0],
                    van, Status.OPGELOST, DIENST, frozenset({soort}),
                    toelichting_verplicht=u in (Uitkomst.AFGEWEZEN, Uitkomst.BEZWAAR, Uitkomst.ANDERS_OPGELOST),
                    uitkomst=u)


OVERGANGEN: dict[str, Overgang] = {o.actie: o for o in [
    Overgang("versturen", "Versturen", frozenset({Status.CONCEPT}), Status.VERSTUURD, MANAGER),
    Overgang("intrekken", "Intrekken", frozenset({Status.CONCEPT}) | LOPEND, Status.TERUGGETROKKEN, MANAGER,
             toelichting_verplicht=True),
    Overgang("ontvangen", "Ontvangst bevestigen", frozenset({Status.VERSTUURD}), Status.ONTVANGEN, DIENST),
    Overgang("in_behandeling", "In behandeling nemen", frozenset({Status.VERSTUURD, Status.ONTVANGEN, Status.HEROPEND}),
             Status.IN_BEHANDELING, DIENST),
    Overgang("vraag", "Vraag stellen aan het wijkteam", OPEN_BIJ_DIENST, Status.WACHT_OP_WIJKTEAM, DIENST,
             toelichting_verplicht=True),
    Overgang("beantwoorden", "Vraag beantwoorden", frozenset({Status.WACHT_OP_WIJKTEAM}), Status.IN_BEHANDELING, TEAM,
             toelichting_verplicht=True),
    *[_besluit(u, ZaakSoort.ESCALATIE, OPEN_BIJ_DIENST) for u in UITKOMSTEN_ESCALATIE],
    *[_besluit(u, ZaakSoort.KNIP, OPEN_BIJ_DIENST - {Status.HEROPEND}) for u in UITKOMSTEN_KNIP],
    Overgang("doorsturen_lmw", "Doorsturen naar het Landelijk Maatwerkloket",
             frozenset({Status.VERSTUURD, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.HEROPEND}),
             Status.VERSTUURD, MANAGER, soorten=frozenset({ZaakSoort.ESCALATIE}), toelichting_verplicht=True),
    Overgang("sluiten", "Sluiten", frozenset({Status.OPGELOST}), Status.GESLOTEN, MANAGER),
    Overgang("heropenen", "Heropenen", frozenset({Status.OPGELOST, Status.GESLOTEN}), Status.HEROPEND, MANAGER,
             soorten=frozenset({ZaakSoort.ESCALATIE}), toelichting_verplicht=True),
]}


def _mag(actor: Actor, o: Overgang, zaak: Zaak) -> bool:
    if o.actie == "doorsturen_lmw" and actor.is_maatwerkfunctionaris:
        return True  # the mandated official may forward a bovenlokaal case at any rung
    if o.door == MANAGER:
        return actor.is_manager_van(zaak)
    if o.door == TEAM:
        return actor.hoort_bij_team(zaak)
    return actor.rol == DIENST


def mogelijke_acties(actor: Actor, zaak: Zaak, session: Session | None = None) -> list[Overgang]:
    """The transitions this actor may make on this case now, in table order.

    With a session, forwarding to the Landelijk Maatwerkloket is only offered when its conditions hold.
    """
    acties = [o for o in OVERGANGEN.values()
              if zaak.status in o.van and zaak.soort in o.soorten and _mag(actor, o, zaak)]
    if session is not None:
        from .bewaking import is_uitgeput

        kan_door = zaak.bovenlokaal and (actor.is_maatwerkfunctionaris or is_uitgeput(session, zaak))
        acties = [o for o in acties if o.actie != "doorsturen_lmw" or kan_door]
    return acties


# ---------------------------------------------------------------- input


@dataclass
class ZaakInvoer:
    """What a team fills in for a knip or an escalatie."""

    dienst_id: int
    clientreferentie: str
    gevraagd: str
    blokkerende_regel: str
    urgentie: Urgentie
    oorzaak_id: int
    oorzaak_toelichting: str = ""
    voorgestelde_oplossing: str = ""
    uitzondering: UitzonderingSoort | None = None
    geen_inkomen: bool = False
    bovenlokaal: bool = False
    rendement: str = ""
    legitimiteit: str = ""
    betrokkenheid: str = ""
    # The avoided scenario: (prijspost id, aantal) pairs from the price list; optional.
    scenario: list[tuple[int, int]] = field(default_factory=list)


ZAAK_VELDEN = tuple(f.name for f in fields(ZaakInvoer) if f.name != "scenario")
MAX_AANTAL = 10_000

VRIJE_TEKST = ("clientreferentie", "gevraagd", "blokkerende_regel", "oorzaak_toelichting",
               "voorgestelde_oplossing", "rendement", "legitimiteit", "betrokkenheid")


def controleer_tekst(veld: str, tekst: str | None) -> None:
    """Refuse free text that holds a BSN."""
    if vind_bsn(tekst):
        raise OngeldigeInvoer(BSN_MELDING, veld=veld)


def _controleer_invoer(session: Session, soort: ZaakSoort, invoer: ZaakInvoer) -> None:
    for naam in VRIJE_TEKST:
        controleer_tekst(naam, getattr(invoer, naam))
    for naam in ("clientreferentie", "gevraagd", "blokkerende_regel"):
        if not (getattr(invoer, naam) or "").strip():
            raise OngeldigeInvoer("Dit veld is verplicht.", veld=naam)
    dienst = session.get(Dienst, invoer.dienst_id)
    if dienst is None or not dienst.actief:
        raise OngeldigeInvoer("Kies een bestaande, actieve dienst.", veld="dienst_id")
    if soort == ZaakSoort.KNIP:
        if not dienst.accepteert_knippen:
            raise DienstAccepteertGeenKnippen(f"{dienst.naam} neemt geen knippen aan; open een escalatie.")
        if invoer.uitzondering is None:
            raise OngeldigeInvoer("Kies welke uitzondering de knip vraagt.", veld="uitzondering")
    if invoer.urgentie == Urgentie.KNIP:
        raise OngeldigeInvoer("Kies acuut, hoog of normaal.", veld="urgentie")
    oorzaak = session.get(Oorzaak, invoer.oorzaak_id)
    if oorzaak is None or not oorzaak.actief:
        raise OngeldigeInvoer("Kies een oorzaak uit de lijst.", veld="oorzaak_id")
    if oorzaak.vrije_tekst and not invoer.oorzaak_toelichting.strip():
        raise OngeldigeInvoer("Licht de oorzaak 'Anders' in één zin toe.", veld="oorzaak_toelichting")
    _controleer_scenario(session, invoer.scenario)


def _controleer_scenario(session: Session, scenario: list[tuple[int, int]]) -> None:
    gezien: set[int] = set()
    for prijspost_id, aantal in scenario:
        post = session.get(Prijspost, prijspost_id)
        if post is None or not post.actief:
            raise OngeldigeInvoer("Kies een post uit de prijslijst.", veld="scenario")
        if prijspost_id in gezien:
            raise OngeldigeInvoer(f"'{post.naam}' staat twee keer in het scenario; tel de aantallen op.",
                                  veld="scenario")
        gezien.add(prijspost_id)
        if not isinstance(aantal, int) or not 1 <= aantal <= MAX_AANTAL:
            raise OngeldigeInvoer(f"Het aantal bij '{post.naam}' is een heel getal van 1 tot en met {MAX_AANTAL}.",
                                  veld="scenario")


def _zet_scenario(zaak: Zaak, scenario: list[tuple[int, int]]) -> None:
    zaak.scenario = [VermedenScenario(prijspost_id=p, aantal=a) for p, a in scenario]


def nieuwe_zaak(session: Session, actor: Actor, soort: ZaakSoort, invoer: ZaakInvoer, now: datetime) -> Zaak:
    """A new case as concept, made by a member of the actor's team."""
    if actor.rol not in (Rol.WIJKTEAMMANAGER.value, Rol.MEDEWERKER.value) or actor.wijkteam_id is None:
        raise GeenToegang("Alleen een wijkteam maakt knippen en escalaties aan.")
    _controleer_invoer(session, soort, invoer)
    zaak = Zaak(soort=soort, status=Status.CONCEPT, wijkteam_id=actor.wijkteam_id,
                aangemaakt_door_id=actor.gebruiker_id, aangemaakt_op=now, trede=0, link_versie=1,
                **{naam: _schoon(getattr(invoer, naam)) for naam in ZAAK_VELDEN})
    _zet_scenario(zaak, invoer.scenario)
    session.add(zaak)
    session.flush()
    _gebeurtenis(session, zaak, actor, "aangemaakt", None, Status.CONCEPT, "", now)
    return zaak


def concept_bijwerken(session: Session, actor: Actor, zaak: Zaak, invoer: ZaakInvoer, now: datetime) -> None:
    """Edit a concept; only the team, only while it is a concept."""
    if not actor.hoort_bij_team(zaak):
        raise GeenToegang("Dit concept is van een ander wijkteam.")
    if zaak.status != Status.CONCEPT:
        raise OngeldigeOvergang("Alleen een concept kan nog worden gewijzigd.")
    _controleer_invoer(session, zaak.soort, invoer)
    for naam in ZAAK_VELDEN:
        setattr(zaak, naam, _schoon(getattr(invoer, naam)))
    if [(s.prijspost_id, s.aantal) for s in zaak.scenario] != list(invoer.scenario):
        zaak.scenario.clear()
        session.flush()  # the unique (zaak, prijspost) must be free before the new rows go in
        _zet_scenario(zaak, invoer.scenario)
    _gebeurtenis(session, zaak, actor, "gewijzigd", Status.CONCEPT, Status.CONCEPT, "", now)


def _schoon(waarde):
    # Only plain text: the enums are str subclasses and must stay enums.
    return waarde.strip() if type(waarde) is str else waarde


# ---------------------------------------------------------------- deadlines

STANDAARD_TERMIJNEN: dict[Urgentie, tuple[int, int]] = {
    Urgentie.ACUUT: (1, 2),
    Urgentie.HOOG: (2, 5),
    Urgentie.NORMAAL: (3, 10),
    Urgentie.KNIP: (1, 2),
}


def kalender(session: Session) -> Werkdagkalender:
    """The business calendar with the beheerder's closing days."""
    return Werkdagkalender(session.execute(select(Sluitingsdag.datum)).scalars().all())


def termijnen(session: Session, zaak: Zaak) -> tuple[int, int]:
    """(reactietermijn, oplostermijn) in werkdagen for this case: the dienst's norm or the default."""
    urgentie = Urgentie.KNIP if zaak.is_knip else zaak.urgentie
    norm = session.execute(
        select(Termijnnorm).where(Termijnnorm.dienst_id == zaak.dienst_id, Termijnnorm.urgentie == urgentie)
    ).scalar_one_or_none()
    if norm is not None:
        return norm.reactie_werkdagen, norm.oplos_werkdagen
    return STANDAARD_TERMIJNEN[urgentie]


def _nummer(session: Session, zaak: Zaak, now: datetime) -> str:
    prefix = "KN" if zaak.is_knip else "ES"
    jaar = amsterdam(now).year
    insert_if_absent(session, Zaaknummer, {"prefix": prefix, "jaar": jaar, "laatste": 0}, ["prefix", "jaar"])
    teller = session.execute(
        select(Zaaknummer).where(Zaaknummer.prefix == prefix, Zaaknummer.jaar == jaar)
        .with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    teller.laatste += 1
    return f"{prefix}-{jaar}-{teller.laatste:04d}"


# ---------------------------------------------------------------- acting


def uitvoeren(session: Session, actor: Actor, zaak: Zaak, actie: str, now: datetime, *,
              toelichting: str = "", structureel: bool | None = None,
              standaard_quotum: int = knipkaart.STANDAARD_QUOTUM) -> Gebeurtenis:
    """Make transition `actie` on `zaak` as `actor` at `now`; raises OngeldigeOvergang or GeenToegang."""
    o = OVERGANGEN.get(actie)
    if o is None:
        raise OngeldigeOvergang(f"Onbekende actie '{actie}'.")
    if zaak.soort not in o.soorten:
        raise OngeldigeOvergang(f"'{o.label}' kan niet bij een {zaak.soort.value}.")
    if not _mag(actor, o, zaak):
        raise GeenToegang(f"U mag '{o.label}' niet doen bij deze zaak.")
    if zaak.status not in o.van:
        raise OngeldigeOvergang(
            f"'{o.label}' kan niet nu de zaak de status '{zaak.status.label}' heeft."
        )
    toelichting = (toelichting or "").strip()
    controleer_tekst("toelichting", toelichting)
    if o.toelichting_verplicht and not toelichting:
        raise OngeldigeInvoer(f"Geef bij '{o.label}' een toelichting.", veld="toelichting")

    van = zaak.status
    kal = kalender(session)
    if actie == "versturen":
        _versturen(session, actor, zaak, now, kal, standaard_quotum)
    elif actie == "intrekken":
        if zaak.is_knip and van != Status.CONCEPT:
            knipkaart.knip_teruggeven(session, zaak, actor.label, "Knip ingetrokken voordat die is uitgevoerd", now)
        _pauze_beeindigen(zaak, now, kal)
        zaak.gesloten_op = now  # withdrawn is closed too: the retention period starts here
    elif actie in ("ontvangen", "in_behandeling"):
        zaak.ontvangen_op = zaak.ontvangen_op or now
    elif actie == "vraag":
        zaak.ontvangen_op = zaak.ontvangen_op or now
        zaak.pauze_sinds = now
        _bericht(session, zaak, actor, toelichting, now, van_wijkteam=False)
    elif actie == "beantwoorden":
        _pauze_beeindigen(zaak, now, kal)
        _bericht(session, zaak, actor, toelichting, now, van_wijkteam=True)
    elif o.uitkomst is not None:
        zaak.ontvangen_op = zaak.ontvangen_op or now
        zaak.opgelost_op = now
        zaak.uitkomst = o.uitkomst
        if o.uitkomst == Uitkomst.REGULIER:
            knipkaart.knip_teruggeven(session, zaak, actor.label, "Regulier opgelost door de dienst", now)
    elif actie == "sluiten":
        zaak.gesloten_op = now
        zaak.structureel = structureel
    elif actie == "doorsturen_lmw":
        _doorsturen_lmw(session, zaak, now, kal, door_maatwerkfunctionaris=actor.is_maatwerkfunctionaris)
    elif actie == "heropenen":
        reactie, oplos = termijnen(session, zaak)
        zaak.uitkomst = None
        zaak.opgelost_op = None
        zaak.gesloten_op = None
        zaak.oplos_deadline = kal.termijn_einde(now, oplos)
    zaak.status = o.naar
    _meet(zaak, kal)
    g = _gebeurtenis(session, zaak, actor, actie, van, o.naar, toelichting, now)
    bewaking.herbereken(session, zaak, kal)
    return g


def _meet(zaak: Zaak, kal: Werkdagkalender) -> None:
    """Fix the report's measurements once they are known: time to first reaction and to resolution, in
    werkdagen of working time since the case reached its current dienst, the waits on the team left out."""
    begin = zaak.dienst_sinds or zaak.verstuurd_op
    if begin is None:
        return
    if zaak.ontvangen_op is not None and zaak.reactie_werkdagen is None:
        zaak.reactie_werkdagen = kal.werkdagen_tussen(begin, zaak.ontvangen_op)
    if zaak.opgelost_op is None:
        zaak.oplos_werkdagen = None
    elif zaak.oplos_werkdagen is None:
        zaak.oplos_werkdagen = round(max(0.0, kal.werkdagen_tussen(begin, zaak.opgelost_op)
                                         - (zaak.pauze_werkdagen or 0.0)), 4)


def _versturen(session: Session, actor: Actor, zaak: Zaak, now: datetime, kal: Werkdagkalender,
               standaard_quotum: int) -> None:
    if zaak.is_knip:
        dienst = session.get(Dienst, zaak.dienst_id)
        if not dienst.accepteert_knippen:
            raise DienstAccepteertGeenKnippen(f"{dienst.naam} neemt geen knippen aan; open een escalatie.")
        knipkaart.knip_inzetten(session, zaak, actor.label, now, standaard_quotum=standaard_quotum)
    zaak.nummer = _nummer(session, zaak, now)
    zaak.verstuurd_op = now
    route = _naar_dienst(session, zaak, now, kal)
    _gebeurtenis(session, zaak, Actor.systeem(), "gerouteerd", None, None, route.reden, now)


def _naar_dienst(session: Session, zaak: Zaak, now: datetime, kal: Werkdagkalender):
    """The case starts at its dienst: first rung, fresh terms from `now`, routed. Returns the routing."""
    zaak.trede = 0
    zaak.hoogste_trede = 0
    zaak.trede_sinds = now
    zaak.dienst_sinds = now
    zaak.reactie_werkdagen = None
    zaak.oplos_werkdagen = None
    zaak.pauze_werkdagen = 0.0
    reactie, oplos = termijnen(session, zaak)
    zaak.reactie_deadline = kal.termijn_einde(now, reactie)
    zaak.oplos_deadline = kal.termijn_einde(now, oplos)
    route = routeer(session, zaak.wijkteam_id, zaak.dienst_id, amsterdam(now).date())
    _pas_route_toe(zaak, route, route.reden)
    return route


def _pas_route_toe(zaak: Zaak, route, reden: str) -> None:
    zaak.ontvanger_id = route.contactpersoon.id if route.contactpersoon else None
    zaak.ontvanger_email = route.email
    zaak.routering_reden = reden


def _doorsturen_lmw(session: Session, zaak: Zaak, now: datetime, kal: Werkdagkalender, *,
                    door_maatwerkfunctionaris: bool) -> None:
    """Forward a bovenlokaal case to the Landelijk Maatwerkloket: by the maatwerkfunctionaris, or by the team
    once the local ladder is exhausted."""
    from .bewaking import is_uitgeput

    if not zaak.bovenlokaal:
        raise OngeldigeOvergang("Alleen een bovenlokale zaak gaat naar het Landelijk Maatwerkloket.")
    if not door_maatwerkfunctionaris and not is_uitgeput(session, zaak):
        raise OngeldigeOvergang("Het Landelijk Maatwerkloket neemt een zaak pas als de lokale ladder is uitgeput.")
    lmw = session.execute(select(Dienst).where(Dienst.landelijk.is_(True), Dienst.actief.is_(True))).scalars().first()
    if lmw is None:
        raise OngeldigeOvergang("Er is geen Landelijk Maatwerkloket ingesteld (een dienst met 'landelijk').")
    vorige = zaak.dienst.naam
    zaak.dienst_id = lmw.id
    zaak.dienst = lmw
    zaak.ontvangen_op = None
    route = _naar_dienst(session, zaak, now, kal)
    waarom = "door de maatwerkfunctionaris" if door_maatwerkfunctionaris else "nadat de lokale ladder was uitgeput"
    _pas_route_toe(zaak, route, f"Doorgestuurd van {vorige} naar {lmw.naam} {waarom}. {route.reden}")


def herrouteer(session: Session, zaak: Zaak, now: datetime, aanleiding: str) -> Gebeurtenis | None:
    """Route an open case again (its recipient became unreachable); None when nothing changes."""
    if zaak.status not in LOPEND:
        return None
    route = routeer(session, zaak.wijkteam_id, zaak.dienst_id, amsterdam(now).date())
    if route.email == zaak.ontvanger_email:
        return None
    _pas_route_toe(zaak, route, route.reden)
    return _gebeurtenis(session, zaak, Actor.systeem(), "herrouteerd", None, None, f"{aanleiding} {route.reden}", now)


def _pauze_beeindigen(zaak: Zaak, now: datetime, kal: Werkdagkalender) -> None:
    if zaak.pauze_sinds is not None and zaak.oplos_deadline is not None:
        zaak.oplos_deadline = pauzeer_oplostermijn(kal, zaak.oplos_deadline, zaak.pauze_sinds, now)
    if zaak.pauze_sinds is not None:
        zaak.pauze_werkdagen = round((zaak.pauze_werkdagen or 0.0) + kal.werkdagen_tussen(zaak.pauze_sinds, now), 4)
    zaak.pauze_sinds = None


def bericht_plaatsen(session: Session, actor: Actor, zaak: Zaak, tekst: str, now: datetime,
                     kanaal: str = "web") -> Bericht:
    """Add a message to the thread, from the team or the dienst."""
    if not (actor.hoort_bij_team(zaak) or actor.rol == DIENST):
        raise GeenToegang("U mag bij deze zaak geen bericht plaatsen.")
    if zaak.status == Status.CONCEPT:
        raise OngeldigeOvergang("Een concept heeft nog geen gesprek met de dienst; verstuur het eerst.")
    tekst = (tekst or "").strip()
    if not tekst:
        raise OngeldigeInvoer("Een leeg bericht wordt niet verstuurd.", veld="tekst")
    if len(tekst) > 10000:
        raise OngeldigeInvoer("Een bericht is hooguit 10.000 tekens.", veld="tekst")
    controleer_tekst("tekst", tekst)
    return _bericht(session, zaak, actor, tekst, now, van_wijkteam=actor.hoort_bij_team(zaak), kanaal=kanaal)


def _bericht(session: Session, zaak: Zaak, actor: Actor, tekst: str, now: datetime, *, van_wijkteam: bool,
             kanaal: str = "web") -> Bericht:
    b = Bericht(zaak_id=zaak.id, op=now, van_wijkteam=van_wijkteam, afzender=actor.label, kanaal=kanaal, tekst=tekst)
    session.add(b)
    session.flush()
    return b


def _gebeurtenis(session: Session, zaak: Zaak, actor: Actor, actie: str, van: Status | None, naar: Status | None,
                 toelichting: str, now: datetime, betreft: str | None = None) -> Gebeurtenis:
    g = Gebeurtenis(zaak_id=zaak.id, op=now, actie=actie, van_status=van, naar_status=naar,
                    actor_soort=actor.soort, actor_gebruiker_id=actor.gebruiker_id,
                    actor_contactpersoon_id=actor.contactpersoon_id, actor_label=actor.label,
                    toelichting=toelichting, betreft=betreft)
    session.add(g)
    session.flush()
    return g


# ---------------------------------------------------------------- reading


@dataclass(frozen=True)
class Termijnstand:
    """A deadline as a person reads it: when, and whether it is met, open or overdue."""

    naam: str
    deadline: datetime | None
    gehaald_op: datetime | None
    gepauzeerd: bool = False

    def te_laat(self, now: datetime) -> bool:
        if self.deadline is None:
            return False
        if self.gehaald_op is not None:
            return self.gehaald_op > self.deadline
        return now > self.deadline and not self.gepauzeerd


def termijnstanden(zaak: Zaak) -> list[Termijnstand]:
    """Both clocks of a case."""
    return [
        Termijnstand("Reactietermijn", zaak.reactie_deadline, zaak.ontvangen_op),
        Termijnstand("Oplostermijn", zaak.oplos_deadline, zaak.opgelost_op,
                     gepauzeerd=zaak.status == Status.WACHT_OP_WIJKTEAM),
    ]


def eerstvolgende_deadline(zaak: Zaak) -> datetime | None:
    """The deadline that runs now: reactie until received, then oplos; None when nothing runs."""
    if zaak.status not in LOPEND:
        return None
    if zaak.ontvangen_op is None and zaak.reactie_deadline is not None:
        return zaak.reactie_deadline
    return zaak.oplos_deadline


def eerstvolgende_deadline_sql():
    """The same rule as `eerstvolgende_deadline`, as an SQL expression for ordering open cases (the status
    condition is the caller's `WHERE`); migration 0008 indexes exactly this expression."""
    return case((and_(Zaak.ontvangen_op.is_(None), Zaak.reactie_deadline.is_not(None)), Zaak.reactie_deadline),
                else_=Zaak.oplos_deadline)


def is_open(zaak: Zaak) -> bool:
    return zaak.status in LOPEND


__all__ = [
    "Actor", "Overgang", "OVERGANGEN", "ZaakInvoer", "mogelijke_acties", "mag_zien", "nieuwe_zaak",
    "concept_bijwerken", "uitvoeren", "eerstvolgende_deadline", "herrouteer", "bericht_plaatsen", "termijnen", "kalender", "termijnstanden", "is_open",
    "Termijnstand", "LOPEND", "OPEN_BIJ_DIENST", "EINDSTATUSSEN", "controleer_tekst",
]
