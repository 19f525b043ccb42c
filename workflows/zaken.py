"""Cases (knips and escalaties): the input a team gives, and what each transition does to a case.

The state machine is declared in `workflows.overgangen`; this module carries
out one transition on a case that the caller has loaded and locked
(`uitvoeren`), records an event with actor, time and reason, and raises a
named error when the move is not allowed. Entry points do not call this
directly: they go through `workflows.usecases`, which locks the case and
returns what happened. The caller owns the transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import bewaking, knipkaart
from .bewaking import herrouteer
from .db import insert_if_absent
from .fouten import DienstAccepteertGeenKnippen, GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from .kalender import Werkdagkalender, amsterdam, pauzeer_oplostermijn
from .models import (
    Bericht,
    Dienst,
    Gebeurtenis,
    Gebruiker,
    Oorzaak,
    Prijspost,
    Rol,
    Status,
    UitzonderingSoort,
    Uitkomst,
    Urgentie,
    VermedenScenario,
    Zaak,
    Zaaknummer,
    ZaakSoort,
)
from .overgangen import (
    BEIDE,
    DIENST,
    EINDSTATUSSEN,
    LOPEND,
    MANAGER,
    OPEN_BIJ_DIENST,
    OVERGANGEN,
    SYSTEEM,
    TEAM,
    Actie,
    Actor,
    Overgang,
    Voorval,
    mag,
    mag_zien,
    overgang,
)
from .privacy import BSN_MELDING, vind_bsn
from .routering import pas_route_toe, routeer
from .termijnen import (
    STANDAARD_TERMIJNEN,
    Termijnstand,
    eerstvolgende_deadline,
    eerstvolgende_deadline_sql,
    kalender,
    start_termijnen,
    termijnen,
    termijnstanden,
)
from .vastleggen import bericht as _bericht
from .vastleggen import gebeurtenis as _gebeurtenis

_mag = mag


def mogelijke_acties(actor: Actor, zaak: Zaak, session: Session | None = None) -> list[Overgang]:
    """The transitions this actor may make on this case now, in table order.

    With a session, forwarding to the Landelijk Maatwerkloket is only offered when its conditions hold.
    """
    acties = [o for o in OVERGANGEN.values()
              if zaak.status in o.van and zaak.soort in o.soorten and mag(actor, o, zaak)]
    if session is not None:
        kan_door = zaak.bovenlokaal and not zaak.dienst.landelijk and (
            actor.is_maatwerkfunctionaris or bewaking.is_uitgeput(session, zaak))
        acties = [o for o in acties if o.actie != Actie.DOORSTUREN_LMW or kan_door]
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


LMW_NIET_EERST = ("Het Landelijk Maatwerkloket neemt een zaak pas als lokale escalatie niet heeft gewerkt. "
                  "Kies de dienst van de gemeente; een bovenlokale zaak kan later worden doorgestuurd, door de "
                  "maatwerkfunctionaris of door het team zodra de lokale ladder is uitgeput.")


def controleer_invoer(session: Session, soort: ZaakSoort, invoer: ZaakInvoer) -> None:
    """Check a team's input without saving anything (a confirmation page shows it first)."""
    _controleer_invoer(session, soort, invoer)


def _controleer_invoer(session: Session, soort: ZaakSoort, invoer: ZaakInvoer) -> None:
    for fout in invoerfouten(session, soort, invoer):
        raise fout


