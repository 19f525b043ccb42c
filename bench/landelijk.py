"""Benchmark: national scale over HTTP, gunicorn with two workers and a load generator on loopback.

The data set of bench/rapportage.py (1,000,000 cases, 50 wijkteams) plus what the HTTP routes need: a
wijkteammanager with a known password in Wijkteam 07 (a typical team, about 20,000 cases over ten years),
500 extra wijkteams with a wijkteammanager, an API token and a knipkaart each, and reply addresses for
2,000 open cases. gunicorn (`-w 2`, production mode, PostgreSQL) is started on a free port; every phase is a
fixed time with N client threads (http.client, one connection each, a session cookie or a token each):

- GET /healthz (the bare route: no database), GET /wijkteam (the dashboard), GET /zaken/<id> (a random case
  of the team), GET /zaken (the list) and GET /zaken?q= (a search for one of ZOEKTERMEN), each its own phase:
  requests, p50 and p95; goals (issue 14) p95 at most 5 x the bare route's p95, the search 10 x;
- POST /mail/inbound/sendgrid, SendGrid Inbound Parse raw mode, 20 KB mails (a short reply above a quoted
  history) from the case's contactpersoon to the case's reply address: replies per second, goal at least 100;
- POST /api/v1/knippen across the 500 cards, a burst of 6 consecutive requests per card against a quota of 5
  left (so concurrent requests race for each card's last knip): spends per second, and afterwards the quota
  invariant over every card (net spends = 'ingezet' - 'teruggegeven' never above knipkaart.quotum).

    BENCH_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/knipkaart_bench .venv/bin/python bench/landelijk.py [--duur SECONDS] [--hergebruik]

The database is emptied and rebuilt as bench/rapportage.py does, unless --hergebruik finds the 1,000,000 cases
there; it is then brought to the newest migration and the bench's own rows are added or refreshed (each run
gives every extra card 5 knips to spend again). gunicorn's output goes to /tmp/knipkaart-landelijk-gunicorn.log.
"""
from __future__ import annotations

import argparse
import base64
import http.client
import itertools
import json
import os
import platform
import random
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from rapportage import _bouw, _cpu  # noqa: E402  (the 1,000,000-case data set)

TEAM = "Wijkteam 07"
MANAGER = "teammanager@bench.local"
WACHTWOORD = "Landelijk-bench-2026!"
INBOUND_WACHTWOORD = "inbound-bench-" + "x" * 20
INBOUND_DOMEIN = "reply.bench.local"
EXTRA_TEAMS = 500
QUOTUM = 5          # knips left on every extra card at the start of a run
BURST = 6           # consecutive knip requests per card: one more than is left
# Words a team searches its cases by (the data set's texts, a reference prefix, a number prefix); issue 14's
# goal for the search is a p95 at most 10 x the bare route's.
ZOEKTERMEN = ["wachttermijn", "borg", "ib60", "eigen bijdrage", "kostendelersnorm", "es-20", "beslagvrije voet"]
DOEL_ZOEKEN = 10.0
REPLY_ZAKEN = 2000
MAILGROOTTE = 20 * 1024
LOG = Path("/tmp/knipkaart-landelijk-gunicorn.log")
DOEL_RATIO, DOEL_REPLIES = 5.0, 100.0  # issue 14: dashboard and case page p95 at most 5 x the bare route's
# (issue 7 asked 3 x); the list has no goal of its own


# ---------------------------------------------------------------- preparation (in-process, before gunicorn)


@dataclass
class Voorbereid:
    team_id: int
    team_zaken: int
    team_open: int
    zaak_ids: list[int]
    tokens: list[str]                      # one per extra card, in card order
    kaart_ids: list[int]
    replies: list[tuple[str, str]]         # (reply address, sender) per open case
    dienst_id: int
    oorzaak_id: int
    jaar: int


