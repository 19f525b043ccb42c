"""Benchmark: the bottleneck report at national scale, against the bare SQL of its heaviest aggregate.

One data set in PostgreSQL: 50 wijkteams, 12 diensten, 14 oorzaken, 1,000,000 cases sent over ten years
(2016-11-23 .. 2026-11-22), ten events per case, missed deadlines on 15% of the cases, a knipkaart per
team per year with its ledger, avoided scenarios on 40% of the cases. The report (`maak_rapport`) runs for
the last year and for all ten years, with its two comparison periods, answered from the roll-up
(workflows.rapportfeiten, filled from the cases after loading; without a filter its marginal tables per year,
month and edge day, and the cards' counts), and once more computed over the cases
(`bron="zaken"`); every SQL statement is timed, and each aggregate the report used to run over the cases is
run as plain SQL text, on its own, in the same rounds as the report (the report, then each bare aggregate once).
Prints the report time, the bare time of the heaviest aggregate over the
cases and their ratio (goal of issue 16: at most 0.2), whether the two reports' tables are equal, and the
time of each of the report's queries.

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/knipkaart_bench .venv/bin/python bench/rapportage.py

The database is emptied and rebuilt from the migrations, unless --hergebruik finds the data already
there (same number of cases). --zaken scales the data set down (events, steps and scenarios follow).
"""
from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

BEGIN = "2016-11-23 00:00+00"
EINDE = "2026-11-22 23:00+00"  # = 2026-11-23 00:00 in Amsterdam: every case falls inside the ten-year report
NOW = datetime(2026, 11, 23, 8, 0, tzinfo=timezone.utc)  # 09:00 in Amsterdam, the morning after
PERIODES = [("last year", date(2025, 11, 23), date(2026, 11, 22)),
            ("ten years", date(2016, 11, 23), date(2026, 11, 22))]
MARGINALE_TABELLEN = [f"rapport{korrel}_{soort}" for soort in ("oorzaak", "dienst", "tijd", "kosten", "regel")
                      for korrel in ("dag", "maand")] + ["rapportjaar_tijd", "rapportkaart"]
DOEL = 0.2  # issue 16: the whole report, with its comparison periods, at most 0.2 x its heaviest aggregate

TEAMS = 50
DIENSTEN = ["Wmo", "Participatiewet", "Schuldhulpverlening", "Jeugdhulp", "Gemeentebelastingen",
            "Woningcorporatie", "UWV", "SVB", "CAK", "DUO", "Dienst Toeslagen", "Landelijk Maatwerkloket"]
OORZAKEN = ["Wachttermijn", "Zoektermijn jongeren", "Kostendelersnorm", "Terugvordering", "Beslagvrije voet",
            "Stapeling eigen bijdragen", "Gegevensuitwisseling", "Bewijslast bij de burger",
            "Strikte termijnen", "Verrekening toeslagen", "Inkomensval bij overgang", "Woonplaatsbeginsel",
            "Leeftijdsgrens", "Anders"]


# ---------------------------------------------------------------- the report's aggregates as plain SQL
# Each is the statement maak_rapport sends (workflows/rapportage.py), written out by hand; %(begin)s and
# %(einde)s are the period in UTC. The key is the label the timing below gives the report's own statement.



def _waar(z: str = "") -> str:
    return f"{z}verstuurd_op IS NOT NULL AND {z}verstuurd_op >= %(begin)s AND {z}verstuurd_op < %(einde)s"


