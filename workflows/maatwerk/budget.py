"""The budget ledger: committed, paid and returned amounts per team per year, in euro cents.

The invariant users must be able to trust, as with the knipkaart: a budget is never committed beyond its
amount, also not under concurrent requests. The budget row is locked (SELECT ... FOR UPDATE on PostgreSQL;
SQLite serialises every transaction, see app/extensions.py) before the ledger is counted.

Beside the team budgets the beheerder may set a municipal pool per year (a budget without a team). A request
its team's budget cannot cover is committed on the pool, whole, when the pool can (`kies_budget`). The team's
row is locked before the pool's, always in that order, so requests of different teams wait for each other
only at the pool and never deadlock.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from ..db import insert_if_absent
from ..fouten import DomeinFout, OngeldigeInvoer
from .modellen import BudgetMutatieSoort, MaatwerkBudget, MaatwerkMutatie, euro

MAX_BEDRAG_CENTEN = 100_000_000  # € 1.000.000: a budget or a request above it is a typing error
MAX_BUDGET_CENTEN = 2_000_000_000  # what the column holds (€ 20 miljoen)


class BudgetOntoereikend(DomeinFout):
    """The team's budget for this year has less left than the request asks."""


@dataclass(frozen=True)
class BudgetStand:
    jaar: int
    bedrag: int        # the budget, cents
    vastgelegd: int    # every amount ever committed
    betaald: int
    teruggeboekt: int

    @property
    def beschikbaar(self) -> int:
        return self.bedrag - self.vastgelegd + self.teruggeboekt

    @property
    def in_behandeling(self) -> int:
        """Committed, not yet paid and not returned: requests being decided or waiting for payment."""
        return self.vastgelegd - self.teruggeboekt - self.betaald

    @property
    def benut(self) -> int:
        """Committed net of returns: what the team has spent or is spending."""
        return self.vastgelegd - self.teruggeboekt

    @property
    def benut_procent(self) -> float:
        return round(100 * self.benut / self.bedrag, 1) if self.bedrag else 0.0


def lees_bedrag(tekst: str | None, veld: str = "bedrag") -> int:
    """A Dutch amount ("1.250", "1250,50", "€ 75") as whole cents, exactly (Decimal, never float)."""
    ruw = (tekst or "").replace("€", "").replace("\xa0", "").replace(" ", "").strip()
    if not ruw:
        raise OngeldigeInvoer("Vul het bedrag in, bijvoorbeeld 450 of 1.250,50.", veld=veld)
    if "," in ruw:
        ruw = ruw.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(\.\d{3})+", ruw):  # 1.250 is twelve hundred fifty, as Dutch writes it
        ruw = ruw.replace(".", "")
    if not re.fullmatch(r"\d+(\.\d{1,2})?", ruw):
        raise OngeldigeInvoer("Dit is geen bedrag: gebruik cijfers en hoogstens twee cijfers na de komma, "
                              "bijvoorbeeld 1.250,50.", veld=veld)
    try:
        centen = int((Decimal(ruw) * 100).to_integral_exact())
    except InvalidOperation:
        raise OngeldigeInvoer("Dit is geen bedrag.", veld=veld)
    return centen


def budget(session: Session, wijkteam_id: int, jaar: int, *, vergrendel: bool = False) -> MaatwerkBudget:
    """The budget of a team for a year, created at € 0 when missing (the beheerder sets the amount)."""
    insert_if_absent(session, MaatwerkBudget, {"wijkteam_id": wijkteam_id, "jaar": jaar, "bedrag_centen": 0},
                     ["wijkteam_id", "jaar"])
    stmt = select(MaatwerkBudget).where(MaatwerkBudget.wijkteam_id == wijkteam_id, MaatwerkBudget.jaar == jaar)
    if vergrendel:
        stmt = stmt.with_for_update()
    return session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def pool(session: Session, jaar: int, *, vergrendel: bool = False) -> MaatwerkBudget | None:
    """The municipality's pool for a year, if the beheerder set one."""
    stmt = select(MaatwerkBudget).where(MaatwerkBudget.wijkteam_id.is_(None), MaatwerkBudget.jaar == jaar)
    if vergrendel:
        stmt = stmt.with_for_update()
    return session.execute(stmt.execution_options(populate_existing=True)).scalar_one_or_none()


def kies_budget(session: Session, wijkteam_id: int, jaar: int, centen: int) -> MaatwerkBudget:
    """The budget a request of `centen` is committed on, locked: the team's own when it has room, else the
    municipal pool when that has room; else BudgetOntoereikend with the figures of both."""
    eigen = budget(session, wijkteam_id, jaar, vergrendel=True)
    try:
        controleer_ruimte(session, eigen, centen)
        return eigen
    except BudgetOntoereikend as fout:
        gemeente = pool(session, jaar, vergrendel=True)
        if gemeente is None or gemeente.bedrag_centen == 0:
            raise
        over = stand(session, gemeente).beschikbaar
        if centen <= over:
            return gemeente
        raise BudgetOntoereikend(fout.melding.replace(" Er is niets aangevraagd.", "") + " Ook de gemeentelijke "
                                 f"pool {jaar} heeft te weinig: nog {euro(max(over, 0))}. Er is niets aangevraagd.")