def _bereid_voor(db) -> Voorbereid:
    """Users, teams, tokens, cards and reply addresses the HTTP phases need; idempotent."""
    from sqlalchemy import select, text

    from app.api.tokens import maak_token
    from app.auth.models import hash_wachtwoord
    from app.mail import instellingen
    from notifications.uitgaand import reply_adres
    from workflows.knipkaart import jaar_van
    from workflows.models import Gebruiker, Rol, Zaak

    s = db.session
    now = datetime.now(timezone.utc)
    jaar = jaar_van(now)
    team_id = s.execute(text("SELECT id FROM wijkteam WHERE naam = :n"), {"n": TEAM}).scalar_one()
    manager = s.execute(select(Gebruiker).where(Gebruiker.email == MANAGER)).scalar_one_or_none()
    if manager is None:
        manager = Gebruiker(email=MANAGER, naam="Tea Teammanager", wachtwoord_hash="!", rol=Rol.WIJKTEAMMANAGER,
                            wijkteam_id=team_id, actief=True, aangemaakt_op=now)
        s.add(manager)
    manager.wachtwoord_hash = hash_wachtwoord(WACHTWOORD)
    manager.actief, manager.mislukte_pogingen, manager.geblokkeerd_tot = True, 0, None

    # 500 extra teams, each with a wijkteammanager; a card for this year with QUOTUM knips left.
    s.execute(text("""
        INSERT INTO wijkteam (naam, soort, gebied, actief)
        SELECT 'Landelijk ' || lpad(g::text, 3, '0'), 'sociaal wijkteam', 'Landelijk gebied ' || g, true
        FROM generate_series(1, :n) g
        WHERE NOT EXISTS (SELECT 1 FROM wijkteam w WHERE w.naam = 'Landelijk ' || lpad(g::text, 3, '0'))"""),
              {"n": EXTRA_TEAMS})
    s.execute(text("""
        INSERT INTO gebruiker (email, naam, wachtwoord_hash, rol, wijkteam_id, actief, aangemaakt_op)
        SELECT 'manager' || substr(w.naam, 11) || '@landelijk.bench', 'Manager ' || substr(w.naam, 11), '!',
               'wijkteammanager', w.id, true, now()
        FROM wijkteam w WHERE w.naam LIKE 'Landelijk %'
        ON CONFLICT (email) DO NOTHING"""))
    s.execute(text("""
        INSERT INTO knipkaart (wijkteam_id, jaar, quotum)
        SELECT w.id, :jaar, :q FROM wijkteam w WHERE w.naam LIKE 'Landelijk %'
        ON CONFLICT DO NOTHING"""), {"jaar": jaar, "q": QUOTUM})
    s.execute(text("""
        UPDATE knipkaart k SET quotum = :q + coalesce((
            SELECT sum(CASE WHEN m.soort = 'ingezet' THEN 1 ELSE -1 END) FROM knipkaart_mutatie m
            WHERE m.knipkaart_id = k.id), 0)
        FROM wijkteam w WHERE w.id = k.wijkteam_id AND w.naam LIKE 'Landelijk %' AND k.jaar = :jaar"""),
              {"jaar": jaar, "q": QUOTUM})
    managers = s.execute(select(Gebruiker).where(Gebruiker.email.like("manager%@landelijk.bench"))
                         .order_by(Gebruiker.wijkteam_id)).scalars().all()
    tokens = [maak_token(g, "bench/landelijk.py", now) for g in managers]
    kaart_ids = [s.execute(text("SELECT id FROM knipkaart WHERE wijkteam_id = :w AND jaar = :j"),
                           {"w": g.wijkteam_id, "j": jaar}).scalar_one() for g in managers]

    # Reply addresses for open cases all over the country, issued to the case's contactpersoon.
    ids = s.execute(text("""
        SELECT id FROM zaak WHERE status IN ('verstuurd', 'in_behandeling') AND ontvanger_email IS NOT NULL
        ORDER BY random() LIMIT :n"""), {"n": REPLY_ZAKEN}).scalars().all()
    inst = instellingen()
    replies = []
    for zaak in s.execute(select(Zaak).where(Zaak.id.in_(ids))).scalars():
        replies.append((reply_adres(s, zaak, zaak.ontvanger_email, inst), zaak.ontvanger_email))
    random.shuffle(replies)

    team_zaken, team_open = s.execute(text("""
        SELECT count(*), count(*) FILTER (WHERE status IN ('verstuurd', 'in_behandeling', 'wacht_op_wijkteam'))
        FROM zaak WHERE wijkteam_id = :t"""), {"t": team_id}).one()
    zaak_ids = s.execute(text("SELECT id FROM zaak WHERE wijkteam_id = :t ORDER BY random() LIMIT 2000"),
                         {"t": team_id}).scalars().all()
    dienst_id = s.execute(text("SELECT min(id) FROM dienst WHERE accepteert_knippen AND actief")).scalar_one()
    oorzaak_id = s.execute(text("SELECT min(id) FROM oorzaak WHERE actief AND NOT vrije_tekst")).scalar_one()
    s.commit()
    return Voorbereid(team_id, team_zaken, team_open, zaak_ids, tokens, kaart_ids, replies, dienst_id, oorzaak_id,
                      jaar)


