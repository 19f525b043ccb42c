"""The demo after the decision (issue 17, points 4 and 5): effects recorded six months on, one still asked,
agreements with residents, a renewal due, consent missing, a hand-over accepted and one waiting.

Through the use cases (workflows.usecases_nazorg) at explicit past moments, as the scheduler and the screens
would have done; no mail is queued for the past. Drawn from the demo year's cases (app/demo.py).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from workflows import usecases_nazorg as uc
from workflows.kalender import amsterdam
from workflows.models import Gebruiker, Rol, Status, Wijkteam, Zaak
from workflows.nazorg import effect_vraag_op, verlenging_herinneren_op
from workflows.overgangen import Actor
from workflows.termijnen import kalender

# (scale, end point, sentence), in turn over the solved cases whose six months have passed; invented.
EFFECTEN = [
    ("verbeterd", "vervolgtraject", "Huur weer op tijd betaald; schuldhulptraject loopt."),
    ("sterk_verbeterd", "geen_vervolg", "Heeft werk gevonden en geen achterstanden meer."),
    ("gelijk", "vervolgtraject", "Uitkering loopt, maar de schulden zijn nog niet geregeld."),
    ("verbeterd", "warme_overdracht", "Overgedragen aan de schuldhulp van de nieuwe woonplaats."),
    ("verslechterd", "vervolgtraject", "Opnieuw huurachterstand na een nieuwe terugvordering van toeslagen."),
    ("onbekend", "geen_vervolg", "Geen contact meer sinds de verhuizing."),
    ("sterk_verbeterd", "geen_vervolg", "Kinderen weer naar school; ouder zelfredzaam."),
]
AFSPRAKEN = [
    "Meldt zich deze week aan bij de schuldhulp en houdt een kasboek bij.",
    "Solliciteert twee keer per week en gaat naar de taalcursus in het wijkcentrum.",
]


def _team(session: Session, naam: str) -> Wijkteam:
    return session.scalars(select(Wijkteam).where(Wijkteam.naam == naam)).one()


def _manager(session: Session, team: Wijkteam) -> Actor:
    return Actor.gebruiker(session.scalars(select(Gebruiker).where(
        Gebruiker.wijkteam_id == team.id, Gebruiker.rol == Rol.WIJKTEAMMANAGER).order_by(Gebruiker.id)).first())


def vul_nazorg(session: Session, now: datetime) -> None:
    """Fill the demo's part after the decision; the history's cases exist already. Does not commit."""
    kal = kalender(session)
    feyenoord, oosterflank, rubroek = (_team(session, n) for n in ("Feyenoord", "Oosterflank", "Rubroek/Crooswijk"))
    yvonne = _manager(session, feyenoord)
    opgelost = session.scalars(select(Zaak).where(Zaak.status.in_([Status.OPGELOST, Status.GESLOTEN]),
                                                  Zaak.uitkomst.is_not(None), Zaak.opgelost_op.is_not(None))
                               .order_by(Zaak.opgelost_op, Zaak.id)).all()

    # The six-month question, asked for every solved case whose day came; answered for all but the newest
    # two of Feyenoord, which wait on its dashboard.
    gevraagd = [z for z in opgelost if effect_vraag_op(z.opgelost_op, kal) <= now]
    open_laten = {z.id for z in [z for z in gevraagd if z.wijkteam_id == feyenoord.id][-2:]}
    for i, zaak in enumerate(gevraagd):
        moment = effect_vraag_op(zaak.opgelost_op, kal)
        uc.effect_vragen(session, zaak.id, moment, kal)
        if zaak.id in open_laten:
            continue
        schaal, eind, zin = EFFECTEN[i % len(EFFECTEN)]
        team = _manager(session, session.get(Wijkteam, zaak.wijkteam_id))
        uc.effect_vastleggen(session, team, zaak.id, schaal, eind, zin, min(now, moment + timedelta(days=3)))

    # Agreements with the resident on two of Feyenoord's recent cases.
    recent = session.scalars(select(Zaak).where(Zaak.wijkteam_id == feyenoord.id, Zaak.status.in_(
        [Status.VERSTUURD, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.OPGELOST])).order_by(Zaak.id.desc())
                             .limit(2)).all()
    for zaak, tekst in zip(recent, AFSPRAKEN):
        uc.afspraak_vastleggen(session, yvonne, zaak.id, tekst, amsterdam(now).date() + timedelta(days=21),
                               max(zaak.verstuurd_op or now, now - timedelta(days=2)))

    # A solution to renew: an indication that ends in three weeks; the reminder came this week.
    nog_geldig = [z for z in opgelost if z.wijkteam_id == feyenoord.id and z.id not in open_laten]
    if nog_geldig:
        zaak = nog_geldig[-1]
        einde = amsterdam(now).date() + timedelta(days=20)
        uc.einddatum_vastleggen(session, yvonne, zaak.id, einde, max(zaak.opgelost_op, now - timedelta(days=60)))
        uc.verlenging_herinneren(session, zaak.id, max(verlenging_herinneren_op(einde, kal), zaak.opgelost_op), kal)

    # Consent: missing now on an open case of Feyenoord; missing for a while, then given, on a few others (the
    # report's "cause of delay").
    lopend = session.scalars(select(Zaak).where(Zaak.status.in_(
        [Status.VERSTUURD, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.WACHT_OP_WIJKTEAM]))
        .order_by(Zaak.id)).all()
    eigen = [z for z in lopend if z.wijkteam_id == feyenoord.id]
    if eigen:
        zaak = eigen[0]
        uc.toestemming_vastleggen(session, yvonne, zaak.id, "ontbreekt", max(zaak.verstuurd_op, now - timedelta(days=3)),
                                  kal)
    for zaak in [z for z in opgelost if z.oplos_werkdagen is not None][:: max(1, len(opgelost) // 6)][:6]:
        team = _manager(session, session.get(Wijkteam, zaak.wijkteam_id))
        uc.toestemming_vastleggen(session, team, zaak.id, "ontbreekt", zaak.verstuurd_op, kal)
        uc.toestemming_vastleggen(session, team, zaak.id, "gegeven",
                                  zaak.verstuurd_op + (zaak.opgelost_op - zaak.verstuurd_op) * 0.6, kal)

    # Hand-over: a knip of Feyenoord taken over by Rubroek/Crooswijk (the knip stays on Feyenoord's card), and
    # a case of another team that waits for Yvonne Kramer's decision.
    knip = next((z for z in reversed(opgelost) if z.wijkteam_id == feyenoord.id and z.is_knip
                 and z.id not in open_laten), None)
    if knip is not None:
        uc.overdracht_voorstellen(session, yvonne, knip.id, rubroek.id,
                                  "De inwoner woont sinds vorige maand in Crooswijk. De uitkering loopt; de afspraak "
                                  "met de schuldhulp staat op de 14e. Contact liep via de dochter.",
                                  now - timedelta(days=6))
        o = uc.open_overdracht(session, knip.id)
        uc.overdracht_beslissen(session, _manager(session, rubroek), o.id, True, "", now - timedelta(days=5))
    # (an open case of another team if there is one; else Oosterflank's latest solved case, whose six-month
    # question then goes to the team the resident lives with now)
    ander = next((z for z in reversed(lopend) if z.wijkteam_id != feyenoord.id), None) or next(
        (z for z in reversed(opgelost) if z.wijkteam_id == oosterflank.id), None)
    if ander is not None:
        uc.overdracht_voorstellen(session, _manager(session, session.get(Wijkteam, ander.wijkteam_id)), ander.id,
                                  feyenoord.id,
                                  "Verhuisd naar de Afrikaanderwijk. De dienst heeft de zaak in behandeling; de "
                                  "inwoner heeft nog geen huisarts in de nieuwe wijk.", now - timedelta(days=1))