WAAR, WAAR_Z = _waar(), _waar("z.")
KALE_SQL = {
    "oorzaken: per cause, kind and month": f"""
        SELECT oorzaak_id, soort, to_char(timezone('Europe/Amsterdam', verstuurd_op), 'YYYY-MM') AS maand, count(*),
               sum(CASE WHEN geen_inkomen THEN 1 ELSE 0 END), sum(CASE WHEN bovenlokaal THEN 1 ELSE 0 END),
               sum(CASE WHEN urgentie = 'acuut' THEN 1 ELSE 0 END), sum(CASE WHEN structureel THEN 1 ELSE 0 END),
               sum(CASE WHEN uitkomst = 'bezwaar' THEN 1 ELSE 0 END)
        FROM zaak WHERE {WAAR} GROUP BY oorzaak_id, soort, maand""",
    "diensten: counts and percentiles": f"""
        SELECT dienst_id, count(*), max(hoogste_trede), sum(CASE WHEN uitkomst = 'bezwaar' THEN 1 ELSE 0 END),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY reactie_werkdagen),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY reactie_werkdagen),
               percentile_cont(0.5) WITHIN GROUP (ORDER BY oplos_werkdagen),
               percentile_cont(0.9) WITHIN GROUP (ORDER BY oplos_werkdagen)
        FROM zaak WHERE {WAAR} GROUP BY dienst_id""",
    "diensten: missed deadlines": f"""
        SELECT z.dienst_id, count(*), count(DISTINCT t.zaak_id)
        FROM zaak z JOIN termijnstap t ON t.zaak_id = z.id AND t.soort = 'verlopen'
        WHERE {WAAR_Z} GROUP BY z.dienst_id""",
    "knipkaarten: use per team and year": """
        SELECT k.wijkteam_id, k.jaar, k.quotum, sum(CASE WHEN m.soort = 'ingezet' THEN 1 ELSE 0 END),
               sum(CASE WHEN m.soort = 'teruggegeven' THEN 1 ELSE 0 END)
        FROM knipkaart k LEFT JOIN knipkaart_mutatie m ON m.knipkaart_id = k.id
        WHERE k.jaar = ANY(%(jaren)s) GROUP BY k.wijkteam_id, k.jaar, k.quotum""",
    "regels: top blocking rules": f"""
        WITH ruw AS (SELECT blokkerende_regel, wijkteam_id, count(*) AS n, min(id) AS eerste FROM zaak
                     WHERE {WAAR} GROUP BY blokkerende_regel, wijkteam_id),
             per_team AS (SELECT lower(trim(blokkerende_regel)) AS sleutel, wijkteam_id, sum(n) AS n,
                                 min(eerste) AS eerste
                          FROM ruw WHERE length(trim(blokkerende_regel)) > 0 GROUP BY 1, 2)
        SELECT sleutel, sum(n), count(*), min(eerste) FROM per_team GROUP BY sleutel
        ORDER BY sum(n) DESC, sleutel LIMIT 10""",
    "kosten: avoided cost per cause and item": f"""
        SELECT z.oorzaak_id, v.prijspost_id, count(*), sum(v.aantal)
        FROM zaak z JOIN vermeden_scenario v ON v.zaak_id = z.id
        WHERE {WAAR_Z} GROUP BY z.oorzaak_id, v.prijspost_id""",
}


def _label(functie: str, sql: str) -> str:
    """The KALE_SQL key of a statement maak_rapport sent, or a label for one of its small look-ups."""
    s = " ".join(sql.lower().split())
    if functie == "periodecijfers":  # over the cases; from the roll-up they share the report's statements
        return "vergelijking: two comparison periods"
    for soort, wat in (("oorzaak", "counts per cause and kind"), ("dienst", "counts per dienst"),
                       ("tijd", "time histograms per dienst"), ("kosten", "avoided cost per cause and item"),
                       ("regel", "blocking rules and their teams")):
        if any(f"from rapport{korrel}_{soort}" in s for korrel in ("jaar", "maand", "dag")):
            return f"marginal: {wat}"  # years, months and edge days
    if "from knipkaart" in s and "rapportkaart" in s:
        return "knipkaarten: cards' counts"
    for tabel, label in (("rapportfeit_tijd", "roll-up: time histograms per dienst"),
                         ("rapportfeit_regel", "roll-up: blocking rules"),
                         ("rapportfeit_kosten", "roll-up: avoided cost"),
                         ("rapportfeit ", "roll-up: counts (causes, months, diensten)")):
        if f"from {tabel}" in s + " ":
            return label
    if "percentile_cont" in s:
        return "diensten: counts and percentiles"
    if "lower(trim(" in s:
        return "regels: top blocking rules"
    if "to_char(" in s:
        return "oorzaken: per cause, kind and month"
    if "from knipkaart" in s and "knipkaart_mutatie" in s:
        return "knipkaarten: use per team and year"
    if "termijnstap" in s:
        return "diensten: missed deadlines"
    if "vermeden_scenario" in s:
        return "kosten: avoided cost per cause and item"
    return "small look-ups (names, examples, price list)"


