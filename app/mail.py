"""Flask glue for notifications/: configuration, links, the outbox hook, CLI and the development outbox page."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
from flask import Blueprint, Flask, abort, current_app, render_template, send_from_directory
from flask.cli import AppGroup

from notifications import uitgaand
from notifications.backends import uit_config
from notifications.verzender import verstuur_wachtrij

from .extensions import db
from .links import link_url

bp = Blueprint("mail", __name__)
mail_cli = AppGroup("mail", help="Mail: verzenden en (met 'inbound') een mail invoeren.")


def instellingen() -> uitgaand.MailInstellingen:
    c = current_app.config
    # Built from the URL map, not url_for: jobs and CLI commands have no request to borrow a host from.
    adressen = current_app.url_map.bind("localhost")
    basis = c["BASE_URL"]
    return uitgaand.MailInstellingen(
        inbound_localpart=c["INBOUND_LOCALPART"], inbound_domain=c["INBOUND_DOMAIN"],
        message_id_domain=c["INBOUND_DOMAIN"], gemeente=c["GEMEENTE_NAAM"],
        team_link=lambda zaak: basis + adressen.build("wijkteam.zaak", {"zaak_id": zaak.id}),
        mailinstellingen_link=basis + adressen.build("wijkteam.mailinstellingen"))


def meld(resultaat, now: datetime, *, niet_voor: datetime | None = None) -> None:
    """Queue the mails a use case's result causes, in the caller's transaction."""
    uitgaand.na_resultaat(db.session, resultaat, now, link_url, instellingen(), niet_voor=niet_voor)


def verstuur_nu(max_aantal: int = 100, klok=None):
    """Run the dispatcher once with the configured backend (`klok` only for `scheduler tick`)."""
    return verstuur_wachtrij(db.session, uit_config(current_app.config),
                             klok or (lambda: datetime.now(timezone.utc)), max_aantal=max_aantal,
                             lease=timedelta(minutes=current_app.config["MAIL_LEASE_MINUTEN"]))


@mail_cli.command("verstuur")
@click.option("--max", "max_aantal", default=100, show_default=True)
def verstuur_cmd(max_aantal: int) -> None:
    """Verstuur de mails die in de wachtrij staan."""
    r = verstuur_nu(max_aantal)
    click.echo(f"verzonden: {len(r.verzonden)}, later opnieuw: {len(r.uitgesteld)}, mislukt: {len(r.mislukt)}")


@bp.route("/dev/outbox")
def outbox():
    """Development only: the mails the outbox backend wrote."""
    if current_app.config["ENV_PRODUCTION"] or current_app.config["MAIL_BACKEND"] != "outbox":
        abort(404)
    map_ = Path(current_app.config["OUTBOX_DIR"])
    bestanden = sorted(map_.glob("*.eml"), reverse=True)[:200] if map_.exists() else []
    return render_template("mail/outbox.html", bestanden=bestanden)


@bp.route("/dev/outbox/<naam>")
def outbox_bestand(naam: str):
    if current_app.config["ENV_PRODUCTION"] or current_app.config["MAIL_BACKEND"] != "outbox":
        abort(404)
    if not naam.endswith(".eml") or "/" in naam or naam.startswith("."):
        abort(404)
    return send_from_directory(current_app.config["OUTBOX_DIR"], naam, mimetype="text/plain")


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
