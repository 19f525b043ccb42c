"""Deadlines that act: reminders, one escalation ladder per case, and the team reminded while it is waited on.

A case has one ladder, not one per clock (DOMAIN.md "Deadlines"). At each rung
the deadline that runs is the reactietermijn until the case is acknowledged,
then the oplostermijn (not while the case waits on the wijkteam). Per rung:

- `herinnering`: one werkdag before that deadline (17:00 on the werkdag before),
  to the current recipient;
- `verlopen`: at the deadline, if still open: the case climbs one rung
  (contactpersoon → teamleider → manager of the dienst → maatwerkfunctionaris)
  and both clocks start afresh there. At the top there is no rung left: the
  ladder is exhausted, once, and no further step is taken at that rung.

While the case waits on the wijkteam the team is reminded after 2 werkdagen,
then weekly (every 5 werkdagen).

Every step is a Termijnstap row with the unique key (case, clock, rung, kind):
the key is the last word on "exactly once", whatever runs the sweep.
`Zaak.volgende_stap_op` holds the earliest step still to take, so a sweep
reads only the cases that are due. The steps are taken by the use case
`workflows.usecases.termijnstappen_nemen`, which locks the case first.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from . import vastleggen
from .kalender import EINDE_WERKDAG, TZ, Werkdagkalender, amsterdam
from .models import Dienst, Gebeurtenis, LadderTrede, Status, Termijnstap, Zaak, ZaakSoort
from .overgangen import OPEN_BIJ_DIENST, Actor, Voorval
from .routering import afwezigheid_op, pas_route_toe, routeer
from .termijnen import start_termijnen

HERINNERING = "herinnering"
VERLOPEN = "verlopen"
REACTIE = "reactie"
OPLOS = "oplos"
WACHT = "wacht"  # the team is reminded while the dienst waits on its answer

BIJ_DIENST = OPEN_BIJ_DIENST
TEAM_EERSTE_HERINNERING = 2  # werkdagen after the question
TEAM_VOLGENDE_HERINNERING = 5  # then weekly


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


def lopende_termijn(zaak: Zaak) -> tuple[str, datetime] | None:
    """The clock that runs at this rung and its deadline: reactie until acknowledged, then oplos."""
    if zaak.status not in BIJ_DIENST:
        return None
    if zaak.ontvangen_op is None and zaak.reactie_deadline is not None:
        return REACTIE, zaak.reactie_deadline
    if zaak.opgelost_op is None and zaak.oplos_deadline is not None:
        return OPLOS, zaak.oplos_deadline
    return None


def _gedaan(session: Session, zaak: Zaak) -> list[Termijnstap]:
    """The steps taken in the case's current term round (a forward or a reopening starts a new one)."""
    return list(session.execute(select(Termijnstap).where(
        Termijnstap.zaak_id == zaak.id, Termijnstap.ronde == (zaak.termijnronde or 0))).scalars())


def open_stappen(session: Session, zaak: Zaak, kal: Werkdagkalender) -> list[Stap]:
    """The steps still to take for this case, in time order."""
    if zaak.soort == ZaakSoort.ADVIESVRAAG:
        return []  # non-binding: its term shows on the pages, but nothing reminds, climbs or chases the team
    gedaan = _gedaan(session, zaak)
    if zaak.status == Status.WACHT_OP_WIJKTEAM:
        return [_team_herinnering(zaak, kal, gedaan)]
    lopend = lopende_termijn(zaak)
    if lopend is None:
        return []
    if any(s.trede == zaak.trede and s.soort == VERLOPEN and s.klok != WACHT for s in gedaan):
        return []  # this rung's term passed already: at the top, the ladder is exhausted
    klok, deadline = lopend
    sleutels = {(s.klok, s.trede, s.soort) for s in gedaan}
    begin = zaak.trede_sinds or zaak.verstuurd_op
    uit: list[Stap] = []
    herinnering = _dag_ervoor(kal, deadline)
    if begin is None or herinnering > begin:  # no reminder for a term that began after it was due
        uit.append(Stap(herinnering, klok, HERINNERING, zaak.trede, deadline))
    uit.append(Stap(deadline, klok, VERLOPEN, zaak.trede, deadline))
    return sorted(s for s in uit if s.sleutel() not in sleutels)