# ---------------------------------------------------------------- main


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--zaken", type=int, default=1_000_000, help="number of cases (default 1,000,000)")
    p.add_argument("--herhalingen", type=int, default=5, help="timed rounds per measurement (default 5)")
    p.add_argument("--hergebruik", action="store_true",
                   help="keep the data when the database already holds this many cases")
    p.add_argument("--explain", action="store_true", help="print EXPLAIN ANALYZE of the heaviest query")
    args = p.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database that may be emptied.")
    os.environ.update({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40, "KNIPKAART_ENV": "development"})
    from sqlalchemy import event, text

    from app import create_app
    from app.extensions import db
    from workflows.rapportage import Filters, maak_rapport, tabellen

    app = create_app({"OUTBOX_DIR": "/tmp/knipkaart-bench-outbox"})
    with app.app_context():
        aanwezig = _aantal_zaken(db)
        if args.hergebruik and aanwezig == args.zaken:
            print(f"data kept: {aanwezig:,} cases already in the database")
            from flask_migrate import upgrade

            db.session.remove()
            upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))  # e.g. 0033 fills the marginals
            if not db.session.execute(text("SELECT count(*) FROM rapportfeit")).scalar_one():
                _rollup(db)
        else:
            _bouw(db, args.zaken)
        tellingen = {t: db.session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one()
                     for t in ("zaak", "gebeurtenis", "termijnstap", "knipkaart", "knipkaart_mutatie",
                               "vermeden_scenario", "rapportfeit", "rapportfeit_tijd", "rapportfeit_kosten",
                               "rapportfeit_regel", *MARGINALE_TABELLEN)}
        db.session.commit()

        # Every statement maak_rapport sends, timed from execute to the last row fetched.
        metingen: list[tuple[str, float]] = []
        lopend: dict[int, float] = {}

        @event.listens_for(db.engine, "before_cursor_execute")
        def _voor(conn, cursor, statement, parameters, context, executemany):
            lopend[id(cursor)] = time.perf_counter()

        @event.listens_for(db.engine, "after_cursor_execute")
        def _na(conn, cursor, statement, parameters, context, executemany):
            duur = time.perf_counter() - lopend.pop(id(cursor), time.perf_counter())
            metingen.append((_label(_functie(), statement), duur))

        def meet(f, bron, kaal=None):
            """Median wall time of the report from `bron` and of each of its statements; the last report. With
            `kaal` (a driver cursor), each round also runs every bare aggregate once, right after the report, so
            that both are timed in the same moments of the machine (its speed drifts by tens of per cent over a
            minute); their medians are returned too."""
            rapport = maak_rapport(db.session, f, NOW, bron=bron)  # warm-up: the pages into the cache
            db.session.rollback()
            kale_tijden: dict[str, list[float]] = {label: [] for label in KALE_SQL}
            if kaal is not None:
                for sql in KALE_SQL.values():  # warm-up
                    kaal.execute(sql, _parameters(f))
                    kaal.fetchall()
            tijden, per_query = [], {}
            for _ in range(args.herhalingen):
                metingen.clear()
                db.session.expunge_all()
                start = time.perf_counter()
                rapport = maak_rapport(db.session, f, NOW, bron=bron)
                tijden.append(time.perf_counter() - start)
                cijfers = ([t.opgemaakt() for t in tabellen(rapport)], rapport.vorige, rapport.jaar_eerder,
                           rapport.knippen + rapport.escalaties)
                db.session.rollback()
                ronde: dict[str, float] = {}
                for label, duur in metingen:
                    ronde[label] = ronde.get(label, 0.0) + duur
                for label, duur in ronde.items():
                    per_query.setdefault(label, []).append(duur)
                if kaal is not None:
                    for label, sql in KALE_SQL.items():
                        start = time.perf_counter()
                        kaal.execute(sql, _parameters(f))
                        kaal.fetchall()
                        kale_tijden[label].append(time.perf_counter() - start)
            return (statistics.median(tijden), {label: statistics.median(d) for label, d in per_query.items()}, cijfers,
                    {label: statistics.median(d) for label, d in kale_tijden.items() if d})

        uitslag = []
        for naam, van, tot in PERIODES:
            f = Filters(van, tot)
            conn = db.engine.raw_connection()  # the bare SQL through the bare driver connection
            try:
                rapport_tijd, per_query, cijfers, kaal = meet(f, "feiten", conn.cursor())
                conn.rollback()
            finally:
                conn.close()
            zaken_tijd, per_query_zaken, volledig, _ = meet(f, "zaken")
            gelijk = cijfers == volledig
            zaken = cijfers[3]
            # Today's heaviest single aggregate over the cases: the slowest of the bare statements.
            zwaarste = max(KALE_SQL, key=lambda label: kaal[label])
            uitslag.append((naam, f, zaken, rapport_tijd, per_query, kaal, zwaarste, zaken_tijd, per_query_zaken,
                            gelijk))

        event.remove(db.engine, "before_cursor_execute", _voor)
        event.remove(db.engine, "after_cursor_execute", _na)
        versie = db.session.execute(text("SHOW server_version")).scalar_one()
        plan = None
        if args.explain:
            naam, f, *_rest = uitslag[-1]
            zwaarste = uitslag[-1][6]
            plan = _explain(db, KALE_SQL[zwaarste], f)
        db.session.rollback()

    _druk(args, tellingen, uitslag, versie, plan)


