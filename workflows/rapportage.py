"""The bottleneck report (DOMAIN.md "Bottleneck report", "Systemic causes", "Avoided societal cost").

Every figure counts the cases in the period (sent between `van` and `tot`,
Europe/Amsterdam), the same on SQLite and PostgreSQL. The report reads them
from the roll-up per day sent, team, dienst, cause, kind and urgency
(workflows.rapportfeiten, marked by every change to a case and caught up before reading), never scanning
the cases: without a filter from its marginal tables (the whole years, months and edge days of the period,
without the dimensions the unfiltered report does not need), with one from the full day tables; `bron="zaken"` computes the same figures as SQL aggregates over the
cases, which the roll-up is tested against. Times are the facts fixed on the
case when they happened (workflows.zaken._meet): working time in werkdagen
(08:30-17:00 on werkdagen) since the case reached its current dienst, waits on
the team left out, counted in tenths of a werkdag (the report's resolution).
Percentiles interpolate linearly between ranks (PostgreSQL's percentile_cont;
on SQLite the same rule with window functions; from the roll-up's histograms
the same rule in Python).

The report is one `Rapport`; `tabellen()` turns it into the tables that the
screen, CSV, XLSX and PDF all show, so their numbers cannot differ.
"""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from itertools import accumulate, count
from typing import Any

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    Text,
    and_,
    bindparam,
    case,
    cast,
    distinct,
    func,
    literal,
    literal_column,
    null,
    or_,
    select,
    text,
    true,
    union_all,
)
from sqlalchemy.orm import Mapped, Session, mapped_column, relationship

from .kalender import TZ, amsterdam
from .knipkaart import STANDAARD_QUOTUM
from .models import (
    Base,
    Contactpersoon,
    Dienst,
    Gebruiker,
    Knipkaart,
    KnipkaartMutatie,
    MutatieSoort,
    Oorzaak,
    Prijspost,
    Termijnstap,
    UTCDateTime,
    Uitkomst,
    Urgentie,
    VermedenScenario,
    Vervolgactie,
    Wijkteam,
    Zaak,
    ZaakSoort,
)
from .privacy import anonimiseer
from .rapportfeiten import (
    MARGES,
    JaarTijd,
    Kaartstand,
    Rapportfeit,
    RapportfeitKosten,
    RapportfeitRegel,
    RapportfeitTijd,
    aantal_teams,
    bijwerken_wat_veranderde,
    histogram_delen,
    in_tienden,
    som_delen,
    volgende_maand,
)

MAANDEN = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
TREDE_NAMEN = ["contactpersoon", "teamleider", "manager van de dienst", "maatwerkfunctionaris"]
ONDERBENUT_DREMPEL = 0.5  # under-use: less than half of the quota, pro rata of the year that has passed
TOP_REGELS = 10


@dataclass(frozen=True)
class Filters:
    van: date
    tot: date  # inclusive
    dienst_id: int | None = None
    wijkteam_id: int | None = None
    oorzaak_id: int | None = None
    urgentie: Urgentie | None = None

    @property
    def begin(self) -> datetime:
        return datetime.combine(self.van, time(0), tzinfo=TZ)

    @property
    def einde(self) -> datetime:  # exclusive
        return datetime.combine(self.tot + timedelta(days=1), time(0), tzinfo=TZ)

    def _gezet(self) -> list[str]:
        """The names of the filters set, of FILTERVELDEN: each is also the column in the cases and the roll-up."""
        return [naam for naam in FILTERVELDEN if getattr(self, naam)]

    def voorwaarden(self) -> list:
        w = [Zaak.verstuurd_op.is_not(None), Zaak.verstuurd_op >= self.begin, Zaak.verstuurd_op < self.einde,
             Zaak.soort != ZaakSoort.ADVIESVRAAG]  # advice is not a knip or escalatie: not in the figures
        return w + [getattr(Zaak, naam) == getattr(self, naam) for naam in self._gezet()]

    def vorm(self) -> tuple[bool, ...]:
        """Which filters are set (in the order of FILTERVELDEN): the shape of gebonden_voorwaarden()."""
        return tuple(bool(getattr(self, naam)) for naam in FILTERVELDEN)

    @staticmethod
    def gebonden_voorwaarden(vorm: tuple[bool, ...]) -> list:
        """voorwaarden() of filters of this shape with their values as bound parameters (parameters()), for a
        statement built once per shape."""
        w = [Zaak.verstuurd_op.is_not(None), Zaak.verstuurd_op >= bindparam("begin"),
             Zaak.verstuurd_op < bindparam("einde"), Zaak.soort != ZaakSoort.ADVIESVRAAG]
        return w + [getattr(Zaak, naam) == bindparam(naam) for naam, gezet in zip(FILTERVELDEN, vorm) if gezet]

    def parameters(self) -> dict:
        """The values of gebonden_voorwaarden()."""
        return {"begin": self.begin, "einde": self.einde, **{naam: getattr(self, naam) for naam in self._gezet()}}

    def feitvoorwaarden(self, t) -> list:
        """The same selection in a roll-up table `t` (workflows.rapportfeiten), keyed by the day sent."""
        w = [t.dag >= self.van, t.dag <= self.tot, t.soort != ZaakSoort.ADVIESVRAAG]
        return w + [getattr(t, naam) == getattr(self, naam) for naam in self._gezet()]


FILTERVELDEN = ("dienst_id", "wijkteam_id", "oorzaak_id", "urgentie")  # Filters' fields, the columns they filter


