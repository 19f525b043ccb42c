"""The use cases after the decision (workflows.nazorg): the effect six months on, agreements, renewal, consent,
hand-over.

The same discipline as workflows.usecases: each locks the case row first, checks, acts, records an event
and returns a `Resultaat`; the caller composes the mail (notifications.nazorg) and commits once. The
scheduler's questions (`effect_vragen`, `verlenging_herinneren`) may run in two processes at once: under the
case lock the second finds the question asked and does nothing, so a question comes exactly once.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from . import vastleggen
from .fouten import GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from .kalender import Werkdagkalender, amsterdam
from .models import Rol, Status, Wijkteam, Zaak
from .nazorg import (
    AFSPRAAK_VASTGELEGD,
    EFFECT_GEVRAAGD,
    EFFECT_NA_MAANDEN,
    EFFECT_VASTGELEGD,
    EINDDATUM_VASTGELEGD,
    MAX_TEKST,
    OVERDRACHT_AANVAARD,
    OVERDRACHT_GEWEIGERD,
    OVERDRACHT_INGETROKKEN,
    OVERDRACHT_VOORGESTELD,
    TOESTEMMING_GEWIJZIGD,
    VERLENGEN_DAGEN_VOOR,
    VERLENGING_HERINNERD,
    Afspraak,
    EffectSchaal,
    Effectmeting,
    Eindpunt,
    Overdracht,
    OverdrachtStatus,
    Toestemming,
    ZaakNazorg,
    effect_vraag_op,
    instrument_van,
    opgelost,
    verlenging_herinneren_op,
)
from .overgangen import Actor
from .privacy import BSN_MELDING, vind_bsn
from .termijnen import kalender
from .usecases import Resultaat, ZaakOnbekend, vergrendel


def _datum(d: date) -> str:
    return f"{d:%d-%m-%Y}"


def _tekst(veld: str, naam: str, tekst: str | None, *, verplicht: bool = True, max_lengte: int = MAX_TEKST) -> str:
    tekst = (tekst or "").strip()
    if verplicht and not tekst:
        raise OngeldigeInvoer(f"{naam} is verplicht.", veld=veld)
    if len(tekst) > max_lengte:
        raise OngeldigeInvoer(f"{naam} is te lang (hooguit {max_lengte} tekens).", veld=veld)
    if vind_bsn(tekst):
        raise OngeldigeInvoer(BSN_MELDING, veld=veld)
    return tekst


def _van_team(actor: Actor, zaak: Zaak) -> None:
    # Not the team's case: as if it did not exist (no hint to other teams).
    if not actor.hoort_bij_team(zaak):
        raise ZaakOnbekend("Deze zaak bestaat niet.")


def _niet_gewist(zaak: Zaak) -> None:
    if zaak.gewist_op is not None:
        raise OngeldigeOvergang("De vrije tekst van deze zaak is na de bewaartermijn gewist; er kan niets meer bij.")


def nazorg_van(session: Session, zaak_id: int) -> ZaakNazorg | None:
    return session.get(ZaakNazorg, zaak_id)


def _nazorg(session: Session, zaak: Zaak) -> ZaakNazorg:
    n = session.get(ZaakNazorg, zaak.id)
    if n is None:
        n = ZaakNazorg(zaak_id=zaak.id, toestemming_ontbrak=False, ontbrak_werkdagen=0.0)
        session.add(n)
        session.flush()
    return n


# ---------------------------------------------------------------- the effect six months on


def te_vragen(session: Session, now: datetime, kal: Werkdagkalender, limiet: int = 500) -> list[int]:
    """Solved cases whose six-month question is due at `now` and was never asked nor answered."""
    # A wide net in SQL (six months back, two days' slack for the time zone), the exact moment in Python.
    grens = now - relativedelta(months=EFFECT_NA_MAANDEN) + timedelta(days=2)
    rijen = session.execute(
        select(Zaak.id, Zaak.opgelost_op).outerjoin(Effectmeting, Effectmeting.zaak_id == Zaak.id)
        .where(Zaak.status.in_([Status.OPGELOST, Status.GESLOTEN]), Zaak.uitkomst.is_not(None),
               Zaak.opgelost_op.is_not(None), Zaak.opgelost_op < grens, Effectmeting.id.is_(None))
        .order_by(Zaak.opgelost_op).limit(limiet)).all()
    return [zid for zid, op in rijen if effect_vraag_op(op, kal) <= now]


def effect_vragen(session: Session, zaak_id: int, now: datetime, kal: Werkdagkalender | None = None) -> Resultaat:
    """Ask the team, once, six months after the solution, to record the effect (a system step)."""
    kal = kal or kalender(session)
    try:
        zaak = vergrendel(session, zaak_id)
    except ZaakOnbekend:
        return Resultaat(None)
    if not opgelost(zaak) or effect_vraag_op(zaak.opgelost_op, kal) > now:
        return Resultaat(zaak)
    if session.execute(select(Effectmeting.id).where(Effectmeting.zaak_id == zaak.id)).first() is not None:
        return Resultaat(zaak)  # asked already, or recorded before it was due
    session.add(Effectmeting(zaak_id=zaak.id, instrument=instrument_van(zaak), opgelost_op=zaak.opgelost_op,
                             gevraagd_op=now))
    g = vastleggen.gebeurtenis(
        session, zaak, Actor.systeem(), EFFECT_GEVRAAGD, None, None,
        f"Zes maanden geleden opgelost ({_datum(amsterdam(zaak.opgelost_op).date())}). Hoe gaat het nu met de "
        "inwoner? Leg op de zaakpagina het effect en het eindpunt vast.", now)
    return Resultaat(zaak, [g])


def effectmeting_van(session: Session, zaak_id: int) -> Effectmeting | None:
    return session.execute(select(Effectmeting).where(Effectmeting.zaak_id == zaak_id)).scalar_one_or_none()


def effect_vastleggen(session: Session, actor: Actor, zaak_id: int, schaal: EffectSchaal | str,
                      eindpunt: Eindpunt | str, toelichting: str, now: datetime) -> Resultaat:
    """The team records the effect on the resident's situation and the end point (again: a correction)."""
    zaak = vergrendel(session, zaak_id)
    _van_team(actor, zaak)
    _niet_gewist(zaak)
    if not opgelost(zaak):
        raise OngeldigeOvergang("Het effect leggen we vast bij een opgeloste zaak: de dienst heeft nog geen besluit.")
    try:
        schaal, eindpunt = EffectSchaal(schaal), Eindpunt(eindpunt)
    except ValueError:
        raise OngeldigeInvoer("Kies het effect en het eindpunt uit de lijst.", veld="schaal")
    toelichting = _tekst("toelichting", "Eén zin over de situatie", toelichting, max_lengte=500)
    m = effectmeting_van(session, zaak.id)
    if m is None:
        m = Effectmeting(zaak_id=zaak.id, instrument=instrument_van(zaak), opgelost_op=zaak.opgelost_op)
        session.add(m)
    eerder = m.vastgelegd_op is not None
    m.schaal, m.eindpunt, m.toelichting = schaal, eindpunt, toelichting
    m.vastgelegd_op, m.vastgelegd_door_id = now, actor.gebruiker_id
    session.flush()
    g = vastleggen.gebeurtenis(session, zaak, actor, EFFECT_VASTGELEGD, None, None,
                               f"{'Gecorrigeerd: ' if eerder else ''}effect {schaal.label.lower()}, eindpunt "
                               f"{eindpunt.label.lower()}. {toelichting}", now)
    return Resultaat(zaak, [g])