def _functie() -> str:
    """The function of workflows/rapportage.py that sent the statement being timed."""
    frame = sys._getframe(1)
    while frame is not None:
        if frame.f_code.co_filename.endswith(os.path.join("workflows", "rapportage.py")):
            return frame.f_code.co_name
        frame = frame.f_back
    return ""


def _parameters(f) -> dict:
    return {"begin": f.begin, "einde": f.einde, "jaren": list(range(f.van.year, f.tot.year + 1))}


def _explain(db, sql: str, f) -> str:
    conn = db.engine.raw_connection()
    try:
        cur = conn.cursor()
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, _parameters(f))
        uit = "\n".join(r[0] for r in cur.fetchall())
        conn.rollback()
        return uit
    finally:
        conn.close()


def _druk(args, tellingen: dict, uitslag: list, versie: str, plan: str | None) -> None:
    print(f"data: {tellingen['zaak']:,} cases, {tellingen['gebeurtenis']:,} events, "
          f"{tellingen['termijnstap']:,} deadline steps, {tellingen['knipkaart']:,} cards with "
          f"{tellingen['knipkaart_mutatie']:,} ledger entries, {tellingen['vermeden_scenario']:,} avoided scenarios")
    print(f"roll-up rows: {tellingen['rapportfeit']:,} counts, {tellingen['rapportfeit_tijd']:,} histogram buckets, "
          f"{tellingen['rapportfeit_kosten']:,} avoided cost, {tellingen['rapportfeit_regel']:,} blocking rules")
    print("marginal roll-up rows (day / month): " + ", ".join(
        f"{soort} {tellingen[f'rapportdag_{soort}']:,} / {tellingen[f'rapportmaand_{soort}']:,}"
        for soort in ("oorzaak", "dienst", "tijd", "kosten", "regel"))
        + f"; time histograms per year {tellingen['rapportjaar_tijd']:,}; card counts {tellingen['rapportkaart']:,}")
    print(f"machine: {os.cpu_count()} cores ({_cpu()}), PostgreSQL {versie}, Python {platform.python_version()}, "
          f"{date.today().isoformat()}; median of {args.herhalingen} rounds after one warm-up, each round the report "
          f"and then every bare aggregate once")
    print()
    kop = (f"{'period':<10} {'cases in period':>15} {'report (s)':>11} {'over cases (s)':>14} "
           f"{'heaviest aggregate over the cases':<40} {'bare SQL (s)':>12} {'ratio':>6}")
    print(kop)
    for naam, _f, zaken, rapport, _pq, kaal, zwaarste, zaken_tijd, _pqz, _g in uitslag:
        ratio = rapport / kaal[zwaarste]
        print(f"{naam:<10} {zaken:>15,} {rapport:>11.3f} {zaken_tijd:>14.3f} {zwaarste:<40} {kaal[zwaarste]:>12.3f} "
              f"{ratio:>6.2f}")
    for naam, _f, _z, rapport, _pq, kaal, zwaarste, zaken_tijd, _pqz, gelijk in uitslag:
        ratio = rapport / kaal[zwaarste]
        print(f"ratio report (roll-up) / bare SQL, {naam}: {ratio:.2f} (goal <= {DOEL}: "
              f"{'met' if ratio <= DOEL else 'NOT met'}); report over the cases: {zaken_tijd / kaal[zwaarste]:.2f}; "
              f"tables equal to the full computation: {'yes' if gelijk else 'NO'}")
    print()
    namen = [u[0] for u in uitslag]
    print(f"{'query of the report (ms)':<45}" + "".join(f"{n + ' report':>18}{n + ' bare':>16}" for n in namen))
    labels = list(KALE_SQL) + sorted({lab for u in uitslag for lab in u[4]} - set(KALE_SQL))
    for label in labels:
        rij = f"{label:<45}"
        for *_x, per_query, kaal, _z, _zt, _pqz, _g in uitslag:
            r = per_query.get(label)
            k = kaal.get(label)
            rij += f"{'' if r is None else f'{r * 1000:.0f}':>18}{'' if k is None else f'{k * 1000:.0f}':>16}"
        print(rij)
    rij = f"{'all statements / report wall time':<45}"
    for *_x, rapport, per_query, _k, _z, _zt, _pqz, _g in uitslag:
        rij += f"{sum(per_query.values()) * 1000:>18.0f}{rapport * 1000:>16.0f}"
    print(rij)
    print("report wall time / time in its SQL statements: "
          + ", ".join(f"{u[0]} {u[3] / sum(u[4].values()):.2f}" for u in uitslag))
    if plan:
        print()
        print(f"EXPLAIN (ANALYZE, BUFFERS) of '{uitslag[-1][6]}', {uitslag[-1][0]}:")
        print(plan)


