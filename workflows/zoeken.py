"""Finding a team's cases: search by number, cliëntreferentie and text, filters, order, pages.

One query builder for the team's case list, its CSV export and the API, so they always agree.
On PostgreSQL the text search uses a trigram index on exactly `ZOEKTEKST_SQL` (migration 0014);
SQLite scans, which is fine at a team's scale.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, literal_column, or_, select
from sqlalchemy.orm import Session, joinedload

from . import bewaking
from .models import Status, Urgentie, Zaak, ZaakSoort
from .overgangen import OPEN_BIJ_DIENST
from .termijnen import eerstvolgende_deadline_sql

# The text a case is found by, lower case. Migration 0014 indexes this very expression (pg_trgm); change
# both together.
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
    open_eerst = Zaak.status.in_([*OPEN_BIJ_DIENST, Status.WACHT_OP_WIJKTEAM])
    return stmt.order_by(open_eerst.desc(), eerstvolgende_deadline_sql().asc().nulls_last(), Zaak.id.desc())


def zoek_zaken(session: Session, wijkteam_id: int, vraag: Zoekvraag, now: datetime) -> Zoekresultaat:
    """One page of the team's cases that match, with the total."""
    stmt = zoek_stmt(wijkteam_id, vraag, now)
    totaal = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    zaken = session.scalars(stmt.options(joinedload(Zaak.dienst))
                            .offset((vraag.pagina - 1) * vraag.per_pagina).limit(vraag.per_pagina)).all()
    return Zoekresultaat(totaal, list(zaken), vraag)


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
