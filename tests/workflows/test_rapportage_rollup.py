"""The report answered from the roll-up (workflows.rapportfeiten) equals the full computation over the cases.

Random case histories, made through the use cases as the app makes them (sending, reactions, questions and
answers, solutions, objections, closing, reopening, forwarding to the Landelijk Maatwerkloket, withdrawing,
deadline steps that miss and climb), then erasure by retention. After each history, the report from the
roll-up and the report computed over the cases give the same tables as the screen shows them (after the
report's rounding), for several periods and filters, with their comparison periods: whole months and edge days
(the marginal tables per month and per day) without a filter, the full day tables with one. Every marginal row
equals the aggregate of the day tables after changes, catch-ups and a rebuild. On both databases.
"""
from __future__ import annotations

import random
import re
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from workflows import usecases, zaken
from workflows.bewaring import wis_zaken
from workflows.fouten import DomeinFout
from workflows.kalender import TZ
from workflows.models import (
    Contactpersoon,
    Dienst,
    KnipkaartMutatie,
    LadderFunctie,
    LadderTrede,
    Oorzaak,
    Status,
    Urgentie,
    Zaak,
    ZaakSoort,
)
from workflows.prijslijst import zorg_voor_standaardlijst
from workflows.rapportage import Filters, maak_rapport, tabellen
from workflows.rapportfeiten import (
    MARGES,
    TABELLEN,
    JaarTijd,
    Kaartstand,
    TIJD_OPLOS,
    Rapportfeit,
    RapportfeitKosten,
    RapportfeitRegel,
    RapportfeitTijd,
    RapportfeitVuil,
    bijwerken_wat_veranderde,
    herbouwen,
    teams_van,
)

NU = datetime(2026, 7, 1, 9, 0, tzinfo=TZ)
REGELS = ["De zoektermijn van vier weken", "  de ZOEKTERMIJN van vier weken ", "Geen IB60 voor {ref}",
          "Kostendelersnorm", "kostendelersnorm  ", "Eén indicatie per huishouden", "EÉN INDICATIE PER HUISHOUDEN", "Mevrouw Jansen wacht"]
DIENST_ACTIES = {ZaakSoort.ESCALATIE: ["ontvangen", "in_behandeling", "vraag", "toegekend", "afgewezen", "anders_opgelost"],
                 ZaakSoort.KNIP: ["ontvangen", "uitgevoerd", "regulier", "bezwaar"]}
TEAM_ACTIES = ["beantwoorden"] * 3 + ["sluiten"] * 3 + ["heropenen"] * 2 + ["intrekken"]


class Gemeente:
    """The test world plus a second cause, a ladder at Werk & Inkomen and the Landelijk Maatwerkloket."""

    def __init__(self, s, w):
        self.w = w
        self.lmw = Dienst(naam="Landelijk Maatwerkloket", mailbox="lmw@test.local", landelijk=True)
        self.derde = Oorzaak(naam="Kostendelersnorm", volgorde=2)
        s.add_all([self.lmw, self.derde])
        s.flush()
        for niveau, (naam, functie) in enumerate([("Teun Leider", LadderFunctie.TEAMLEIDER),
                                                  ("Mira Manager", LadderFunctie.MANAGER),
                                                  ("Frits Maatwerk", LadderFunctie.MAATWERKFUNCTIONARIS)], start=1):
            cp = w.teamleider_wi if niveau == 1 else Contactpersoon(
                naam=naam, email=f"ladder{niveau}@test.local", dienst_id=w.wi.id, functie=functie)
            s.add(cp)
            s.flush()
            s.add(LadderTrede(dienst_id=w.wi.id, niveau=niveau, contactpersoon_id=cp.id))
            self.mwf = cp
        self.prijzen = [p.id for p in zorg_voor_standaardlijst(s).values()]
        s.commit()


def _poging(s, actie) -> bool:
    """One step of a history, in a savepoint: a step the case does not allow now changes nothing."""
    try:
        with s.begin_nested():
            actie()
        return True
    except DomeinFout:
        return False