def invoerfouten(session: Session, soort: ZaakSoort, invoer: ZaakInvoer) -> list[OngeldigeInvoer]:
    """Every problem with a team's input at once, per field (the API lists them all in one answer)."""
    fouten: list[OngeldigeInvoer] = []

    def fout(melding: str, veld: str) -> None:
        if veld not in {f.veld for f in fouten}:
            fouten.append(OngeldigeInvoer(melding, veld=veld))

    for naam in VRIJE_TEKST:
        if vind_bsn(getattr(invoer, naam)):
            fout(BSN_MELDING, naam)
    verplicht = ("gevraagd", "blokkerende_regel") if soort == ZaakSoort.ADVIESVRAAG else (
        "clientreferentie", "gevraagd", "blokkerende_regel")
    for naam in verplicht:
        if not (getattr(invoer, naam) or "").strip():
            fout("Dit veld is verplicht.", naam)
    dienst = session.get(Dienst, invoer.dienst_id)
    if dienst is None or not dienst.actief:
        fout("Kies een bestaande, actieve dienst.", "dienst_id")
    elif dienst.landelijk:
        fout(LMW_NIET_EERST, "dienst_id")
    elif soort == ZaakSoort.KNIP and not dienst.accepteert_knippen:
        fouten.append(DienstAccepteertGeenKnippen(f"{dienst.naam} neemt geen knippen aan; open een escalatie."))
    if soort == ZaakSoort.KNIP and invoer.uitzondering is None:
        fout("Kies welke uitzondering de knip vraagt.", "uitzondering")
    if soort == ZaakSoort.ADVIESVRAAG:
        if invoer.urgentie != Urgentie.ADVIES:
            fout("Een adviesvraag heeft geen urgentie: ze heeft haar eigen korte termijn.", "urgentie")
    elif invoer.urgentie in (Urgentie.KNIP, Urgentie.ADVIES):
        fout("Kies acuut, hoog of normaal.", "urgentie")
    oorzaak = session.get(Oorzaak, invoer.oorzaak_id)
    if oorzaak is None or not oorzaak.actief:
        fout("Kies een oorzaak uit de lijst.", "oorzaak_id")
    elif oorzaak.vrije_tekst and not invoer.oorzaak_toelichting.strip():
        fout("Licht de oorzaak 'Anders' in één zin toe.", "oorzaak_toelichting")
    try:
        _controleer_scenario(session, invoer.scenario)
    except OngeldigeInvoer as e:
        fout(e.melding, e.veld or "scenario")
    return fouten


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
    _gebeurtenis(session, zaak, actor, Voorval.AANGEMAAKT, None, Status.CONCEPT, "", now)
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
    _gebeurtenis(session, zaak, actor, Voorval.GEWIJZIGD, Status.CONCEPT, Status.CONCEPT, "", now)


def _schoon(waarde):
    # Only plain text: the enums are str subclasses and must stay enums.
    return waarde.strip() if type(waarde) is str else waarde


def _nummer(session: Session, zaak: Zaak, now: datetime) -> str:
    prefix = "KN" if zaak.is_knip else "AV" if zaak.is_advies else "ES"
    jaar = amsterdam(now).year
    insert_if_absent(session, Zaaknummer, {"prefix": prefix, "jaar": jaar, "laatste": 0}, ["prefix", "jaar"])
    teller = session.execute(
        select(Zaaknummer).where(Zaaknummer.prefix == prefix, Zaaknummer.jaar == jaar)
        .with_for_update().execution_options(populate_existing=True)
    ).scalar_one()
    teller.laatste += 1
    return f"{prefix}-{jaar}-{teller.laatste:04d}"


# ---------------------------------------------------------------- acting


def uitvoeren(session: Session, actor: Actor, zaak: Zaak, actie: str | Actie, now: datetime, *,
              toelichting: str = "", structureel: bool | None = None,
              standaard_quotum: int = knipkaart.STANDAARD_QUOTUM) -> Gebeurtenis:
    """Make transition `actie` on `zaak` (loaded and locked by the caller) as `actor` at `now`.

    Raises OngeldigeOvergang, GeenToegang or OngeldigeInvoer, having changed nothing.
    """
    o = overgang(actie)
    if o is None:
        raise OngeldigeOvergang(f"Onbekende actie '{actie}'.")
    if zaak.soort not in o.soorten:
        raise OngeldigeOvergang(f"'{o.label}' kan niet bij een {zaak.soort.value}.")
    if not mag(actor, o, zaak):
        raise GeenToegang(f"U mag '{o.label}' niet doen bij deze zaak.")
    if zaak.status not in o.van:
        raise OngeldigeOvergang(
            f"'{o.label}' kan niet nu de zaak de status '{zaak.status.label}' heeft."
        )
    toelichting = (toelichting or "").strip()
    controleer_tekst("toelichting", toelichting)
    if o.toelichting_verplicht and not toelichting:
        raise OngeldigeInvoer(f"Geef bij '{o.label}' een toelichting.", veld="toelichting")

    actie = o.actie
    van = zaak.status
    kal = kalender(session)
    if actie == Actie.VERSTUREN:
        _versturen(session, actor, zaak, now, kal, standaard_quotum)
    elif actie == Actie.INTREKKEN:
        if zaak.is_knip and van != Status.CONCEPT and zaak.uitkomst is None:
            knipkaart.knip_teruggeven(session, zaak, actor.label, "Knip ingetrokken voordat die is uitgevoerd", now)
        _pauze_beeindigen(zaak, now, kal)
        zaak.gesloten_op = now  # withdrawn is closed too: the retention period starts here
        _links_intrekken(zaak)
    elif actie in (Actie.ONTVANGEN, Actie.IN_BEHANDELING):
        zaak.ontvangen_op = zaak.ontvangen_op or now
    elif actie == Actie.VRAAG:
        zaak.ontvangen_op = zaak.ontvangen_op or now
        zaak.pauze_sinds = now
        _bericht(session, zaak, actor, toelichting, now, van_wijkteam=False)
    elif actie == Actie.BEANTWOORDEN:
        _pauze_beeindigen(zaak, now, kal)
        _bericht(session, zaak, actor, toelichting, now, van_wijkteam=True)
    elif o.uitkomst is not None:
        zaak.ontvangen_op = zaak.ontvangen_op or now
        zaak.opgelost_op = now
        zaak.uitkomst = o.uitkomst
        if o.uitkomst == Uitkomst.REGULIER:
            knipkaart.knip_teruggeven(session, zaak, actor.label, "Regulier opgelost door de dienst", now)
        if o.uitkomst == Uitkomst.GEADVISEERD:  # the advice is the dienst's word in the conversation too
            _bericht(session, zaak, actor, toelichting, now, van_wijkteam=False)
        if actie == Actie.ADVISEREN_DELEN:  # the expert marked the answer as useful for every team
            from . import advies

            advies.delen(session, zaak, toelichting, actor, now)
    elif actie == Actie.OMZETTEN:  # the adviesvraag ends here; workflows/advies.py makes the escalatie
        _pauze_beeindigen(zaak, now, kal)
        zaak.gesloten_op = now
        _links_intrekken(zaak)
    elif actie == Actie.SLUITEN:
        zaak.gesloten_op = now
        zaak.structureel = structureel
        _links_intrekken(zaak)
    elif actie == Actie.DOORSTUREN_LMW:
        _doorsturen_lmw(session, zaak, now, kal, door_maatwerkfunctionaris=actor.is_maatwerkfunctionaris)
    elif actie == Actie.HEROPENEN:
        zaak.uitkomst = None
        zaak.opgelost_op = None
        zaak.gesloten_op = None
        zaak.termijnronde = (zaak.termijnronde or 0) + 1  # the ladder runs again for the reopened case
        zaak.oplos_deadline = kal.termijn_einde(now, termijnen(session, zaak)[1])
    zaak.status = o.naar
    _meet(zaak, kal)
    g = _gebeurtenis(session, zaak, actor, actie, van, o.naar, toelichting, now)
    bewaking.herbereken(session, zaak, kal)
    return g