# ---------------------------------------------------------------- agreements with the resident


def afspraken_van(session: Session, zaak_id: int) -> list[Afspraak]:
    return list(session.scalars(select(Afspraak).where(Afspraak.zaak_id == zaak_id).order_by(Afspraak.id)))


def afspraak_vastleggen(session: Session, actor: Actor, zaak_id: int, tekst: str, uiterlijk: date | None,
                        now: datetime) -> Resultaat:
    """Record what the resident will do ("Welke activiteiten gaat de cliënt ondernemen", 002)."""
    zaak = vergrendel(session, zaak_id)
    _van_team(actor, zaak)
    _niet_gewist(zaak)
    if zaak.status == Status.TERUGGETROKKEN:
        raise OngeldigeOvergang("De zaak is ingetrokken; er kunnen geen afspraken meer bij.")
    tekst = _tekst("tekst", "De afspraak", tekst, max_lengte=1000)
    if uiterlijk is not None and uiterlijk < amsterdam(now).date():
        raise OngeldigeInvoer("Een afspraak kan niet in het verleden af moeten zijn.", veld="uiterlijk")
    session.add(Afspraak(zaak_id=zaak.id, tekst=tekst, uiterlijk=uiterlijk, vastgelegd_door=actor.label,
                         vastgelegd_op=now))
    session.flush()
    # The event says that an agreement was made, not what: the text stays in one place, erased with the case.
    g = vastleggen.gebeurtenis(session, zaak, actor, AFSPRAAK_VASTGELEGD, None, None,
                               f"Afspraak vastgelegd{' (uiterlijk ' + _datum(uiterlijk) + ')' if uiterlijk else ''}.",
                               now)
    return Resultaat(zaak, [g])