def geschiedenis(s, g: Gemeente, rnd: random.Random, aantal: int) -> list[int]:
    """`aantal` random cases sent between January 2025 and June 2026, each with a random run of steps."""
    w = g.w
    teams = [(w.team, zaken.Actor.gebruiker(w.manager)), (w.ander_team, zaken.Actor.gebruiker(w.andere_manager))]
    mwf = zaken.Actor.dienst("Frits Maatwerk (Werk & Inkomen)", g.mwf.id, "maatwerkfunctionaris")
    ids = []
    for i in range(aantal):
        team, manager = rnd.choice(teams)
        knip = rnd.random() < 0.3
        dienst = w.wi if knip or rnd.random() < 0.6 else w.wmo
        ref = f"REF-{i:03d}"
        invoer = w.invoer(
            dienst=dienst, clientreferentie=ref, urgentie=rnd.choice([Urgentie.ACUUT, Urgentie.HOOG, Urgentie.NORMAAL]),
            oorzaak_id=rnd.choice([w.oorzaak.id, w.anders.id, g.derde.id]), oorzaak_toelichting="Belastingdienst",
            geen_inkomen=rnd.random() < 0.4, bovenlokaal=rnd.random() < 0.6,
            blokkerende_regel=rnd.choice(REGELS).format(ref=ref),
            scenario=[(p, rnd.randint(1, 30)) for p in rnd.sample(g.prijzen, rnd.randint(0, 2))])
        if not knip:
            invoer.uitzondering = None
        when = datetime(2025, 1, 1, tzinfo=TZ) + timedelta(minutes=rnd.randrange(0, 546 * 24 * 60))
        zaak = zaken.nieuwe_zaak(s, manager, ZaakSoort.KNIP if knip else ZaakSoort.ESCALATIE, invoer, when)
        if not _poging(s, lambda: zaken.uitvoeren(s, manager, zaak, "versturen", when)):
            s.commit()
            continue
        ids.append(zaak.id)
        for _ in range(rnd.randint(0, 9)):
            when += timedelta(minutes=rnd.randrange(30, 6 * 24 * 60))
            if when >= NU:
                break
            stap = rnd.random()
            if stap < 0.15:
                usecases.termijnstappen_nemen(s, zaak.id, when)
            elif stap < 0.3:
                _poging(s, lambda: zaken.uitvoeren(s, mwf, zaak, "doorsturen_lmw", when, toelichting="Naar het LET"))
            elif stap < 0.7:
                dienstactor = zaken.Actor.dienst("De dienst", zaak.ontvanger_id)
                _poging(s, lambda: zaken.uitvoeren(s, dienstactor, zaak, rnd.choice(DIENST_ACTIES[zaak.soort]), when,
                                                   toelichting="Zo gedaan"))
            else:
                _poging(s, lambda: zaken.uitvoeren(s, manager, zaak, rnd.choice(TEAM_ACTIES), when,
                                                   toelichting="Zo gedaan", structureel=rnd.random() < 0.5))
        s.commit()
    return ids


def _rapport(s, f: Filters, bron: str):
    r = maak_rapport(s, f, NU, bron=bron)
    cijfers = [(t.sleutel, t.kolommen, t.opgemaakt(), t.doorklik) for t in tabellen(r)]
    return cijfers, r