# ---------------------------------------------------------------- the server


def _vrije_poort() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_gunicorn(url: str, poort: int) -> subprocess.Popen:
    env = dict(os.environ, KNIPKAART_ENV="production", SECRET_KEY=secrets.token_urlsafe(36)[:48], DATABASE_URL=url,
               INBOUND_PASSWORD=INBOUND_WACHTWOORD, INBOUND_DOMAIN=INBOUND_DOMEIN,
               LOGIN_RATE_LIMIT="100000 per minute", BASE_URL=f"http://127.0.0.1:{poort}", MAIL_BACKEND="outbox",
               OUTBOX_DIR="/tmp/knipkaart-bench-outbox",
               WEB_WORKERS="1")  # production refuses memory:// with more workers; the bench's login limit is moot
    log = LOG.open("w")
    proces = subprocess.Popen([str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{poort}",
                               "--timeout", "300", "app:create_app()"],
                              cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    eind = time.monotonic() + 60
    while time.monotonic() < eind:
        if proces.poll() is not None:
            sys.exit(f"gunicorn stopped at start (exit {proces.returncode}); see {LOG}")
        try:
            k = Klant(poort)
            if k.vraag("GET", "/healthz")[0] == 200:
                for _ in range(4):  # both workers up
                    k.vraag("GET", "/healthz")
                return proces
        except OSError:
            time.sleep(0.2)
    proces.terminate()
    sys.exit(f"gunicorn did not answer within 60 s; see {LOG}")


def _stop(proces: subprocess.Popen) -> None:
    if proces.poll() is None:
        proces.send_signal(signal.SIGTERM)
        try:
            proces.wait(30)
        except subprocess.TimeoutExpired:
            proces.kill()
            proces.wait()


# ---------------------------------------------------------------- the load generator


class Klant:
    """One client: one http.client connection (re-opened when the sync worker closes it), its own cookies."""

    def __init__(self, poort: int):
        self.conn = http.client.HTTPConnection("127.0.0.1", poort, timeout=600)
        self.cookies: dict[str, str] = {}

    def vraag(self, methode: str, pad: str, body: bytes | None = None, koppen: dict | None = None):
        h = dict(koppen or {})
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        try:
            self.conn.request(methode, pad, body=body, headers=h)
            r = self.conn.getresponse()
            data = r.read()
        except (http.client.HTTPException, OSError):
            self.conn.close()
            raise
        for waarde in r.headers.get_all("Set-Cookie") or []:
            naam, _, rest = waarde.partition("=")
            self.cookies[naam.strip()] = rest.split(";", 1)[0]
        if r.will_close:
            self.conn.close()
        return r.status, r.headers, data

    def login(self, email: str, wachtwoord: str) -> None:
        status, _h, html = self.vraag("GET", "/login")
        m = re.search(rb'<input[^>]*name="csrf_token"[^>]*>', html)
        token = re.search(rb'value="([^"]+)"', m.group(0)).group(1).decode() if m else ""
        body = urlencode({"csrf_token": token, "email": email, "wachtwoord": wachtwoord}).encode()
        status, _h, _b = self.vraag("POST", "/login", body, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            sys.exit(f"login as {email} failed: HTTP {status}")


@dataclass
class Fase:
    naam: str
    wall: float = 0.0
    uitkomsten: dict[str, int] = field(default_factory=dict)
    latenties: list[float] = field(default_factory=list)   # of the successful requests, seconds

    @property
    def aantal(self) -> int:
        return sum(self.uitkomsten.values())

    def per_s(self, *soorten: str) -> float:
        return sum(self.uitkomsten.get(s, 0) for s in soorten) / self.wall

    def p(self, q: float) -> float:
        if len(self.latenties) < 2:
            return self.latenties[0] * 1000 if self.latenties else float("nan")
        return statistics.quantiles(self.latenties, n=100, method="inclusive")[round(q * 100) - 1] * 1000


def _fase(naam: str, klanten: list[Klant], werk, duur: float, goed: tuple[str, ...]) -> Fase:
    """Every client repeats `werk(klant)` (which returns an outcome label) until `duur` has passed; requests
    in flight at the end are waited for and counted; wall time runs from start to the last answer."""
    fase, slot = Fase(naam), threading.Lock()
    start = time.perf_counter()
    eind = start + duur

    def lus(klant: Klant) -> None:
        eigen = []
        while time.perf_counter() < eind:
            t0 = time.perf_counter()
            try:
                uitkomst = werk(klant)
            except Exception as e:  # noqa: BLE001  (counted, not fatal)
                uitkomst = f"fout {type(e).__name__}"
            eigen.append((time.perf_counter() - t0, uitkomst))
        with slot:
            for duur_, uitkomst in eigen:
                fase.uitkomsten[uitkomst] = fase.uitkomsten.get(uitkomst, 0) + 1
                if uitkomst in goed:
                    fase.latenties.append(duur_)

    draden = [threading.Thread(target=lus, args=(k,)) for k in klanten]
    for d in draden:
        d.start()
    for d in draden:
        d.join()
    fase.wall = time.perf_counter() - start
    return fase


def _get(pad_maker):
    def werk(klant: Klant) -> str:
        status, _h, _b = klant.vraag("GET", pad_maker())
        return str(status)
    return werk


QUOTE = ("Geachte heer, mevrouw,\n\nHierbij ontvangt u een knip van Wijkteam Landelijk voor een cliënt die door een "
         "wachttermijn zonder inkomen zit. De huur is twee maanden achterstallig en de verhuurder heeft een "
         "ontruimingsprocedure aangekondigd. Wij vragen u de wachttermijn te laten vervallen zodat de uitkering "
         "per direct kan ingaan. Antwoord op deze mail met ONTVANGEN, IN BEHANDELING of UITGEVOERD, of gebruik "
         "de link hieronder.\n\nMet vriendelijke groet,\nKnipkaart, Gemeente Demostad\n")


def _mail(adres: str, afzender: str, volgnummer: int, run: str) -> bytes:
    """A reply of ~MAILGROOTTE bytes: two new lines above a quoted history, as a mail client sends it."""
    kop = (f"From: Contactpersoon <{afzender}>\r\nTo: {adres}\r\nSubject: Re: Nieuwe knip voor uw dienst\r\n"
           f"Message-ID: <landelijk.{run}.{volgnummer}@dienst.bench>\r\nDate: Mon, 23 Nov 2026 10:00:00 +0100\r\n"
           "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
    nieuw = ("Dank voor de knip. We nemen contact op met de cliënt en laten de wachttermijn vervallen.\r\n\r\n"
             "Met vriendelijke groet,\r\nde contactpersoon\r\n\r\n"
             "Op maandag 23 november 2026 09:00 schreef Knipkaart <knipkaart@gemeente.example>:\r\n")
    geciteerd = "".join("> " + regel + "\r\n" for regel in QUOTE.splitlines())
    tekst = kop + nieuw
    while len(tekst.encode()) + len(geciteerd.encode()) <= MAILGROOTTE:
        tekst += geciteerd
    tekst += "> " + "." * max(0, MAILGROOTTE - len(tekst.encode()) - 4) + "\r\n"
    return tekst.encode()


def _multipart(velden: dict[str, bytes]) -> tuple[bytes, str]:
    grens = "----landelijk" + secrets.token_hex(12)
    delen = []
    for naam, waarde in velden.items():
        delen.append(f'--{grens}\r\nContent-Disposition: form-data; name="{naam}"\r\n\r\n'.encode() + waarde + b"\r\n")
    return b"".join(delen) + f"--{grens}--\r\n".encode(), f"multipart/form-data; boundary={grens}"


# ---------------------------------------------------------------- main


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--duur", type=float, default=20.0, help="seconds per phase (default 20)")
    p.add_argument("--klanten", type=int, default=8, help="client threads for pages and replies (default 8)")
    p.add_argument("--knip-klanten", type=int, default=16, help="client threads for knips (default 16)")
    p.add_argument("--zaken", type=int, default=1_000_000, help="number of cases (default 1,000,000)")
    p.add_argument("--hergebruik", action="store_true",
                   help="keep the data when the database already holds this many cases")
    args = p.parse_args()

    url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if not url or not url.startswith("postgresql"):
        sys.exit("Set BENCH_DATABASE_URL to a PostgreSQL database that may be emptied.")
    os.environ.update({"DATABASE_URL": url, "SECRET_KEY": "bench-" + "x" * 40, "KNIPKAART_ENV": "development",
                       "INBOUND_DOMAIN": INBOUND_DOMEIN})
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app import create_app
    from app.extensions import db

    versie_code = _code_versie()
    app = create_app({"OUTBOX_DIR": "/tmp/knipkaart-bench-outbox"})
    with app.app_context():
        aanwezig = _aantal_zaken(db)  # the data set's own cases, not the knips earlier runs added
        if args.hergebruik and aanwezig == args.zaken:
            print(f"data kept: {aanwezig:,} cases already in the database")
            db.session.remove()
            upgrade(directory=str(ROOT / "migrations"))  # to the newest migration
        else:
            _bouw(db, args.zaken)
        v = _bereid_voor(db)
        pg = db.session.execute(text("SHOW server_version")).scalar_one()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()

    poort = _vrije_poort()
    server = _start_gunicorn(url, poort)
    fasen: dict[str, Fase] = {}
    knip_start = datetime.now(timezone.utc)
    try:
        klanten = [Klant(poort) for _ in range(args.klanten)]
        for k in klanten:
            k.login(MANAGER, WACHTWOORD)
        warm = min(3.0, args.duur / 4)
        zaak_pad = lambda: f"/zaken/{random.choice(v.zaak_ids)}"  # noqa: E731
        zoek_pad = lambda: "/zaken?" + urlencode({"q": random.choice(ZOEKTERMEN)})  # noqa: E731
        routes = [("GET /healthz (bare)", lambda: "/healthz"), ("GET /wijkteam", lambda: "/wijkteam"),
                  ("GET /zaken/<id>", zaak_pad), ("GET /zaken (list)", lambda: "/zaken"),
                  ("GET /zaken?q= (search)", zoek_pad)]
        for naam, pad in routes:
            _fase("warm-up", klanten, _get(pad), warm, ("200",))
            fasen[naam] = _fase(naam, klanten, _get(pad), args.duur, ("200",))

        run = f"{int(time.time())}.{secrets.token_hex(3)}"
        teller = itertools.count()
        auth = "Basic " + base64.b64encode(f"inbound:{INBOUND_WACHTWOORD}".encode()).decode()

        def reply(klant: Klant) -> str:
            i = next(teller)
            adres, afzender = v.replies[i % len(v.replies)]
            # SendGrid's own verdicts beside the mail: without them a reply is held as unauthenticated.
            body, soort = _multipart({"email": _mail(adres, afzender, i, run),
                                      "envelope": json.dumps({"to": [adres], "from": afzender}).encode(),
                                      "SPF": b"pass",
                                      "dkim": ("{@" + afzender.rpartition("@")[2] + " : pass}").encode()})
            status, _h, data = klant.vraag("POST", "/mail/inbound/sendgrid", body,
                                           {"Content-Type": soort, "Authorization": auth})
            return json.loads(data).get("status", str(status)) if status == 200 else str(status)

        mailklanten = [Klant(poort) for _ in range(args.klanten)]
        _fase("warm-up", mailklanten, reply, warm, ())
        fasen["replies"] = _fase("POST /mail/inbound/sendgrid", mailklanten, reply, args.duur,
                                 ("toegepast", "quarantaine"))

        volgorde = list(range(len(v.tokens)))
        random.shuffle(volgorde)
        knipteller = itertools.count()

        def knip(klant: Klant) -> str:
            i = next(knipteller)
            kaart = volgorde[(i // BURST) % len(volgorde)]
            body = json.dumps({"dienst_id": v.dienst_id, "clientreferentie": f"LB-{run}-{i}",
                               "gevraagd": "Wachttermijn laten vervallen zodat de uitkering per direct ingaat.",
                               "blokkerende_regel": "De wachttermijn van vier weken gaat voor, ook zonder inkomen.",
                               "urgentie": "acuut", "oorzaak_id": v.oorzaak_id, "uitzondering": "wachttermijn",
                               "versturen": True}).encode()
            status, _h, _b = klant.vraag("POST", "/api/v1/knippen", body,
                                         {"Content-Type": "application/json",
                                          "Authorization": f"Bearer {v.tokens[kaart]}"})
            return str(status)

        knipklanten = [Klant(poort) for _ in range(args.knip_klanten)]
        knip_start = datetime.now(timezone.utc)
        fasen["knips"] = _fase("POST /api/v1/knippen", knipklanten, knip, args.duur, ("201",))
    finally:
        _stop(server)

    with app.app_context():
        inv = _invariant(db, v, knip_start)
        db.session.remove()
    _druk(args, v, fasen, inv, pg, versie_code)


def _invariant(db, v: Voorbereid, sinds: datetime) -> dict:
    from sqlalchemy import text

    s = db.session
    rij = s.execute(text("""
        WITH netto AS (
            SELECT k.id, k.quotum,
                   count(m.id) FILTER (WHERE m.soort = 'ingezet') - count(m.id) FILTER (WHERE m.soort = 'teruggegeven')
                       AS netto
            FROM knipkaart k LEFT JOIN knipkaart_mutatie m ON m.knipkaart_id = k.id GROUP BY k.id, k.quotum)
        SELECT count(*), count(*) FILTER (WHERE netto > quotum),
               count(*) FILTER (WHERE id = ANY(:kaarten) AND netto = quotum)
        FROM netto"""), {"kaarten": v.kaart_ids}).one()
    nieuw = s.execute(text("""
        SELECT count(*) FROM knipkaart_mutatie WHERE knipkaart_id = ANY(:kaarten) AND soort = 'ingezet' AND op >= :sinds
        """), {"kaarten": v.kaart_ids, "sinds": sinds}).scalar_one()
    geraakt = s.execute(text("""
        SELECT count(DISTINCT knipkaart_id) FROM knipkaart_mutatie WHERE knipkaart_id = ANY(:kaarten) AND op >= :sinds
        """), {"kaarten": v.kaart_ids, "sinds": sinds}).scalar_one()
    s.rollback()
    return {"kaarten": rij[0], "over": rij[1], "vol": rij[2], "nieuw": nieuw, "geraakt": geraakt}


def _aantal_zaken(db) -> int:
    from sqlalchemy import text

    try:
        n = db.session.execute(text("""
            SELECT count(*) FROM zaak z JOIN wijkteam w ON w.id = z.wijkteam_id WHERE w.naam NOT LIKE 'Landelijk %'
            """)).scalar_one()
    except Exception:
        n = -1
    db.session.rollback()
    return n


def _code_versie() -> str:
    def git(*a: str) -> str:
        return subprocess.run(["git", *a], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    vuil = [r[3:] for r in git("status", "--porcelain", "--", "app", "workflows", "notifications", "templates",
                               "migrations").splitlines()]
    return git("log", "-1", "--format=%h") + (f" + uncommitted changes in {', '.join(vuil)}" if vuil else "")


def _druk(args, v: Voorbereid, fasen: dict[str, Fase], inv: dict, pg: str, code: str) -> None:
    print(f"data: {args.zaken:,} cases; dashboard team {TEAM}: {v.team_zaken:,} cases, {v.team_open:,} open; "
          f"{EXTRA_TEAMS} extra teams with a card of {QUOTUM} knips left each; {len(v.replies):,} reply addresses")
    print(f"machine: {os.cpu_count()} cores ({_cpu()}), PostgreSQL {pg}, Python {platform.python_version()}, "
          f"{date.today().isoformat()}; code {code}")
    print(f"gunicorn -w 2 (sync) on 127.0.0.1, load generator in the same machine: {args.klanten} clients for "
          f"pages and replies, {args.knip_klanten} for knips; {args.duur:.0f} s per phase after a warm-up")
    print()
    bare = fasen["GET /healthz (bare)"].p(0.95)
    print(f"{'route':<32} {'requests':>9} {'per s':>8} {'p50 ms':>9} {'p95 ms':>9} {'p95 / bare':>11}  goal")
    for naam in ("GET /healthz (bare)", "GET /wijkteam", "GET /zaken/<id>", "GET /zaken (list)",
                 "GET /zaken?q= (search)"):
        f = fasen[naam]
        fout = f.aantal - len(f.latenties)
        ratio = f.p(0.95) / bare
        grens = DOEL_ZOEKEN if naam.startswith("GET /zaken?q") else DOEL_RATIO
        doel = "" if naam.startswith("GET /healthz") or naam == "GET /zaken (list)" else \
            f"<= {grens:.0f}: {'met' if ratio <= grens else 'NOT met'}"
        print(f"{naam:<32} {f.aantal:>9,} {f.per_s('200'):>8.1f} {f.p(0.5):>9.1f} {f.p(0.95):>9.1f} {ratio:>11.2f}  "
              f"{doel}{f'  ({fout} not 200)' if fout else ''}")
    r = fasen["replies"]
    per_s = r.per_s("toegepast", "quarantaine")
    print(f"{'POST /mail/inbound/sendgrid':<32} {r.aantal:>9,} {per_s:>8.1f} {r.p(0.5):>9.1f} {r.p(0.95):>9.1f} "
          f"{'':>11}  replies/s >= {DOEL_REPLIES:.0f}: {'met' if per_s >= DOEL_REPLIES else 'NOT met'}")
    k = fasen["knips"]
    print(f"{'POST /api/v1/knippen':<32} {k.aantal:>9,} {k.per_s('201'):>8.1f} {k.p(0.5):>9.1f} {k.p(0.95):>9.1f} "
          f"{'':>11}  spends/s (p50/p95 of the spends)")
    print()
    print(f"replies: {_uitkomsten(r)}; 20 KB each ({MAILGROOTTE:,} bytes of RFC 822 in the 'email' field)")
    print(f"knips: {_uitkomsten(k)} (201 spent, 409 card full); {inv['geraakt']} of {EXTRA_TEAMS} cards used, "
          f"{inv['vol']} spent to their quota; ledger entries 'ingezet' written: {inv['nieuw']:,} "
          f"({'=' if inv['nieuw'] == k.uitkomsten.get('201', 0) else '!='} 201 answers)")
    print(f"quota invariant over all {inv['kaarten']:,} cards (net spends <= quotum): "
          + ("holds" if inv["over"] == 0 else f"BROKEN on {inv['over']} cards"))


def _uitkomsten(f: Fase) -> str:
    return ", ".join(f"{n:,} {u}" for u, n in sorted(f.uitkomsten.items(), key=lambda x: -x[1]))


if __name__ == "__main__":
    main()