# ---------------------------------------------------------------- consent to share information


def toestemming_vastleggen(session: Session, actor: Actor, zaak_id: int, toestemming: Toestemming | str,
                           now: datetime, kal: Werkdagkalender | None = None) -> Resultaat:
    """Record the consent status; while it is missing the werkdagen count as a delay in the report."""
    zaak = vergrendel(session, zaak_id)
    _van_team(actor, zaak)
    try:
        nieuw = Toestemming(toestemming)
    except ValueError:
        raise OngeldigeInvoer("Kies gegeven, niet nodig of ontbreekt.", veld="toestemming")
    n = _nazorg(session, zaak)
    if n.toestemming == nieuw:
        return Resultaat(zaak)
    kal = kal or kalender(session)
    if n.ontbreekt_sinds is not None:
        n.ontbrak_werkdagen = round((n.ontbrak_werkdagen or 0.0) + kal.werkdagen_tussen(n.ontbreekt_sinds, now), 4)
        n.ontbreekt_sinds = None
    if nieuw == Toestemming.ONTBREEKT:
        n.toestemming_ontbrak = True
        n.ontbreekt_sinds = now
    vorige = n.toestemming
    n.toestemming = nieuw
    session.flush()
    g = vastleggen.gebeurtenis(session, zaak, actor, TOESTEMMING_GEWIJZIGD, None, None,
                               f"Toestemming om informatie te delen: {nieuw.label.lower()}"
                               + (f" (was: {vorige.label.lower()})." if vorige else "."), now)
    return Resultaat(zaak, [g])


# ---------------------------------------------------------------- renewal


def einddatum_vastleggen(session: Session, actor: Actor, zaak_id: int, einddatum: date | None,
                         now: datetime) -> Resultaat:
    """Record until when the solution holds (or none); the team is reminded four weeks before it ends."""
    zaak = vergrendel(session, zaak_id)
    _van_team(actor, zaak)
    if not opgelost(zaak):
        raise OngeldigeOvergang("Een einddatum hoort bij een oplossing: de dienst heeft nog geen besluit.")
    if einddatum is not None and einddatum <= amsterdam(now).date():
        raise OngeldigeInvoer("De einddatum ligt na vandaag.", veld="einddatum")
    n = _nazorg(session, zaak)
    if n.einddatum == einddatum:
        return Resultaat(zaak)
    vorige = n.einddatum
    n.einddatum = einddatum
    n.verlenging_herinnerd_op = None  # a new end date (a renewal) gets its own reminder
    session.flush()
    if einddatum is None:
        tekst = "Einddatum van de oplossing verwijderd."
    else:
        tekst = (f"De oplossing loopt tot {_datum(einddatum)}"
                 + (f" (verlengd; was {_datum(vorige)})" if vorige else "")
                 + f". Herinnering {VERLENGEN_DAGEN_VOOR // 7} weken ervoor.")
    g = vastleggen.gebeurtenis(session, zaak, actor, EINDDATUM_VASTGELEGD, None, None, tekst, now)
    return Resultaat(zaak, [g])


