"""The report's roll-up: facts per day, wijkteam, dienst, cause, kind and urgency (issue 16, point 5).

The bottleneck report counts per case on the day it was sent (Europe/Amsterdam). Its figures are sums over
groups of cases, so it answers from four small tables keyed by that day and the case's dimensions instead of
scanning the cases:

- `rapportfeit`: counts per group (cases, flags, objections, highest rung, missed deadlines, late cases);
- `rapportfeit_tijd`: histograms of the times to first reaction and to resolution, in tenths of a werkdag
  (the resolution the report shows); the percentiles are taken over these tenths on both sides;
- `rapportfeit_kosten`: avoided-cost scenarios per price-list item;
- `rapportfeit_regel`: blocking rules per normalised wording, with the lowest case id as the example.

A case's facts change after its day (a case sent in March is solved in May; a deadline passes; it goes to
the Landelijk Maatwerkloket; its blocking rule is anonymised at retention). A change to a case, a deadline step
or a scenario only marks the case's group as changed, in the change's own transaction: one row in
`rapportfeit_vuil` (the session's flush writes it; bulk updates call `zaken_gewijzigd`). Marking takes no
lock and reads nothing, so the changes of one busy team on one day never wait for each other and a sweep
over a thousand cases costs a thousand small inserts, not a thousand recomputations. `bijwerken_wat_veranderde`
then recomputes every marked group from its cases: the report does so before it reads, and the scheduler every
minute, so the report is exact and the catch-up small. A group is one day of one team: a few cases, read
through the index on `zaak.verstuurd_op`. Recomputing from the cases (rather than adding and subtracting)
keeps every row equal to the aggregate of its cases by construction; tests/workflows/test_rapportage_rollup.py
checks that against the full computation, also with changes and catch-ups running at the same time.

Beside them, marginal tables (migrations 0033, 0034): the same sums without the dimensions the unfiltered report
does not need, per day and per Amsterdam month (the time histograms also per year), recomputed from the day
tables by the same catch-up for the days it recomputes and their months and years; and `rapportkaart`, each
card's knips spent and returned, counted from its ledger in the flush that adds to it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Iterable

from sqlalchemy import (
    Date,
    Float,
    distinct,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    and_,
    case,
    cast,
    delete,
    event,
    func,
    inspect,
    literal,
    literal_column,
    or_,
    select,
    text,
)
from sqlalchemy.orm import Mapped, Session, declared_attr, mapped_column

from .kalender import TZ, amsterdam
from .models import (
    Base,
    KnipkaartMutatie,
    MutatieSoort,
    Termijnstap,
    Uitkomst,
    Urgentie,
    VermedenScenario,
    Zaak,
    ZaakSoort,
    _enum,
)

TIJD_REACTIE, TIJD_OPLOS = "reactie", "oplos"


class _Sleutel:
    dag: Mapped[date] = mapped_column(Date)
    wijkteam_id: Mapped[int] = mapped_column(ForeignKey("wijkteam.id"))
    dienst_id: Mapped[int] = mapped_column(ForeignKey("dienst.id"))
    oorzaak_id: Mapped[int] = mapped_column(ForeignKey("oorzaak.id"))
    soort: Mapped[ZaakSoort] = mapped_column(_enum(ZaakSoort, "zaaksoort"))
    urgentie: Mapped[Urgentie] = mapped_column(_enum(Urgentie, "urgentie"))


class Rapportfeit(_Sleutel, Base):
    """Per day sent, team, dienst, cause, kind and urgency: the counts the report shows."""

    __tablename__ = "rapportfeit"
    __table_args__ = (Index("ix_rapportfeit_dag_team", "dag", "wijkteam_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    zaken: Mapped[int] = mapped_column(Integer)
    geen_inkomen: Mapped[int] = mapped_column(Integer)
    bovenlokaal: Mapped[int] = mapped_column(Integer)
    structureel: Mapped[int] = mapped_column(Integer)
    bezwaren: Mapped[int] = mapped_column(Integer)
    hoogste_trede: Mapped[int] = mapped_column(Integer)  # the highest of the group
    termijnen_gemist: Mapped[int] = mapped_column(Integer)  # missed deadlines (steps 'verlopen')
    zaken_te_laat: Mapped[int] = mapped_column(Integer)  # cases with at least one


class RapportfeitTijd(_Sleutel, Base):
    """Histogram of a time (reactie or oplos) in tenths of a werkdag: so many cases took `tienden` / 10."""

    __tablename__ = "rapportfeit_tijd"
    __table_args__ = (Index("ix_rapportfeit_tijd_dag_team", "dag", "wijkteam_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    maat: Mapped[str] = mapped_column(String(10))
    tienden: Mapped[int] = mapped_column(Integer)
    zaken: Mapped[int] = mapped_column(Integer)


class RapportfeitKosten(_Sleutel, Base):
    """Avoided-cost scenarios of the group per price-list item: cases and quantity."""

    __tablename__ = "rapportfeit_kosten"
    __table_args__ = (Index("ix_rapportfeit_kosten_dag_team", "dag", "wijkteam_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    prijspost_id: Mapped[int] = mapped_column(ForeignKey("prijspost.id"))
    zaken: Mapped[int] = mapped_column(Integer)
    aantal: Mapped[int] = mapped_column(Integer)


class RapportfeitRegel(_Sleutel, Base):
    """Blocking rules of the group per normalised wording (lower, trimmed): cases and the lowest case id."""

    __tablename__ = "rapportfeit_regel"
    __table_args__ = (Index("ix_rapportfeit_regel_dag_team", "dag", "wijkteam_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    sleutel: Mapped[str] = mapped_column(Text)
    zaken: Mapped[int] = mapped_column(Integer)
    eerste_zaak_id: Mapped[int] = mapped_column(Integer)


TABELLEN = (Rapportfeit, RapportfeitTijd, RapportfeitKosten, RapportfeitRegel)


class RapportfeitVuil(Base):
    """A group whose cases changed since its facts were computed: a queue, written by the change's transaction
    and emptied by `bijwerken_wat_veranderde`. The same group may be marked many times; it is recomputed once."""

    __tablename__ = "rapportfeit_vuil"
    id: Mapped[int] = mapped_column(primary_key=True)
    dag: Mapped[date] = mapped_column(Date)
    wijkteam_id: Mapped[int] = mapped_column(Integer)


# ---------------------------------------------------------------- marginal roll-ups: fewer dimensions, day and month
# The unfiltered report needs no team, dienst, cause or urgency in most of its sums: per cause and kind, per
# dienst, per dienst and time bucket, per cause and price-list item, per blocking rule. At national scale nearly
# every group of the tables above holds one case, so the report reads these instead: the same sums without the
# dimensions it does not need, per day sent (the edges of a period) and per Amsterdam calendar month (the months
# wholly inside it). Every row is the aggregate of the day tables above over the cases the report counts (advice
# questions left out), recomputed from them in the same transaction whenever their days change. A report with a
# filter on team, dienst, cause or urgency reads the day tables above.


class _Dag:
    """Day grain: `periode` is the day sent (Amsterdam)."""

    @declared_attr.directive
    def __table_args__(cls):
        return (Index(f"ix_{cls.__tablename__}_periode", "periode"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    periode: Mapped[date] = mapped_column(Date)


class _Maand(_Dag):
    """Month grain: `periode` is the first day of the Amsterdam calendar month sent."""


class _Jaar(_Dag):
    """Year grain: `periode` is 1 January of the Amsterdam calendar year sent."""


class _OorzaakTelling:
    oorzaak_id: Mapped[int] = mapped_column(Integer)
    soort: Mapped[ZaakSoort] = mapped_column(_enum(ZaakSoort, "zaaksoort"))
    zaken: Mapped[int] = mapped_column(Integer)
    geen_inkomen: Mapped[int] = mapped_column(Integer)
    bovenlokaal: Mapped[int] = mapped_column(Integer)
    acuut: Mapped[int] = mapped_column(Integer)  # cases with urgency acuut
    structureel: Mapped[int] = mapped_column(Integer)
    bezwaren: Mapped[int] = mapped_column(Integer)
    zaken_te_laat: Mapped[int] = mapped_column(Integer)


class _DienstTelling:
    dienst_id: Mapped[int] = mapped_column(Integer)
    zaken: Mapped[int] = mapped_column(Integer)
    hoogste_trede: Mapped[int] = mapped_column(Integer)
    bezwaren: Mapped[int] = mapped_column(Integer)
    termijnen_gemist: Mapped[int] = mapped_column(Integer)
    zaken_te_laat: Mapped[int] = mapped_column(Integer)


class _TijdTelling:
    dienst_id: Mapped[int] = mapped_column(Integer)
    maat: Mapped[str] = mapped_column(String(10))
    tienden: Mapped[int] = mapped_column(Integer)
    zaken: Mapped[int] = mapped_column(Integer)


class _KostenTelling:
    oorzaak_id: Mapped[int] = mapped_column(Integer)
    prijspost_id: Mapped[int] = mapped_column(Integer)
    zaken: Mapped[int] = mapped_column(Integer)
    aantal: Mapped[int] = mapped_column(Integer)


class _RegelTelling:
    sleutel: Mapped[str] = mapped_column(Text)
    zaken: Mapped[int] = mapped_column(Integer)
    eerste_zaak_id: Mapped[int] = mapped_column(Integer)
    teams: Mapped[str] = mapped_column(Text)  # the distinct wijkteam ids, comma-separated, in no order (teams_van)


class DagOorzaak(_Dag, _OorzaakTelling, Base):
    __tablename__ = "rapportdag_oorzaak"


class MaandOorzaak(_Maand, _OorzaakTelling, Base):
    __tablename__ = "rapportmaand_oorzaak"


class DagDienst(_Dag, _DienstTelling, Base):
    __tablename__ = "rapportdag_dienst"


class MaandDienst(_Maand, _DienstTelling, Base):
    __tablename__ = "rapportmaand_dienst"


class DagTijd(_Dag, _TijdTelling, Base):
    __tablename__ = "rapportdag_tijd"


class MaandTijd(_Maand, _TijdTelling, Base):
    __tablename__ = "rapportmaand_tijd"


class DagKosten(_Dag, _KostenTelling, Base):
    __tablename__ = "rapportdag_kosten"


class MaandKosten(_Maand, _KostenTelling, Base):
    __tablename__ = "rapportmaand_kosten"


class DagRegel(_Dag, _RegelTelling, Base):
    __tablename__ = "rapportdag_regel"


class MaandRegel(_Maand, _RegelTelling, Base):
    __tablename__ = "rapportmaand_regel"


class JaarTijd(_Jaar, _TijdTelling, Base):
    """The time histograms per year too: the one marginal kind that stays large per month (12 diensten, two
    times, up to 500 tenths each: 480,750 month rows in ten years at 1M cases). Summed from the month rows."""

    __tablename__ = "rapportjaar_tijd"


class Kaartstand(Base):
    """Per knipkaart: the knips spent and returned, counted from its ledger in the flush that adds to it (every
    ledger entry is written under the card's lock, workflows.knipkaart), so the report need not aggregate the
    ledger."""

    __tablename__ = "rapportkaart"
    knipkaart_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    ingezet: Mapped[int] = mapped_column(Integer)
    teruggegeven: Mapped[int] = mapped_column(Integer)


# per kind: (day table, month table)
MARGES = {"oorzaak": (DagOorzaak, MaandOorzaak), "dienst": (DagDienst, MaandDienst), "tijd": (DagTijd, MaandTijd),
          "kosten": (DagKosten, MaandKosten), "regel": (DagRegel, MaandRegel)}


# ---------------------------------------------------------------- a period as years, months and days, with signs


@dataclass(frozen=True)
class Deel:
    """One part of a period for the time histograms (histogram_delen) or the marginal sums (som_delen): the days
    [begin, einde) of grain `korrel` ("jaar": whole Amsterdam calendar years from `rapportjaar_tijd`, "maand": whole
    months, "dag": days), added (`teken` 1) or taken off (-1)."""

    korrel: str
    begin: date
    einde: date  # exclusive
    teken: int = 1


# What reading one year's, month's or day's histograms costs, in days' worth of rows; measured on the 1M-case
# bench (7,252, 4,006 and 317 rows): the buckets per dienst and time fill up, so a year costs less than two months.
HISTOGRAM_KOSTEN = {"jaar": 23, "maand": 13, "dag": 1}
# The same for the marginal tables of sums (per cause and kind, per price-list item, per blocking rule), which have
# no years. On the bench a month's rows are 1 to 1.6 days' worth (at 270 cases a day every group of a day is
# there); where fewer cases are sent a month holds more days' groups, so a month is priced at four days.
SOM_KOSTEN = {"maand": 4, "dag": 1}
_FIJNER = {"jaar": "maand", "maand": "dag"}


def _eenheid_begin(korrel: str, d: date) -> date:
    return date(d.year, 1, 1) if korrel == "jaar" else d.replace(day=1) if korrel == "maand" else d


def _volgende(korrel: str, d: date) -> date:
    """The first day of the unit after the one that starts on `d`."""
    return date(d.year + 1, 1, 1) if korrel == "jaar" else volgende_maand(d) if korrel == "maand" else \
        d + timedelta(days=1)


def histogram_delen(van: date, tot: date, vandaag: date) -> list[Deel]:
    """The period van..tot (inclusive) as signed parts whose histograms add up to the period's, reading the fewest
    rows: whole years, months and days, where a part of a year or month may be read as the whole unit minus the
    rest (January to October of this year is this year's histogram minus November and December, which hold
    nothing yet). The histograms are exact counts, so the sum is exact whatever the choice; `vandaag` only prices
    the choice (no rows are expected after it: the report counts cases sent, and cases are sent up to now)."""
    return _dekken(van, tot + timedelta(days=1), "jaar", vandaag, HISTOGRAM_KOSTEN)


def som_delen(van: date, tot: date, vandaag: date) -> list[Deel]:
    """The period van..tot (inclusive) as signed whole months and days for the marginal tables of sums, reading the
    fewest rows: an edge of the period is its days, or its month minus the days around it (1 to 22 November up to
    today the 23rd is November minus the 23rd). Only for sums: a count can be taken off, a lowest id or a list of
    teams cannot."""
    return _dekken(van, tot + timedelta(days=1), "maand", vandaag, SOM_KOSTEN)


def _leeskosten(delen: list[Deel], vandaag: date, kosten: dict[str, int]) -> int:
    morgen = vandaag + timedelta(days=1)
    uit = 0
    for d in delen:
        dagen = max(0, (min(d.einde, morgen) - d.begin).days)  # days that can hold rows
        uit += dagen if d.korrel == "dag" else min(kosten[d.korrel], dagen)
    return uit


def _dekken(a: date, b: date, korrel: str, vandaag: date, kosten: dict[str, int]) -> list[Deel]:
    """[a, b) from units of `korrel` and finer: the whole units inside it and the pieces at its edges."""
    if a >= b:
        return []
    if korrel == "dag":
        return [Deel("dag", a, b)]
    eerste = a if _eenheid_begin(korrel, a) == a else _volgende(korrel, _eenheid_begin(korrel, a))
    laatste = _eenheid_begin(korrel, b)  # the start of the unit b lies in: the units before it are whole
    if eerste > laatste:  # a and b lie in one unit
        return _stuk(a, b, korrel, vandaag, kosten)
    heel, u = [], eerste
    while u < laatste:
        heel.append(Deel(korrel, u, _volgende(korrel, u)))
        u = _volgende(korrel, u)
    return _stuk(a, eerste, korrel, vandaag, kosten) + heel + _stuk(laatste, b, korrel, vandaag, kosten)


def _stuk(a: date, b: date, korrel: str, vandaag: date, kosten: dict[str, int]) -> list[Deel]:
    """[a, b) inside one unit of `korrel`: from finer units, or as the unit minus what lies around it."""
    if a >= b:
        return []
    fijner = _FIJNER[korrel]
    direct = _dekken(a, b, fijner, vandaag, kosten)
    u0 = _eenheid_begin(korrel, a)
    u1 = _volgende(korrel, u0)
    rond = [Deel(d.korrel, d.begin, d.einde, -d.teken)
            for d in _dekken(u0, a, fijner, vandaag, kosten) + _dekken(b, u1, fijner, vandaag, kosten)]
    via = [Deel(korrel, u0, u1)] + rond
    return via if _leeskosten(via, vandaag, kosten) < _leeskosten(direct, vandaag, kosten) else direct


def teams_van(tekst: str) -> set[int]:
    """The wijkteam ids of a blocking rule's `teams` column."""
    return {int(t) for t in tekst.split(",") if t}


def aantal_teams(tekst: str) -> int:
    """How many wijkteams a blocking rule's `teams` column (or several joined by commas) names: len(teams_van())
    without parsing, the ids being integers as SQL writes them, so distinct texts are distinct teams."""
    return len(set(tekst.split(",")) - {""})


# ---------------------------------------------------------------- shared SQL: the same expressions on both sides


def tienden(session_of_dialect, kolom):
    """A time in werkdagen as whole tenths (half up), in SQL: the histogram's bucket."""
    dialect = session_of_dialect if isinstance(session_of_dialect, str) else \
        session_of_dialect.get_bind().dialect.name
    x = kolom * 10 + 0.5
    if dialect == "postgresql":
        return cast(func.floor(x), Integer)
    return cast(x, Integer)  # SQLite truncates towards zero: floor for the times, which are never negative


def in_tienden(session, kolom):
    """The time as the report counts it: rounded to tenths of a werkdag, as a float, in SQL."""
    return cast(tienden(session, kolom), Float) / cast(literal(10), Float)


def regel_sleutel(kolom):
    """A blocking rule's wording with case and surrounding spaces aside."""
    return func.lower(func.trim(kolom))


def _dag_begin(dag: date) -> datetime:
    return datetime.combine(dag, time(0), tzinfo=TZ)


# ---------------------------------------------------------------- recomputing groups


def _sleutel_kolommen(dag_expr):
    return [dag_expr.label("dag"), Zaak.wijkteam_id, Zaak.dienst_id, Zaak.oorzaak_id, Zaak.soort, Zaak.urgentie]


def _vullen(session: Session, dag_expr, waar: list) -> None:
    """INSERT ... SELECT the facts of the cases matching `waar`, grouped by day (`dag_expr`) and dimensions."""
    conn = session.connection()
    dims = [Zaak.wijkteam_id, Zaak.dienst_id, Zaak.oorzaak_id, Zaak.soort, Zaak.urgentie]
    sleutel = ["dag", "wijkteam_id", "dienst_id", "oorzaak_id", "soort", "urgentie"]
    waar = [Zaak.verstuurd_op.is_not(None), *waar]

    # Only the steps of the cases being counted: an aggregate over every step would cost a full scan per group.
    gemist = select(Termijnstap.zaak_id.label("zaak_id"), func.count().label("n")).where(
        Termijnstap.soort == "verlopen", Termijnstap.zaak_id.in_(select(Zaak.id).where(*waar).correlate(None))
    ).group_by(Termijnstap.zaak_id).subquery()
    feiten = select(
        *_sleutel_kolommen(dag_expr), func.count(),
        func.sum(case((Zaak.geen_inkomen.is_(True), 1), else_=0)),
        func.sum(case((Zaak.bovenlokaal.is_(True), 1), else_=0)),
        func.sum(case((Zaak.structureel.is_(True), 1), else_=0)),
        func.sum(case((Zaak.uitkomst == Uitkomst.BEZWAAR, 1), else_=0)),
        func.max(func.coalesce(Zaak.hoogste_trede, 0)),
        func.sum(func.coalesce(gemist.c.n, 0)),
        func.sum(case((gemist.c.n > 0, 1), else_=0)),
    ).select_from(Zaak).outerjoin(gemist, gemist.c.zaak_id == Zaak.id).where(*waar).group_by(dag_expr, *dims)
    # Every INSERT ... SELECT in the order of the days, so that a day's rows share pages (a rebuild would scatter
    # them in hash order, and the catch-ups and the reports read by day).
    conn.execute(Rapportfeit.__table__.insert().from_select(
        sleutel + ["zaken", "geen_inkomen", "bovenlokaal", "structureel", "bezwaren", "hoogste_trede",
                   "termijnen_gemist", "zaken_te_laat"], feiten.order_by(text("dag"))))

    for maat, kolom in ((TIJD_REACTIE, Zaak.reactie_werkdagen), (TIJD_OPLOS, Zaak.oplos_werkdagen)):
        emmer = tienden(session, kolom)
        tijden = select(*_sleutel_kolommen(dag_expr), literal(maat), emmer, func.count()).where(
            *waar, kolom.is_not(None)).group_by(dag_expr, *dims, emmer)
        conn.execute(RapportfeitTijd.__table__.insert().from_select(sleutel + ["maat", "tienden", "zaken"],
                                                                  tijden.order_by(text("dag"))))

    kosten = select(*_sleutel_kolommen(dag_expr), VermedenScenario.prijspost_id, func.count(),
                    func.sum(VermedenScenario.aantal)).join(VermedenScenario, VermedenScenario.zaak_id == Zaak.id).where(
        *waar).group_by(dag_expr, *dims, VermedenScenario.prijspost_id)
    conn.execute(RapportfeitKosten.__table__.insert().from_select(sleutel + ["prijspost_id", "zaken", "aantal"],
                                                                     kosten.order_by(text("dag"))))

    s = regel_sleutel(Zaak.blokkerende_regel)
    regels = select(*_sleutel_kolommen(dag_expr), s, func.count(), func.min(Zaak.id)).where(
        *waar, func.length(func.trim(Zaak.blokkerende_regel)) > 0).group_by(dag_expr, *dims, s)
    conn.execute(RapportfeitRegel.__table__.insert().from_select(sleutel + ["sleutel", "zaken", "eerste_zaak_id"],
                                                                    regels.order_by(text("dag"))))


# One catch-up (or rebuild) at a time on PostgreSQL: the next one waits, then reads the first one's committed
# rows and finds its marks gone. SQLite has one writer at a time.
_SLOT = 0x52_4150_5655_494C


def _vergrendel(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.connection().execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SLOT})


