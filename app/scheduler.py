"""Scheduled jobs with APScheduler 3.x: for now the outbox dispatcher.

Two modes. Under `make run` the scheduler runs inside the development server's
process (once: in the reloader's child, not also in its parent). In production
`flask --app app scheduler` runs it as its own process and web workers never
start one.
"""
from __future__ import annotations

import logging
import os
import threading

from datetime import datetime, timezone

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from workflows.kalender import TZ

log = logging.getLogger(__name__)
_gestart = threading.Lock()
_draait: BackgroundScheduler | None = None


def _verstuur_job(app: Flask) -> None:
    from .extensions import db
    from .mail import verstuur_nu

    with app.app_context():
        try:
            rapport = verstuur_nu()
            if rapport.verzonden or rapport.mislukt:
                log.info("outbox: %d verzonden, %d mislukt", len(rapport.verzonden), len(rapport.mislukt))
        finally:
            db.session.remove()


def _sweep_job(app: Flask) -> None:
    from .bewaking import sweep
    from .extensions import db

    with app.app_context():
        try:
            rapport = sweep(datetime.now(timezone.utc))
            if rapport.stappen:
                log.info("deadline-sweep: %s", ", ".join(rapport.stappen))
        finally:
            db.session.remove()


def _rapportfeiten_job(app: Flask) -> None:
    """The report's roll-up: recompute the groups whose cases changed (workflows.rapportfeiten), so the report
    itself finds little to catch up."""
    from workflows.rapportfeiten import bijwerken_wat_veranderde

    from .extensions import db

    with app.app_context():
        try:
            bijwerken_wat_veranderde(db.session)
            db.session.commit()
        finally:
            db.session.remove()


def _overzicht_job(app: Flask) -> None:
    from notifications.overzicht import weekoverzicht
    from workflows.zaken import kalender

    from .extensions import db
    from .links import link_url
    from .mail import instellingen

    with app.app_context():
        try:
            aantal = weekoverzicht(db.session, datetime.now(timezone.utc), instellingen(), kalender(db.session),
                                   link_url)
            db.session.commit()
            if aantal:
                log.info("weekoverzicht: %d mails", aantal)
        finally:
            db.session.remove()


def _quarantaine_job(app: Flask) -> None:
    """The beheerder's overview of held mail: on werkdagen, only when something waits, once per day."""
    from notifications.quarantaine import Koppelingen, dagoverzicht
    from workflows.zaken import kalender

    from .extensions import db
    from .mail import instellingen

    with app.app_context():
        try:
            adressen = app.url_map.bind("localhost")
            links = Koppelingen(quarantaine=app.config["BASE_URL"] + adressen.build("beheer.quarantaine"),
                                afwezigheid=app.config["BASE_URL"] + adressen.build("beheer.afwezigheidsberichten"))
            aantal = dagoverzicht(db.session, datetime.now(timezone.utc), instellingen(), kalender(db.session), links)
            db.session.commit()
            if aantal:
                log.info("quarantaine-overzicht: %d mails", aantal)
        finally:
            db.session.remove()


def _dagoverzicht_job(app: Flask) -> None:
    """The daily overviews of the mail budget: on werkdagen, only for whom something was held, once per day."""
    from notifications.dagoverzicht import dagoverzichten
    from workflows.zaken import kalender

    from .extensions import db
    from .links import link_url
    from .mail import instellingen

    with app.app_context():
        try:
            aantal = dagoverzichten(db.session, datetime.now(timezone.utc), instellingen(), kalender(db.session),
                                    link_url)
            db.session.commit()
            if aantal:
                log.info("dagoverzicht: %d mails", aantal)
        finally:
            db.session.remove()


def _retentie_job(app: Flask) -> None:
    from .extensions import db
    from .retentie import voer_uit

    with app.app_context():
        try:
            ids = voer_uit(datetime.now(timezone.utc))
            if ids:
                log.info("bewaartermijn: vrije tekst van %d zaken gewist", len(ids))
        finally:
            db.session.remove()


def _nazorg_job(app: Flask) -> None:
    """The six-month effect questions and renewal reminders that are due (app/nazorg/taken.py)."""
    from .extensions import db
    from .nazorg.taken import vragen_stellen

    with app.app_context():
        try:
            gevraagd = vragen_stellen(datetime.now(timezone.utc))
            if gevraagd.effect or gevraagd.verlenging or gevraagd.maatwerk:
                log.info("nazorg: effect gevraagd bij %s; verlengen herinnerd bij %s; effect van betaling gevraagd "
                         "bij %s", ", ".join(gevraagd.effect) or "-", ", ".join(gevraagd.verlenging) or "-",
                         ", ".join(gevraagd.maatwerk) or "-")
        finally:
            db.session.remove()