FILTERS = [
    lambda g: Filters(date(2026, 1, 1), date(2026, 6, 30)),  # half a year: previous half year, a year earlier
    lambda g: Filters(date(2025, 3, 17), date(2026, 5, 9)),  # not whole months
    lambda g: Filters(date(2025, 1, 1), date(2025, 12, 31)),  # a year: compared with the year before once
    lambda g: Filters(date(2025, 10, 1), date(2026, 6, 30), wijkteam_id=g.w.ander_team.id),
    lambda g: Filters(date(2025, 7, 1), date(2026, 6, 30), dienst_id=g.w.wi.id),
    lambda g: Filters(date(2025, 7, 1), date(2026, 6, 30), dienst_id=g.lmw.id),
    lambda g: Filters(date(2025, 4, 1), date(2026, 6, 30), oorzaak_id=g.derde.id, urgentie=Urgentie.ACUUT),
    lambda g: Filters(date(2026, 2, 10), date(2026, 2, 10)),  # one day
    # Whole months from the month tables, the days at the edges from the day tables:
    lambda g: Filters(date(2025, 2, 14), date(2026, 6, 30)),  # a first edge, then whole months
    lambda g: Filters(date(2025, 6, 1), date(2026, 3, 20)),  # whole months, then a last edge
    lambda g: Filters(date(2025, 11, 30), date(2026, 1, 2)),  # one whole month between two edges across a year
    lambda g: Filters(date(2026, 2, 1), date(2026, 2, 27)),  # no whole month: days only, from the first
    lambda g: Filters(date(2024, 12, 15), date(2025, 2, 3)),  # edges and months before the first case
    lambda g: Filters(date(2024, 11, 20), date(2026, 3, 5)),  # a whole year (histograms per year), months, edges
    lambda g: Filters(date(2025, 1, 1), date(2026, 6, 30)),  # a whole year and whole months
    # Histograms as a larger unit minus what lies around it (NU is 10 March 2026; cases are sent up to June 2026):
    lambda g: Filters(date(2026, 1, 1), date(2026, 3, 9)),  # this year minus 10 March to December, which hold cases
    lambda g: Filters(date(2025, 1, 25), date(2025, 12, 31)),  # 2025 minus January, plus January's last week
    lambda g: Filters(date(2025, 2, 3), date(2025, 12, 28)),  # 2025 minus January, 1-2 February and 29-31 December
    # Sums as a month minus the days around it (som_delen), which hold cases; the blocking rules' top from them:
    lambda g: Filters(date(2025, 1, 5), date(2026, 3, 20)),  # January minus 1-4 January, March minus 21-31 March
    lambda g: Filters(date(2026, 3, 1), date(2026, 3, 9)),  # March minus 10-31 March: a month with cases after it
    # ... and with a filter the marginal tables do not carry, from the full day tables:
    lambda g: Filters(date(2025, 2, 14), date(2026, 5, 9), wijkteam_id=g.w.team.id),
    lambda g: Filters(date(2025, 6, 1), date(2026, 3, 20), urgentie=Urgentie.HOOG),
    lambda g: Filters(date(2025, 11, 30), date(2026, 1, 2), oorzaak_id=g.w.oorzaak.id),
]


def _zelfde(s, g: Gemeente) -> None:
    for maak in FILTERS:
        f = maak(g)
        uit_feiten, r = _rapport(s, f, "feiten")
        uit_zaken, r_zaken = _rapport(s, f, "zaken")
        assert uit_feiten == uit_zaken, f
        # The key figures of the comparison periods, also those page 1 shows only as a change.
        assert (r.vorige, r.jaar_eerder) == (r_zaken.vorige, r_zaken.jaar_eerder), f
        # And the report's own rows, not only what the tables show of them: no cause or month with nothing in it.
        assert [(o.oorzaak_id, o.knippen, o.escalaties, o.per_maand) for o in r.oorzaken] == [
            (o.oorzaak_id, o.knippen, o.escalaties, o.per_maand) for o in r_zaken.oorzaken], f
        assert (r.knippen_per_maand, r.escalaties_per_maand) == (r_zaken.knippen_per_maand,
                                                                 r_zaken.escalaties_per_maand), f
        assert (r.kosten, r.regels) == (r_zaken.kosten, r_zaken.regels), f


def _inhoud(s) -> list:
    """Every row of the roll-up, the marginal tables too, without surrogate ids, in a fixed order."""
    uit = []
    for tabel in TABELLEN:
        kolommen = [k for k in tabel.__table__.c if k.name != "id"]
        uit.append(sorted(tuple(str(v) for v in rij) for rij in s.execute(select(*kolommen)).all()))
    return uit + [_marges(s)]


def _marges(s) -> dict[str, list]:
    """Every marginal row per table as {column: value} (a rule's teams as a sorted tuple), in a fixed order."""
    uit = {}
    for groep in [*MARGES.values(), (JaarTijd, Kaartstand)]:
        for tabel in groep:
            kolommen = [k for k in tabel.__table__.c if k.name != "id"]
            rijen = []
            for rij in s.execute(select(*kolommen)).all():
                d = dict(zip([k.name for k in kolommen], rij))
                if "teams" in d:
                    d["teams"] = tuple(sorted(teams_van(d["teams"])))
                rijen.append(_vast(d))
            uit[tabel.__tablename__] = sorted(rijen)
    return uit


def _vast(d: dict) -> tuple:
    return tuple(sorted((k, str(v.value if hasattr(v, "value") else v)) for k, v in d.items()))