def _herberekenen(session: Session, groepen: list[tuple[date, int]]) -> None:
    conn = session.connection()
    for tabel in TABELLEN:
        t = tabel.__table__
        for i in range(0, len(groepen), 200):
            deel = groepen[i:i + 200]
            conn.execute(delete(t).where(or_(*[and_(t.c.dag == dag, t.c.wijkteam_id == team) for dag, team in deel])))
    for dag, team in groepen:
        _vullen(session, literal(dag, Date), [Zaak.wijkteam_id == team, Zaak.verstuurd_op >= _dag_begin(dag),
                                               Zaak.verstuurd_op < _dag_begin(dag + timedelta(days=1))])


def volgende_maand(maand: date) -> date:
    """The first day of the month after the one `maand` lies in."""
    return date(maand.year + 1, 1, 1) if maand.month == 12 else date(maand.year, maand.month + 1, 1)


def _teams_lijst(session: Session, kolom):
    """The distinct values of `kolom`, comma-separated, in SQL (an aggregate)."""
    if session.get_bind().dialect.name == "postgresql":
        return func.string_agg(distinct(cast(kolom, Text)), literal_column("','"))
    return func.group_concat(distinct(kolom))


def _marges_invoegen(session: Session, korrel: int, periode, waar, per_dag: bool) -> None:
    """INSERT ... SELECT the marginal rows of one grain (0 day, 1 month) from the day tables: `periode(dag)` is the
    key of a row, `waar(dag)` the days it aggregates; grouped per day when `per_dag`, else into one period."""
    conn = session.connection()
    t, h, k, r = Rapportfeit, RapportfeitTijd, RapportfeitKosten, RapportfeitRegel

    def kop(x):
        return [periode(x.dag).label("periode")]

    def groep(x):
        return [x.dag] if per_dag else []

    def telt(x):  # the cases the report counts: advice questions are no knip or escalatie
        return [*waar(x.dag), x.soort != ZaakSoort.ADVIESVRAAG]

    rijen = {
        "oorzaak": (["oorzaak_id", "soort", "zaken", "geen_inkomen", "bovenlokaal", "acuut", "structureel", "bezwaren",
                     "zaken_te_laat"],
                    select(*kop(t), t.oorzaak_id, t.soort, func.sum(t.zaken), func.sum(t.geen_inkomen),
                           func.sum(t.bovenlokaal), func.sum(case((t.urgentie == Urgentie.ACUUT, t.zaken), else_=0)),
                           func.sum(t.structureel), func.sum(t.bezwaren), func.sum(t.zaken_te_laat)).where(
                        *telt(t)).group_by(*groep(t), t.oorzaak_id, t.soort)),
        "dienst": (["dienst_id", "zaken", "hoogste_trede", "bezwaren", "termijnen_gemist", "zaken_te_laat"],
                   select(*kop(t), t.dienst_id, func.sum(t.zaken), func.max(t.hoogste_trede), func.sum(t.bezwaren),
                          func.sum(t.termijnen_gemist), func.sum(t.zaken_te_laat)).where(*telt(t)).group_by(
                       *groep(t), t.dienst_id)),
        "tijd": (["dienst_id", "maat", "tienden", "zaken"],
                 select(*kop(h), h.dienst_id, h.maat, h.tienden, func.sum(h.zaken)).where(*telt(h)).group_by(
                     *groep(h), h.dienst_id, h.maat, h.tienden)),
        "kosten": (["oorzaak_id", "prijspost_id", "zaken", "aantal"],
                   select(*kop(k), k.oorzaak_id, k.prijspost_id, func.sum(k.zaken), func.sum(k.aantal)).where(
                       *telt(k)).group_by(*groep(k), k.oorzaak_id, k.prijspost_id)),
        "regel": (["sleutel", "zaken", "eerste_zaak_id", "teams"],
                  select(*kop(r), r.sleutel, func.sum(r.zaken), func.min(r.eerste_zaak_id),
                         _teams_lijst(session, r.wijkteam_id)).where(*telt(r)).group_by(*groep(r), r.sleutel)),
    }
    for naam, (kolommen, stmt) in rijen.items():
        if per_dag:  # in the order of the days, so that a day's rows share pages (a bulk fill would scatter them)
            stmt = stmt.order_by(text("periode"))
        conn.execute(MARGES[naam][korrel].__table__.insert().from_select(["periode", *kolommen], stmt))


