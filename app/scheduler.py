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

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

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


def _jobs(scheduler, app: Flask) -> None:
    scheduler.add_job(_verstuur_job, "interval", seconds=app.config.get("OUTBOX_INTERVAL_SECONDEN", 5), args=[app],
                      id="outbox", max_instances=1, coalesce=True, replace_existing=True)


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


def init_app(app: Flask) -> None:
    @app.cli.command("scheduler")
    def scheduler_cmd() -> None:
        """Draai de scheduler als eigen proces (productie)."""
        scheduler = BlockingScheduler(timezone="Europe/Amsterdam")
        _jobs(scheduler, app)
        click.echo("Scheduler draait; stop met Ctrl-C.")
        try:
            scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
