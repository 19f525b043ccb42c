"""One door for every change to a case: send, act, post a message, apply a reply, re-route, take a deadline step.

Each use case locks the case row (SELECT ... FOR UPDATE on PostgreSQL; on
SQLite every transaction is BEGIN IMMEDIATE, see app/extensions.py), checks,
acts through `workflows.zaken` / `workflows.bewaking`, records the events and
returns what happened as a `Resultaat`. The card is locked too where a knip is
involved (`workflows.knipkaart`). The caller owns the one transaction: it
turns the result into mail (`notifications.uitgaand.na_resultaat`) and
commits once, or rolls back on a domain error, so nothing is half-applied.

Views, the API, inbound mail, quarantine, bounces and the scheduler call these
functions and nothing below them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from . import bewaking, knipkaart, vastleggen, zaken
from .fouten import DomeinFout, GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from .kalender import Werkdagkalender, amsterdam
from .models import Bericht, Contactpersoon, Gebeurtenis, Status, Zaak, ZaakSoort
from .overgangen import DIENST, Actie, Actor, Voorval, lees_trefwoord
from .routering import pas_route_toe, vervanger_van


class ZaakOnbekend(DomeinFout):
    """The case does not exist (or is not the caller's to see)."""


@dataclass
class Resultaat:
    """What a use case did: the case, and the events and messages that the mail follows from."""

    zaak: Zaak
    gebeurtenissen: list[Gebeurtenis] = field(default_factory=list)
    berichten: list[Bericht] = field(default_factory=list)

    @property
    def overgang(self) -> Gebeurtenis | None:
        """The last transition made (an action, not a system event), if any."""
        for g in reversed(self.gebeurtenissen):
            if g.actie in Actie._value2member_map_:
                return g
        return None


def vergrendel(session: Session, zaak_id: int) -> Zaak:
    """Load the case and lock its row for this transaction, reading its current state."""
    zaak = session.execute(
        select(Zaak).where(Zaak.id == zaak_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if zaak is None:
        raise ZaakOnbekend("Deze zaak bestaat niet.")
    return zaak


# ---------------------------------------------------------------- the team's cases


def zaak_aanmaken(session: Session, actor: Actor, soort: ZaakSoort, invoer: zaken.ZaakInvoer, now: datetime, *,
                  versturen: bool = False, standaard_quotum: int = knipkaart.STANDAARD_QUOTUM) -> Resultaat:
    """A new concept, sent at once when `versturen` (the manager only). The result carries the creation: a
    medewerker's first save submits the concept to the managers (notifications.uitgaand)."""
    zaak = zaken.nieuwe_zaak(session, actor, soort, invoer, now)
    r = Resultaat(zaak, [session.execute(select(Gebeurtenis).where(
        Gebeurtenis.zaak_id == zaak.id, Gebeurtenis.actie == Voorval.AANGEMAAKT.value)).scalar_one()])
    if versturen:
        vergrendel(session, zaak.id)
        r.gebeurtenissen.append(zaken.uitvoeren(session, actor, zaak, Actie.VERSTUREN, now,
                                                standaard_quotum=standaard_quotum))
    return r


def concept_bijwerken(session: Session, actor: Actor, zaak_id: int, invoer: zaken.ZaakInvoer, now: datetime, *,
                      versturen: bool = False, standaard_quotum: int = knipkaart.STANDAARD_QUOTUM) -> Resultaat:
    """Edit a concept, and send it when `versturen`. Two sends of one concept spend one knip."""
    zaak = vergrendel(session, zaak_id)
    zaken.concept_bijwerken(session, actor, zaak, invoer, now)
    r = Resultaat(zaak)
    if versturen:
        r.gebeurtenissen.append(zaken.uitvoeren(session, actor, zaak, Actie.VERSTUREN, now,
                                                standaard_quotum=standaard_quotum))
    return r


# ---------------------------------------------------------------- acting and talking


def handelen(session: Session, actor: Actor, zaak_id: int, actie: str | Actie, now: datetime, *,
             toelichting: str = "", structureel: bool | None = None,
             standaard_quotum: int = knipkaart.STANDAARD_QUOTUM,
             waardering: tuple[int, str] | None = None) -> Resultaat:
    """Make one transition (a button on a page, an API call). Closing may carry the team's rating of how the
    dienst handled the case, (score, sentence): stored with the closing or, when it is off the scale, neither."""
    if str(actie) == Actie.OMZETTEN.value:  # it makes a second case: only workflows.advies.omzetten does that
        raise OngeldigeOvergang("Zet een adviesvraag om met 'Omzetten in een escalatie' op de zaakpagina.")
    zaak = vergrendel(session, zaak_id)
    g = zaken.uitvoeren(session, actor, zaak, actie, now, toelichting=toelichting, structureel=structureel,
                        standaard_quotum=standaard_quotum)
    if waardering is not None and g.actie == Actie.SLUITEN.value:
        from . import waardering as waarderingen

        waarderingen.vastleggen(session, actor, zaak, *waardering, now)
    return Resultaat(zaak, [g])


def _eerste_reactie(session: Session, actor: Actor, zaak: Zaak, now: datetime, hoe: str) -> list[Gebeurtenis]:
    """Any message from the routed side on a case not yet acknowledged is its first reaction."""
    if actor.rol != DIENST or zaak.status != Status.VERSTUURD or zaak.ontvangen_op is not None:
        return []
    return [zaken.uitvoeren(session, actor, zaak, Actie.ONTVANGEN, now, toelichting=f"Eerste reactie: {hoe}.")]


def bericht_plaatsen(session: Session, actor: Actor, zaak_id: int, tekst: str, now: datetime, *,
                     kanaal: str = "web", als_antwoord: bool | None = None) -> Resultaat:
    """A message in the thread; it counts as what it is.

    From the dienst on a case not yet acknowledged: the first reaction (ontvangen). From the team while
    the dienst waits on it: the answer that restarts the clock, unless `als_antwoord` is False (the team
    explicitly sends a message without answering yet).
    """
    zaak = vergrendel(session, zaak_id)
    if actor.hoort_bij_team(zaak) and zaak.status == Status.WACHT_OP_WIJKTEAM and als_antwoord is not False:
        g = zaken.uitvoeren(session, actor, zaak, Actie.BEANTWOORDEN, now, toelichting=zaken.controleer_bericht(tekst))
        return Resultaat(zaak, [g])  # the answer's mail carries the message
    tekst = zaken.controleer_bericht(tekst)
    if not (actor.hoort_bij_team(zaak) or actor.rol == DIENST):
        raise GeenToegang("U mag bij deze zaak geen bericht plaatsen.")
    # A concept or a closed case takes no message: zaken.bericht_plaatsen refuses it with the reason, and the
    # first reaction before it only ever acts on a case the dienst has not acknowledged (status VERSTUURD).
    eerst = _eerste_reactie(session, actor, zaak, now, "een bericht")
    b = zaken.bericht_plaatsen(session, actor, zaak, tekst, now, kanaal=kanaal)
    return Resultaat(zaak, eerst, [b])


def antwoord_toepassen(session: Session, actor: Actor, zaak_id: int, tekst: str, now: datetime, *,
                       kanaal: str = "e-mail") -> Resultaat:
    """A reply by mail (or a quarantined mail the beheerder lets through), its new text already stripped.

    From the dienst: a keyword on the first line makes that transition, the rest is the explanation; it
    acknowledges the case too. Without a keyword the reply is a message, and a first reaction; on an open
    adviesvraag it is the advice itself. From the team: the answer when the dienst waits on it, a message
    otherwise.
    """
    if actor.rol == DIENST:
        actie, rest = lees_trefwoord(tekst)
        zaak = vergrendel(session, zaak_id)
        if actie in (Actie.ADVISEREN, Actie.ADVISEREN_DELEN) and not zaak.is_advies:
            actie, rest = None, tekst  # "Advies: ..." on a knip or escalatie is a message, as it always was
        if actie is None and zaak.is_advies and zaak.status in zaken.OPEN_BIJ_DIENST:
            actie, rest = Actie.ADVISEREN, tekst.strip()  # the expert's reply to an adviesvraag is its answer
        if actie is not None:
            if actie != Actie.ONTVANGEN or zaak.status == Status.VERSTUURD:
                return Resultaat(zaak, [zaken.uitvoeren(session, actor, zaak, actie, now, toelichting=rest)])
            # "ONTVANGEN" on a case already acknowledged: nothing to change; what follows is a message
            tekst = rest or tekst
    return bericht_plaatsen(session, actor, zaak_id, tekst, now, kanaal=kanaal)


def automatisch_antwoord(session: Session, zaak_id: int, afzender: str, onderwerp: str, now: datetime) -> Resultaat:
    """An out-of-office reply: never a reaction or a message. It is noted on the case, and where the routed
    vaste contactpersoon has a reachable vervanger, the case goes to the vervanger."""
    zaak = vergrendel(session, zaak_id)
    wie = _naam_van(session, afzender)
    tekst = f"Afwezigheidsbericht ontvangen van {wie} (automatisch antwoord): {onderwerp[:200]}"
    uit = [vastleggen.gebeurtenis(session, zaak, Actor.systeem(), Voorval.AUTOMATISCH_ANTWOORD, None, None,
                                  tekst.strip(" :"), now)]
    if (zaak.status in zaken.LOPEND and zaak.trede == 0 and zaak.ontvanger is not None
            and (zaak.ontvanger_email or "").lower() == (afzender or "").lower()):
        v = vervanger_van(session, zaak, zaak.ontvanger_id, amsterdam(now).date())
        if v is not None:
            vorige = zaak.ontvanger.naam
            pas_route_toe(zaak, v, v.email, f"{vorige} is afwezig (automatisch antwoord); naar vervanger {v.naam}.")
            uit.append(vastleggen.gebeurtenis(session, zaak, Actor.systeem(), Voorval.HERROUTEERD, None, None,
                                              zaak.routering_reden, now, betreft=zaak.ontvanger_email))
            bewaking.herbereken(session, zaak, zaken.kalender(session))
    return Resultaat(zaak, uit)


def _naam_van(session: Session, adres: str) -> str:
    """A contactpersoon by name, as everywhere a person is meant; an address only for someone we do not know."""
    naam = session.execute(select(Contactpersoon.naam).where(func.lower(Contactpersoon.email) == (adres or "").lower())
                           .order_by(Contactpersoon.id).limit(1)).scalar_one_or_none()
    return naam or adres


# ---------------------------------------------------------------- attachments from the team

BIJLAGE_SOORTEN = {  # what a team may upload: the type is read from the file's content, not its name or header
    "application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG", "image/gif": "GIF", "image/webp": "WebP",
    "image/heic": "HEIC", "application/msword": "Word", "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.oasis.opendocument.text": "OpenDocument-tekst",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument-rekenblad",
}
MAX_BIJLAGE = 10 * 1024 * 1024


def bijlage_toevoegen(session: Session, actor: Actor, zaak_id: int, bestandsnaam: str, data: bytes,
                      now: datetime) -> Resultaat:
    """The team adds a file to its case (PDF, image, Office document, at most 10 MB, type sniffed from the
    content). The dienst is told and downloads it through its link; the file never goes in a mail."""
    import filetype

    # Attachments share one table with those of inbound mail (notifications.models.Bijlage).
    from notifications.models import Bijlage

    zaak = vergrendel(session, zaak_id)
    if not actor.hoort_bij_team(zaak):
        raise GeenToegang("Alleen het wijkteam van deze zaak voegt bijlagen toe.")
    if zaak.status in zaken.EINDSTATUSSEN:
        raise OngeldigeOvergang(f"De zaak is {zaak.status.label.lower()}; er kunnen geen bijlagen meer bij.")
    naam = " ".join((bestandsnaam or "").replace("\x00", "").split())[-200:] or "bijlage"
    zaken.controleer_tekst("bestand", naam)
    if not data:
        raise OngeldigeInvoer("Kies een bestand; dit bestand is leeg.", veld="bestand")
    if len(data) > MAX_BIJLAGE:
        raise OngeldigeInvoer(f"Een bijlage is hooguit 10 MB; dit bestand is {len(data) / 1024 / 1024:.1f} MB.",
                              veld="bestand")
    soort = filetype.guess_mime(data)
    if soort not in BIJLAGE_SOORTEN:
        raise OngeldigeInvoer("Dit soort bestand kan niet mee. Voeg een PDF, een foto (JPEG, PNG) of een Word- of "
                              "Excel-bestand toe.", veld="bestand")
    b = Bijlage(zaak_id=zaak.id, inkomende_mail_id=None, bestandsnaam=naam, content_type=soort,
                grootte=len(data), data=data, geupload_door=actor.label, geupload_op=now)
    session.add(b)
    session.flush()
    g = vastleggen.gebeurtenis(session, zaak, actor, Voorval.BIJLAGE_TOEGEVOEGD, None, None,
                               f"Bijlage toegevoegd: {naam} ({BIJLAGE_SOORTEN[soort]}, {len(data) // 1024 + 1} kB).",
                               now)
    return Resultaat(zaak, [g])


# ---------------------------------------------------------------- the system


def herrouteren(session: Session, zaak_id: int, now: datetime, aanleiding: str) -> Resultaat:
    """Route an open case again because its recipient became unreachable (a hard bounce)."""
    zaak = vergrendel(session, zaak_id)
    g = bewaking.herrouteer(session, zaak, now, aanleiding)
    if g is not None:
        bewaking.herbereken(session, zaak, zaken.kalender(session))
    return Resultaat(zaak, [g] if g is not None else [])


def termijnstappen_nemen(session: Session, zaak_id: int, now: datetime, kal: Werkdagkalender | None = None
                         ) -> Resultaat:
    """Take every deadline step of one case that is due at `now`, in order, each once."""
    kal = kal or zaken.kalender(session)
    try:
        zaak = vergrendel(session, zaak_id)
    except ZaakOnbekend:
        return Resultaat(None)  # erased or never there: nothing to do
    gebeurd: list[Gebeurtenis] = []
    for _ in range(20):  # a case can owe several steps after downtime; each climb yields new ones
        open_ = bewaking.open_stappen(session, zaak, kal)
        if not open_ or open_[0].op > now:
            break
        try:
            with session.begin_nested():
                gebeurd += bewaking.neem_stap(session, zaak, open_[0], now, kal)
        except IntegrityError:
            session.expire(zaak)  # another scheduler took this step: its key exists now
    bewaking.herbereken(session, zaak, kal)
    return Resultaat(zaak, gebeurd)


# ---------------------------------------------------------------- examples between teams


def voorbeeld_voorstellen(session: Session, actor: Actor, zaak_id: int, invoer, now: datetime) -> Resultaat:
    """The team proposes its solved case as an anonymised example (`workflows.voorbeelden`), on the record."""
    from . import voorbeelden

    zaak = vergrendel(session, zaak_id)
    if not actor.hoort_bij_team(zaak):
        raise ZaakOnbekend("Deze zaak bestaat niet.")
    voorbeelden.voorstellen(session, actor, zaak, invoer, now)
    g = vastleggen.gebeurtenis(session, zaak, actor, "voorbeeld_voorgesteld", None, None,
                               "Voorgesteld als voorbeeld voor andere teams; de manager beoordeelt het.", now)
    return Resultaat(zaak, [g])


def voorbeeld_beoordelen(session: Session, actor: Actor, voorbeeld_id: int, goedkeuren: bool,
                         now: datetime) -> Resultaat:
    """The manager approves or declines a proposed example; the case records the decision."""
    from . import voorbeelden

    zaak_id = session.scalar(select(voorbeelden.Voorbeeld.zaak_id).where(voorbeelden.Voorbeeld.id == voorbeeld_id))
    if zaak_id is None:
        raise GeenToegang("Alleen de manager van het team beoordeelt dit voorbeeld.")
    zaak = vergrendel(session, zaak_id)  # the case first, as every use case locks: no deadlock with a proposal
    voorbeelden.beoordelen(session, actor, voorbeeld_id, goedkeuren, now)
    g = vastleggen.gebeurtenis(session, zaak, actor, "voorbeeld_beoordeeld", None, None,
                               "Voorbeeld opgenomen in de bibliotheek voor alle teams." if goedkeuren
                               else "Voorbeeld niet opgenomen.", now)
    return Resultaat(zaak, [g])