def _maand_invoegen(session: Session, maand: date) -> None:
    volgende = volgende_maand(maand)
    _marges_invoegen(session, 1, lambda dag: literal(maand, Date), lambda dag: [dag >= maand, dag < volgende],
                     per_dag=False)


def marges_herberekenen(session: Session, dagen: Iterable[date]) -> None:
    """Recompute the marginal rows of these days and of the months they lie in from the day tables, in the
    caller's transaction (after the day tables' groups of these days are recomputed)."""
    dagen = sorted(set(dagen))
    if not dagen:
        return
    maanden = sorted({d.replace(day=1) for d in dagen})
    conn = session.connection()
    for dag_tabel, maand_tabel in MARGES.values():
        for tabel, waarden in ((dag_tabel.__table__, dagen), (maand_tabel.__table__, maanden)):
            for i in range(0, len(waarden), 500):
                conn.execute(delete(tabel).where(tabel.c.periode.in_(waarden[i:i + 500])))
    for i in range(0, len(dagen), 500):
        deel = dagen[i:i + 500]
        _marges_invoegen(session, 0, lambda dag: dag, lambda dag: [dag.in_(deel)], per_dag=True)
    for maand in maanden:
        _maand_invoegen(session, maand)
    jaren = sorted({d.replace(month=1, day=1) for d in dagen})
    conn.execute(delete(JaarTijd.__table__).where(JaarTijd.periode.in_(jaren)))
    for jaar in jaren:
        _jaar_invoegen(session, jaar)


