"""The scheduler's part after the decision: the six-month questions (of solved cases and of paid maatwerk
requests) and the renewal reminders.

Run every quarter of an hour (app/scheduler.py). Each question is one use case in its own transaction: the
case is locked and the question asked once, also when two scheduler processes run this at the same moment.
Questions fall due at 08:00 on a werkdag (workflows.nazorg.VRAAGMOMENT), before the daily overview of 08:30.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from workflows import usecases_nazorg as uc
from workflows.maatwerk import effect as maatwerkeffect
from workflows.termijnen import kalender

from ..extensions import db
from ..maatwerk.routes import meld as maatwerk_meld
from .routes import meld


@dataclass
class Gevraagd:
    effect: list[str] = field(default_factory=list)
    verlenging: list[str] = field(default_factory=list)
    maatwerk: list[str] = field(default_factory=list)


def vragen_stellen(now: datetime) -> Gevraagd:
    """Ask every six-month question and renewal reminder due at `now`; returns the case and request numbers."""
    kal = kalender(db.session)
    uit = Gevraagd()
    for lijst, kandidaten, stap in ((uit.effect, uc.te_vragen, uc.effect_vragen),
                                    (uit.verlenging, uc.te_herinneren, uc.verlenging_herinneren)):
        ids = kandidaten(db.session, now, kal)
        db.session.rollback()
        for zaak_id in ids:
            try:
                r = stap(db.session, zaak_id, now, kal)
                if r.gebeurtenissen:
                    meld(r, now)
                    lijst.append(r.zaak.nummer)
                db.session.commit()
            except Exception:
                db.session.rollback()
                raise
    ids = maatwerkeffect.te_vragen(db.session, now, kal)
    db.session.rollback()
    for aanvraag_id in ids:
        try:
            r = maatwerkeffect.effect_vragen(db.session, aanvraag_id, now, kal)
            if r.gebeurtenissen:
                maatwerk_meld(r, now)
                uit.maatwerk.append(r.aanvraag.nummer)
            db.session.commit()
        except Exception:
            db.session.rollback()
            raise
    return uit
