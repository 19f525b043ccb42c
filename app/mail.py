"""Flask glue for notifications/: configuration, links, the outbox hook, CLI and the development outbox page."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import click
from flask import Blueprint, Flask, abort, current_app, make_response, render_template, request, send_from_directory
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


def _alleen_ontwikkeling() -> None:
    if current_app.config["ENV_PRODUCTION"]:
        abort(404)


_PROEFMAILS: dict[tuple, list] = {}


def proefadressen():
    """The app's own pages for the preview's mails about no single case (example tokens: no account is made)."""
    from notifications.proefdruk import Adressen
    from notifications.quarantaine import Koppelingen

    from .links import mijn_zaken_url

    adressen = current_app.url_map.bind("localhost")
    basis = current_app.config["BASE_URL"]

    def pagina(endpoint: str, **waarden) -> str:
        return basis + adressen.build(endpoint, waarden)

    return Adressen(uitnodiging=pagina("auth.uitnodiging", token="voorbeeld"),
                    herstel=pagina("auth.wachtwoord_herstellen", token="voorbeeld"), inloggen=pagina("auth.login"),
                    knoptekst=current_app.config["OIDC_KNOPTEKST"], mijn_zaken=mijn_zaken_url,
                    quarantaine=Koppelingen(quarantaine=pagina("beheer.quarantaine"),
                                            afwezigheid=pagina("beheer.afwezigheidsberichten")))


def _proefmails(vernieuw: bool = False) -> list:
    """Every mail kind in every state, made by the production code on an invented municipality in a throw-away
    in-memory database (the development database keeps its own data). Kept until a mail template changes."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session
    from sqlalchemy.pool import StaticPool

    from notifications.proefdruk import maak_proefmails
    from workflows.models import Base

    from .extensions import configure_sqlite

    sleutel = (current_app.config["BASE_URL"], max(p.stat().st_mtime for p in uitgaand.TEMPLATES.iterdir()))
    if vernieuw or sleutel not in _PROEFMAILS:
        engine = create_engine("sqlite://", poolclass=StaticPool)
        configure_sqlite(engine)
        # A scratch schema for a preview only; real databases get theirs from the migrations.
        Base.metadata.create_all(engine)
        try:
            with Session(engine) as sessie:
                lijst = maak_proefmails(sessie, link_url, instellingen(), adressen=proefadressen())
                sessie.rollback()
        finally:
            engine.dispose()
        _PROEFMAILS.clear()
        _PROEFMAILS[sleutel] = lijst
    return _PROEFMAILS[sleutel]


@bp.route("/dev/mails")
def mails():
    """Development only: every mail, text beside HTML, with demo data, for review."""
    _alleen_ontwikkeling()
    proefmails = _proefmails(vernieuw=request.args.get("vernieuw") == "1")
    soort = request.args.get("soort", "")
    soorten = sorted({v.soort for v in proefmails})
    getoond = [(i, v) for i, v in enumerate(proefmails) if not soort or v.soort == soort]
    return render_template("mail/proefdruk.html", proefmails=getoond, soorten=soorten, soort=soort,
                           aantal=len(proefmails))


@bp.route("/dev/mails/<int:nummer>.html")
def mail_html(nummer: int):
    """The HTML part of one example as a mail client gets it: its own inline styles allowed, nothing else."""
    _alleen_ontwikkeling()
    proefmails = _proefmails()
    if not 0 <= nummer < len(proefmails):
        abort(404)
    response = make_response(proefmails[nummer].html)
    response.headers["Content-Type"] = "text/html; charset=utf-8"
    response.headers["Content-Security-Policy"] = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                                   "frame-ancestors 'self'; base-uri 'none'; form-action 'none'")
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(mail_cli)