def _jaar_invoegen(session: Session, jaar: date) -> None:
    """The year's histogram rows, summed from its month rows (which sum the day tables)."""
    m = MaandTijd
    session.connection().execute(JaarTijd.__table__.insert().from_select(
        ["periode", "dienst_id", "maat", "tienden", "zaken"],
        select(literal(jaar, Date), m.dienst_id, m.maat, m.tienden, func.sum(m.zaken)).where(
            m.periode >= jaar, m.periode < jaar.replace(year=jaar.year + 1)).group_by(m.dienst_id, m.maat, m.tienden)))


def jaren_herbouwen(session: Session) -> None:
    """Rebuild the yearly histogram rows from the month rows (migration 0034; `herbouwen`)."""
    conn = session.connection()
    conn.execute(delete(JaarTijd.__table__))
    for jaar in sorted({d.replace(month=1, day=1) for d in conn.execute(select(distinct(MaandTijd.periode))).scalars()}):
        _jaar_invoegen(session, jaar)


def kaarten_tellen(session: Session, kaart_ids: Iterable[int] | None = None) -> None:
    """Count the ledger of these cards (of every card with None) into `rapportkaart`, in the caller's transaction."""
    conn = session.connection()
    t, m = Kaartstand.__table__, KnipkaartMutatie
    ids = None if kaart_ids is None else sorted(set(kaart_ids))
    tellen = select(m.knipkaart_id, func.sum(case((m.soort == MutatieSoort.INGEZET, 1), else_=0)),
                    func.sum(case((m.soort == MutatieSoort.TERUGGEGEVEN, 1), else_=0))).group_by(m.knipkaart_id)
    if ids is None:
        conn.execute(delete(t))
        conn.execute(t.insert().from_select(["knipkaart_id", "ingezet", "teruggegeven"], tellen))
        return
    for i in range(0, len(ids), 500):
        deel = ids[i:i + 500]
        conn.execute(delete(t).where(t.c.knipkaart_id.in_(deel)))
        conn.execute(t.insert().from_select(["knipkaart_id", "ingezet", "teruggegeven"],
                                            tellen.where(m.knipkaart_id.in_(deel))))