def _maatwerk_job(app: Flask, soort: str) -> None:
    """The maatwerkbudget's clocks: a payment batch to finance at the set times ("betaalronde"), reminders of
    the werkdag to decide and of the 24 hours to pay ("herinneringen"); notifications/maatwerk.py."""
    from notifications import maatwerk
    from workflows.fouten import DomeinFout

    from .extensions import db
    from .maatwerk.links import links
    from .mail import instellingen

    with app.app_context():
        try:
            aantal = getattr(maatwerk, soort)(db.session, datetime.now(timezone.utc), instellingen(), links())
            db.session.commit()
            if aantal:
                log.info("maatwerk-%s: %d", soort, aantal)
        except DomeinFout as fout:  # e.g. no account set for the SEPA file: the requests wait for the next round
            db.session.rollback()
            log.warning("maatwerk-%s: %s", soort, fout.melding)
        finally:
            db.session.remove()


def _maatwerk_jobs(scheduler, app: Flask) -> None:
    # Payment batches on weekdays at the set times (MAATWERK_BETAALMOMENTEN, "09:00,13:00,16:00"), one batch per
    # moment also with several scheduler processes (the approved rows are locked and skipped when taken).
    for i, moment in enumerate(app.config.get("MAATWERK_BETAALMOMENTEN", "09:00,13:00,16:00").split(",")):
        uur, _, minuut = moment.strip().partition(":")
        scheduler.add_job(_maatwerk_job, "cron", day_of_week="mon-fri", hour=int(uur), minute=int(minuut or 0),
                          args=[app, "betaalronde"], id=f"maatwerk-betaalronde-{i}", max_instances=1, coalesce=True,
                          replace_existing=True)
    scheduler.add_job(_maatwerk_job, "interval", minutes=5, args=[app, "herinneringen"], id="maatwerk-herinneringen",
                      max_instances=1, coalesce=True, replace_existing=True)


def _jobs(scheduler, app: Flask) -> None:
    _maatwerk_jobs(scheduler, app)
    scheduler.add_job(_verstuur_job, "interval", seconds=app.config.get("OUTBOX_INTERVAL_SECONDEN", 5), args=[app],
                      id="outbox", max_instances=1, coalesce=True, replace_existing=True)
    # A (re)started scheduler sweeps at once: what fell due while it was down is not left for another minute.
    scheduler.add_job(_sweep_job, "interval", minutes=1, args=[app], id="deadlines", max_instances=1,
                      coalesce=True, replace_existing=True, next_run_time=datetime.now(timezone.utc))
    scheduler.add_job(_rapportfeiten_job, "interval", minutes=1, args=[app], id="rapportfeiten", max_instances=1,
                      coalesce=True, replace_existing=True)
    # Every quarter of an hour: questions fall due at 08:00 on werkdagen, before the daily overview of 08:30.
    scheduler.add_job(_nazorg_job, "cron", minute="*/15", args=[app], id="nazorg", max_instances=1,
                      coalesce=True, replace_existing=True)
    scheduler.add_job(_retentie_job, "cron", hour=2, minute=15, args=[app], id="bewaartermijn", max_instances=1,
                      coalesce=True, replace_existing=True)
    # Every weekday at 08:30; the digest itself goes out once per week (the first werkdag it runs).
    scheduler.add_job(_overzicht_job, "cron", day_of_week="mon-fri", hour=8, minute=30, args=[app],
                      id="weekoverzicht", max_instances=1, coalesce=True, replace_existing=True)
    # Every weekday at 08:30: the daily overviews of the mail budget, once a day per recipient also with several
    # scheduler processes (the Message-ID is the day's and the recipient's); on a holiday the job sends nothing.
    scheduler.add_job(_dagoverzicht_job, "cron", day_of_week="mon-fri", hour=8, minute=30, args=[app],
                      id="dagoverzicht", max_instances=1, coalesce=True, replace_existing=True)
    # Every weekday at 08:30 too: the overview of held mail goes out on werkdagen when something waits, once a
    # day also with several scheduler processes (its Message-ID is the day's and the recipient's).
    scheduler.add_job(_quarantaine_job, "cron", day_of_week="mon-fri", hour=8, minute=30, args=[app],
                      id="quarantaine-overzicht", max_instances=1, coalesce=True, replace_existing=True)