def _cpu() -> str:
    try:
        for regel in Path("/proc/cpuinfo").read_text().splitlines():
            if regel.startswith("model name"):
                return regel.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _aantal_zaken(db) -> int:
    from sqlalchemy import text

    try:
        n = db.session.execute(text("SELECT count(*) FROM zaak")).scalar_one()
    except Exception:
        n = -1
    db.session.rollback()
    return n


# ---------------------------------------------------------------- the data set


def _regels() -> list[str]:
    """200 distinct blocking rules as teams write them."""
    wat = [
        "Bijzondere bijstand wordt niet verstrekt voor kosten die al gemaakt zijn",
        "De zoektermijn van vier weken voor jongeren onder de 27 jaar gaat voor",
        "De kostendelersnorm verlaagt de uitkering zodra een meerderjarig kind thuis woont",
        "Een terugvordering wordt volledig verrekend met de lopende uitkering",
        "De beslagvrije voet wordt pas herberekend na een nieuw verzoek van de schuldenaar",
        "Een eigen bijdrage Wmo wordt gevraagd ook bij een inkomen op bijstandsniveau",
        "Gegevens van de Belastingdienst mogen niet met de gemeente worden gedeeld",
        "De aanvrager moet zelf alle bankafschriften van drie maanden aanleveren",
        "Een aanvraag die na zes weken niet compleet is wordt buiten behandeling gesteld",
        "Toeslagen worden teruggevorderd over het hele jaar na een wijziging van het inkomen",
        "Bij de overgang van uitkering naar werk vervalt de toeslag direct",
        "Het woonplaatsbeginsel wijst de jeugdhulp toe aan de gemeente van de gezagsdrager",
        "Onder de 18 jaar kan geen zelfstandige huurovereenkomst worden gesloten",
        "Een urgentieverklaring wordt niet gegeven bij huurschuld",
        "Schuldhulpverlening start pas als alle schuldeisers bekend zijn",
        "De wachttijd voor een indicatie jeugdhulp is langer dan twaalf weken",
        "Een uitkering wordt pas betaald na de eerste volledige kalendermaand",
        "De studiefinanciering wordt stopgezet zodra de inschrijving vervalt",
        "Een betalingsregeling wordt geweigerd na een eerder afgebroken regeling",
        "Het CAK int de eigen bijdrage ook tijdens een schuldregeling",
    ]
    wanneer = [
        "ook als het gezin daardoor de huur niet kan betalen.",
        "terwijl de cliënt geen enkel inkomen heeft.",
        "zonder dat er ruimte is voor een uitzondering.",
        "ook wanneer er kinderen in het huishouden zijn.",
        "hoewel de cliënt in de schuldhulp zit.",
        "zodat een huisuitzetting dreigt.",
        "ook als de fout bij de instantie zelf ligt.",
        "terwijl de cliënt opgenomen is geweest.",
        "waardoor de energie wordt afgesloten.",
        "ook als de cliënt de regel niet kon kennen.",
    ]
    return [f"{a}, {b}" for a in wat for b in wanneer]