def te_herinneren(session: Session, now: datetime, kal: Werkdagkalender, limiet: int = 500) -> list[int]:
    """Cases whose solution ends within four weeks and whose team was not yet reminded of this end date."""
    grens = amsterdam(now).date() + timedelta(days=VERLENGEN_DAGEN_VOOR + 5)
    rijen = session.execute(
        select(ZaakNazorg.zaak_id, ZaakNazorg.einddatum).join(Zaak, Zaak.id == ZaakNazorg.zaak_id)
        .where(ZaakNazorg.einddatum.is_not(None), ZaakNazorg.einddatum <= grens,
               ZaakNazorg.verlenging_herinnerd_op.is_(None), Zaak.status.in_([Status.OPGELOST, Status.GESLOTEN]))
        .order_by(ZaakNazorg.einddatum).limit(limiet)).all()
    return [zid for zid, eind in rijen if verlenging_herinneren_op(eind, kal) <= now]


def verlenging_herinneren(session: Session, zaak_id: int, now: datetime,
                          kal: Werkdagkalender | None = None) -> Resultaat:
    """Remind the team, once per end date, four weeks before the solution ends (a system step)."""
    kal = kal or kalender(session)
    try:
        zaak = vergrendel(session, zaak_id)
    except ZaakOnbekend:
        return Resultaat(None)
    n = session.get(ZaakNazorg, zaak.id)
    if (n is None or n.einddatum is None or n.verlenging_herinnerd_op is not None or not opgelost(zaak)
            or verlenging_herinneren_op(n.einddatum, kal) > now):
        return Resultaat(zaak)
    n.verlenging_herinnerd_op = now
    dagen = (n.einddatum - amsterdam(now).date()).days
    g = vastleggen.gebeurtenis(
        session, zaak, Actor.systeem(), VERLENGING_HERINNERD, None, None,
        f"De oplossing loopt af op {_datum(n.einddatum)}, over {dagen} dagen. Vraag de verlenging op tijd aan "
        "en leg daarna de nieuwe einddatum vast op de zaakpagina.", now)
    return Resultaat(zaak, [g])


# ---------------------------------------------------------------- hand-over to another team


def open_overdracht(session: Session, zaak_id: int) -> Overdracht | None:
    return session.execute(select(Overdracht).where(Overdracht.zaak_id == zaak_id,
                                                    Overdracht.status == OverdrachtStatus.VOORGESTELD)
                           ).scalar_one_or_none()


def overdrachten_van(session: Session, zaak_id: int) -> list[Overdracht]:
    return list(session.scalars(select(Overdracht).where(Overdracht.zaak_id == zaak_id).order_by(Overdracht.id)))


def te_beslissen(session: Session, wijkteam_id: int) -> list[Overdracht]:
    """Hand-overs that wait for this team's manager."""
    return list(session.scalars(select(Overdracht).where(Overdracht.naar_wijkteam_id == wijkteam_id,
                                                         Overdracht.status == OverdrachtStatus.VOORGESTELD)
                                .order_by(Overdracht.voorgesteld_op)))


def mag_overdragen(actor: Actor, zaak: Zaak, open_: Overdracht | None) -> bool:
    """Whether `actor` may propose to hand this case over now (`open_`: its hand-over waiting for a decision):
    the team's manager, a case sent and not withdrawn, its text not erased, no hand-over waiting. What the case
    page offers; `overdracht_voorstellen` refuses the rest with the reason."""
    return (actor.is_manager_van(zaak) and open_ is None and zaak.gewist_op is None
            and zaak.status not in (Status.CONCEPT, Status.TERUGGETROKKEN))


