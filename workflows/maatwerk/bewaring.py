"""Retention for the maatwerkbudget (DOMAIN.md "Privacy"): what the team and the professionals wrote about a
resident goes after the retention period, as a case's free text does (workflows/bewaring.py).

A request that ended (paid, refused or withdrawn) longer than RETENTION_MONTHS ago loses its cliëntreferentie,
the 002 form's three answers, the payment reference, the professionals' reasons and the sentence about the
effect six months on. What the report and the accounts need stays: amounts, dates, statuses, the disciplines
and their verdicts, the effect's scale and end point, the creditor (a landlord or a company, which the
municipality's own books keep for years), and the budget's append-only ledger.
"""
from __future__ import annotations

from datetime import datetime

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from ..bewaring import GEWIST
from ..nazorg import Effectmeting
from .modellen import AanvraagStatus, MaatwerkAanvraag, MaatwerkBeoordeling

AFGELOPEN = (AanvraagStatus.BETAALD, AanvraagStatus.AFGEWEZEN, AanvraagStatus.INGETROKKEN)
GEWISTE_REFERENTIE = GEWIST[:60]


def gewist(aanvraag: MaatwerkAanvraag) -> bool:
    """Whether retention erased what people wrote on this request (nothing about the resident is left to add)."""
    return aanvraag.clientreferentie == GEWISTE_REFERENTIE


def te_wissen(session: Session, now: datetime, maanden: int, limiet: int = 1000) -> list[int]:
    """Requests that ended more than `maanden` months before `now` and still hold what people wrote."""
    grens = now - relativedelta(months=maanden)
    einde = func.coalesce(MaatwerkAanvraag.betaald_op, MaatwerkAanvraag.besloten_op, MaatwerkAanvraag.aangevraagd_op)
    return list(session.scalars(
        select(MaatwerkAanvraag.id).where(MaatwerkAanvraag.status.in_(AFGELOPEN), einde < grens,
                                          MaatwerkAanvraag.clientreferentie != GEWISTE_REFERENTIE)
        .order_by(MaatwerkAanvraag.id).limit(limiet)))


def wis_aanvragen(session: Session, aanvraag_ids: list[int]) -> None:
    """Erase what people wrote on these requests and in their professionals' verdicts."""
    if not aanvraag_ids:
        return
    session.execute(update(MaatwerkAanvraag).where(MaatwerkAanvraag.id.in_(aanvraag_ids)).values(
        clientreferentie=GEWISTE_REFERENTIE, wat_nodig=GEWIST, waarom_werkt="", wat_doet_inwoner="",
        betalingskenmerk=""))
    session.execute(update(MaatwerkBeoordeling).where(MaatwerkBeoordeling.aanvraag_id.in_(aanvraag_ids))
                    .values(reden=""))
    session.execute(update(Effectmeting).where(Effectmeting.aanvraag_id.in_(aanvraag_ids)).values(toelichting="")
                    .execution_options(synchronize_session=False))