def _links_intrekken(zaak: Zaak) -> None:
    """A closed case is closed for the dienst too: every link handed out stops working."""
    zaak.link_versie = (zaak.link_versie or 1) + 1


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
    dienst = session.get(Dienst, zaak.dienst_id)
    if dienst.landelijk:
        raise OngeldigeInvoer(LMW_NIET_EERST, veld="dienst_id")
    if zaak.is_knip:
        if not dienst.accepteert_knippen:
            raise DienstAccepteertGeenKnippen(f"{dienst.naam} neemt geen knippen aan; open een escalatie.")
        knipkaart.knip_inzetten(session, zaak, actor.label, now, standaard_quotum=standaard_quotum)
    zaak.nummer = _nummer(session, zaak, now)
    zaak.verstuurd_op = now
    route = _naar_dienst(session, zaak, now, kal)
    _gebeurtenis(session, zaak, Actor.systeem(), Voorval.GEROUTEERD, None, None, route.reden, now)


def _naar_dienst(session: Session, zaak: Zaak, now: datetime, kal: Werkdagkalender):
    """The case starts at its dienst: first rung, fresh terms from `now`, routed. Returns the routing."""
    zaak.trede = 0
    zaak.hoogste_trede = 0
    zaak.trede_sinds = now
    zaak.dienst_sinds = now
    zaak.reactie_werkdagen = None
    zaak.oplos_werkdagen = None
    zaak.pauze_werkdagen = 0.0
    start_termijnen(session, zaak, now, kal)
    route = routeer(session, zaak.wijkteam_id, zaak.dienst_id, amsterdam(now).date())
    pas_route_toe(zaak, route.contactpersoon, route.email, route.reden)
    return route


def _doorsturen_lmw(session: Session, zaak: Zaak, now: datetime, kal: Werkdagkalender, *,
                    door_maatwerkfunctionaris: bool) -> None:
    """Forward a bovenlokaal case to the Landelijk Maatwerkloket: by the maatwerkfunctionaris, or by the team
    once the local ladder is exhausted."""
    if not zaak.bovenlokaal:
        raise OngeldigeOvergang("Alleen een bovenlokale zaak gaat naar het Landelijk Maatwerkloket.")
    if zaak.dienst.landelijk:
        raise OngeldigeOvergang("De zaak ligt al bij het Landelijk Maatwerkloket.")
    if not door_maatwerkfunctionaris and not bewaking.is_uitgeput(session, zaak):
        raise OngeldigeOvergang("Het Landelijk Maatwerkloket neemt een zaak pas als de lokale ladder is uitgeput.")
    lmw = session.execute(select(Dienst).where(Dienst.landelijk.is_(True), Dienst.actief.is_(True))).scalars().first()
    if lmw is None:
        raise OngeldigeOvergang("Er is geen Landelijk Maatwerkloket ingesteld (een dienst met 'landelijk').")
    vorige = zaak.dienst.naam
    zaak.dienst_id = lmw.id
    zaak.dienst = lmw
    zaak.ontvangen_op = None
    zaak.termijnronde = (zaak.termijnronde or 0) + 1  # a new ladder at the new dienst
    route = _naar_dienst(session, zaak, now, kal)
    waarom = "door de maatwerkfunctionaris" if door_maatwerkfunctionaris else "nadat de lokale ladder was uitgeput"
    zaak.routering_reden = f"Doorgestuurd van {vorige} naar {lmw.naam} {waarom}. {route.reden}"