def overdracht_voorstellen(session: Session, actor: Actor, zaak_id: int, naar_wijkteam_id: int, notitie: str,
                           now: datetime) -> Resultaat:
    """The team's manager proposes to hand the case over to another team (the resident moved), with a note."""
    zaak = vergrendel(session, zaak_id)
    _van_team(actor, zaak)
    if not actor.is_manager_van(zaak):
        raise GeenToegang("Alleen de wijkteammanager draagt een zaak over.")
    _niet_gewist(zaak)
    if zaak.status in (Status.CONCEPT, Status.TERUGGETROKKEN):
        raise OngeldigeOvergang("Een concept of een ingetrokken zaak draagt u niet over.")
    naar = session.get(Wijkteam, naar_wijkteam_id)
    if naar is None or not naar.actief or naar.id == zaak.wijkteam_id:
        raise OngeldigeInvoer("Kies een ander, actief wijkteam.", veld="naar_wijkteam_id")
    if open_overdracht(session, zaak.id) is not None:
        raise OngeldigeOvergang("Er loopt al een overdracht van deze zaak; wacht op het besluit of trek hem in.")
    notitie = _tekst("notitie", "De overdrachtsnotitie", notitie)
    session.add(Overdracht(zaak_id=zaak.id, van_wijkteam_id=zaak.wijkteam_id, naar_wijkteam_id=naar.id,
                           notitie=notitie, status=OverdrachtStatus.VOORGESTELD,
                           voorgesteld_door_id=actor.gebruiker_id, voorgesteld_op=now))
    session.flush()
    g = vastleggen.gebeurtenis(session, zaak, actor, OVERDRACHT_VOORGESTELD, None, None,
                               f"Voorgesteld om de zaak over te dragen aan wijkteam {naar.naam}; de manager van "
                               "dat team neemt hem aan of niet.", now)
    return Resultaat(zaak, [g])


def overdracht_beslissen(session: Session, actor: Actor, overdracht_id: int, aanvaarden: bool, reden: str,
                         now: datetime) -> Resultaat:
    """The receiving team's manager accepts (the case becomes that team's, its history with it) or refuses."""
    zaak_id = session.scalar(select(Overdracht.zaak_id).where(Overdracht.id == overdracht_id))
    if zaak_id is None:
        raise ZaakOnbekend("Deze overdracht bestaat niet.")
    zaak = vergrendel(session, zaak_id)  # the case first, as every use case locks
    o = session.execute(select(Overdracht).where(Overdracht.id == overdracht_id).with_for_update()
                        .execution_options(populate_existing=True)).scalar_one()
    if actor.rol != Rol.WIJKTEAMMANAGER.value or actor.wijkteam_id != o.naar_wijkteam_id:
        raise ZaakOnbekend("Deze overdracht bestaat niet.")
    if o.status != OverdrachtStatus.VOORGESTELD:
        raise OngeldigeOvergang(f"Over deze overdracht is al beslist: {o.status.label.lower()}.")
    if zaak.wijkteam_id != o.van_wijkteam_id:
        raise OngeldigeOvergang("De zaak ligt niet meer bij het team dat hem overdroeg.")
    van, naar = o.van_wijkteam, o.naar_wijkteam
    o.beslist_door_id, o.beslist_op = actor.gebruiker_id, now
    if aanvaarden:
        o.status = OverdrachtStatus.AANVAARD
        zaak.wijkteam_id = naar.id
        zaak.wijkteam = naar
        kaart = (f" De knip blijft op de knipkaart van wijkteam {van.naam}, dat hem inzette."
                 if zaak.is_knip else "")
        g = vastleggen.gebeurtenis(session, zaak, actor, OVERDRACHT_AANVAARD, None, None,
                                   f"Overgedragen van wijkteam {van.naam} aan wijkteam {naar.naam}.{kaart}", now)
    else:
        o.reden = _tekst("reden", "De reden", reden, max_lengte=1000)
        o.status = OverdrachtStatus.GEWEIGERD
        g = vastleggen.gebeurtenis(session, zaak, actor, OVERDRACHT_GEWEIGERD, None, None,
                                   f"Wijkteam {naar.naam} neemt de zaak niet over; de zaak blijft bij wijkteam "
                                   f"{van.naam}. Reden: {o.reden}", now)
    session.flush()
    return Resultaat(zaak, [g])