def _marges_uit_de_dagtabellen(s) -> dict[str, list]:
    """The marginal rows as they should be: the day tables summed in Python per day, per month and (the time
    histograms) per year, over the cases the report counts (advice questions left out); and the cards' counts
    from their ledgers."""
    uit = {}
    for korrel in ("dag", "maand"):
        def periode(dag):
            return dag if korrel == "dag" else dag.replace(day=1)

        oorzaak, dienst, tijd, kosten, regel = {}, {}, {}, {}, {}
        for r in s.scalars(select(Rapportfeit)):
            if r.soort == ZaakSoort.ADVIESVRAAG:
                continue
            o = oorzaak.setdefault((periode(r.dag), r.oorzaak_id, r.soort), dict.fromkeys(
                ("zaken", "geen_inkomen", "bovenlokaal", "acuut", "structureel", "bezwaren", "zaken_te_laat"), 0))
            for veld in ("zaken", "geen_inkomen", "bovenlokaal", "structureel", "bezwaren", "zaken_te_laat"):
                o[veld] += getattr(r, veld)
            o["acuut"] += r.zaken if r.urgentie == Urgentie.ACUUT else 0
            d = dienst.setdefault((periode(r.dag), r.dienst_id), dict.fromkeys(
                ("zaken", "hoogste_trede", "bezwaren", "termijnen_gemist", "zaken_te_laat"), 0))
            for veld in ("zaken", "bezwaren", "termijnen_gemist", "zaken_te_laat"):
                d[veld] += getattr(r, veld)
            d["hoogste_trede"] = max(d["hoogste_trede"], r.hoogste_trede)
        for h in s.scalars(select(RapportfeitTijd)):
            if h.soort != ZaakSoort.ADVIESVRAAG:
                sleutel = (periode(h.dag), h.dienst_id, h.maat, h.tienden)
                tijd[sleutel] = tijd.get(sleutel, 0) + h.zaken
        for k in s.scalars(select(RapportfeitKosten)):
            if k.soort != ZaakSoort.ADVIESVRAAG:
                som = kosten.setdefault((periode(k.dag), k.oorzaak_id, k.prijspost_id), [0, 0])
                som[0], som[1] = som[0] + k.zaken, som[1] + k.aantal
        for r in s.scalars(select(RapportfeitRegel)):
            if r.soort != ZaakSoort.ADVIESVRAAG:
                som = regel.setdefault((periode(r.dag), r.sleutel), [0, r.eerste_zaak_id, set()])
                som[0] += r.zaken
                som[1] = min(som[1], r.eerste_zaak_id)
                som[2].add(r.wijkteam_id)
        uit[f"rapport{korrel}_oorzaak"] = sorted(_vast(dict(periode=p, oorzaak_id=o, soort=st, **w))
                                                 for (p, o, st), w in oorzaak.items())
        uit[f"rapport{korrel}_dienst"] = sorted(_vast(dict(periode=p, dienst_id=d, **w)) for (p, d), w in dienst.items())
        uit[f"rapport{korrel}_tijd"] = sorted(_vast(dict(periode=p, dienst_id=d, maat=m, tienden=t, zaken=n))
                                              for (p, d, m, t), n in tijd.items())
        uit[f"rapport{korrel}_kosten"] = sorted(_vast(dict(periode=p, oorzaak_id=o, prijspost_id=pp, zaken=n, aantal=a))
                                                for (p, o, pp), (n, a) in kosten.items())
        uit[f"rapport{korrel}_regel"] = sorted(
            _vast(dict(periode=p, sleutel=sl, zaken=n, eerste_zaak_id=e, teams=tuple(sorted(t))))
            for (p, sl), (n, e, t) in regel.items())
    jaar = {}
    for h in s.scalars(select(RapportfeitTijd)):
        if h.soort != ZaakSoort.ADVIESVRAAG:
            sleutel = (h.dag.replace(month=1, day=1), h.dienst_id, h.maat, h.tienden)
            jaar[sleutel] = jaar.get(sleutel, 0) + h.zaken
    uit["rapportjaar_tijd"] = sorted(_vast(dict(periode=p, dienst_id=d, maat=m, tienden=t, zaken=n))
                                     for (p, d, m, t), n in jaar.items())
    kaarten = {}
    for m in s.scalars(select(KnipkaartMutatie)):
        telling = kaarten.setdefault(m.knipkaart_id, {"ingezet": 0, "teruggegeven": 0})
        telling[m.soort.value] += 1
    uit["rapportkaart"] = sorted(_vast(dict(knipkaart_id=k, **t)) for k, t in kaarten.items())
    return uit