def _team_herinnering(zaak: Zaak, kal: Werkdagkalender, gedaan: list[Termijnstap]) -> Stap:
    """The next reminder to a team that is waited on: 2 werkdagen after the question, then weekly."""
    team = [s for s in gedaan if s.klok == WACHT]
    deze_wacht = [s for s in team if zaak.pauze_sinds is None or s.uitgevoerd_op >= zaak.pauze_sinds]
    if deze_wacht:
        op = kal.termijn_einde(max(s.uitgevoerd_op for s in deze_wacht), TEAM_VOLGENDE_HERINNERING)
    else:
        op = kal.termijn_einde(zaak.pauze_sinds or zaak.verstuurd_op, TEAM_EERSTE_HERINNERING)
    # The rung column numbers the team's reminders over the case's life, so the key stays unique.
    return Stap(op, WACHT, HERINNERING, len(team), op)


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


def ladder(session: Session, zaak: Zaak) -> list[tuple[int, str, str]]:
    """The case's ladder as (rung, function, name): rung 0 is the routed recipient."""
    treden = session.execute(
        select(LadderTrede).where(LadderTrede.dienst_id == zaak.dienst_id).order_by(LadderTrede.niveau)
    ).scalars().all()
    eerste = zaak.ontvanger.naam if zaak.trede == 0 and zaak.ontvanger else (zaak.ontvanger_email or "—")
    uit = [(0, "Contactpersoon", eerste if zaak.trede == 0 else "de vaste contactpersoon")]
    return uit + [(t.niveau, t.contactpersoon.functie.label, t.contactpersoon.naam) for t in treden]


def is_uitgeput(session: Session, zaak: Zaak) -> bool:
    """The local ladder is exhausted: the top rung's term has passed too."""
    return volgende_trede(session, zaak) is None and session.execute(
        select(Termijnstap.id).where(Termijnstap.zaak_id == zaak.id, Termijnstap.ronde == (zaak.termijnronde or 0),
                                     Termijnstap.trede == zaak.trede, Termijnstap.soort == VERLOPEN,
                                     Termijnstap.klok != WACHT).limit(1)
    ).first() is not None


def _gebeurtenis(session: Session, zaak: Zaak, actie: Voorval, toelichting: str, now: datetime,
                 betreft: str | None) -> Gebeurtenis:
    return vastleggen.gebeurtenis(session, zaak, Actor.systeem(), actie, None, None, toelichting, now,
                                  betreft=betreft)


def _onbereikbaar(session: Session, zaak: Zaak, dag) -> str | None:
    """Why the routed contactpersoon cannot take a reminder now (absent, inactive, undeliverable), or None."""
    if zaak.trede != 0 or zaak.ontvanger is None:
        return None
    cp = zaak.ontvanger
    if not cp.bereikbaar:
        return f"{cp.naam} is niet actief of onbestelbaar."
    afwezig = afwezigheid_op(session, cp.id, dag)
    if afwezig is not None:
        return f"{cp.naam} is afwezig t/m {afwezig.tot:%d-%m-%Y}."
    return None


def herrouteer(session: Session, zaak: Zaak, now: datetime, aanleiding: str) -> Gebeurtenis | None:
    """Route an open case at its first rung again (its recipient became unreachable); None when nothing changes."""
    from .overgangen import LOPEND

    if zaak.status not in LOPEND or zaak.trede != 0:
        return None
    route = routeer(session, zaak.wijkteam_id, zaak.dienst_id, amsterdam(now).date())
    if not pas_route_toe(zaak, route.contactpersoon, route.email, route.reden):
        return None
    return _gebeurtenis(session, zaak, Voorval.HERROUTEERD, f"{aanleiding} {route.reden}", now, zaak.ontvanger_email)


def neem_stap(session: Session, zaak: Zaak, stap: Stap, now: datetime, kal: Werkdagkalender) -> list[Gebeurtenis]:
    """Take one step: record its key, then remind or climb. Raises IntegrityError when taken before.

    An absent or unreachable contactpersoon is first replaced as routing says (vervanger, else the
    dienst's mailbox), so the reminder reaches someone who can act.
    """
    session.add(Termijnstap(zaak_id=zaak.id, ronde=zaak.termijnronde or 0, klok=stap.klok, trede=stap.trede,
                            soort=stap.soort, gepland_op=stap.op,
                            uitgevoerd_op=now))
    session.flush()  # the unique key decides, before anything else happens
    if stap.klok == WACHT:
        return [_gebeurtenis(session, zaak, Voorval.TEAM_HERINNERD,
                             f"Herinnering aan het wijkteam: {zaak.dienst.naam} wacht sinds "
                             f"{amsterdam(zaak.pauze_sinds or now):%d-%m-%Y} op het antwoord van het team.",
                             now, None)]
    vooraf: list[Gebeurtenis] = []
    reden = _onbereikbaar(session, zaak, amsterdam(now).date())
    if reden:
        g = herrouteer(session, zaak, now, reden)
        if g is not None:
            vooraf.append(g)
    return vooraf + _stap(session, zaak, stap, now, kal)