def marges_herbouwen(session: Session) -> None:
    """Rebuild every marginal row from the day tables (migration 0033; `herbouwen`)."""
    conn = session.connection()
    for dag_tabel, maand_tabel in MARGES.values():
        conn.execute(delete(dag_tabel.__table__))
        conn.execute(delete(maand_tabel.__table__))
    _marges_invoegen(session, 0, lambda dag: dag, lambda dag: [], per_dag=True)
    for maand in sorted({d.replace(day=1) for d in conn.execute(select(distinct(Rapportfeit.dag))).scalars()}):
        _maand_invoegen(session, maand)


def markeren(session: Session, groepen: Iterable[tuple[date, int]]) -> None:
    """Mark these groups (day sent in Amsterdam, wijkteam) as changed, in the caller's transaction."""
    rijen = [{"dag": dag, "wijkteam_id": team} for dag, team in sorted(set(groepen))]
    if rijen:
        session.connection().execute(RapportfeitVuil.__table__.insert(), rijen)


def bijwerken_wat_veranderde(session: Session, marges: bool = True) -> int:
    """Recompute every group marked as changed, and the marginal rows of its day and month, in the caller's
    transaction; returns how many groups.

    Takes the marks that are committed when it starts; a change that commits later leaves its mark for the next
    catch-up. Two catch-ups never recompute at once (an advisory lock on PostgreSQL, taken only when there are
    marks: a report, which catches up first, mostly finds none and then saves the round trip). `marges=False`
    leaves the marginal tables alone: only for the migrations before 0033, which made them."""
    conn = session.connection()
    t = RapportfeitVuil.__table__
    merken = select(t.c.id, t.c.dag, t.c.wijkteam_id)
    if not conn.execute(merken).first():
        return 0
    _vergrendel(session)
    rijen = conn.execute(merken).all()  # after the lock: what a catch-up that held it left
    if not rijen:
        return 0
    ids = [r.id for r in rijen]
    for i in range(0, len(ids), 1000):
        conn.execute(delete(t).where(t.c.id.in_(ids[i:i + 1000])))
    groepen = sorted({(r.dag, r.wijkteam_id) for r in rijen})
    _herberekenen(session, groepen)
    if marges:
        marges_herberekenen(session, {dag for dag, _ in groepen})
    return len(groepen)


