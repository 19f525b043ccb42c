"""Finding a team's cases: search by number, cliëntreferentie and text, filters, order, pages.

One query builder for the team's case list, its CSV export and the API, so they always agree.
On PostgreSQL the text search uses a trigram index on the team and exactly `ZOEKTEKST_SQL` (migrations 0014, 0035);
SQLite scans, which is fine at a team's scale.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, func, literal_column, or_, select
from sqlalchemy.orm import Session, joinedload

from . import bewaking
from .models import Status, Urgentie, Zaak, ZaakSoort
from .overgangen import LOPEND, OPEN_BIJ_DIENST
from .termijnen import eerstvolgende_deadline_sql

# The text a case is found by, lower case. Migration 0035 indexes the team and this very expression (btree_gin,
# pg_trgm); change both together.
ZOEKTEKST_SQL = ("lower(coalesce(zaak.nummer, '') || ' ' || zaak.clientreferentie || ' ' || zaak.gevraagd || ' ' "
                 "|| zaak.blokkerende_regel || ' ' || coalesce(zaak.voorgestelde_oplossing, ''))")

SORTERINGEN = {"deadline": "Eerstvolgende deadline", "nieuw": "Nieuwste eerst", "oud": "Oudste eerst"}
MAX_PER_PAGINA = 200
MAX_PAGINA = 100_000


@dataclass(frozen=True)
class Zoekvraag:
    """What a person looks for in the team's cases; every field optional."""

    tekst: str = ""
    status: Status | None = None
    dienst_id: int | None = None
    soort: ZaakSoort | None = None
    urgentie: Urgentie | None = None
    trede: int | None = None
    te_laat: bool = False
    wacht_op_ons: bool = False
    uitgeput: bool = False
    sorteer: str = "deadline"
    pagina: int = 1
    per_pagina: int = 50


@dataclass(frozen=True)
class Zoekresultaat:
    totaal: int
    zaken: list[Zaak]
    vraag: Zoekvraag

    @property
    def paginas(self) -> int:
        return max(1, -(-self.totaal // self.vraag.per_pagina))


def _like(tekst: str) -> str:
    veilig = tekst.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{veilig}%"


def zoek_stmt(wijkteam_id: int, vraag: Zoekvraag, now: datetime):
    """The SELECT for the team's cases that match `vraag`, in its order, without paging."""
    stmt = select(Zaak).where(Zaak.wijkteam_id == wijkteam_id)
    tekst = " ".join(vraag.tekst.split())
    if tekst:
        stmt = stmt.where(literal_column(ZOEKTEKST_SQL).like(_like(tekst), escape="\\"))
    if vraag.status is not None:
        stmt = stmt.where(Zaak.status == vraag.status)
    if vraag.dienst_id is not None:
        stmt = stmt.where(Zaak.dienst_id == vraag.dienst_id)
    if vraag.soort is not None:
        stmt = stmt.where(Zaak.soort == vraag.soort)
    if vraag.urgentie is not None:
        stmt = stmt.where(Zaak.urgentie == vraag.urgentie)
    if vraag.trede is not None:
        stmt = stmt.where(Zaak.trede == vraag.trede, Zaak.status != Status.CONCEPT)
    if vraag.te_laat:
        stmt = stmt.where(Zaak.status.in_(OPEN_BIJ_DIENST), eerstvolgende_deadline_sql() < now)
    if vraag.wacht_op_ons:
        stmt = stmt.where(Zaak.status == Status.WACHT_OP_WIJKTEAM)
    if vraag.uitgeput:
        stmt = stmt.where(Zaak.status.in_(OPEN_BIJ_DIENST), bewaking.uitgeput_sql())
    if vraag.sorteer == "nieuw":
        return stmt.order_by(Zaak.id.desc())
    if vraag.sorteer == "oud":
        return stmt.order_by(Zaak.id.asc())
    # Open cases first, by their next deadline; then the rest (concepts, closed), newest first: a closed case's
    # old deadline says nothing. zoek_zaken pages the two parts separately in this very order.
    open_ = Zaak.status.in_(LOPEND)
    return stmt.order_by(open_.desc(), case((open_, eerstvolgende_deadline_sql())).asc().nulls_last(),
                         Zaak.id.desc())


def zoek_zaken(session: Session, wijkteam_id: int, vraag: Zoekvraag, now: datetime) -> Zoekresultaat:
    """One page of the team's cases that match, with the total.

    In deadline order the page is read as two parts, the open cases by deadline (migration 0008's partial
    index on the team's open cases by deadline) and then the rest newest first (the team's index by id): the
    same order as `zoek_stmt`, without sorting all of a team's cases for one page (at 25,000 cases that sort
    was most of the list's time). A text search or another order is one statement with the count."""
    begin, n = (vraag.pagina - 1) * vraag.per_pagina, vraag.per_pagina
    if vraag.tekst.strip() or vraag.sorteer not in ("deadline", ""):
        # A text search reads the trigram index once: the page and the number of matches in one statement
        # (a common word is in tens of thousands of cases nationally; each extra statement would read them again).
        rijen = session.execute(zoek_stmt(wijkteam_id, vraag, now).add_columns(func.count().over())
                                .options(joinedload(Zaak.dienst)).offset(begin).limit(n)).all()
        if rijen:
            return Zoekresultaat(rijen[0][1], [r[0] for r in rijen], vraag)
        return Zoekresultaat(_aantal(session, zoek_stmt(wijkteam_id, vraag, now).order_by(None)) if begin else 0,
                             [], vraag)
    stmt = zoek_stmt(wijkteam_id, vraag, now).order_by(None)
    totaal = _aantal(session, stmt)
    open_ = stmt.where(Zaak.status.in_(LOPEND)).order_by(eerstvolgende_deadline_sql().asc().nulls_last(),
                                                          Zaak.id.desc())
    rest = stmt.where(Zaak.status.not_in(LOPEND)).order_by(Zaak.id.desc())
    aantal_open = _aantal(session, open_.order_by(None))
    zaken = _pagina(session, open_, begin, n) if begin < aantal_open else []
    if len(zaken) < n:
        zaken += _pagina(session, rest, max(0, begin - aantal_open), n - len(zaken))
    return Zoekresultaat(totaal, zaken, vraag)


def _aantal(session: Session, stmt) -> int:
    return session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()


def _pagina(session: Session, stmt, begin: int, n: int) -> list[Zaak]:
    return list(session.scalars(stmt.options(joinedload(Zaak.dienst)).offset(begin).limit(n)).all())


def eerdere_zaken(session: Session, wijkteam_id: int, clientreferentie: str, now: datetime, *,
                  bewaartermijn_maanden: int = 12) -> list[Zaak]:
    """Every case of the team for this cliëntreferentie whose free text still exists (within the retention
    period): a dienst refusing the same family twice becomes visible."""
    ref = clientreferentie.strip()
    if not ref:
        return []
    grens = now - timedelta(days=31 * bewaartermijn_maanden)
    return list(session.scalars(
        select(Zaak).options(joinedload(Zaak.dienst))
        .where(Zaak.wijkteam_id == wijkteam_id, func.lower(Zaak.clientreferentie) == ref.lower(),
               Zaak.gewist_op.is_(None), or_(Zaak.gesloten_op.is_(None), Zaak.gesloten_op >= grens))
        .order_by(Zaak.aangemaakt_op.desc(), Zaak.id.desc()).limit(100)))
