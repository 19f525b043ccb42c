"""Deadlines that act: reminders, the escalation ladder, and the sweep that takes each step once.

For each running clock (reactietermijn until ontvangen, oplostermijn until
opgelost; the oplostermijn not while the case waits on the wijkteam) there are
two steps per rung of the ladder:

- `herinnering`: one werkdag before the deadline (17:00 on the werkdag before),
  to the current recipient;
- `verlopen`: at the deadline, if still open: the current recipient is told,
  the case climbs one rung (contactpersoon → teamleider → manager of the
  dienst → maatwerkfunctionaris) with a fresh term of the same length, and
  the team is told. At the top there is no rung left: the maatwerkfunctionaris
  is told, and a bovenlokaal case may be forwarded to the Landelijk
  Maatwerkloket.

Every step is a Termijnstap row with the unique key (case, clock, rung, kind):
the key is the last word on "exactly once", whatever runs the sweep.
`Zaak.volgende_stap_op` holds the earliest step still to take, so a sweep
reads only the cases that are due.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from .kalender import EINDE_WERKDAG, TZ, Werkdagkalender, amsterdam
from .models import Dienst, Gebeurtenis, LadderTrede, Status, Termijnstap, Zaak

HERINNERING = "herinnering"
VERLOPEN = "verlopen"
REACTIE = "reactie"
OPLOS = "oplos"

BIJ_DIENST = frozenset({Status.VERSTUURD, Status.ONTVANGEN, Status.IN_BEHANDELING, Status.HEROPEND})


@dataclass(frozen=True, order=True)
class Stap:
    op: datetime
    klok: str
    soort: str
    trede: int
    deadline: datetime

    def sleutel(self) -> tuple[str, int, str]:
        return (self.klok, self.trede, self.soort)


def _dag_ervoor(kal: Werkdagkalender, deadline: datetime) -> datetime:
    """17:00 on the werkdag before the deadline's date."""
    d = amsterdam(deadline).date() - timedelta(days=1)
    while not kal.is_werkdag(d):
        d -= timedelta(days=1)
    return datetime.combine(d, EINDE_WERKDAG, tzinfo=TZ)


def stappen(zaak: Zaak, kal: Werkdagkalender) -> list[Stap]:
    """The steps of the clocks running now, at the current rung, in time order."""
    if zaak.status not in BIJ_DIENST:
        return []
    klokken = []
    if zaak.ontvangen_op is None and zaak.reactie_deadline is not None:
        klokken.append((REACTIE, zaak.reactie_deadline))
    if zaak.opgelost_op is None and zaak.oplos_deadline is not None:
        klokken.append((OPLOS, zaak.oplos_deadline))
    begin = zaak.trede_sinds or zaak.verstuurd_op
    uit: list[Stap] = []
    for klok, deadline in klokken:
        herinnering = _dag_ervoor(kal, deadline)
        if begin is None or herinnering > begin:  # no reminder for a term that began after it was due
            uit.append(Stap(herinnering, klok, HERINNERING, zaak.trede, deadline))
        uit.append(Stap(deadline, klok, VERLOPEN, zaak.trede, deadline))
    return sorted(uit)


def _gedaan(session: Session, zaak: Zaak) -> set[tuple[str, int, str]]:
    rijen = session.execute(
        select(Termijnstap.klok, Termijnstap.trede, Termijnstap.soort).where(Termijnstap.zaak_id == zaak.id)
    ).all()
    return {tuple(r) for r in rijen}


def open_stappen(session: Session, zaak: Zaak, kal: Werkdagkalender) -> list[Stap]:
    gedaan = _gedaan(session, zaak)
    return [s for s in stappen(zaak, kal) if s.sleutel() not in gedaan]


def herbereken(session: Session, zaak: Zaak, kal: Werkdagkalender) -> None:
    """Keep `volgende_stap_op` true after any change of the case."""
    open_ = open_stappen(session, zaak, kal)
    zaak.volgende_stap_op = open_[0].op if open_ else None


# ---------------------------------------------------------------- the ladder


def volgende_trede(session: Session, zaak: Zaak) -> LadderTrede | None:
    """The next configured rung above the current one, or None at the top."""
    return session.execute(
        select(LadderTrede).where(LadderTrede.dienst_id == zaak.dienst_id, LadderTrede.niveau > zaak.trede)
        .order_by(LadderTrede.niveau).limit(1)
    ).scalar_one_or_none()


def is_uitgeput(session: Session, zaak: Zaak) -> bool:
    """The local ladder is exhausted: the top rung's term has passed too."""
    return volgende_trede(session, zaak) is None and session.execute(
        select(Termijnstap.id).where(Termijnstap.zaak_id == zaak.id, Termijnstap.trede == zaak.trede,
                                     Termijnstap.soort == VERLOPEN).limit(1)
    ).first() is not None


def _gebeurtenis(session: Session, zaak: Zaak, actie: str, toelichting: str, now: datetime,
                 betreft: str | None) -> Gebeurtenis:
    from .zaken import Actor, _gebeurtenis as record

    return record(session, zaak, Actor.systeem(), actie, None, None, toelichting, now, betreft=betreft)