def stand(session: Session, budget_: MaatwerkBudget) -> BudgetStand:
    """Count the ledger of a budget."""
    def som(soort):
        return func.coalesce(func.sum(case((MaatwerkMutatie.soort == soort, MaatwerkMutatie.bedrag_centen),
                                           else_=0)), 0)

    vast, betaald, terug = session.execute(
        select(som(BudgetMutatieSoort.VASTGELEGD), som(BudgetMutatieSoort.BETAALD),
               som(BudgetMutatieSoort.TERUGGEBOEKT)).where(MaatwerkMutatie.budget_id == budget_.id)
    ).one()
    return BudgetStand(budget_.jaar, budget_.bedrag_centen, int(vast), int(betaald), int(terug))


def lees_budget(session: Session, wijkteam_id: int, jaar: int) -> tuple[BudgetStand, list[MaatwerkMutatie]]:
    """A budget's state and ledger without creating it: a missing budget is € 0, nothing committed."""
    b = session.execute(select(MaatwerkBudget).where(MaatwerkBudget.wijkteam_id == wijkteam_id,
                                                     MaatwerkBudget.jaar == jaar)).scalar_one_or_none()
    if b is None:
        return BudgetStand(jaar, 0, 0, 0, 0), []
    mutaties = list(session.scalars(select(MaatwerkMutatie).where(MaatwerkMutatie.budget_id == b.id)
                                    .order_by(MaatwerkMutatie.id)))
    return stand(session, b), mutaties


def controleer_ruimte(session: Session, budget_: MaatwerkBudget, centen: int) -> None:
    """Raise BudgetOntoereikend, with the figures, when the (locked) budget has less than `centen` left."""
    huidig = stand(session, budget_)
    if centen > huidig.beschikbaar:
        if huidig.bedrag == 0:
            raise BudgetOntoereikend(
                f"Dit wijkteam heeft voor {budget_.jaar} geen maatwerkbudget. Er is niets aangevraagd. Vraag de "
                "beheerder om het budget in te stellen.")
        raise BudgetOntoereikend(
            f"Het maatwerkbudget {budget_.jaar} van dit wijkteam heeft nog {euro(max(huidig.beschikbaar, 0))} "
            f"beschikbaar; de aanvraag vraagt {euro(centen)}. Er is niets aangevraagd. Vraag een lager bedrag, "
            "of vraag de beheerder om het budget te verhogen.")


def vastleggen(session: Session, budget_: MaatwerkBudget, aanvraag_id: int, centen: int, door: str, now
               ) -> MaatwerkMutatie:
    """Commit `centen` of a budget the caller has locked; raises BudgetOntoereikend when too little is left."""
    controleer_ruimte(session, budget_, centen)
    mutatie = MaatwerkMutatie(budget_id=budget_.id, aanvraag_id=aanvraag_id, soort=BudgetMutatieSoort.VASTGELEGD,
                              bedrag_centen=centen, op=now, door=door, reden="")
    session.add(mutatie)
    session.flush()
    return mutatie


def boeken(session: Session, aanvraag_id: int, soort: BudgetMutatieSoort, door: str, reden: str, now
           ) -> MaatwerkMutatie:
    """A paid or returned entry for the amount a request committed (a new ledger entry, on the same budget)."""
    vast = session.execute(select(MaatwerkMutatie).where(
        MaatwerkMutatie.aanvraag_id == aanvraag_id, MaatwerkMutatie.soort == BudgetMutatieSoort.VASTGELEGD)
    ).scalar_one_or_none()
    if vast is None:
        raise DomeinFout("Voor deze aanvraag is geen bedrag vastgelegd.")
    andere = {m.soort for m in session.scalars(select(MaatwerkMutatie).where(
        MaatwerkMutatie.aanvraag_id == aanvraag_id, MaatwerkMutatie.soort != BudgetMutatieSoort.VASTGELEGD))}
    if andere:
        raise DomeinFout("Deze aanvraag is al " + " en ".join(s.label.lower() for s in andere) + ".")
    # Lock the budget so that a return and a request on the same budget serialise.
    session.execute(select(MaatwerkBudget.id).where(MaatwerkBudget.id == vast.budget_id).with_for_update())
    mutatie = MaatwerkMutatie(budget_id=vast.budget_id, aanvraag_id=aanvraag_id, soort=soort,
                              bedrag_centen=vast.bedrag_centen, op=now, door=door, reden=reden)
    session.add(mutatie)
    session.flush()
    return mutatie


def budget_instellen(session: Session, wijkteam_id: int | None, jaar: int, centen: int) -> MaatwerkBudget:
    """Set a team's budget for a year (`wijkteam_id` None: the municipal pool); never below what is already
    committed (net of returns)."""
    if centen < 0 or centen > MAX_BUDGET_CENTEN:
        raise OngeldigeInvoer(f"Het budget moet tussen € 0 en {euro(MAX_BUDGET_CENTEN)} liggen.", veld="bedrag")
    if wijkteam_id is None:
        insert_if_absent(session, MaatwerkBudget, {"wijkteam_id": None, "jaar": jaar, "bedrag_centen": 0}, ["jaar"],
                         index_where=MaatwerkBudget.wijkteam_id.is_(None))
        b = pool(session, jaar, vergrendel=True)
    else:
        b = budget(session, wijkteam_id, jaar, vergrendel=True)
    huidig = stand(session, b)
    if centen < huidig.benut:
        raise OngeldigeInvoer(f"Er is in {jaar} al {euro(huidig.benut)} vastgelegd of betaald; het budget kan "
                              "niet lager zijn.", veld="bedrag")
    b.bedrag_centen = centen
    session.flush()
    return b