def _bouw(db, n: int) -> None:
    """Empty the database, build the schema from the migrations and fill it; then VACUUM ANALYZE."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    begonnen = time.perf_counter()
    db.session.remove()
    with db.engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade(directory=str(Path(__file__).resolve().parents[1] / "migrations"))
    stappen: dict[str, float] = {}

    def stap(naam: str, sql: str, **params) -> None:
        start = time.perf_counter()
        conn.execute(text(sql), params)
        stappen[naam] = stappen.get(naam, 0.0) + time.perf_counter() - start

    with db.engine.begin() as conn:
        # Bulk load: skip the foreign-key triggers (the rows are consistent by construction).
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        conn.execute(text("SET LOCAL work_mem = '256MB'"))
        conn.execute(text("SELECT setseed(0.5)"))
        for sql in ("""
            INSERT INTO wijkteam (naam, soort, gebied, actief)
            SELECT 'Wijkteam ' || lpad(g::text, 2, '0'), 'sociaal wijkteam', 'Gebied ' || g, g <= :teams - 2
            FROM generate_series(1, :teams) g""", """
            INSERT INTO dienst (naam, mailbox, accepteert_knippen, landelijk, actief)
            SELECT d, 'postbus' || i || '@dienst.bench', i <= 6, i >= 7, true
            FROM unnest(CAST(:diensten AS text[])) WITH ORDINALITY AS x(d, i)""", """
            INSERT INTO contactpersoon (naam, email, dienst_id, functie, actief, onbestelbaar_reden)
            SELECT 'Contact ' || d.naam, 'contact' || d.id || '@dienst.bench', d.id, 'contactpersoon', true, ''
            FROM dienst d ORDER BY d.id""", """
            INSERT INTO oorzaak (naam, voorbeeld, volgorde, actief, vrije_tekst)
            SELECT o, '', i, o <> 'Leeftijdsgrens', o = 'Anders'
            FROM unnest(CAST(:oorzaken AS text[])) WITH ORDINALITY AS x(o, i)""", """
            INSERT INTO gebruiker (email, naam, wachtwoord_hash, rol, wijkteam_id, actief, aangemaakt_op)
            VALUES ('beheer@bench.local', 'Bea Beheer', '!', 'beheerder', NULL, true, now()),
                   ('management@bench.local', 'Mo Management', '!', 'management', NULL, true, now())""", """
            INSERT INTO gebruiker (email, naam, wachtwoord_hash, rol, wijkteam_id, actief, aangemaakt_op)
            SELECT 'medewerker' || g || '@bench.local', 'Medewerker ' || g, '!', 'medewerker', w.id, true, now()
            FROM generate_series(1, 6) g JOIN wijkteam w ON w.naam = 'Wijkteam ' || lpad((g * 7)::text, 2, '0')""",
                    """
            INSERT INTO vervolgactie (oorzaak_id, soort, besluit, eigenaar, datum, afgerond, vastgelegd_door_id,
                                      vastgelegd_op)
            SELECT o.id, 'gesprek_dienst', 'Gesprek over ' || o.naam, 'Mo Management',
                   date '2018-01-15' + 200 * g, g % 2 = 0, (SELECT min(id) FROM gebruiker), now()
            FROM oorzaak o CROSS JOIN generate_series(1, 2) g"""):
            stap("organisation", sql, teams=TEAMS, diensten=DIENSTEN, oorzaken=OORZAKEN)
        # One row per case; every random draw its own column, the derived facts from them.
        stap("zaak", """
            WITH ids AS (
                SELECT (SELECT array_agg(id ORDER BY id) FROM wijkteam) AS teams,
                       (SELECT array_agg(id ORDER BY id) FROM dienst) AS diensten,
                       (SELECT array_agg(id ORDER BY id) FROM contactpersoon) AS cps,
                       (SELECT array_agg(id ORDER BY id) FROM oorzaak) AS oorzaken,
                       (SELECT array_agg(id ORDER BY id) FROM gebruiker WHERE wijkteam_id IS NOT NULL) AS makers
            ), b AS (
                SELECT g, CAST(:begin AS timestamptz)
                          + (CAST(:einde AS timestamptz) - CAST(:begin AS timestamptz)) * ((g - 1 + random()) / :n)
                          AS verstuurd,
                       random() < 0.30 AS knip, random() AS r_urg, random() AS r_team, random() AS r_dienst,
                       random() AS r_oorzaak, random() AS r_regel, random() AS r_variant, random() AS r_afloop,
                       random() AS r_reactie, random() AS r_oplos, random() AS r_uitkomst, random() AS r_trede,
                       random() AS r_vlag, random() AS r_slot
                FROM generate_series(1, :n) g
            ), c AS (
                SELECT b.*,
                       r_afloop < 0.70 AS ontvangen, r_afloop < 0.60 AS opgelost,
                       round((10 * power(r_reactie, 2.5))::numeric, 2)::float8 AS reactie,
                       floor(12 * power(r_dienst, 1.6))::int + 1 AS d
                FROM b
            ), z AS (
                SELECT c.*,
                       CASE WHEN opgelost THEN reactie + round((40 * power(r_oplos, 2))::numeric, 2)::float8 END
                           AS oplos,
                       CASE WHEN NOT opgelost THEN NULL
                            WHEN knip THEN CASE WHEN r_uitkomst < 0.80 THEN 'uitgevoerd'
                                                WHEN r_uitkomst < 0.92 THEN 'regulier' ELSE 'bezwaar' END
                            ELSE CASE WHEN r_uitkomst < 0.60 THEN 'toegekend'
                                      WHEN r_uitkomst < 0.80 THEN 'afgewezen' ELSE 'anders_opgelost' END
                       END AS uitkomst,
                       CASE WHEN opgelost THEN CASE WHEN r_slot < 0.85 THEN 'gesloten' ELSE 'opgelost' END
                            WHEN ontvangen THEN 'in_behandeling'
                            WHEN r_slot < 0.10 THEN 'teruggetrokken' ELSE 'verstuurd' END AS status,
                       CASE WHEN r_trede < 0.70 THEN 0 WHEN r_trede < 0.88 THEN 1 WHEN r_trede < 0.96 THEN 2
                            ELSE 3 END AS hoogste,
                       (CAST(:regels AS text[]))[1 + floor(200 * power(r_regel, 2.2))::int] AS regel
                FROM c
            )
            INSERT INTO zaak (nummer, soort, status, uitkomst, wijkteam_id, dienst_id, urgentie, clientreferentie,
                gevraagd, blokkerende_regel, voorgestelde_oplossing, uitzondering, oorzaak_id, oorzaak_toelichting,
                geen_inkomen, bovenlokaal, rendement, legitimiteit, betrokkenheid, structureel, aangemaakt_door_id,
                aangemaakt_op, verstuurd_op, ontvangen_op, opgelost_op, gesloten_op, reactie_deadline,
                oplos_deadline, ontvanger_id, ontvanger_email, routering_reden, trede, trede_sinds,
                volgende_stap_op, link_versie, dienst_sinds, reactie_werkdagen, oplos_werkdagen, pauze_werkdagen,
                hoogste_trede)
            SELECT CASE WHEN knip THEN 'KN-' ELSE 'ES-' END || extract(year FROM verstuurd)::int || '-' || g,
                   CASE WHEN knip THEN 'knip' ELSE 'escalatie' END, status, uitkomst,
                   ids.teams[floor(:teams * power(r_team, 1.3))::int + 1], ids.diensten[d],
                   CASE WHEN knip THEN 'knip' WHEN r_urg < 0.10 THEN 'acuut' WHEN r_urg < 0.35 THEN 'hoog'
                        ELSE 'normaal' END,
                   'CL-' || lpad(g::text, 7, '0'), 'Wat nodig is voor cliënt ' || g,
                   CASE WHEN r_variant < 0.02 THEN '' WHEN r_variant < 0.10 THEN upper(regel)
                        WHEN r_variant < 0.16 THEN '  ' || regel || ' ' ELSE regel END,
                   '', CASE WHEN knip THEN 'wachttermijn' END,
                   ids.oorzaken[floor(14 * power(r_oorzaak, 1.4))::int + 1], '',
                   r_vlag < 0.15, r_vlag > 0.92, '', '', '',
                   CASE WHEN status = 'gesloten' THEN r_slot < 0.30 END,
                   ids.makers[1 + (g % cardinality(ids.makers))],
                   verstuurd - interval '40 minutes', verstuurd,
                   CASE WHEN ontvangen THEN verstuurd + reactie * interval '1.4 days' END,
                   CASE WHEN opgelost THEN verstuurd + oplos * interval '1.4 days' END,
                   CASE WHEN status = 'gesloten' THEN verstuurd + oplos * interval '1.4 days' + interval '2 days' END,
                   verstuurd + interval '3 days', verstuurd + interval '14 days',
                   ids.cps[d], 'contact' || ids.diensten[d] || '@dienst.bench', 'vaste contactpersoon',
                   hoogste, verstuurd,
                   CASE WHEN status IN ('verstuurd', 'in_behandeling') THEN verstuurd + interval '3 days' END,
                   1, verstuurd, CASE WHEN ontvangen THEN reactie END, oplos, 0, hoogste
            FROM z CROSS JOIN ids
            ORDER BY g
        """, begin=BEGIN, einde=EINDE, n=n, teams=TEAMS, regels=_regels())
        stap("gebeurtenis", """
            INSERT INTO gebeurtenis (zaak_id, op, actie, van_status, naar_status, actor_soort, actor_gebruiker_id,
                                     actor_contactpersoon_id, actor_label, toelichting, betreft)
            SELECT z.id, z.aangemaakt_op + (k - 1) * interval '19 hours',
                   (CAST(ARRAY['aangemaakt', 'verstuurd', 'ontvangen', 'bericht', 'herinnering', 'in_behandeling',
                               'bericht', 'opgelost', 'gesloten', 'bericht'] AS text[]))[k],
                   CASE k WHEN 2 THEN 'concept' WHEN 3 THEN 'verstuurd' WHEN 6 THEN 'ontvangen'
                          WHEN 8 THEN 'in_behandeling' WHEN 9 THEN 'opgelost' END,
                   CASE k WHEN 2 THEN 'verstuurd' WHEN 3 THEN 'ontvangen' WHEN 6 THEN 'in_behandeling'
                          WHEN 8 THEN 'opgelost' WHEN 9 THEN 'gesloten' END,
                   CASE WHEN k IN (3, 6, 8) THEN 'contactpersoon' WHEN k = 5 THEN 'systeem' ELSE 'gebruiker' END,
                   CASE WHEN k NOT IN (3, 5, 6, 8) THEN z.aangemaakt_door_id END,
                   CASE WHEN k IN (3, 6, 8) THEN z.ontvanger_id END,
                   CASE WHEN k IN (3, 6, 8) THEN 'Contactpersoon' WHEN k = 5 THEN 'Systeem' ELSE 'Medewerker' END,
                   CASE WHEN k IN (4, 7, 10) THEN 'Bericht in de zaak' ELSE '' END,
                   CASE WHEN k = 5 THEN z.ontvanger_email END
            FROM zaak z CROSS JOIN generate_series(1, 10) k
            ORDER BY z.id, k
        """)
        stap("termijnstap", """
            INSERT INTO termijnstap (zaak_id, klok, trede, soort, gepland_op, uitgevoerd_op)
            SELECT z.id, s.klok, s.trede, s.soort, z.verstuurd_op + s.dagen * interval '1 day',
                   z.verstuurd_op + s.dagen * interval '1 day' + interval '5 minutes'
            FROM (SELECT id, verstuurd_op, random() AS r FROM zaak) z
            JOIN (VALUES ('reactie', 0, 'herinnering', 2, 0.30), ('reactie', 0, 'verlopen', 3, 0.15),
                         ('reactie', 1, 'verlopen', 6, 0.05), ('oplos', 0, 'verlopen', 14, 0.04))
                 AS s(klok, trede, soort, dagen, kans) ON z.r < s.kans
            ORDER BY z.id
        """)
        stap("knipkaart", """
            INSERT INTO knipkaart (wijkteam_id, jaar, quotum)
            SELECT w.id, j, greatest(5, ceil(coalesce(k.n, 0) * (1 + 1.5 * random())))::int
            FROM wijkteam w CROSS JOIN generate_series(2016, 2026) j
            LEFT JOIN (SELECT wijkteam_id, extract(year FROM timezone('Europe/Amsterdam', verstuurd_op))::int AS jaar,
                              count(*) AS n
                       FROM zaak WHERE soort = 'knip' GROUP BY 1, 2) k ON k.wijkteam_id = w.id AND k.jaar = j;
            INSERT INTO knipkaart_mutatie (knipkaart_id, zaak_id, soort, op, door, reden)
            SELECT k.id, z.id, m.soort, CASE m.soort WHEN 'ingezet' THEN z.verstuurd_op ELSE z.opgelost_op END,
                   'Medewerker', CASE m.soort WHEN 'ingezet' THEN '' ELSE 'Regulier opgelost' END
            FROM zaak z
            JOIN knipkaart k ON k.wijkteam_id = z.wijkteam_id
                 AND k.jaar = extract(year FROM timezone('Europe/Amsterdam', z.verstuurd_op))::int
            JOIN (VALUES ('ingezet'), ('teruggegeven')) AS m(soort)
                 ON m.soort = 'ingezet' OR z.uitkomst = 'regulier'
            WHERE z.soort = 'knip'
            ORDER BY z.id, m.soort
        """)
        stap("vermeden_scenario", """
            INSERT INTO vermeden_scenario (zaak_id, prijspost_id, aantal)
            SELECT z.id, p.ids[1 + (z.basis + 3 * j) % cardinality(p.ids)], 1 + floor(4 * random())::int
            FROM (SELECT id, floor(10 * random())::int AS basis, random() AS r FROM zaak) z
            CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM prijspost) p
            CROSS JOIN LATERAL generate_series(0, CASE WHEN z.r < 0.20 THEN 0 WHEN z.r < 0.32 THEN 1 ELSE 2 END) j
            WHERE z.r < 0.40
            ORDER BY z.id, j
        """)
    stappen["rapportfeiten (roll-up)"] = _rollup(db)
    start = time.perf_counter()
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM (ANALYZE)"))
    stappen["VACUUM ANALYZE"] = time.perf_counter() - start
    print(f"data built in {time.perf_counter() - begonnen:.0f} s: "
          + ", ".join(f"{naam} {duur:.0f} s" for naam, duur in stappen.items()))


def _rollup(db) -> float:
    """Fill the report's roll-up from the cases loaded by SQL above (the use cases keep it up to date)."""
    from workflows.rapportfeiten import herbouwen

    start = time.perf_counter()
    herbouwen(db.session)
    db.session.commit()
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
