"""The effect six months after a maatwerk payment (issue 17, point 4; DOMAIN.md "Maatwerkbudget").

Zaanstad (002) measures "het effect ... op de persoonlijke situatie van de inwoner na zes maanden" for every
instrument: a paid request is asked the same question as a solved knip or escalation (workflows/nazorg.py),
counted from the moment finance confirmed the payment, at 08:00 on the first werkdag on or after the calendar
date six months on (`effect_vraag_op`). The answer is one `Effectmeting` row with `aanvraag_id` and the
instrument "maatwerkbudget", so the report's per-instrument tables show it beside the knip and the escalation.

Each use case locks the request (as the decision and the payment do), acts and returns a `Resultaat` whose
`gebeurtenissen` decide the mail (notifications/maatwerk.py); the caller commits once.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..fouten import GeenToegang, OngeldigeInvoer, OngeldigeOvergang
from ..kalender import Werkdagkalender
from ..models import Gebruiker, Rol
from ..nazorg import EFFECT_NA_MAANDEN, EffectSchaal, Effectmeting, Eindpunt, effect_vraag_op
from ..privacy import BSN_MELDING, vind_bsn
from .aanvragen import Resultaat, _vergrendeld
from .bewaring import gewist
from .modellen import AanvraagStatus, MaatwerkAanvraag

INSTRUMENT = "maatwerkbudget"
MAX_TOELICHTING = 500


def vraag_op(aanvraag: MaatwerkAanvraag, kal: Werkdagkalender) -> datetime | None:
    """When the six-month question about a paid request is due; None while it is not paid."""
    if aanvraag.status != AanvraagStatus.BETAALD or aanvraag.betaald_op is None:
        return None
    return effect_vraag_op(aanvraag.betaald_op, kal)


def meting_van(session: Session, aanvraag_id: int) -> Effectmeting | None:
    return session.execute(select(Effectmeting).where(Effectmeting.aanvraag_id == aanvraag_id)).scalar_one_or_none()


def te_vragen(session: Session, now: datetime, kal: Werkdagkalender, limiet: int = 500) -> list[int]:
    """Paid requests whose six-month question is due at `now` and was never asked nor answered."""
    # A wide net in SQL (six months back, two days' slack for the time zone), the exact moment in Python.
    grens = now - relativedelta(months=EFFECT_NA_MAANDEN) + timedelta(days=2)
    rijen = session.execute(
        select(MaatwerkAanvraag.id, MaatwerkAanvraag.betaald_op)
        .outerjoin(Effectmeting, Effectmeting.aanvraag_id == MaatwerkAanvraag.id)
        .where(MaatwerkAanvraag.status == AanvraagStatus.BETAALD, MaatwerkAanvraag.betaald_op.is_not(None),
               MaatwerkAanvraag.betaald_op < grens, Effectmeting.id.is_(None))
        .order_by(MaatwerkAanvraag.betaald_op).limit(limiet)).all()
    return [aid for aid, op in rijen if effect_vraag_op(op, kal) <= now]


def effect_vragen(session: Session, aanvraag_id: int, now: datetime, kal: Werkdagkalender) -> Resultaat:
    """Ask the team, once, six months after the payment, to record the effect (a system step): the request is
    locked, so two scheduler processes listing it at the same moment ask once."""
    aanvraag = _vergrendeld(session, aanvraag_id)
    moment = vraag_op(aanvraag, kal)
    if moment is None or moment > now or meting_van(session, aanvraag.id) is not None:
        return Resultaat(aanvraag=aanvraag)  # not paid, not yet due, asked already or recorded before it was due
    meting = Effectmeting(aanvraag_id=aanvraag.id, instrument=INSTRUMENT, opgelost_op=aanvraag.betaald_op,
                          gevraagd_op=now, toelichting="")
    session.add(meting)
    session.flush()
    return Resultaat(aanvraag=aanvraag, gebeurtenissen=[("effect_gevraagd", meting)])


def effect_vastleggen(session: Session, gebruiker: Gebruiker, aanvraag_id: int, schaal: EffectSchaal | str,
                      eindpunt: Eindpunt | str, toelichting: str, now: datetime) -> Resultaat:
    """The team records the effect on the resident's situation and the end point (again: a correction).

    Only the team that asked, only once the request is paid (before that there is no effect to speak of), not
    after retention erased what people wrote about the resident, and with no BSN in the sentence.
    """
    if gebruiker.rol not in (Rol.WIJKTEAMMANAGER, Rol.MEDEWERKER):
        raise GeenToegang("Alleen het wijkteam legt het effect van een betaling vast.")
    aanvraag = _vergrendeld(session, aanvraag_id)
    if aanvraag.wijkteam_id != gebruiker.wijkteam_id:
        raise GeenToegang("Deze aanvraag is van een ander wijkteam.")
    if aanvraag.status != AanvraagStatus.BETAALD:
        raise OngeldigeOvergang(f"Het effect leggen we vast na de betaling: {aanvraag.nummer} is "
                                f"{aanvraag.status.label.lower()}.")
    if gewist(aanvraag):
        raise OngeldigeOvergang(f"Van {aanvraag.nummer} is na de bewaartermijn gewist wat over de inwoner "
                                "geschreven was; er valt niets meer vast te leggen.")
    try:
        schaal, eindpunt = EffectSchaal(schaal), Eindpunt(eindpunt)
    except ValueError:
        raise OngeldigeInvoer("Kies het effect en het eindpunt uit de lijst.", veld="schaal")
    toelichting = " ".join((toelichting or "").split())
    if not toelichting:
        raise OngeldigeInvoer("Schrijf in één zin wat er veranderd is.", veld="effect_toelichting")
    if len(toelichting) > MAX_TOELICHTING:
        raise OngeldigeInvoer(f"Eén zin: hoogstens {MAX_TOELICHTING} tekens.", veld="effect_toelichting")
    if vind_bsn(toelichting):
        raise OngeldigeInvoer(BSN_MELDING, veld="effect_toelichting")
    meting = meting_van(session, aanvraag.id)
    if meting is None:
        meting = Effectmeting(aanvraag_id=aanvraag.id, instrument=INSTRUMENT, opgelost_op=aanvraag.betaald_op)
        session.add(meting)
    eerder = meting.vastgelegd_op is not None
    meting.schaal, meting.eindpunt, meting.toelichting = schaal, eindpunt, toelichting
    meting.vastgelegd_op, meting.vastgelegd_door_id = now, gebruiker.id
    session.flush()
    return Resultaat(aanvraag=aanvraag, gebeurtenissen=[("effect_gecorrigeerd" if eerder else "effect_vastgelegd",
                                                         meting)])


def te_doen(session: Session, wijkteam_id: int, limiet: int = 50) -> list[tuple[MaatwerkAanvraag, Effectmeting]]:
    """The team's paid requests whose question was asked and not yet answered, oldest question first."""
    return [tuple(r) for r in session.execute(
        select(MaatwerkAanvraag, Effectmeting).join(Effectmeting, Effectmeting.aanvraag_id == MaatwerkAanvraag.id)
        .where(MaatwerkAanvraag.wijkteam_id == wijkteam_id, Effectmeting.gevraagd_op.is_not(None),
               Effectmeting.vastgelegd_op.is_(None))
        .order_by(Effectmeting.gevraagd_op).limit(limiet)).all()]