def overdracht_intrekken(session: Session, actor: Actor, overdracht_id: int, now: datetime) -> Resultaat:
    """The sending team's manager withdraws a hand-over that was not yet decided."""
    zaak_id = session.scalar(select(Overdracht.zaak_id).where(Overdracht.id == overdracht_id))
    if zaak_id is None:
        raise ZaakOnbekend("Deze overdracht bestaat niet.")
    zaak = vergrendel(session, zaak_id)
    _van_team(actor, zaak)
    if not actor.is_manager_van(zaak):
        raise GeenToegang("Alleen de wijkteammanager trekt een overdracht in.")
    o = session.execute(select(Overdracht).where(Overdracht.id == overdracht_id).with_for_update()
                        .execution_options(populate_existing=True)).scalar_one()
    if o.status != OverdrachtStatus.VOORGESTELD:
        raise OngeldigeOvergang(f"Over deze overdracht is al beslist: {o.status.label.lower()}.")
    o.status, o.beslist_door_id, o.beslist_op = OverdrachtStatus.INGETROKKEN, actor.gebruiker_id, now
    session.flush()
    g = vastleggen.gebeurtenis(session, zaak, actor, OVERDRACHT_INGETROKKEN, None, None,
                               f"Overdracht aan wijkteam {o.naar_wijkteam.naam} ingetrokken.", now)
    return Resultaat(zaak, [g])


# ---------------------------------------------------------------- the team's dashboard


def te_doen(session: Session, wijkteam_id: int, now: datetime, limiet: int = 50) -> dict[str, list]:
    """What waits for the team after the decision: effect questions asked and not answered (of cases and of
    maatwerk payments), solutions to renew (reminded, not yet given a new end date), cases whose consent is
    missing, hand-overs to decide."""
    team = Zaak.wijkteam_id == wijkteam_id
    effect = session.execute(
        select(Zaak, Effectmeting).join(Effectmeting, Effectmeting.zaak_id == Zaak.id)
        .where(team, Effectmeting.gevraagd_op.is_not(None), Effectmeting.vastgelegd_op.is_(None))
        .order_by(Effectmeting.gevraagd_op).limit(limiet)).all()
    verlengen = session.execute(
        select(Zaak, ZaakNazorg).join(ZaakNazorg, ZaakNazorg.zaak_id == Zaak.id)
        .where(team, ZaakNazorg.verlenging_herinnerd_op.is_not(None), ZaakNazorg.einddatum.is_not(None))
        .order_by(ZaakNazorg.einddatum).limit(limiet)).all()
    toestemming = session.execute(
        select(Zaak, ZaakNazorg).join(ZaakNazorg, ZaakNazorg.zaak_id == Zaak.id)
        .where(team, ZaakNazorg.toestemming == Toestemming.ONTBREEKT,
               Zaak.status.not_in([Status.GESLOTEN, Status.TERUGGETROKKEN]))
        .order_by(ZaakNazorg.ontbreekt_sinds).limit(limiet)).all()
    from .maatwerk.effect import te_doen as maatwerk_te_doen

    return {"effect": effect, "maatwerk_effect": maatwerk_te_doen(session, wijkteam_id, limiet),
            "verlengen": verlengen, "toestemming": toestemming,
            "overdrachten": te_beslissen(session, wijkteam_id)[:limiet]}


# ---------------------------------------------------------------- retention


def wis_nazorg(session: Session, zaak_ids: list[int]) -> None:
    """Erase what people wrote after the decision with the case's other free text (workflows.bewaring): the
    agreements, the effect's sentence, the hand-over notes and reasons. The scale, the end point, the consent
    facts, the end date and who handed over to whom remain for the report."""
    from sqlalchemy import update

    from .bewaring import GEWIST

    if not zaak_ids:
        return
    session.execute(update(Afspraak).where(Afspraak.zaak_id.in_(zaak_ids)).values(tekst=GEWIST)
                    .execution_options(synchronize_session=False))
    session.execute(update(Effectmeting).where(Effectmeting.zaak_id.in_(zaak_ids)).values(toelichting="")
                    .execution_options(synchronize_session=False))
    session.execute(update(Overdracht).where(Overdracht.zaak_id.in_(zaak_ids)).values(notitie=GEWIST, reden="")
                    .execution_options(synchronize_session=False))