@pytest.mark.parametrize("zaad", [1, 2, 3])
def test_the_report_from_the_rollup_equals_the_full_computation_over_random_histories(db_session, wereld, zaad):
    g = Gemeente(db_session, wereld)
    rnd = random.Random(zaad)
    ids = geschiedenis(db_session, g, rnd, 45)
    zaken_ = db_session.scalars(select(Zaak).where(Zaak.id.in_(ids))).all()
    # The histories reach what the report counts: reactions, solutions, objections, late cases, the LMW.
    assert any(z.reactie_werkdagen is not None for z in zaken_) and any(z.oplos_werkdagen is not None for z in zaken_)
    assert any(z.dienst_id == g.lmw.id for z in zaken_) and any(z.hoogste_trede > 0 for z in zaken_)
    _zelfde(db_session, g)

    # Retention erases the free text of cases closed long enough ago and anonymises their blocking rule.
    gesloten = [z.id for z in zaken_ if z.status in (Status.GESLOTEN, Status.TERUGGETROKKEN)]
    assert gesloten
    wis_zaken(db_session, gesloten, NU)
    db_session.commit()
    _zelfde(db_session, g)


def test_the_rollup_kept_with_every_change_equals_one_rebuilt_from_the_cases(db_session, wereld):
    g = Gemeente(db_session, wereld)
    ids = geschiedenis(db_session, g, random.Random(7), 30)
    wis_zaken(db_session, ids[:5], NU)
    db_session.commit()
    assert bijwerken_wat_veranderde(db_session) > 0
    db_session.commit()
    bijgehouden = _inhoud(db_session)
    assert bijgehouden[0]  # there is something to compare
    herbouwen(db_session)
    db_session.commit()
    assert _inhoud(db_session) == bijgehouden


def test_the_marginal_rows_equal_the_aggregate_of_the_day_tables_after_changes_and_catch_ups(db_session, wereld):
    g = Gemeente(db_session, wereld)
    rnd = random.Random(13)
    ids = geschiedenis(db_session, g, rnd, 30)
    bijwerken_wat_veranderde(db_session)
    db_session.commit()
    verwacht = _marges_uit_de_dagtabellen(db_session)
    assert verwacht["rapportmaand_regel"] and verwacht["rapportjaar_tijd"] and verwacht["rapportkaart"]
    assert _marges(db_session) == verwacht

    # Later changes to cases sent months ago (a solution, a deadline step), new cases, erasure: caught up again.
    for zid in ids[:10]:
        zaak = db_session.get(Zaak, zid)
        dienstactor = zaken.Actor.dienst("De dienst", zaak.ontvanger_id)
        _poging(db_session, lambda: zaken.uitvoeren(db_session, dienstactor, zaak, "ontvangen", NU,
                                                      toelichting="Ontvangen"))
        usecases.termijnstappen_nemen(db_session, zid, NU)
        db_session.commit()
    geschiedenis(db_session, g, rnd, 10)
    wis_zaken(db_session, ids[10:16], NU)
    db_session.commit()
    assert bijwerken_wat_veranderde(db_session) > 0
    db_session.commit()
    bijgehouden = _marges(db_session)
    assert bijgehouden == _marges_uit_de_dagtabellen(db_session)
    assert bijgehouden != verwacht  # the changes reached them
    herbouwen(db_session)
    db_session.commit()
    assert _marges(db_session) == bijgehouden