class Rapportconclusie(Base):
    """What management concluded about one report period; every version kept, the newest is shown."""

    __tablename__ = "rapportconclusie"
    __table_args__ = (Index("ix_rapportconclusie_periode", "van", "tot"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    van: Mapped[date] = mapped_column(Date)
    tot: Mapped[date] = mapped_column(Date)
    tekst: Mapped[str] = mapped_column(Text)
    vastgelegd_door_id: Mapped[int] = mapped_column(ForeignKey("gebruiker.id"))
    vastgelegd_op: Mapped[datetime] = mapped_column(UTCDateTime)
    vastgelegd_door: Mapped[Gebruiker] = relationship()


def vorige_periode(van: date, tot: date) -> tuple[date, date]:
    """The period of the same length just before: whole calendar months stay whole months (Q2 -> Q1)."""
    if van.day == 1 and (tot + timedelta(days=1)).day == 1:
        maanden = (tot.year - van.year) * 12 + tot.month - van.month + 1
        j, m = divmod(van.year * 12 + van.month - 1 - maanden, 12)
        return date(j, m + 1, 1), van - timedelta(days=1)
    dagen = (tot - van).days + 1
    return van - timedelta(days=dagen), van - timedelta(days=1)


def jaar_eerder(van: date, tot: date) -> tuple[date, date]:
    """The same period a year earlier (29 February becomes the 28th)."""
    def terug(d: date) -> date:
        return d.replace(year=d.year - 1, day=min(d.day, 28) if (d.month, d.day) == (2, 29) else d.day)
    return terug(van), terug(tot)


# ---------------------------------------------------------------- the report's parts


@dataclass
class OorzaakRij:
    oorzaak_id: int
    naam: str
    actief: bool
    knippen: int = 0
    escalaties: int = 0
    geen_inkomen: int = 0
    bovenlokaal: int = 0
    acuut: int = 0
    structureel: int = 0
    bezwaren: int = 0
    vermeden: int = 0  # euros
    per_maand: dict[str, int] = field(default_factory=dict)
    vervolg: list[Vervolgactie] = field(default_factory=list)

    @property
    def totaal(self) -> int:
        return self.knippen + self.escalaties


@dataclass
class DienstRij:
    dienst_id: int
    naam: str
    zaken: int = 0
    reactie_mediaan: float | None = None
    reactie_p90: float | None = None
    oplos_mediaan: float | None = None
    oplos_p90: float | None = None
    termijnen_gemist: int = 0
    zaken_te_laat: int = 0
    hoogste_trede: int = 0
    bezwaren: int = 0

    @property
    def hoogste_trede_naam(self) -> str:
        return TREDE_NAMEN[min(self.hoogste_trede, len(TREDE_NAMEN) - 1)]


@dataclass
class KaartRij:
    wijkteam: str
    jaar: int
    quotum: int
    ingezet: int
    teruggegeven: int
    verwacht: float  # the share of the quota that could have been used by now
    wijkteam_id: int = 0

    @property
    def gebruikt(self) -> int:
        return self.ingezet - self.teruggegeven

    @property
    def procent(self) -> int:
        return round(100 * self.gebruikt / self.quotum) if self.quotum else 0

    @property
    def onderbenut(self) -> bool:
        return self.quotum > 0 and self.gebruikt < ONDERBENUT_DREMPEL * self.verwacht


@dataclass
class RegelRij:
    fragment: str
    aantal: int
    teams: int
    dienst: str


@dataclass
class KostenRij:
    naam: str
    eenheid: str
    prijs: int
    bandbreedte: str
    bron: str
    zaken: int
    aantal: int

    @property
    def bedrag(self) -> int:
        return self.prijs * self.aantal


@dataclass
class Periodecijfers:
    """The key figures of one period: the report's own, or a comparison period's."""

    van: date
    tot: date
    knippen: int = 0
    escalaties: int = 0
    acuut: int = 0
    bezwaren: int = 0
    zaken_te_laat: int = 0
    vermeden: int = 0
    acuut_per_oorzaak: dict[int, int] = field(default_factory=dict)


@dataclass
class Rapport:
    filters: Filters
    maanden: list[str]
    oorzaken: list[OorzaakRij]
    diensten: list[DienstRij]
    knipkaarten: list[KaartRij]
    regels: list[RegelRij]
    kosten: list[KostenRij]
    prijslijst: list[Prijspost]
    knippen_per_maand: dict[str, int] = field(default_factory=dict)
    escalaties_per_maand: dict[str, int] = field(default_factory=dict)
    vorige: Periodecijfers | None = None
    jaar_eerder: Periodecijfers | None = None
    conclusies: list[Rapportconclusie] = field(default_factory=list)  # newest first
    nazorg: list = field(default_factory=list)  # effects, end points, missing consent (workflows.effectrapport)

    @property
    def cijfers(self) -> Periodecijfers:
        """This period's key figures, rolled up from the report's own parts."""
        return Periodecijfers(
            self.filters.van, self.filters.tot, self.knippen, self.escalaties, sum(o.acuut for o in self.oorzaken),
            self.bezwaren, sum(d.zaken_te_laat for d in self.diensten), self.vermeden,
            {o.oorzaak_id: o.acuut for o in self.oorzaken if o.acuut})

    @property
    def meest_acuut(self) -> list[OorzaakRij]:
        """The three causes with the most acute cases in the period."""
        return sorted([o for o in self.oorzaken if o.acuut], key=lambda o: -o.acuut)[:3]

    @property
    def knippen(self) -> int:
        return sum(o.knippen for o in self.oorzaken)

    @property
    def escalaties(self) -> int:
        return sum(o.escalaties for o in self.oorzaken)

    @property
    def geen_inkomen(self) -> int:
        return sum(o.geen_inkomen for o in self.oorzaken)

    @property
    def bovenlokaal(self) -> int:
        return sum(o.bovenlokaal for o in self.oorzaken)

    @property
    def bezwaren(self) -> int:
        return sum(o.bezwaren for o in self.oorzaken)

    @property
    def vermeden(self) -> int:
        return sum(k.bedrag for k in self.kosten)

    @property
    def onderbenut(self) -> list[KaartRij]:
        return [k for k in self.knipkaarten if k.onderbenut]


def maak_rapport(session: Session, filters: Filters, now: datetime,
                 standaard_quotum: int = STANDAARD_QUOTUM, vergelijken: bool = True, bron: str = "feiten") -> Rapport:
    """The bottleneck report for these filters, as of `now`.

    With `bron="feiten"` (the default) every figure comes from the roll-up per day, team, dienst, cause, kind
    and urgency (workflows.rapportfeiten; without a filter its marginal tables per day, month and year), and the
    card use from the cards' counts, never from the cases or the ledger; the groups whose cases changed since the last
    catch-up are recomputed first, in the caller's transaction (the caller commits, so the next report need
    not). With `bron="zaken"` the same figures are computed over the cases themselves (five passes: counts by
    cause, kind and month; per dienst; missed deadlines; blocking rules; avoided cost): the full computation the
    roll-up is tested against.
    With `vergelijken`, the previous period of the same length and the same period a year earlier give their
    key figures.
    """
    if bron not in ("feiten", "zaken"):
        raise ValueError(f"onbekende bron {bron!r}")
    if filters.tot < filters.van:
        raise ValueError("tot ligt voor van")
    if bron == "feiten":
        bijwerken_wat_veranderde(session)
        if session.get_bind().dialect.name == "postgresql":
            # Each statement reads a few thousand rows of the roll-up: starting parallel workers costs more than it
            # saves (a UNION ALL of the periods' avoided cost took 12 ms with two workers, 2 ms without). For the
            # rest of the caller's transaction, which is the report's.
            session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
    maanden = _maanden(filters.van, filters.tot)
    prijslijst = list(session.scalars(_vaste_selects().prijslijst))
    namen = lees_namen(session)
    vergelijk: list[Filters] = []
    if vergelijken:
        perioden = vorige_periode(filters.van, filters.tot), jaar_eerder(filters.van, filters.tot)
        # A period of a whole year: the previous period is the year before, computed once.
        vergelijk = [replace(filters, van=van, tot=tot) for van, tot in dict.fromkeys(perioden)]
    # From the roll-up, the comparison periods are counted in the same statements as the report's own period.
    samen = vergelijk if bron == "feiten" else []
    vandaag = amsterdam(now).date()
    oorzaken, knippen, escalaties, cijfers = _oorzaken(session, filters, maanden, namen, bron, samen)
    kosten = _kosten(session, filters, prijslijst, {o.oorzaak_id: o for o in oorzaken}, bron, samen, cijfers, vandaag)
    if vergelijk and bron == "zaken":
        cijfers = [periodecijfers(session, v, prijslijst, bron) for v in vergelijk]
    vorige = jaar = None
    if vergelijk:
        vorige, jaar = cijfers[0], cijfers[-1]
    return Rapport(
        filters=filters,
        maanden=[m for m, _ in maanden],
        oorzaken=oorzaken,
        diensten=_diensten(session, filters, now, namen, bron),
        knipkaarten=_knipkaarten(session, filters, now, standaard_quotum, namen, bron),
        regels=_regels(session, filters, namen, bron, vandaag),
        kosten=kosten,
        prijslijst=prijslijst,
        knippen_per_maand=knippen,
        escalaties_per_maand=escalaties,
        vorige=vorige,
        jaar_eerder=jaar,
        conclusies=conclusies_van(session, filters.van, filters.tot),
        nazorg=_nazorgtabellen(session, filters, namen),
    )


def periodecijfers(session: Session, f: Filters, prijslijst: list[Prijspost], bron: str = "feiten") -> Periodecijfers:
    """The key figures of a period on their own: counts per cause and kind, late cases, avoided cost."""
    if bron == "feiten":
        uit = Periodecijfers(f.van, f.tot)
        for oid, soort, _, n, _, _, ac, _, bz, te_laat, _ in session.execute(*_uit_feiten(session, [f], "oorzaak")):
            _tel_periode(uit, oid, soort, int(n), int(ac), int(bz), int(te_laat))
        prijs = {p.id: p.prijs for p in prijslijst}
        for _, pid, _, aantal, _ in session.execute(*_uit_feiten(session, [f], "kosten")):
            uit.vermeden += prijs[pid] * int(aantal or 0)
        return uit
    w = f.voorwaarden()
    uit = Periodecijfers(f.van, f.tot)
    for oid, soort, n, ac, bz in session.execute(select(
            Zaak.oorzaak_id, Zaak.soort, func.count(), func.sum(case((Zaak.urgentie == Urgentie.ACUUT, 1), else_=0)),
            func.sum(case((Zaak.uitkomst == Uitkomst.BEZWAAR, 1), else_=0))).where(*w).group_by(
            Zaak.oorzaak_id, Zaak.soort)):
        if soort == ZaakSoort.KNIP:
            uit.knippen += int(n)
        else:
            uit.escalaties += int(n)
        uit.acuut += int(ac)
        uit.bezwaren += int(bz)
        if ac:
            uit.acuut_per_oorzaak[oid] = uit.acuut_per_oorzaak.get(oid, 0) + int(ac)
    uit.zaken_te_laat = int(session.scalar(select(func.count(distinct(Termijnstap.zaak_id))).join(
        Zaak, Zaak.id == Termijnstap.zaak_id).where(*w, Termijnstap.soort == "verlopen")) or 0)
    prijs = {p.id: p.prijs for p in prijslijst}
    for pid, aantal in session.execute(select(VermedenScenario.prijspost_id, func.sum(VermedenScenario.aantal)).join(
            Zaak, Zaak.id == VermedenScenario.zaak_id).where(*w).group_by(VermedenScenario.prijspost_id)):
        uit.vermeden += prijs[pid] * int(aantal or 0)
    return uit


# ---------------------------------------------------------------- causes, by month


def _maanden(van: date, tot: date) -> list[tuple[str, datetime]]:
    """('2026-03', start of that month in Amsterdam) for every month the period touches."""
    uit = []
    j, m = van.year, van.month
    while (j, m) <= (tot.year, tot.month):
        uit.append((f"{j:04d}-{m:02d}", datetime(j, m, 1, tzinfo=TZ)))
        j, m = (j + 1, 1) if m == 12 else (j, m + 1)
    return uit


def maand_label(sleutel: str) -> str:
    j, m = sleutel.split("-")
    return f"{MAANDEN[int(m) - 1]} {j}"


def _maand_expr(session: Session, maanden: list[tuple[str, datetime]]):
    """The Amsterdam month of verstuurd_op as 'YYYY-MM', in SQL."""
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("Europe/Amsterdam", Zaak.verstuurd_op), "YYYY-MM")
    # SQLite knows no time zones: compare with each month's first moment in UTC, newest first.
    return case(*[(Zaak.verstuurd_op >= begin, literal(sleutel)) for sleutel, begin in reversed(maanden)],
                else_=literal(maanden[0][0]))


def _oorzaken(session: Session, f: Filters, maanden, namen: Namen, bron: str = "zaken",
              vergelijk: list[Filters] = ()) -> tuple[list[OorzaakRij], dict[str, int], dict[str, int],
                                                      list[Periodecijfers]]:
    """One pass: per cause, kind and month the counts; the totals per cause and per month are rolled up. From the
    roll-up, the same statement counts the periods `vergelijk` (their key figures, returned in that order)."""
    if bron == "feiten":
        telling, waarden = _uit_feiten(session, [f, *vergelijk], "oorzaak")
    else:
        waarden = {}
        maand = _maand_expr(session, maanden).label("maand")
        telling = select(
            Zaak.oorzaak_id, Zaak.soort, maand, func.count(),
            func.sum(case((Zaak.geen_inkomen.is_(True), 1), else_=0)),
            func.sum(case((Zaak.bovenlokaal.is_(True), 1), else_=0)),
            func.sum(case((Zaak.urgentie == Urgentie.ACUUT, 1), else_=0)),
            func.sum(case((Zaak.structureel.is_(True), 1), else_=0)),
            func.sum(case((Zaak.uitkomst == Uitkomst.BEZWAAR, 1), else_=0)),
            literal_column("0"), literal_column("0"),
        ).where(*f.voorwaarden()).group_by(Zaak.oorzaak_id, Zaak.soort, maand)
    rijen: dict[int, OorzaakRij] = {}
    knippen: dict[str, int] = {}
    escalaties: dict[str, int] = {}
    cijfers = [Periodecijfers(v.van, v.tot) for v in vergelijk]
    for oid, soort, m, n, gi, bl, ac, st, bz, te_laat, periode in session.execute(telling, waarden).all():
        if periode:
            _tel_periode(cijfers[periode - 1], oid, soort, int(n), int(ac), int(bz), int(te_laat))
            continue
        r = rijen.get(oid)
        if r is None:
            naam, actief, _ = namen.oorzaken[oid]
            r = rijen[oid] = OorzaakRij(oid, naam, actief)
        n = int(n)
        if soort == ZaakSoort.KNIP:
            r.knippen += n
            knippen[m] = knippen.get(m, 0) + n
        else:
            r.escalaties += n
            escalaties[m] = escalaties.get(m, 0) + n
        r.per_maand[m] = r.per_maand.get(m, 0) + n
        r.geen_inkomen += int(gi)
        r.bovenlokaal += int(bl)
        r.acuut += int(ac)
        r.structureel += int(st)
        r.bezwaren += int(bz)
    vaste = _vaste_selects()
    vervolg = (vaste.vervolg_van_oorzaak, {"oorzaak": f.oorzaak_id}) if f.oorzaak_id else (vaste.vervolg, {})
    for v in session.scalars(*vervolg):
        if v.oorzaak_id not in rijen:
            naam, actief, _ = namen.oorzaken[v.oorzaak_id]
            rijen[v.oorzaak_id] = OorzaakRij(v.oorzaak_id, naam, actief)
        rijen[v.oorzaak_id].vervolg.append(v)
    volgorde = {oid: (v, naam) for oid, (naam, _, v) in namen.oorzaken.items()}
    return sorted(rijen.values(), key=lambda r: (-r.totaal, volgorde[r.oorzaak_id])), knippen, escalaties, cijfers


def _tel_periode(uit: Periodecijfers, oid: int, soort, n: int, acuut: int, bezwaren: int, te_laat: int) -> None:
    """Add one row of counts (a cause and kind) to a period's key figures."""
    if soort == ZaakSoort.KNIP:
        uit.knippen += n
    else:
        uit.escalaties += n
    uit.acuut += acuut
    uit.bezwaren += bezwaren
    uit.zaken_te_laat += te_laat
    if acuut:
        uit.acuut_per_oorzaak[oid] = uit.acuut_per_oorzaak.get(oid, 0) + acuut


# ---------------------------------------------------------------- diensten


def _percentielen(r, p: float):
    """The p-th percentile of r.c.x per group of the window subquery r (linear interpolation between ranks)."""
    pos = (r.c.n - 1) * p
    laag = cast(pos, Integer)  # floor: pos >= 0
    x_laag = func.max(case((r.c.rn - 1 == laag, r.c.x)))
    x_hoog = func.max(case((r.c.rn - 1 == laag + 1, r.c.x)))
    return x_laag + (func.coalesce(x_hoog, x_laag) - x_laag) * func.max(pos - laag)


def _getal(x) -> float | None:
    return None if x is None else round(float(x), 2)


def _diensten(session: Session, f: Filters, now: datetime, alle_namen: Namen, bron: str = "zaken") -> list[DienstRij]:
    namen = alle_namen.diensten
    if bron == "feiten":
        return _diensten_uit_feiten(session, f, amsterdam(now).date(), namen)
    w = f.voorwaarden()
    tellers = [func.count(), func.max(Zaak.hoogste_trede), func.sum(case((Zaak.uitkomst == Uitkomst.BEZWAAR, 1), else_=0))]
    rijen: dict[int, DienstRij] = {}
    if session.get_bind().dialect.name == "postgresql":
        # One pass: counts and the four percentiles (percentile_cont skips the NULLs of open cases), over the
        # times in tenths of a werkdag, as the report shows them and the roll-up keeps them.
        pct = [func.percentile_cont(p).within_group(in_tienden(session, kolom))
               for kolom in (Zaak.reactie_werkdagen, Zaak.oplos_werkdagen) for p in (0.5, 0.9)]
        for did, n, hoogste, bz, r50, r90, o50, o90 in session.execute(
                select(Zaak.dienst_id, *tellers, *pct).where(*w).group_by(Zaak.dienst_id)):
            rijen[did] = DienstRij(did, namen[did], int(n), _getal(r50), _getal(r90), _getal(o50), _getal(o90),
                                   hoogste_trede=int(hoogste or 0), bezwaren=int(bz))
    else:
        for did, n, hoogste, bz in session.execute(select(Zaak.dienst_id, *tellers).where(*w).group_by(Zaak.dienst_id)):
            rijen[did] = DienstRij(did, namen[did], int(n), hoogste_trede=int(hoogste or 0), bezwaren=int(bz))
        for kolom, velden in ((Zaak.reactie_werkdagen, ("reactie_mediaan", "reactie_p90")),
                              (Zaak.oplos_werkdagen, ("oplos_mediaan", "oplos_p90"))):
            r = select(Zaak.dienst_id.label("g"), in_tienden(session, kolom).label("x"),
                       func.row_number().over(partition_by=Zaak.dienst_id, order_by=kolom).label("rn"),
                       func.count().over(partition_by=Zaak.dienst_id).label("n")).where(*w, kolom.is_not(None)).subquery()
            for g, p50, p90 in session.execute(select(r.c.g, _percentielen(r, 0.5), _percentielen(r, 0.9)).group_by(r.c.g)):
                setattr(rijen[g], velden[0], _getal(p50))
                setattr(rijen[g], velden[1], _getal(p90))
    gemist = select(Zaak.dienst_id, func.count(), func.count(distinct(Termijnstap.zaak_id))).join(
        Termijnstap, and_(Termijnstap.zaak_id == Zaak.id, Termijnstap.soort == "verlopen")).where(*w).group_by(
        Zaak.dienst_id)
    for did, n, zaken_ in session.execute(gemist):
        rijen[did].termijnen_gemist, rijen[did].zaken_te_laat = int(n), int(zaken_)
    return sorted(rijen.values(), key=lambda r: (-r.zaken, r.naam))


# ---------------------------------------------------------------- knipkaarten


def _knipkaarten(session: Session, f: Filters, now: datetime, standaard_quotum: int, namen: Namen,
                 bron: str = "zaken") -> list[KaartRij]:
    """Use per team and card year for the years the period touches; only the team filter applies. From the cards'
    counts (workflows.rapportfeiten.Kaartstand) with `bron="feiten"`, else over their ledgers."""
    jaren = list(range(f.van.year, f.tot.year + 1))
    vandaag = amsterdam(now).date()
    if bron == "feiten":
        gebruik = _vaste_selects().kaartstanden
    else:
        gebruik = select(
            Knipkaart.wijkteam_id, Knipkaart.jaar, Knipkaart.quotum,
            func.sum(case((KnipkaartMutatie.soort == MutatieSoort.INGEZET, 1), else_=0)).label("in"),
            func.sum(case((KnipkaartMutatie.soort == MutatieSoort.TERUGGEGEVEN, 1), else_=0)).label("terug"),
        ).outerjoin(KnipkaartMutatie, KnipkaartMutatie.knipkaart_id == Knipkaart.id).where(
            Knipkaart.jaar.in_(jaren)).group_by(Knipkaart.wijkteam_id, Knipkaart.jaar, Knipkaart.quotum)
    kaarten = {(t, j): (q, int(i or 0), int(r or 0))
               for t, j, q, i, r in session.execute(gebruik, {"jaren": jaren} if bron == "feiten" else {}).all()}
    uit = []
    # The active teams by name, or the one the filter names.
    teams = [(tid, naam) for tid, naam, actief in namen.teams if (tid == f.wijkteam_id if f.wijkteam_id else actief)]
    for tid, naam in teams:
        for jaar in jaren:
            if date(jaar, 1, 1) > vandaag:
                continue
            q, i, r = kaarten.get((tid, jaar), (standaard_quotum, 0, 0))
            begin, einde = date(jaar, 1, 1), date(jaar + 1, 1, 1)
            deel = min(1.0, (vandaag - begin).days / (einde - begin).days)
            uit.append(KaartRij(naam, jaar, q, i, r, verwacht=q * deel, wijkteam_id=tid))
    return uit


# ---------------------------------------------------------------- blocking rules


def _regels_per_team(f: Filters, bron: str):
    """Per normalised wording and team: cases and the lowest case id, from the day tables or the cases."""
    if bron == "feiten":
        t = RapportfeitRegel
        return select(t.sleutel.label("sleutel"), t.wijkteam_id.label("team"), func.sum(t.zaken).label("n"),
                      func.min(t.eerste_zaak_id).label("eerste")).where(*f.feitvoorwaarden(t)).group_by(
            t.sleutel, t.wijkteam_id).subquery()
    ruw = select(Zaak.blokkerende_regel.label("regel"), Zaak.wijkteam_id.label("team"), func.count().label("n"),
                 func.min(Zaak.id).label("eerste")).where(*f.voorwaarden()).group_by(
        Zaak.blokkerende_regel, Zaak.wijkteam_id).subquery()
    sleutel = func.lower(func.trim(ruw.c.regel))
    return select(sleutel.label("sleutel"), ruw.c.team, func.sum(ruw.c.n).label("n"),
                  func.min(ruw.c.eerste).label("eerste")).where(func.length(func.trim(ruw.c.regel)) > 0).group_by(
        sleutel, ruw.c.team).subquery()


def _top_regels(per_team):
    """(wording, cases, teams, lowest case id) of the most frequent wordings."""
    n = func.sum(per_team.c.n)
    return select(per_team.c.sleutel, n.label("n"), func.count().label("teams"),
                  func.min(per_team.c.eerste).label("eerste")).group_by(per_team.c.sleutel).order_by(
        n.desc(), per_team.c.sleutel).limit(TOP_REGELS)


def _regels(session: Session, f: Filters, namen: Namen, bron: str = "zaken",
            vandaag: date | None = None) -> list[RegelRij]:
    """The most frequent blocking rules (same wording, case and spaces aside), each with one anonymised example,
    in one statement: the top wordings, their teams and their example with its dienst.

    Grouped on the raw text and team first, so that only the distinct wordings are normalised (a sort of
    every case's text would spill to disk at national scale; see docs/performance.md).
    """
    uit_marges = bron == "feiten" and _marges(f)
    if uit_marges:
        keus_vorm, waarden = _vorm(_som_reeksen(f, "regel", vandaag) if vandaag else _marge_reeksen(f, "regel"))
        vorm, waarden = _vorm(_marge_reeksen(f, "regel"), waarden)
        voorbeeld = _regels_uit_marges(keus_vorm, vorm)
    else:
        voorbeeld, waarden = _met_voorbeeld(_top_regels(_regels_per_team(f, bron)).cte("top")), {}
    weg = tuple(personen_weglaten(namen.personen))
    uit = []
    for _, n, teams, regel, ref, dienst in session.execute(voorbeeld, waarden).all():
        uit.append(RegelRij(anonimiseer(regel, [ref], personen=weg), int(n),
                            aantal_teams(teams) if uit_marges else int(teams), dienst))
    return uit


def namen_van_personen(session: Session) -> list[str]:
    """Names of people the system knows (users and contact persons): never in an excerpt."""
    return personen_weglaten(list(session.scalars(union_all(select(Gebruiker.naam), select(Contactpersoon.naam)))))


def personen_weglaten(namen: list[str]) -> list[str]:
    """What an excerpt leaves out of these people's names: both the full name and its last part ("Sanne Vos" and
    "Vos")."""
    return namen + [n.split()[-1] for n in namen if len(n.split()) > 1]


@dataclass(frozen=True)
class Namen:
    """The names the report shows, read in one statement (lees_namen): per cause its name, whether active and its
    place; per dienst its name; the wijkteams (id, name, active) by name; the names of people (users and contact
    persons), which never appear in an excerpt."""

    oorzaken: dict[int, tuple[str, bool, int]]
    diensten: dict[int, str]
    teams: list[tuple[int, str, bool]]
    personen: list[str]


def lees_namen(session: Session) -> Namen:
    """The report's names (Namen) in one statement."""
    oorzaken, diensten, teams, personen = {}, {}, [], []
    for soort, id_, naam, actief, volgorde in session.execute(_vaste_selects().namen).all():
        if soort == "oorzaak":
            oorzaken[id_] = (naam, bool(actief), volgorde)
        elif soort == "dienst":
            diensten[id_] = naam
        elif soort == "team":
            teams.append((id_, naam, bool(actief)))
        else:
            personen.append(naam)
    return Namen(oorzaken, diensten, teams, personen)


@dataclass(frozen=True)
class _VasteSelects:
    prijslijst: Any
    vervolg: Any
    vervolg_van_oorzaak: Any  # :oorzaak
    kaartstanden: Any  # :jaren, a list
    conclusies: Any  # :van, :tot
    namen: Any


@lru_cache(maxsize=1)
def _vaste_selects() -> _VasteSelects:
    """The report's statements that do not depend on its period's shape, built once with their values as bound
    parameters: a new statement object costs its construction and SQLAlchemy's cache key on every report."""
    vervolg = select(Vervolgactie).order_by(Vervolgactie.datum.desc(), Vervolgactie.id.desc())
    nul = literal_column("0")
    alles = union_all(
        select(literal("oorzaak").label("soort"), Oorzaak.id.label("id"), Oorzaak.naam.label("naam"),
               Oorzaak.actief.label("actief"), Oorzaak.volgorde.label("volgorde")),
        select(literal("dienst"), Dienst.id, Dienst.naam, true(), nul),
        select(literal("team"), Wijkteam.id, Wijkteam.naam, Wijkteam.actief, nul),
        select(literal("persoon"), nul, Gebruiker.naam, true(), nul),
        select(literal("persoon"), nul, Contactpersoon.naam, true(), nul))
    return _VasteSelects(
        prijslijst=select(Prijspost).order_by(Prijspost.volgorde, Prijspost.naam),
        vervolg=vervolg,
        vervolg_van_oorzaak=vervolg.where(Vervolgactie.oorzaak_id == bindparam("oorzaak")),
        kaartstanden=select(Knipkaart.wijkteam_id, Knipkaart.jaar, Knipkaart.quotum, Kaartstand.ingezet,
                            Kaartstand.teruggegeven).outerjoin(Kaartstand, Kaartstand.knipkaart_id == Knipkaart.id)
        .where(Knipkaart.jaar.in_(bindparam("jaren", expanding=True))),
        conclusies=select(Rapportconclusie).where(Rapportconclusie.van == bindparam("van"),
                                                  Rapportconclusie.tot == bindparam("tot")).order_by(
            Rapportconclusie.vastgelegd_op.desc(), Rapportconclusie.id.desc()),
        namen=alles.order_by(alles.selected_columns.naam),
    )


# ---------------------------------------------------------------- avoided cost


def _kosten(session: Session, f: Filters, prijslijst: list[Prijspost], oorzaken: dict[int, OorzaakRij],
            bron: str = "zaken", vergelijk: list[Filters] = (), cijfers: list[Periodecijfers] = (),
            vandaag: date | None = None) -> list[KostenRij]:
    """One pass: per cause and price-list item the cases and the quantity; per item and per cause rolled up. From
    the roll-up, the same statement gives the avoided cost of the periods `vergelijk`, added to their `cijfers`."""
    if bron == "zaken":
        stmt, waarden = select(
            Zaak.oorzaak_id, VermedenScenario.prijspost_id, func.count(), func.sum(VermedenScenario.aantal),
            literal_column("0")).join(VermedenScenario, VermedenScenario.zaak_id == Zaak.id).where(
            *f.voorwaarden()).group_by(Zaak.oorzaak_id, VermedenScenario.prijspost_id), {}
    else:
        stmt, waarden = _uit_feiten(session, [f, *vergelijk], "kosten", vandaag)
    posten = {p.id: p for p in prijslijst}
    per_post: dict[int, list[int]] = {}
    for oid, pid, zaken_, aantal, periode in session.execute(stmt, waarden).all():
        if periode:
            cijfers[periode - 1].vermeden += posten[pid].prijs * int(aantal or 0)
            continue
        # (zaak, prijspost) is unique, so the rows per item are distinct cases
        telling = per_post.setdefault(pid, [0, 0])
        telling[0] += int(zaken_)
        telling[1] += int(aantal or 0)
        oorzaken[oid].vermeden += posten[pid].prijs * int(aantal or 0)
    uit = [KostenRij(p.naam, p.eenheid, p.prijs, p.bandbreedte, p.bron, *per_post[p.id])
           for p in prijslijst if p.id in per_post]
    return sorted(uit, key=lambda k: -k.bedrag)


# ---------------------------------------------------------------- from the roll-up (workflows.rapportfeiten)


def _marges(f: Filters) -> bool:
    """Whether the marginal roll-ups answer: no filter on a dimension they leave out (team, dienst, cause,
    urgency); with one, the day tables per team, dienst, cause, kind and urgency do."""
    return not (f.dienst_id or f.wijkteam_id or f.oorzaak_id or f.urgentie)


# The statements over the marginal tables depend on the period only through their runs of days; each is built
# once per shape (which tables, how many runs) with the runs' days as bound parameters w0, w1, ..., so that a
# report neither builds nor keys them again (about 5 ms of Python per report, measured on the bench database).

def _marge_reeksen(f: Filters, soort: str) -> tuple:
    """The marginal tables of this kind with the runs of days [begin, end) that make up the period, as
    ((table, ((begin, end), ...), 1), ...): the months wholly inside it from the month table, the days at its edges
    from the day table, all added. (Sums may take days off a month: `_som_reeksen`; the time histograms:
    `_tijd_reeksen`.)"""
    dag_t, maand_t = MARGES[soort]
    eerste = f.van if f.van.day == 1 else volgende_maand(f.van)  # the first whole month
    na = f.tot + timedelta(days=1)
    voorbij = na if na.day == 1 else na.replace(day=1)  # the first day after the last whole month
    if eerste >= voorbij:
        return ((dag_t, ((f.van, na),), 1),)
    randen = (((f.van, eerste),) if f.van < eerste else ()) + (((voorbij, na),) if voorbij < na else ())
    return ((maand_t, ((eerste, voorbij),), 1),) + (((dag_t, randen, 1),) if randen else ())


_TIJD_TABELLEN = {"jaar": JaarTijd, "maand": MARGES["tijd"][1], "dag": MARGES["tijd"][0]}


def _tijd_reeksen(f: Filters, vandaag: date) -> tuple:
    """The time histograms' tables with the runs of days and the sign (1 or -1) that make up the period: whole
    years, months and days, some taken off a larger unit (workflows.rapportfeiten.histogram_delen)."""
    return _reeksen(histogram_delen(f.van, f.tot, vandaag), _TIJD_TABELLEN)


def _som_reeksen(f: Filters, soort: str, vandaag: date) -> tuple:
    """The marginal tables of this kind of sums with the runs of days and the sign that make up the period: whole
    months and days, an edge maybe as its month minus the days around it (workflows.rapportfeiten.som_delen)."""
    dag_t, maand_t = MARGES[soort]
    return _reeksen(som_delen(f.van, f.tot, vandaag), {"maand": maand_t, "dag": dag_t})


def _reeksen(delen, tabellen: dict) -> tuple:
    """Signed parts as (table, runs, sign), one per grain and sign, its adjacent runs merged."""
    reeksen: dict[tuple[str, int], list[list[date]]] = {}
    for d in delen:
        lijst = reeksen.setdefault((d.korrel, d.teken), [])
        if lijst and lijst[-1][1] == d.begin:
            lijst[-1][1] = d.einde
        else:
            lijst.append([d.begin, d.einde])
    return tuple((tabellen[korrel], tuple(map(tuple, lijst)), teken) for (korrel, teken), lijst in reeksen.items())


def _vorm(delen, waarden: dict[str, date] | None = None) -> tuple[tuple, dict[str, date]]:
    """A statement's shape (each part without its days: table, number of runs, and what follows) and the values
    of its parameters w0, w1, ... in the order _binnen asks for them, numbered on after those in `waarden`."""
    waarden = {} if waarden is None else waarden
    for _, runs, *_rest in delen:
        for begin, einde in runs:
            waarden[f"w{len(waarden)}"] = begin
            waarden[f"w{len(waarden)}"] = einde
    return tuple((t, len(runs), *rest) for t, runs, *rest in delen), waarden


def _binnen(t, runs: int, teller):
    """t.periode in `runs` runs of days [begin, end), as the next parameters of `teller`."""
    return or_(*[and_(t.periode >= bindparam(f"w{next(teller)}"), t.periode < bindparam(f"w{next(teller)}"))
                 for _ in range(runs)])


def _feit_maand(dialect: str, kolom):
    """The month of a roll-up's day as 'YYYY-MM', in SQL."""
    if dialect == "postgresql":
        return func.to_char(kolom, "YYYY-MM")
    return func.strftime("%Y-%m", kolom)


def _acuut(t):
    """A roll-up row's acute cases: the marginal tables count them; the day tables keep the urgency."""
    return case((t.urgentie == Urgentie.ACUUT, t.zaken), else_=0) if t is Rapportfeit else t.acuut


def _met_teken(expr, teken: int):
    """`expr` for a part added (teken 1), its opposite for a part taken off (-1)."""
    return expr if teken == 1 else -expr


def _telling_oorzaak(dialect: str, t, waar, plek: int, teken: int = 1):
    """The counts per cause and kind, in the columns of the pass over the cases, then the late cases: per month for
    the first period (place 0), the report's own; the others' month is empty. Only added parts (_uit_feiten)."""
    assert teken == 1
    maand = (_feit_maand(dialect, t.dag if t is Rapportfeit else t.periode) if plek == 0 else null()).label("maand")
    groep = [t.oorzaak_id, t.soort] + ([maand] if plek == 0 else [])
    return select(t.oorzaak_id, t.soort, maand, func.sum(t.zaken), func.sum(t.geen_inkomen),
                  func.sum(t.bovenlokaal), func.sum(_acuut(t)), func.sum(t.structureel),
                  func.sum(t.bezwaren), func.sum(t.zaken_te_laat)).where(waar).group_by(*groep)


def _telling_kosten(dialect: str, t, waar, plek: int, teken: int = 1):
    """Per cause and price-list item the cases and the quantity; for the periods after the first, per item only
    (their cause is empty)."""
    zaken = _met_teken(func.sum(t.zaken), teken).label("zaken")
    aantal = _met_teken(func.sum(t.aantal), teken).label("aantal")
    if plek == 0:
        return select(t.oorzaak_id, t.prijspost_id, zaken, aantal).where(waar).group_by(t.oorzaak_id, t.prijspost_id)
    return select(null().label("oorzaak_id"), t.prijspost_id, zaken, aantal).where(waar).group_by(t.prijspost_id)


def _telling_dienst(dialect: str, t, waar, plek: int, teken: int = 1):
    """Per dienst: cases, highest step, objections, missed deadlines, late cases. Only added parts: a highest
    step cannot be taken off."""
    assert teken == 1
    return select(t.dienst_id, func.sum(t.zaken), func.max(t.hoogste_trede), func.sum(t.bezwaren),
                  func.sum(t.termijnen_gemist), func.sum(t.zaken_te_laat)).where(waar).group_by(t.dienst_id)


_TELLINGEN = {"oorzaak": (Rapportfeit, _telling_oorzaak), "kosten": (RapportfeitKosten, _telling_kosten),
              "dienst": (Rapportfeit, _telling_dienst)}


def _plek(i: int):
    return literal_column(str(i)).label("periode")


@lru_cache(maxsize=256)
def _marge_telling(dialect: str, soort: str, vorm: tuple):
    """The counts of this kind over the marginal tables for periods of this shape (per period its parts, each
    added or taken off), as one UNION ALL; each part ends in a column with its period's place."""
    maak = _TELLINGEN[soort][1]
    teller = count()
    delen = [maak(dialect, t, _binnen(t, runs, teller), plek, teken).add_columns(_plek(plek))
             for plek, per in enumerate(vorm) for t, runs, teken in per]
    if len(delen) == 1:
        return delen[0]
    if soort != "kosten":
        return union_all(*delen)
    # The avoided cost per cause and item of the months and of the edge days summed in SQL: half the rows to read,
    # and the parts taken off subtracted (the groups with nothing left dropped).
    u = union_all(*delen).subquery()
    return select(u.c.oorzaak_id, u.c.prijspost_id, func.sum(u.c.zaken), func.sum(u.c.aantal), u.c.periode).group_by(
        u.c.periode, u.c.oorzaak_id, u.c.prijspost_id).having(func.sum(u.c.zaken) != 0)


def _uit_feiten(session: Session, fs: list[Filters], soort: str, vandaag: date | None = None) -> tuple[Any, dict]:
    """The statement (and its parameters) that counts this kind for each period of `fs`, over the marginal tables
    when they answer, else over the day table with the filters, as one UNION ALL of its parts. Each part ends in a
    column with the period's place in `fs`. Its rows are summed in Python. With `vandaag`, the avoided cost reads an
    edge of a period as its month minus the days around it where that reads fewer rows (_som_reeksen). The counts
    per cause could too, but gain nothing: their day rows are few, and the sum in SQL that taking off needs cost
    0.8 ms more than it saved on the bench database. The highest rung per dienst cannot be taken off."""
    dialect = session.get_bind().dialect.name
    dagtabel, maak = _TELLINGEN[soort]
    if not _marges(fs[0]):  # the periods share their filters
        delen = [maak(dialect, dagtabel, and_(*f.feitvoorwaarden(dagtabel)), i).add_columns(_plek(i))
                 for i, f in enumerate(fs)]
        return (delen[0] if len(delen) == 1 else union_all(*delen)), {}
    waarden: dict[str, date] = {}
    vormen = tuple(_vorm(_som_reeksen(f, soort, vandaag) if vandaag and soort == "kosten"
                         else _marge_reeksen(f, soort), waarden)[0] for f in fs)
    return _marge_telling(dialect, soort, vormen), waarden


def _met_voorbeeld(top):
    """The top blocking rules `top` (wording, cases, teams, lowest case id) with their example: its text,
    cliëntreferentie (to take out) and dienst, the example joined by its id."""
    return select(top.c.sleutel, top.c.n, top.c.teams, Zaak.blokkerende_regel, Zaak.clientreferentie,
                  Dienst.naam).select_from(top).join(Zaak, Zaak.id == top.c.eerste).join(
        Dienst, Dienst.id == Zaak.dienst_id).order_by(top.c.n.desc(), top.c.sleutel)


@lru_cache(maxsize=64)
def _regels_uit_marges(keus_vorm: tuple, vorm: tuple):
    """The top blocking rules from the marginal tables with their example: (wording, cases, its teams' ids
    comma-separated, ...). The top is chosen on the cases, counted over the parts of `keus_vorm` (signed: an edge
    may be its month minus the days around it); the teams and lowest case id of only those wordings are read from
    the parts of `vorm` (all added: neither can be taken off) and joined."""
    teller = count()
    stukken = [select(t.sleutel.label("sleutel"), _met_teken(t.zaken, teken).label("n")).where(
        _binnen(t, runs, teller)) for t, runs, teken in keus_vorm]
    alle = (stukken[0] if len(stukken) == 1 else union_all(*stukken)).subquery()
    n = func.sum(alle.c.n)
    keus = select(alle.c.sleutel, n.label("n")).group_by(alle.c.sleutel).having(n > 0).order_by(
        n.desc(), alle.c.sleutel).limit(TOP_REGELS).cte("keus")
    stukken = [select(t.sleutel.label("sleutel"), t.teams.label("teams"), t.eerste_zaak_id.label("eerste")).where(
        _binnen(t, runs, teller), t.sleutel.in_(select(keus.c.sleutel))) for t, runs, _ in vorm]
    teams = (stukken[0] if len(stukken) == 1 else union_all(*stukken)).subquery()
    return _met_voorbeeld(select(keus.c.sleutel, keus.c.n, func.aggregate_strings(teams.c.teams, ",").label("teams"),
                                 func.min(teams.c.eerste).label("eerste")).join(
        teams, teams.c.sleutel == keus.c.sleutel).group_by(keus.c.sleutel, keus.c.n).cte("top"))


PERCENTIELEN = (0.5, 0.9)


def percentielen(histogram: list[tuple[int, int]], ps: tuple[float, ...] = PERCENTIELEN) -> list[float | None]:
    """The percentiles `ps` in werkdagen of a histogram [(tenths, cases)] sorted by tenths: linear interpolation
    between ranks, computed as PostgreSQL's percentile_cont does (first + (second - first) * fraction, the rank the
    floor of p * (n - 1)). A rank r (from 0) lies in the first bucket whose running sum exceeds r."""
    return _op_rangen([t for t, _ in histogram], list(accumulate(aantal for _, aantal in histogram)), 0, ps)


def _op_rangen(sleutels: list[int], lopend: list[int], schuif: int, ps: tuple[float, ...]) -> list[float | None]:
    """percentielen() of the buckets whose tenths are `sleutels[i] >> schuif`, ascending, with running sums of
    cases `lopend`."""
    n = lopend[-1] if lopend else 0
    if n == 0:
        return [None for _ in ps]

    def op_rang(rang: int) -> float:
        return float(sleutels[bisect_right(lopend, rang)] >> schuif) / float(10)

    uit = []
    for p in ps:
        pos = p * (n - 1)
        laag = int(pos)
        x_laag = op_rang(laag)
        x_hoog = op_rang(laag + 1) if laag + 1 < n else x_laag
        uit.append(x_laag + (x_hoog - x_laag) * (pos - laag))
    return uit


_SCHUIF = 32
EMMER = 1 << _SCHUIF  # a histogram's bucket sent as one integer: tenths * EMMER + cases (cases < 2**31)
_AANTAL = EMMER - 1  # the cases of such an integer: its low bits


def _histogrammen(delen):
    """Per dienst and time, the histogram of the rows (d, m, t, n) of `delen` summed per bucket, as text: each bucket
    one integer, tenths * EMMER + cases, comma-separated (string_agg, group_concat on SQLite), so that Python sorts
    plain integers (percentielen_uit_emmers()). On PostgreSQL quicker to build, send and parse than an array of
    pairs (6 to 8 ms against 8 to 12 for last year's 6,800 buckets, measured on the bench database), and the same
    on both."""
    per_emmer = select(delen.c.d, delen.c.m, delen.c.t, func.sum(delen.c.n).label("n")).group_by(
        delen.c.d, delen.c.m, delen.c.t).having(func.sum(delen.c.n) != 0).subquery()
    lijst = func.aggregate_strings(cast(cast(per_emmer.c.t, BigInteger) * EMMER + per_emmer.c.n, Text), ",")
    return select(per_emmer.c.d, per_emmer.c.m, lijst).group_by(per_emmer.c.d, per_emmer.c.m)


def percentielen_uit_emmers(tekst: str, ps: tuple[float, ...] = PERCENTIELEN) -> list[float | None]:
    """percentielen() of one histogram as _histogrammen sends it: each bucket one integer, tenths * EMMER + cases,
    in no order. Sorted, the integers are the buckets by tenths; the tenths are read only at the ranks the
    percentiles fall on."""
    getallen = sorted(map(int, tekst.split(",")))
    return _op_rangen(getallen, list(accumulate([g & _AANTAL for g in getallen])), _SCHUIF, ps)


@lru_cache(maxsize=64)
def _histogrammen_uit_marges(vorm: tuple):
    """The histograms from the marginal tables' years, months and days of this shape, each added or taken off."""
    teller = count()
    stukken = [select(h.dienst_id.label("d"), h.maat.label("m"), h.tienden.label("t"),
                      _met_teken(h.zaken, teken).label("n")).where(_binnen(h, runs, teller))
               for h, runs, teken in vorm]
    return _histogrammen((stukken[0] if len(stukken) == 1 else union_all(*stukken)).subquery())


def _diensten_uit_feiten(session: Session, f: Filters, vandaag: date, namen: dict[int, str]) -> list[DienstRij]:
    """Per dienst: counts and missed deadlines summed, percentiles from the histograms of the times."""
    rijen: dict[int, DienstRij] = {}
    for did, n, hoogste, bz, gemist, te_laat, _ in session.execute(*_uit_feiten(session, [f], "dienst")).all():
        r = rijen.get(did)
        if r is None:
            r = rijen[did] = DienstRij(did, namen[did])
        r.zaken += int(n)
        r.hoogste_trede = max(r.hoogste_trede, int(hoogste or 0))
        r.bezwaren += int(bz)
        r.termijnen_gemist += int(gemist)
        r.zaken_te_laat += int(te_laat)
    # The histogram per dienst and time summed in SQL and sent as one text per dienst and time:
    # some 14,000 buckets over ten years at 1M cases, which cost more to fetch row by row than to sum. (Finding the
    # percentiles in SQL with a running sum was slower: the window sorts every bucket.) Without a filter from the
    # marginal tables' years, months and days, each added or taken off (_tijd_reeksen).
    if _marges(f):
        vorm, waarden = _vorm(_tijd_reeksen(f, vandaag))
        stmt = _histogrammen_uit_marges(vorm)
    else:
        h = RapportfeitTijd
        stmt, waarden = _histogrammen(select(h.dienst_id.label("d"), h.maat.label("m"), h.tienden.label("t"),
                                             h.zaken.label("n")).where(*f.feitvoorwaarden(h)).subquery()), {}
    for did, maat, tekst in session.execute(stmt, waarden).all():
        velden = ("reactie_mediaan", "reactie_p90") if maat == "reactie" else ("oplos_mediaan", "oplos_p90")
        for veld, waarde in zip(velden, percentielen_uit_emmers(tekst)):
            setattr(rijen[did], veld, _getal(waarde))
    return sorted(rijen.values(), key=lambda r: (-r.zaken, r.naam))


# ---------------------------------------------------------------- tables: one source for screen and exports


@dataclass(frozen=True)
class Kolom:
    naam: str
    soort: str = "tekst"  # tekst, aantal, verschil (signed), werkdagen, euro, procent

    @property
    def is_getal(self) -> bool:
        return self.soort != "tekst"

    def opmaak(self, waarde: Any) -> str:
        """The value as the screen, the CSV and the PDF show it (Dutch notation)."""
        if waarde is None:
            return "–"
        if self.soort == "aantal":
            return f"{int(waarde):,}".replace(",", ".")
        if self.soort == "verschil":
            return f"{int(waarde):+,}".replace(",", ".") if waarde else "0"
        if self.soort == "werkdagen":
            return f"{waarde:.1f}".replace(".", ",")
        if self.soort == "euro":
            return "€ " + f"{int(waarde):,}".replace(",", ".")
        if self.soort == "procent":
            return f"{int(waarde)}%"
        return str(waarde)


@dataclass
class Tabel:
    sleutel: str
    titel: str
    kolommen: list[Kolom]
    rijen: list[list[Any]]
    toelichting: str = ""
    doorklik: list[dict[str, str]] = field(default_factory=list)  # per row: the filters of the cases behind it

    def opgemaakt(self) -> list[list[str]]:
        return [[k.opmaak(v) for k, v in zip(self.kolommen, rij)] for rij in self.rijen]


def _laatste(o: OorzaakRij) -> str:
    if not o.vervolg:
        return "–"
    v = o.vervolg[0]
    return f"{v.datum:%d-%m-%Y} · {v.soort.label} ({'afgerond' if v.afgerond else 'loopt'})"


def _dagen(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def _periode(p: Periodecijfers | None) -> str:
    return "–" if p is None else f"{p.van:%d-%m-%Y} t/m {p.tot:%d-%m-%Y}"


def _verschil(nu: int, toen: int | None) -> int | None:
    return None if toen is None else nu - toen


def _vergelijking(r: Rapport) -> list[Kolom]:
    return [Kolom("Deze periode", "aantal"), Kolom("Vorige periode", "aantal"), Kolom("Verandering", "verschil"),
            Kolom("Jaar eerder", "aantal"), Kolom("Verandering t.o.v. jaar eerder", "verschil")]


def _rij(naam: str, nu: int, vorige: int | None, jaar: int | None) -> list:
    return [naam, nu, vorige, _verschil(nu, vorige), jaar, _verschil(nu, jaar)]


def kaartgebruik(r: Rapport) -> list[tuple[int, int, int, int, int, int]]:
    """Per card year: teams, quota, knips used, percentage used, teams under-using."""
    uit = []
    for jaar in sorted({k.jaar for k in r.knipkaarten}):
        kaarten = [k for k in r.knipkaarten if k.jaar == jaar]
        quotum, gebruikt = sum(k.quotum for k in kaarten), sum(k.gebruikt for k in kaarten)
        uit.append((jaar, len(kaarten), quotum, gebruikt, round(100 * gebruikt / quotum) if quotum else 0,
                    sum(1 for k in kaarten if k.onderbenut)))
    return uit


def _samenvattingstabellen(r: Rapport) -> list[Tabel]:
    """Page 1: the key figures beside the comparison periods, acute causes, card use, deadlines kept."""
    nu, vo, je = r.cijfers, r.vorige, r.jaar_eerder

    def waarde(p, veld):
        return None if p is None else getattr(p, veld)

    kern = Tabel(
        "kern", "Kerncijfers vergeleken met eerdere perioden", [Kolom("Kerncijfer")] + _vergelijking(r),
        [_rij(naam, getattr(nu, veld), waarde(vo, veld), waarde(je, veld)) for naam, veld in (
            ("Knippen", "knippen"), ("Escalaties", "escalaties"), ("Acute zaken", "acuut"),
            ("Zaken met een gemiste termijn", "zaken_te_laat"), ("Bezwaren van diensten", "bezwaren"),
            ("Vermeden maatschappelijke kosten (euro)", "vermeden"))],
        f"Deze periode: {_periode(nu)}; vorige periode: {_periode(vo)}; jaar eerder: {_periode(je)}. Geteld per "
        "zaak, op de datum van versturen, met dezelfde filters. Verandering: deze periode min de eerdere. "
        "Een zaak met een gemiste termijn telt één keer, hoeveel termijnen er ook verliepen.")
    acuut = Tabel(
        "acuut", "De drie oorzaken met de meeste acute nood", [Kolom("Oorzaak")] + _vergelijking(r),
        [_rij(o.naam, o.acuut, waarde(vo, "acuut_per_oorzaak").get(o.oorzaak_id, 0) if vo else None,
              waarde(je, "acuut_per_oorzaak").get(o.oorzaak_id, 0) if je else None) for o in r.meest_acuut],
        "Zaken (knippen en escalaties) met urgentie acuut, per systeemoorzaak; de trend is de verandering "
        "tegenover de vorige periode en hetzelfde deel van het jaar ervoor.",
        [{"oorzaak": str(o.oorzaak_id), "urgentie": Urgentie.ACUUT.value} for o in r.meest_acuut])
    kaart = Tabel(
        "kaartgebruik", "Gebruik van de knipkaart, alle teams samen",
        [Kolom("Jaar"), Kolom("Teams", "aantal"), Kolom("Quotum", "aantal"), Kolom("Gebruikt", "aantal"),
         Kolom("Gebruikt van quotum", "procent"), Kolom("Teams die onderbenutten", "aantal")],
        [[str(j), n, q, g, p, o] for j, n, q, g, p, o in kaartgebruik(r)],
        "Gebruikt: ingezette knippen min teruggegeven knippen, per kalenderjaar. Onderbenutten is zelf een "
        "bevinding: in Rotterdam was na een jaar 8% van het budget gebruikt.")
    termijnen = Tabel(
        "termijnen", "Termijnen gehaald per dienst",
        [Kolom("Dienst"), Kolom("Zaken", "aantal"), Kolom("Zaken binnen termijn", "aantal"),
         Kolom("Binnen termijn", "procent"), Kolom("Zaken te laat", "aantal"), Kolom("Termijnen gemist", "aantal")],
        [[d.naam, d.zaken, d.zaken - d.zaken_te_laat,
          round(100 * (d.zaken - d.zaken_te_laat) / d.zaken) if d.zaken else 0, d.zaken_te_laat, d.termijnen_gemist]
         for d in r.diensten],
        "Per zaak: binnen termijn als geen enkele termijn (reactie, oplossing, elke trede van de ladder) verliep. "
        "Termijnen gemist telt elke verlopen termijn, dus één zaak kan er meerdere hebben.",
        [{"dienst": str(d.dienst_id)} for d in r.diensten])
    conclusies = Tabel(
        "conclusies", "Conclusies van management over deze periode",
        [Kolom("Conclusie"), Kolom("Vastgelegd door"), Kolom("Vastgelegd op")],
        [[c.tekst, c.vastgelegd_door.naam, f"{amsterdam(c.vastgelegd_op):%d-%m-%Y %H:%M}"] for c in r.conclusies],
        "De bovenste is de geldende tekst; eerdere versies blijven zichtbaar.")
    return [kern, acuut, kaart, termijnen, conclusies]


def _nazorgtabellen(session: Session, f: Filters, namen: Namen | None = None) -> list[Tabel]:
    from .effectrapport import nazorgtabellen

    return nazorgtabellen(session, f, namen)


def tabellen(r: Rapport) -> list[Tabel]:
    """The report as tables, in the order the screen shows them."""
    t = _samenvattingstabellen(r) + [
        Tabel("samenvatting", "Samenvatting", [Kolom("Onderwerp"), Kolom("Aantal", "aantal")], [
            ["Knippen", r.knippen], ["Escalaties", r.escalaties], ["Waarvan geen inkomen", r.geen_inkomen],
            ["Waarvan bovenlokaal", r.bovenlokaal], ["Bezwaren van diensten", r.bezwaren],
            ["Teams die hun knipkaart onderbenutten", len(r.onderbenut)],
        ], "Per zaak in de periode: een knip is een zaak waarvoor het team een knip van de kaart inzette, een "
           "escalatie een zaak die het team zonder knip voorlegde."),
        Tabel("oorzaken", "Knippen en escalaties per oorzaak",
              [Kolom("Oorzaak"), Kolom("Knippen", "aantal"), Kolom("Escalaties", "aantal"), Kolom("Totaal", "aantal"),
               Kolom("Geen inkomen", "aantal"), Kolom("Bovenlokaal", "aantal"), Kolom("Acuut", "aantal"),
               Kolom("Structureel", "aantal"), Kolom("Bezwaren", "aantal"), Kolom("Laatste vervolgactie")],
              [[o.naam + ("" if o.actief else " (vervallen)"), o.knippen, o.escalaties, o.totaal, o.geen_inkomen,
                o.bovenlokaal, o.acuut, o.structureel, o.bezwaren, _laatste(o)] for o in r.oorzaken if o.totaal],
              "Per zaak, naar de systeemoorzaak die het team koos. Structureel: bij het sluiten noemde het team het "
              "knelpunt structureel. Alle vervolgacties staan onderaan.",
              [{"oorzaak": str(o.oorzaak_id)} for o in r.oorzaken if o.totaal]),
        Tabel("per_maand", "Aantal per oorzaak per maand",
              [Kolom("Oorzaak")] + [Kolom(maand_label(m), "aantal") for m in r.maanden],
              [[o.naam] + [o.per_maand.get(m, 0) for m in r.maanden] for o in r.oorzaken if o.totaal],
              "Knippen en escalaties samen, per maand van versturen (Nederlandse tijd)."),
        Tabel("diensten", "Reactie en oplossing per dienst (werkdagen)",
              [Kolom("Dienst"), Kolom("Zaken", "aantal"), Kolom("Reactie mediaan", "werkdagen"),
               Kolom("Reactie 90e percentiel", "werkdagen"), Kolom("Oplossing mediaan", "werkdagen"),
               Kolom("Oplossing 90e percentiel", "werkdagen"), Kolom("Termijnen gemist", "aantal"),
               Kolom("Zaken te laat", "aantal"), Kolom("Hoogste trede"), Kolom("Bezwaren", "aantal")],
              [[d.naam, d.zaken, _dagen(d.reactie_mediaan), _dagen(d.reactie_p90), _dagen(d.oplos_mediaan),
                _dagen(d.oplos_p90), d.termijnen_gemist, d.zaken_te_laat, d.hoogste_trede_naam, d.bezwaren]
               for d in r.diensten],
              "Per zaak; werktijd (08:30–17:00 op werkdagen) vanaf aankomst bij de dienst; wachten op het wijkteam telt niet "
              "mee. Tijden in tienden van een werkdag; percentielen met lineaire interpolatie. Termijnen gemist telt elke verlopen termijn, zaken te laat "
              "elke zaak met minstens één, dus termijnen gemist kan groter zijn dan het aantal zaken.",
              [{"dienst": str(d.dienst_id)} for d in r.diensten]),
        Tabel("knipkaarten", "Gebruik van de knipkaart per team",
              [Kolom("Wijkteam"), Kolom("Jaar"), Kolom("Quotum", "aantal"), Kolom("Ingezet", "aantal"),
               Kolom("Teruggegeven", "aantal"), Kolom("Gebruikt", "aantal"), Kolom("Gebruikt van quotum", "procent"),
               Kolom("Onderbenut")],
              [[k.wijkteam, str(k.jaar), k.quotum, k.ingezet, k.teruggegeven, k.gebruikt, k.procent,
                "ja" if k.onderbenut else "nee"] for k in r.knipkaarten],
              "Per kalenderjaar en team, per knip: ingezet telt elke ingezette knip, ook die later terugkwamen "
              "(teruggegeven), dus ingezet kan boven het quotum liggen; gebruikt is ingezet min teruggegeven. "
              "De filters dienst, oorzaak en urgentie gelden hier niet. Onderbenut: minder "
              "dan de helft van het quotum gebruikt, naar rato van het verstreken deel van het jaar.",
              [{"wijkteam": str(k.wijkteam_id)} for k in r.knipkaarten]),
        Tabel("regels", "Meest genoemde blokkerende regels",
              [Kolom("Blokkerende regel (geanonimiseerd voorbeeld)"), Kolom("Aantal", "aantal"),
               Kolom("Teams", "aantal"), Kolom("Dienst van het voorbeeld")],
              [[g.fragment, g.aantal, g.teams, g.dienst] for g in r.regels],
              "Gelijk geformuleerde regels zijn samengenomen; cliëntreferenties, namen en nummers zijn weggelaten."),
        Tabel("kosten", "Vermeden maatschappelijke kosten",
              [Kolom("Scenario"), Kolom("Prijs per eenheid", "euro"), Kolom("Eenheid"), Kolom("Zaken", "aantal"),
               Kolom("Aantal", "aantal"), Kolom("Bedrag", "euro")],
              [[k.naam, k.prijs, k.eenheid, k.zaken, k.aantal, k.bedrag] for k in r.kosten]
              + ([["Totaal", None, "", sum(k.zaken for k in r.kosten), None, r.vermeden]] if r.kosten else []),
              "Wat zonder de knip of escalatie waarschijnlijk was gebeurd, zoals het team het opgaf, tegen de "
              "prijslijst hieronder."),
        Tabel("kosten_oorzaak", "Vermeden kosten per oorzaak",
              [Kolom("Oorzaak"), Kolom("Bedrag", "euro")],
              [[o.naam, o.vermeden] for o in sorted(r.oorzaken, key=lambda o: -o.vermeden) if o.vermeden],
              "De bedragen van de tabel hierboven, opgeteld per oorzaak van de zaak."),
        Tabel("prijslijst", "Prijslijst",
              [Kolom("Post"), Kolom("Prijs", "euro"), Kolom("Per"), Kolom("Bandbreedte"), Kolom("Bron")],
              [[p.naam + ("" if p.actief else " (vervallen)"), p.prijs, p.eenheid, p.bandbreedte, p.bron]
               for p in r.prijslijst],
              "De maatschappelijke prijslijst die de beheerder bijhoudt; standaard die van de Zaanse evaluatie."),
        Tabel("vervolg", "Vervolgacties per oorzaak",
              [Kolom("Oorzaak"), Kolom("Datum"), Kolom("Soort"), Kolom("Besluit"), Kolom("Eigenaar"), Kolom("Status")],
              [[o.naam, v.datum.strftime("%d-%m-%Y"), v.soort.label, v.besluit, v.eigenaar,
                "afgerond" if v.afgerond else "loopt"] for o in r.oorzaken for v in o.vervolg],
              "Alle vastgelegde vervolgacties, ook van vóór de periode, nieuwste eerst."),
    ]
    t += r.nazorg  # after the decision: effects, end points, consent (workflows.effectrapport)
    return t


# ---------------------------------------------------------------- follow-up actions


def vervolgactie_vastleggen(session: Session, *, oorzaak_id: int, soort, besluit: str, eigenaar: str, datum: date,
                            afgerond: bool, door_gebruiker_id: int, now: datetime) -> Vervolgactie:
    """Record what management decided about a cause; the report shows it beside the cause from now on."""
    from .fouten import OngeldigeInvoer
    from .models import VervolgSoort
    from .privacy import BSN_MELDING, vind_bsn

    if session.get(Oorzaak, oorzaak_id) is None:
        raise OngeldigeInvoer("Kies een oorzaak uit de lijst.", veld="oorzaak_id")
    besluit, eigenaar = (besluit or "").strip(), (eigenaar or "").strip()
    if not besluit:
        raise OngeldigeInvoer("Beschrijf het besluit of de afspraak.", veld="besluit")
    if not eigenaar:
        raise OngeldigeInvoer("Vul de eigenaar in.", veld="eigenaar")
    for veld, tekst in (("besluit", besluit), ("eigenaar", eigenaar)):
        if vind_bsn(tekst):
            raise OngeldigeInvoer(BSN_MELDING, veld=veld)
    v = Vervolgactie(oorzaak_id=oorzaak_id, soort=VervolgSoort(soort), besluit=besluit, eigenaar=eigenaar,
                     datum=datum, afgerond=afgerond, vastgelegd_door_id=door_gebruiker_id, vastgelegd_op=now)
    session.add(v)
    session.flush()
    return v


# ---------------------------------------------------------------- management's conclusions per period


def conclusies_van(session: Session, van: date, tot: date) -> list[Rapportconclusie]:
    """Every version of management's conclusions for exactly this period, newest first."""
    return list(session.scalars(_vaste_selects().conclusies, {"van": van, "tot": tot}))


def conclusie_vastleggen(session: Session, *, van: date, tot: date, tekst: str, door_gebruiker_id: int,
                         now: datetime) -> Rapportconclusie:
    """Record management's conclusions for the period van..tot as a new version; earlier versions stay."""
    from .fouten import OngeldigeInvoer
    from .privacy import BSN_MELDING, vind_bsn

    tekst = (tekst or "").strip()
    if not tekst:
        raise OngeldigeInvoer("Schrijf de conclusies voor deze periode.", veld="tekst")
    if tot < van:
        raise OngeldigeInvoer("De einddatum ligt vóór de begindatum.", veld="tekst")
    if vind_bsn(tekst):
        raise OngeldigeInvoer(BSN_MELDING, veld="tekst")
    c = Rapportconclusie(van=van, tot=tot, tekst=tekst, vastgelegd_door_id=door_gebruiker_id, vastgelegd_op=now)
    session.add(c)
    session.flush()
    return c


# ---------------------------------------------------------------- drill-down: the anonymised cases behind a figure

MAX_DOORKLIK = 500


def zaken_achter(session: Session, f: Filters, limiet: int = MAX_DOORKLIK) -> tuple[Tabel, int]:
    """The cases behind a figure, anonymised for management: no cliëntreferentie, no free text but the blocking
    rule (with names, numbers and the cliëntreferentie taken out). Newest first, at most `limiet`; and the total."""
    totaal = session.scalar(select(func.count()).select_from(Zaak).where(*f.voorwaarden())) or 0
    rijen = session.execute(
        select(Zaak.nummer, Zaak.soort, Dienst.naam, Wijkteam.naam, Oorzaak.naam, Zaak.urgentie, Zaak.verstuurd_op,
               Zaak.opgelost_op, Zaak.blokkerende_regel, Zaak.clientreferentie, Zaak.uitkomst)
        .join(Dienst, Dienst.id == Zaak.dienst_id).join(Wijkteam, Wijkteam.id == Zaak.wijkteam_id)
        .join(Oorzaak, Oorzaak.id == Zaak.oorzaak_id).where(*f.voorwaarden())
        .order_by(Zaak.verstuurd_op.desc(), Zaak.id.desc()).limit(limiet)).all()
    weg = tuple(namen_van_personen(session))

    def datum(x):
        return f"{amsterdam(x):%d-%m-%Y}" if x else "–"

    tabel = Tabel(
        "zaken", "Zaken achter het cijfer",
        [Kolom("Zaaknummer"), Kolom("Soort"), Kolom("Dienst"), Kolom("Wijkteam"), Kolom("Oorzaak"),
         Kolom("Urgentie"), Kolom("Verstuurd"), Kolom("Opgelost"), Kolom("Blokkerende regel (geanonimiseerd)"),
         Kolom("Uitkomst")],
        [[nummer or "–", soort.value, dienst, team, oorzaak, urgentie.label, datum(verstuurd), datum(opgelost),
          anonimiseer(regel or "", [ref], personen=weg) or "–", uitkomst.label if uitkomst else "loopt nog"]
         for nummer, soort, dienst, team, oorzaak, urgentie, verstuurd, opgelost, regel, ref, uitkomst in rijen],
        "Per zaak, met dezelfde filters als het cijfer. Geen cliëntreferentie en geen vrije tekst behalve de "
        "blokkerende regel, waaruit namen, nummers en de cliëntreferentie zijn weggelaten.")
    return tabel, int(totaal)