def _wie(zaak: Zaak) -> str:
    """The current recipient as people read it (events show in mail): name, function and dienst, or the
    dienst's mailbox by name; never a bare address."""
    if zaak.ontvanger is not None:
        return zaak.ontvanger.met_functie
    return f"de algemene mailbox van {zaak.dienst.naam}" if zaak.ontvanger_email else "niemand"


def _stap(session: Session, zaak: Zaak, stap: Stap, now: datetime, kal: Werkdagkalender) -> list[Gebeurtenis]:
    naam = "reactietermijn" if stap.klok == REACTIE else "oplostermijn"
    if stap.soort == HERINNERING:
        return [_gebeurtenis(session, zaak, Voorval.HERINNERING,
                             f"Herinnering aan {_wie(zaak)}: de {naam} verloopt "
                             f"{amsterdam(stap.deadline):%d-%m-%Y om %H:%M}.", now, zaak.ontvanger_email)]

    vorige, vorige_adres = _wie(zaak), zaak.ontvanger_email
    uit = [_gebeurtenis(session, zaak, Voorval.TERMIJN_VERLOPEN,
                        f"De {naam} is verlopen zonder {'reactie' if stap.klok == REACTIE else 'oplossing'} "
                        f"van {vorige}.", now, vorige_adres)]
    trede = volgende_trede(session, zaak)
    if trede is None:
        uit.append(_gebeurtenis(session, zaak, Voorval.LADDER_UITGEPUT,
                                "De laatste trede van de ladder is bereikt en ook die termijn is verlopen."
                                + (" De zaak is bovenlokaal en kan naar het Landelijk Maatwerkloket."
                                   if zaak.bovenlokaal else ""), now, vorige_adres))
        return uit
    cp = trede.contactpersoon
    zaak.trede = trede.niveau
    zaak.hoogste_trede = max(zaak.hoogste_trede or 0, trede.niveau)
    zaak.trede_sinds = now
    pas_route_toe(zaak, cp, cp.email, f"Opgeschaald naar {cp.met_functie}, trede {trede.niveau} van de ladder, "
                                      f"omdat de {naam} bij {vorige} verliep.")
    start_termijnen(session, zaak, now, kal)  # one ladder: both clocks start afresh at the new rung
    uit.append(_gebeurtenis(session, zaak, Voorval.OPGESCHAALD, zaak.routering_reden, now, zaak.ontvanger_email))
    return uit


def zaken_met_stap(session: Session, now: datetime, limiet: int = 500) -> list[int]:
    """Ids of the cases with a step due at `now`, oldest first; reads the index only."""
    return list(session.execute(
        select(Zaak.id).where(Zaak.volgende_stap_op <= now).order_by(Zaak.volgende_stap_op, Zaak.id).limit(limiet)
    ).scalars())


def dienst_naam(session: Session, dienst_id: int) -> str:
    return session.get(Dienst, dienst_id).naam


def uitgeput_sql():
    """SQL condition for `is_uitgeput`, to list the exhausted cases of a team in one query."""
    from sqlalchemy import and_, exists

    return and_(
        exists().where(Termijnstap.zaak_id == Zaak.id, Termijnstap.ronde == Zaak.termijnronde,
                       Termijnstap.trede == Zaak.trede, Termijnstap.soort == VERLOPEN, Termijnstap.klok != WACHT),
        ~exists().where(LadderTrede.dienst_id == Zaak.dienst_id, LadderTrede.niveau > Zaak.trede),
    )


def bovenste_trede(session: Session, zaak: Zaak) -> LadderTrede | None:
    """The top rung of the case's ladder (the maatwerkfunctionaris by default)."""
    return session.execute(
        select(LadderTrede).where(LadderTrede.dienst_id == zaak.dienst_id).order_by(LadderTrede.niveau.desc()).limit(1)
    ).scalar_one_or_none()
