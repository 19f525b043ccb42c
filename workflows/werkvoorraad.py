"""What a wijkteam has to do now: one list, each case once, with the reason it is on it (issue 14, point 2).

The dashboard used to show five lists of up to 50 cases each (waiting on us, ladder exhausted, solved and to
close, concepts to send, the open cases), often the same case twice. Now it shows how many cases there are per
reason (each count a link to the case list with that filter) and one short list of the most pressing ones.
A case is on the list for its first reason in this order:

1. `WACHT`: the dienst asked the team a question; the resolution clock stands still until the team answers;
2. `UITGEPUT`: the top rung of the ladder did not react in time either; only the team can go further (call the
   maatwerkfunctionaris, forward to the Landelijk Maatwerkloket or withdraw);
3. `TE_SLUITEN`: the dienst solved it; the team closes it and says whether the bottleneck is structural;
4. `TE_LAAT`: the running deadline passed; the system already climbs the ladder, the team may want to call;
5. `VERSTUREN`: a concept that a medewerker prepared, waiting for the wijkteammanager to send it.

The counts are those of the case list's filters (so the number and the list behind its link agree: an
exhausted case is also late); the short list shows each case once.

Every count and every list reads one of the team's indexes (the open cases by deadline, the solved cases),
never all of a team's cases.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from .bewaking import uitgeput_sql
from .models import Status, Zaak
from .overgangen import LOPEND, OPEN_BIJ_DIENST
from .termijnen import Termijnstand, eerstvolgende_deadline_sql, lopende_termijn

MAX_TE_DOEN = 15  # a phone screen or two; the counts link to the full lists
MAX_TELLING = 99  # a count above this shows as "99+": counting stops there (a badge, not a report)


class Reden(str, enum.Enum):
    WACHT = "wacht"
    UITGEPUT = "uitgeput"
    TE_SLUITEN = "te_sluiten"
    TE_LAAT = "te_laat"
    VERSTUREN = "versturen"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Reden.WACHT: "Wacht op ons",
    Reden.UITGEPUT: "Ladder uitgeput",
    Reden.TE_SLUITEN: "Opgelost, te sluiten",
    Reden.TE_LAAT: "Termijn verlopen",
    Reden.VERSTUREN: "Concepten om te versturen",
}


@dataclass(frozen=True)
class TeDoen:
    zaak: Zaak
    reden: Reden

    @property
    def termijn(self) -> Termijnstand | None:
        """The clock that runs now (the one that passed, for `TE_LAAT`)."""
        return lopende_termijn(self.zaak)


@dataclass(frozen=True)
class Werkvoorraad:
    aantallen: dict[Reden, int]  # per reason, as the case list's filter for it counts (an exhausted case is late
    # too), up to MAX_TELLING + 1 (shown as "99+")
    lijst: list[TeDoen]  # the most pressing, at most MAX_TE_DOEN, in the order of the reasons
    aantal_open: int  # the team's running cases (with the dienst or waiting on the team)
    totaal: int  # the cases on the list's reasons, each once (an exhausted case is not counted again as late)


def nu_te_doen(session: Session, wijkteam_id: int, now: datetime, *, concepten_versturen: bool,
               limiet: int = MAX_TE_DOEN, telling: int = MAX_TELLING) -> Werkvoorraad:
    """The team's work for now. `concepten_versturen`: the reader may send concepts (the wijkteammanager);
    a count stops at `telling` + 1."""
    team = Zaak.wijkteam_id == wijkteam_id
    deadline = eerstvolgende_deadline_sql()
    bij_dienst = Zaak.status.in_(OPEN_BIJ_DIENST)
    # Each count reads its index until it has MAX_TELLING + 1: a team with thousands of late cases does not make
    # every view of the dashboard count them all (the exhausted ones need a look at each case's deadline steps).
    aantal_open = session.execute(select(func.count()).select_from(Zaak).where(  # exact: the open-deadline index
        team, Zaak.status.in_(LOPEND))).scalar_one()
    aantallen = {
        Reden.WACHT: _tel(session, telling, select(Zaak.id).where(team, Zaak.status == Status.WACHT_OP_WIJKTEAM)),
        Reden.UITGEPUT: _tel(session, telling, select(Zaak.id).where(team, bij_dienst, uitgeput_sql())),
        Reden.TE_SLUITEN: _tel(session, telling, select(Zaak.id).where(team, Zaak.status == Status.OPGELOST)),
        Reden.TE_LAAT: _tel(session, telling, select(Zaak.id).where(team, bij_dienst, deadline < now)),
        Reden.VERSTUREN: _tel(session, telling, select(Zaak.id).where(team, Zaak.status == Status.CONCEPT))
        if concepten_versturen else 0,
    }
    # Late and not exhausted: the short list's TE_LAAT, and what the total adds for the late cases.
    alleen_te_laat = (team, bij_dienst, deadline < now, ~uitgeput_sql())
    vragen = {
        Reden.WACHT: select(Zaak).where(team, Zaak.status == Status.WACHT_OP_WIJKTEAM)
        .order_by(Zaak.pauze_sinds, Zaak.id),
        Reden.UITGEPUT: select(Zaak).where(team, bij_dienst, uitgeput_sql()).order_by(deadline, Zaak.id),
        Reden.TE_SLUITEN: select(Zaak).where(team, Zaak.status == Status.OPGELOST).order_by(Zaak.opgelost_op, Zaak.id),
        Reden.TE_LAAT: select(Zaak).where(*alleen_te_laat).order_by(deadline, Zaak.id),
        Reden.VERSTUREN: select(Zaak).options(joinedload(Zaak.aangemaakt_door))
        .where(team, Zaak.status == Status.CONCEPT).order_by(Zaak.id),
    }
    # The total counts each case once: an exhausted case is on the case list's late filter too.
    te_laat_alleen = _tel(session, telling, select(Zaak.id).where(*alleen_te_laat)) if aantallen[Reden.TE_LAAT] else 0
    totaal = sum(n for reden, n in aantallen.items() if reden != Reden.TE_LAAT) + te_laat_alleen
    lijst: list[TeDoen] = []
    for reden in Reden:
        over = limiet - len(lijst)
        if over <= 0:
            break
        if not aantallen[reden]:
            continue
        zaken = session.scalars(vragen[reden].options(joinedload(Zaak.dienst)).limit(over)).all()
        lijst += [TeDoen(z, reden) for z in zaken]
    return Werkvoorraad(aantallen, lijst, aantal_open, totaal)


def _tel(session: Session, telling: int, stmt) -> int:
    return session.execute(select(func.count()).select_from(stmt.limit(telling + 1).subquery())).scalar_one()