def start_in_ontwikkelserver(app: Flask) -> None:
    """Start the background scheduler in the development server's serving process only.

    `flask run --debug` runs the app twice; Werkzeug sets WERKZEUG_RUN_MAIN only in
    the child that serves requests, so the parent (which only watches files) and
    every other CLI command start nothing.
    """
    global _draait
    if app.config["ENV_PRODUCTION"] or app.testing or os.environ.get("WERKZEUG_RUN_MAIN") != "true":
        return
    with _gestart:
        if _draait is not None:
            return
        _draait = BackgroundScheduler(timezone="Europe/Amsterdam")
        _jobs(_draait, app)
        _draait.start()
        log.info("scheduler gestart in de ontwikkelserver")


@click.group("scheduler", cls=AppGroup, invoke_without_command=True)
@click.pass_context
@with_appcontext
def scheduler_cli(ctx) -> None:
    """Draai de scheduler als eigen proces (productie), of één tik (ontwikkeling)."""
    if ctx.invoked_subcommand is None:
        _draai_blokkerend(current_app._get_current_object())


@scheduler_cli.command("tick")
@click.option("--at", "moment", required=True, help='Het moment, Europe/Amsterdam: "YYYY-MM-DD HH:MM".')
def tick_cmd(moment: str) -> None:
    """Eén sweep en één verzendronde alsof het nu MOMENT is (alleen in ontwikkeling)."""
    from .bewaking import sweep
    from .mail import verstuur_nu

    if current_app.config["ENV_PRODUCTION"]:
        raise click.ClickException("scheduler tick verschuift de tijd en werkt alleen in ontwikkeling.")
    try:
        now = datetime.strptime(moment, "%Y-%m-%d %H:%M").replace(tzinfo=TZ)
    except ValueError:
        raise click.BadParameter('Gebruik "YYYY-MM-DD HH:MM", bijvoorbeeld "2026-12-01 09:00".', param_hint="--at")
    rapport = sweep(now)
    for stap in rapport.stappen:
        click.echo(f"  {stap}")
    verzonden = verstuur_nu(klok=lambda: now)
    click.echo(f"Sweep op {moment}: {len(rapport.stappen)} stappen in {rapport.zaken} zaken; "
               f"{len(verzonden.verzonden)} mails verzonden.")


def init_app(app: Flask) -> None:
    app.cli.add_command(scheduler_cli)


STOPTIJD_SECONDEN = 30  # how long a stopping scheduler waits for the jobs that are running


def _draai_blokkerend(app: Flask) -> None:
    """Run until Ctrl-C or SIGTERM; then wait at most STOPTIJD_SECONDEN for the running jobs and stop.

    A job still running then (waiting on a lock or a provider) is abandoned with its stack in the log: its
    transaction is rolled back by the database and its claimed mail is taken over after the lease, so stopping
    loses nothing, and a process manager never waits for ever."""
    import signal

    scheduler = BlockingScheduler(timezone="Europe/Amsterdam")
    _jobs(scheduler, app)
    signal.signal(signal.SIGTERM, lambda *_: scheduler.shutdown(wait=False))
    click.echo("Scheduler draait (outbox elke paar seconden, deadlines elke minuut); stop met Ctrl-C.")
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        pass
    _stoppen(scheduler)


def _stoppen(scheduler: BlockingScheduler) -> None:
    import sys
    import time
    import traceback

    if scheduler.running:  # after SIGTERM it has already shut down
        scheduler.shutdown(wait=False)
    werkers = [t for e in scheduler._executors.values() for t in getattr(getattr(e, "_pool", None), "_threads", ())]
    tot = time.monotonic() + STOPTIJD_SECONDEN
    for t in werkers:
        t.join(max(0.0, tot - time.monotonic()))
    hangend = [t for t in werkers if t.is_alive()]
    if not hangend:
        click.echo("Scheduler gestopt.")
        return
    frames = sys._current_frames()
    for t in hangend:
        log.warning("scheduler: een taak liep na %d s nog; gestopt zonder haar af te wachten:\n%s",
                    STOPTIJD_SECONDEN, "".join(traceback.format_stack(frames.get(t.ident))) if t.ident in frames else "")
    click.echo(f"Scheduler gestopt; {len(hangend)} lopende taak afgebroken (zie het log).")
    logging.shutdown()
    sys.stdout.flush()
    os._exit(0)