def test_the_unfiltered_report_reads_the_marginal_tables_and_a_filtered_one_the_day_tables(db_session, wereld):
    """Guards the equality tests above against passing by a fallback: without a filter the report reads the year
    and month tables for the whole years and months and the day tables of the marginal roll-up for the edges,
    never the full day tables; with a filter on team, dienst, cause or urgency it reads the full day tables and no
    marginal one. The card use comes from the cards' counts, not the ledger."""
    from sqlalchemy import event

    g = Gemeente(db_session, wereld)
    geschiedenis(db_session, g, random.Random(17), 10)
    bijwerken_wat_veranderde(db_session)
    db_session.commit()

    def gelezen(f: Filters) -> set[str]:
        gezien = []
        engine = db_session.get_bind()
        noteer = lambda conn, cursor, statement, *rest: gezien.append(statement)  # noqa: E731
        event.listen(engine, "before_cursor_execute", noteer)
        try:
            maak_rapport(db_session, f, NU)
        finally:
            event.remove(engine, "before_cursor_execute", noteer)
        return {t.lower() for q in gezien for t in re.findall(r"\b(?:FROM|JOIN)\s+(rapport\w+|knipkaart_mutatie)",
                                                               q, re.IGNORECASE)}

    tabellen = gelezen(Filters(date(2024, 11, 20), date(2026, 5, 9)))
    assert {"rapportmaand_oorzaak", "rapportdag_oorzaak", "rapportjaar_tijd", "rapportmaand_tijd", "rapportdag_tijd",
            "rapportmaand_regel", "rapportdag_regel", "rapportmaand_kosten", "rapportdag_dienst",
            "rapportkaart"} <= tabellen
    assert not tabellen & {t.__tablename__ for t in TABELLEN}, tabellen
    tabellen = gelezen(Filters(date(2025, 3, 17), date(2026, 5, 9), dienst_id=wereld.wi.id))
    assert {t.__tablename__ for t in TABELLEN} <= tabellen
    assert not [t for t in tabellen if t.startswith(("rapportdag_", "rapportmaand_", "rapportjaar_"))], tabellen
    assert "knipkaart_mutatie" not in tabellen  # the cards' counts in both, never the ledger


# Sections added to the report later that still count over the cases themselves: not in the roll-up yet.
NIET_IN_DE_ROLLUP = ("effectrapport.py",)  # the effects six months on (issue 17)


def test_the_report_from_the_rollup_reads_no_cases(db_session, wereld):
    """Apart from the ten example cases of the blocking rules, joined by id, the bottleneck report's own sections
    never select from the cases."""
    import sys

    from sqlalchemy import event

    g = Gemeente(db_session, wereld)
    geschiedenis(db_session, g, random.Random(11), 10)
    bijwerken_wat_veranderde(db_session)  # the catch-up reads the changed groups' cases; the report reads none
    db_session.commit()
    gezien = []

    def noteer(conn, cursor, statement, parameters, context, executemany):
        frame = sys._getframe(1)
        while frame is not None:
            if frame.f_code.co_filename.endswith(NIET_IN_DE_ROLLUP):
                return
            frame = frame.f_back
        gezien.append(statement)

    engine = db_session.get_bind()
    event.listen(engine, "before_cursor_execute", noteer)
    try:
        maak_rapport(db_session, Filters(date(2025, 1, 1), date(2026, 6, 30)), NU)
    finally:
        event.remove(engine, "before_cursor_execute", noteer)
    over_zaken = [q for q in gezien if re.search(r"\b(from|join)\s+zaak\b", q, re.IGNORECASE)]
    # The one statement that names the cases joins the ten examples to the top wordings by their id.
    assert len(over_zaken) == 1 and re.search(r"JOIN zaak ON zaak\.id = top\.eerste\b", over_zaken[0]), over_zaken


def test_a_change_marks_its_group_and_the_report_catches_up_before_it_reads(db_session, wereld):
    """A change to a case recomputes nothing in its own transaction (a sweep over a thousand cases of one day
    would recompute that day a thousand times, and every change of the team that day would wait for the last):
    it marks its group. The report recomputes the marked groups before it reads, so it is never behind."""
    manager = zaken.Actor.gebruiker(wereld.manager)
    verstuurd = datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    z = zaken.nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE,
                          wereld.invoer(dienst=wereld.wmo, uitzondering=None, clientreferentie="REF-1"), verstuurd)
    zaken.uitvoeren(db_session, manager, z, "versturen", verstuurd)
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(Rapportfeit)) == 0
    assert set(db_session.execute(select(RapportfeitVuil.dag, RapportfeitVuil.wijkteam_id)).all()) == {
        (date(2026, 3, 10), wereld.team.id)}
    f = Filters(date(2026, 3, 1), date(2026, 3, 31))
    assert _rapport(db_session, f, "feiten")[0] == _rapport(db_session, f, "zaken")[0]
    assert db_session.scalar(select(func.count()).select_from(RapportfeitVuil)) == 0
    assert db_session.scalar(select(func.sum(Rapportfeit.zaken))) == 1
    # Nothing changed since: the next catch-up has nothing to do.
    assert bijwerken_wat_veranderde(db_session) == 0


