"""The retention erase as a nightly job and as `flask --app app retention run [--dry-run]`."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from dateutil.relativedelta import relativedelta
from flask import Flask, current_app
from flask.cli import AppGroup

from notifications.bewaring import tel_losse_mail, wis_losse_mail, wis_mail
from workflows.bewaring import te_wissen, wis_zaken
from workflows.maatwerk import bewaring as maatwerk_bewaring

from .extensions import db

retention_cli = AppGroup("retention", help="Bewaartermijn: vrije tekst van lang gesloten zaken wissen.")


class Gewist(list):
    """The erased case ids, how many inbound mails without a case went too, and how many maatwerk requests."""

    losse_mail: int = 0
    maatwerk: int = 0


def voer_uit(now: datetime, *, dry_run: bool = False) -> Gewist:
    """Erase what is past the retention period, in batches, one transaction each; returns the case ids."""
    maanden = current_app.config["RETENTION_MONTHS"]
    alles = Gewist()
    while True:
        ids = te_wissen(db.session, now, maanden)
        if not ids or dry_run:
            alles += ids
            break
        wis_zaken(db.session, ids, now)
        wis_mail(db.session, ids)
        db.session.commit()
        alles += ids
    # Maatwerk requests are no cases: what was written about the resident goes on the same clock.
    while True:
        aanvragen = maatwerk_bewaring.te_wissen(db.session, now, maanden)
        if not aanvragen or dry_run:
            alles.maatwerk += len(aanvragen)
            break
        maatwerk_bewaring.wis_aanvragen(db.session, aanvragen)
        db.session.commit()
        alles.maatwerk += len(aanvragen)
    # Quarantined mail that matches no case has no case to wait for: it goes on its own clock.
    grens = now - relativedelta(months=maanden)
    alles.losse_mail = tel_losse_mail(db.session, grens) if dry_run else wis_losse_mail(db.session, grens)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    return alles


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Alleen tellen wat gewist zou worden.")
def run_cmd(dry_run: bool) -> None:
    """Wis vrije tekst, berichten, mailteksten en bijlagen van zaken die langer dan RETENTION_MONTHS gesloten zijn."""
    gewist = voer_uit(datetime.now(timezone.utc), dry_run=dry_run)
    maanden = current_app.config["RETENTION_MONTHS"]
    if dry_run:
        click.echo(f"{len(gewist)} zaken zijn langer dan {maanden} maanden gesloten en zouden worden gewist; "
                   f"{gewist.losse_mail} mail zonder zaak (of bij een gewiste zaak) zou worden gewist; "
                   f"{gewist.maatwerk} maatwerkaanvragen zouden worden gewist.")
    else:
        click.echo(f"{len(gewist)} zaken gewist (gesloten langer dan {maanden} maanden); "
                   f"{gewist.losse_mail} mail zonder zaak (of bij een gewiste zaak) gewist; "
                   f"{gewist.maatwerk} maatwerkaanvragen gewist.")


def init_app(app: Flask) -> None:
    app.cli.add_command(retention_cli)