def herbouwen(session: Session, marges: bool = True) -> None:
    """Rebuild the whole roll-up from the cases (after loading data outside the use cases, e.g. a migration
    or a benchmark), the marginal tables from the day tables, the cards' counts from their ledgers. `marges=False`:
    only for migration 0027."""
    _vergrendel(session)
    conn = session.connection()
    for tabel in TABELLEN:  # marks stay: a later catch-up recomputes their groups once more, to the same rows
        conn.execute(delete(tabel.__table__))
    if session.get_bind().dialect.name == "postgresql":
        _vullen(session, cast(func.timezone("Europe/Amsterdam", Zaak.verstuurd_op), Date), [])
    else:
        dagen = {amsterdam(_utc(v)).date() for v in conn.execute(select(Zaak.verstuurd_op).where(
            Zaak.verstuurd_op.is_not(None))).scalars()}
        for dag in sorted(dagen):
            _vullen(session, literal(dag, Date), [Zaak.verstuurd_op >= _dag_begin(dag),
                                                   Zaak.verstuurd_op < _dag_begin(dag + timedelta(days=1))])
    if marges:
        marges_herbouwen(session)
        jaren_herbouwen(session)
        kaarten_tellen(session)


def _utc(v) -> datetime:
    from datetime import timezone

    if isinstance(v, str):  # a raw SQLite value read through the connection
        v = datetime.fromisoformat(v)
    return v if v.tzinfo else v.replace(tzinfo=timezone.utc)