def test_the_scheduler_job_catches_the_rollup_up(app, db_session, wereld):
    """Guards against the catch-up job being dropped from app/scheduler.py or not committing: run as wired, it
    leaves no marked group and a roll-up equal to one rebuilt from the cases."""
    from apscheduler.schedulers.background import BackgroundScheduler

    from app.scheduler import _jobs

    g = Gemeente(db_session, wereld)
    geschiedenis(db_session, g, random.Random(5), 12)
    db_session.commit()
    assert db_session.scalar(select(func.count()).select_from(RapportfeitVuil)) > 0
    db_session.close()  # on SQLite even a read holds the write lock: leave the database to the job
    planner = BackgroundScheduler(timezone="Europe/Amsterdam")
    _jobs(planner, app)
    (job,) = [j for j in planner.get_jobs() if j.id == "rapportfeiten"]
    job.func(*job.args)
    assert db_session.scalar(select(func.count()).select_from(RapportfeitVuil)) == 0
    bijgehouden = _inhoud(db_session)
    herbouwen(db_session)
    db_session.commit()
    assert _inhoud(db_session) == bijgehouden


def test_concurrent_changes_and_catch_ups_leave_the_rollup_equal_to_its_cases(app, db_session, wereld):
    """Ten cases of one team sent on one day (one group of the roll-up), answered by ten threads at once while
    three more threads catch the roll-up up: no mark is lost (a catch-up takes only the marks committed when it
    starts) and no group is counted twice (two catch-ups never recompute at once). After one last catch-up the
    roll-up equals one rebuilt from the cases."""
    import threading

    from app.extensions import db

    manager = zaken.Actor.gebruiker(wereld.manager)
    verstuurd = datetime(2026, 3, 10, 9, 0, tzinfo=TZ)
    ids = []
    for i in range(10):
        z = zaken.nieuwe_zaak(db_session, manager, ZaakSoort.ESCALATIE,
                              wereld.invoer(dienst=wereld.wmo, uitzondering=None, clientreferentie=f"REF-{i}"), verstuurd)
        zaken.uitvoeren(db_session, manager, z, "versturen", verstuurd)
        ids.append(z.id)
    wmo = zaken.Actor.dienst("Wmo", wereld.cp_wmo.id)  # read here: the threads use their own sessions only
    db_session.commit()  # and nothing after it: on SQLite even a read would hold the write lock
    start = threading.Barrier(len(ids) + 3)
    fouten: list[str] = []

    def in_eigen_sessie(werk) -> None:
        with app.app_context():
            session = db.session
            start.wait(timeout=30)
            try:
                werk(session)
                session.commit()
            except Exception as e:  # reported, so the assertion below shows what went wrong
                session.rollback()
                fouten.append(f"{type(e).__name__}: {e}")
            finally:
                session.remove()

    def beantwoord(zaak_id: int, i: int):
        return lambda session: usecases.handelen(session, wmo, zaak_id, "toegekend" if i % 2 else "ontvangen",
                                                 verstuurd + timedelta(hours=1 + i), toelichting="Toegekend")

    werk = [beantwoord(zid, i) for i, zid in enumerate(ids)] + [bijwerken_wat_veranderde] * 3
    threads = [threading.Thread(target=in_eigen_sessie, args=(w,)) for w in werk]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert fouten == []
    db_session.expire_all()
    bijwerken_wat_veranderde(db_session)
    db_session.commit()
    bijgehouden = _inhoud(db_session)
    # One group, ten cases counted once each, five solved.
    assert db_session.execute(select(func.count(), func.sum(Rapportfeit.zaken))).one() == (1, 10)
    assert db_session.scalar(select(func.sum(RapportfeitTijd.zaken)).where(RapportfeitTijd.maat == TIJD_OPLOS)) == 5
    assert bijgehouden[-1] == _marges_uit_de_dagtabellen(db_session)  # and the marginal rows with them
    herbouwen(db_session)
    db_session.commit()
    assert _inhoud(db_session) == bijgehouden
