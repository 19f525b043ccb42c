"""A case's two clocks: the terms per dienst and urgency, where they end, and how a person reads them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, select
from sqlalchemy.orm import Session

from .kalender import Werkdagkalender
from .models import Sluitingsdag, Status, Termijnnorm, Urgentie, Zaak
from .overgangen import LOPEND, OPEN_BIJ_DIENST

STANDAARD_TERMIJNEN: dict[Urgentie, tuple[int, int]] = {
    Urgentie.ACUUT: (1, 2),
    Urgentie.HOOG: (2, 5),
    Urgentie.NORMAAL: (3, 10),
    Urgentie.KNIP: (1, 2),
    Urgentie.ADVIES: (1, 3),  # an adviesvraag: a short term, and no ladder (workflows/bewaking.py)
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


def start_termijnen(session: Session, zaak: Zaak, now: datetime, kal: Werkdagkalender) -> None:
    """Both clocks afresh from `now` (sent, forwarded, climbed a rung).

    The reactietermijn only runs while the case is not yet acknowledged; the oplostermijn never ends
    before the reactietermijn, whatever the dienst's norms say.
    """
    reactie, oplos = termijnen(session, zaak)
    if zaak.ontvangen_op is None:
        zaak.reactie_deadline = kal.termijn_einde(now, reactie)
    zaak.oplos_deadline = kal.termijn_einde(now, max(reactie, oplos))


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


def lopende_termijn(zaak: Zaak) -> Termijnstand | None:
    """The clock that runs now: the reactietermijn until received, then the oplostermijn; None when nothing runs."""
    if zaak.status not in LOPEND:
        return None
    reactie, oplos = termijnstanden(zaak)
    return reactie if zaak.ontvangen_op is None and zaak.reactie_deadline is not None else oplos


def eerstvolgende_deadline(zaak: Zaak) -> datetime | None:
    """The deadline that runs now: reactie until received, then oplos; None when nothing runs."""
    termijn = lopende_termijn(zaak)
    return termijn.deadline if termijn else None


def te_laat(zaak: Zaak, now: datetime) -> bool:
    """The case lies with the dienst and its running deadline has passed (the list filter's rule, per case)."""
    deadline = eerstvolgende_deadline(zaak)
    return zaak.status in OPEN_BIJ_DIENST and deadline is not None and deadline < now


def eerstvolgende_deadline_sql():
    """The same rule as `eerstvolgende_deadline`, as an SQL expression for ordering open cases (the status
    condition is the caller's `WHERE`); migration 0008 indexes exactly this expression."""
    return case((and_(Zaak.ontvangen_op.is_(None), Zaak.reactie_deadline.is_not(None)), Zaak.reactie_deadline),
                else_=Zaak.oplos_deadline)