def zaken_gewijzigd(session: Session, zaak_ids: Iterable[int]) -> None:
    """Mark the groups of these cases as changed after a bulk UPDATE that the session's flush does not see."""
    ids = list(set(zaak_ids))
    if not ids:
        return
    rijen = session.connection().execute(select(Zaak.verstuurd_op, Zaak.wijkteam_id).where(
        Zaak.id.in_(ids), Zaak.verstuurd_op.is_not(None))).all()
    markeren(session, {(amsterdam(_utc(v)).date(), t) for v, t in rijen})


# ---------------------------------------------------------------- kept up to date with every flush

_VUIL = "rapportfeiten_vuil"


def _groep(verstuurd_op, wijkteam_id) -> tuple[date, int] | None:
    if verstuurd_op is None or wijkteam_id is None:
        return None
    return amsterdam(_utc(verstuurd_op)).date(), wijkteam_id


@event.listens_for(Session, "before_flush")
def _noteer(session: Session, flush_context, instances) -> None:
    """Note which cases change in this flush, and the group each was in before (if that changes too)."""
    vuil = session.info.setdefault(_VUIL, {"zaken": [], "ids": set(), "groepen": set(), "kaarten": []})
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, Zaak):
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue
            vuil["zaken"].append(obj)
            staat = inspect(obj)
            oud_v, oud_t = staat.attrs.verstuurd_op.history, staat.attrs.wijkteam_id.history
            if oud_v.deleted or oud_t.deleted:
                oud = _groep((oud_v.deleted or oud_v.unchanged or [None])[0],
                             (oud_t.deleted or oud_t.unchanged or [None])[0])
                if oud:
                    vuil["groepen"].add(oud)
        elif isinstance(obj, (Termijnstap, VermedenScenario)) and obj.zaak_id is not None:
            vuil["ids"].add(obj.zaak_id)
        elif isinstance(obj, VermedenScenario) and obj.zaak is not None:
            vuil["zaken"].append(obj.zaak)
        elif isinstance(obj, KnipkaartMutatie) and obj in session.new:
            vuil.setdefault("kaarten", []).append(obj)


@event.listens_for(Session, "after_flush_postexec")
def _werk_bij(session: Session, flush_context) -> None:
    """Mark the groups of the changed cases, and count the ledger of the cards it added to, in the flush's
    transaction."""
    vuil = session.info.pop(_VUIL, None)
    if not vuil:
        return
    groepen = set(vuil["groepen"])
    for z in vuil["zaken"]:
        g = _groep(z.verstuurd_op, z.wijkteam_id)
        if g:
            groepen.add(g)
    ids = vuil["ids"] - {z.id for z in vuil["zaken"]}
    if ids:
        rijen = session.connection().execute(select(Zaak.verstuurd_op, Zaak.wijkteam_id).where(
            Zaak.id.in_(ids), Zaak.verstuurd_op.is_not(None))).all()
        groepen |= {_groep(v, t) for v, t in rijen}
    markeren(session, groepen)
    if vuil.get("kaarten"):  # the card is locked by the ledger entry's transaction: its count cannot race
        kaarten_tellen(session, {m.knipkaart_id for m in vuil["kaarten"]})