def _pauze_beeindigen(zaak: Zaak, now: datetime, kal: Werkdagkalender) -> None:
    if zaak.pauze_sinds is not None and zaak.oplos_deadline is not None:
        zaak.oplos_deadline = pauzeer_oplostermijn(kal, zaak.oplos_deadline, zaak.pauze_sinds, now)
    if zaak.pauze_sinds is not None:
        zaak.pauze_werkdagen = round((zaak.pauze_werkdagen or 0.0) + kal.werkdagen_tussen(zaak.pauze_sinds, now), 4)
    zaak.pauze_sinds = None


def controleer_bericht(tekst: str | None) -> str:
    """The text of a message as it will be stored; raises OngeldigeInvoer for an empty, long or BSN text."""
    tekst = (tekst or "").strip()
    if not tekst:
        raise OngeldigeInvoer("Een leeg bericht wordt niet verstuurd.", veld="tekst")
    if len(tekst) > 10000:
        raise OngeldigeInvoer("Een bericht is hooguit 10.000 tekens.", veld="tekst")
    controleer_tekst("tekst", tekst)
    return tekst


def bericht_plaatsen(session: Session, actor: Actor, zaak: Zaak, tekst: str, now: datetime,
                     kanaal: str = "web") -> Bericht:
    """Add a message to the thread, from the team or the dienst (no transition; see usecases.bericht_plaatsen)."""
    if not (actor.hoort_bij_team(zaak) or actor.rol == DIENST):
        raise GeenToegang("U mag bij deze zaak geen bericht plaatsen.")
    if zaak.status == Status.CONCEPT:
        raise OngeldigeOvergang("Een concept heeft nog geen gesprek met de dienst; verstuur het eerst.")
    if zaak.status in EINDSTATUSSEN:
        raise OngeldigeOvergang(f"De zaak is {zaak.status.label.lower()}; er kunnen geen berichten meer bij. "
                                "Neem zo nodig contact op met het wijkteam.")
    tekst = controleer_bericht(tekst)
    return _bericht(session, zaak, actor, tekst, now, van_wijkteam=actor.hoort_bij_team(zaak), kanaal=kanaal)


def is_open(zaak: Zaak) -> bool:
    return zaak.status in LOPEND


def team_contacten(session: Session, zaak: Zaak) -> list[Gebruiker]:
    """Whom the dienst calls at the team about this case: who drafted it and the manager who sent it (active
    ones; the team's managers when neither is). Shown only to the dienst the case is routed to."""
    verstuurder = session.execute(
        select(Gebeurtenis.actor_gebruiker_id).where(Gebeurtenis.zaak_id == zaak.id,
                                                     Gebeurtenis.actie == Actie.VERSTUREN.value)
        .order_by(Gebeurtenis.id).limit(1)).scalar_one_or_none()
    ids = list(dict.fromkeys(i for i in (zaak.aangemaakt_door_id, verstuurder) if i))
    mensen = [g for g in (session.get(Gebruiker, i) for i in ids) if g is not None and g.actief
              and g.wijkteam_id == zaak.wijkteam_id]
    if mensen:
        return mensen
    return list(session.execute(select(Gebruiker).where(
        Gebruiker.wijkteam_id == zaak.wijkteam_id, Gebruiker.rol == Rol.WIJKTEAMMANAGER,
        Gebruiker.actief.is_(True)).order_by(Gebruiker.id).limit(2)).scalars())


__all__ = [
    "Actie", "Actor", "Overgang", "OVERGANGEN", "Voorval", "ZaakInvoer", "mogelijke_acties", "mag_zien",
    "nieuwe_zaak", "concept_bijwerken", "uitvoeren", "eerstvolgende_deadline", "eerstvolgende_deadline_sql",
    "herrouteer", "bericht_plaatsen", "termijnen", "kalender", "termijnstanden", "is_open", "Termijnstand",
    "LOPEND", "OPEN_BIJ_DIENST", "EINDSTATUSSEN", "controleer_tekst", "STANDAARD_TERMIJNEN", "BEIDE", "TEAM",
    "MANAGER", "DIENST", "SYSTEEM",
]