def _onbereikbaar(session: Session, zaak: Zaak, dag) -> str | None:
    """Why the routed contactpersoon cannot take a reminder now (absent, inactive, undeliverable), or None."""
    from .routering import afwezigheid_op

    if zaak.trede != 0 or zaak.ontvanger is None:
        return None
    cp = zaak.ontvanger
    if not cp.bereikbaar:
        return f"{cp.naam} is niet actief of onbestelbaar."
    afwezig = afwezigheid_op(session, cp.id, dag)
    if afwezig is not None:
        return f"{cp.naam} is afwezig t/m {afwezig.tot:%d-%m-%Y}."
    return None


def neem_stap(session: Session, zaak: Zaak, stap: Stap, now: datetime, kal: Werkdagkalender) -> list[Gebeurtenis]:
    """Take one step: record its key, then remind or climb. Raises IntegrityError when taken before.

    An absent or unreachable contactpersoon is first replaced as routing says (vervanger, else the
    dienst's mailbox), so the reminder reaches someone who can act.
    """
    from .zaken import herrouteer, termijnen

    session.add(Termijnstap(zaak_id=zaak.id, klok=stap.klok, trede=stap.trede, soort=stap.soort, gepland_op=stap.op,
                            uitgevoerd_op=now))
    session.flush()  # the unique key decides, before anything else happens
    vooraf: list[Gebeurtenis] = []
    reden = _onbereikbaar(session, zaak, amsterdam(now).date())
    if reden:
        g = herrouteer(session, zaak, now, reden)
        if g is not None:
            vooraf.append(g)
    return vooraf + _stap(session, zaak, stap, now, kal, termijnen)


def _stap(session: Session, zaak: Zaak, stap: Stap, now: datetime, kal: Werkdagkalender, termijnen
          ) -> list[Gebeurtenis]:
    naam = "reactietermijn" if stap.klok == REACTIE else "oplostermijn"
    if stap.soort == HERINNERING:
        return [_gebeurtenis(session, zaak, "herinnering",
                             f"Herinnering aan {zaak.ontvanger_email}: de {naam} verloopt "
                             f"{amsterdam(stap.deadline):%d-%m-%Y om %H:%M}.", now, zaak.ontvanger_email)]

    uit = [_gebeurtenis(session, zaak, "termijn_verlopen",
                        f"De {naam} is verlopen zonder {'reactie' if stap.klok == REACTIE else 'oplossing'} "
                        f"van {zaak.ontvanger_email}.", now, zaak.ontvanger_email)]
    trede = volgende_trede(session, zaak)
    if trede is None:
        uit.append(_gebeurtenis(session, zaak, "ladder_uitgeput",
                                "De laatste trede van de ladder is bereikt en ook die termijn is verlopen."
                                + (" De zaak is bovenlokaal en kan naar het Landelijk Maatwerkloket."
                                   if zaak.bovenlokaal else ""), now, zaak.ontvanger_email))
        return uit
    reactie, oplos = termijnen(session, zaak)
    vorige = zaak.ontvanger_email
    zaak.trede = trede.niveau
    zaak.hoogste_trede = max(zaak.hoogste_trede or 0, trede.niveau)
    zaak.trede_sinds = now
    zaak.ontvanger_id = trede.contactpersoon.id
    zaak.ontvanger_email = trede.contactpersoon.email
    zaak.routering_reden = (f"Opgeschaald naar trede {trede.niveau} ({trede.contactpersoon.functie.label}): "
                            f"{trede.contactpersoon.naam}, omdat de {naam} bij {vorige} verliep.")
    if stap.klok == REACTIE:
        zaak.reactie_deadline = kal.termijn_einde(now, reactie)
    else:
        zaak.oplos_deadline = kal.termijn_einde(now, oplos)
    uit.append(_gebeurtenis(session, zaak, "opgeschaald", zaak.routering_reden, now, zaak.ontvanger_email))
    return uit


def zaken_met_stap(session: Session, now: datetime, limiet: int = 500) -> list[int]:
    """Ids of the cases with a step due at `now`, oldest first; reads the index only."""
    return list(session.execute(
        select(Zaak.id).where(Zaak.volgende_stap_op <= now).order_by(Zaak.volgende_stap_op, Zaak.id).limit(limiet)
    ).scalars())


def bewaak_zaak(session: Session, zaak_id: int, now: datetime, kal: Werkdagkalender) -> list[Gebeurtenis]:
    """Take every step of one case that is due at `now`, in order; the caller commits."""
    zaak = session.execute(select(Zaak).where(Zaak.id == zaak_id).with_for_update()).scalar_one_or_none()
    if zaak is None:
        return []
    gebeurd: list[Gebeurtenis] = []
    for _ in range(20):  # a case can owe several steps after downtime; each climb yields new ones
        open_ = open_stappen(session, zaak, kal)
        if not open_ or open_[0].op > now:
            break
        try:
            with session.begin_nested():
                gebeurd += neem_stap(session, zaak, open_[0], now, kal)
        except IntegrityError:
            session.expire(zaak)  # another scheduler took this step: its key exists now
    herbereken(session, zaak, kal)
    return gebeurd


def dienst_naam(session: Session, dienst_id: int) -> str:
    return session.get(Dienst, dienst_id).naam
