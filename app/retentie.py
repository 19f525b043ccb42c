"""The retention erase as a nightly job and as `flask --app app retention run [--dry-run]`."""
from __future__ import annotations

from datetime import datetime, timezone

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from notifications.bewaring import wis_mail
from workflows.bewaring import te_wissen, wis_zaken

from .extensions import db

retention_cli = AppGroup("retention", help="Bewaartermijn: vrije tekst van lang gesloten zaken wissen.")


def voer_uit(now: datetime, *, dry_run: bool = False) -> list[int]:
    """Erase what is past the retention period, in batches, one transaction each; returns the case ids."""
    maanden = current_app.config["RETENTION_MONTHS"]
    alles: list[int] = []
    while True:
        ids = te_wissen(db.session, now, maanden)
        if not ids or dry_run:
            alles += ids
            db.session.rollback()
            return alles
        wis_zaken(db.session, ids, now)
        wis_mail(db.session, ids)
        db.session.commit()
        alles += ids


@retention_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Alleen tellen wat gewist zou worden.")
def run_cmd(dry_run: bool) -> None:
    """Wis vrije tekst, berichten, mailteksten en bijlagen van zaken die langer dan RETENTION_MONTHS gesloten zijn."""
    ids = voer_uit(datetime.now(timezone.utc), dry_run=dry_run)
    maanden = current_app.config["RETENTION_MONTHS"]
    if dry_run:
        click.echo(f"{len(ids)} zaken zijn langer dan {maanden} maanden gesloten en zouden worden gewist.")
    else:
        click.echo(f"{len(ids)} zaken gewist (gesloten langer dan {maanden} maanden).")


def init_app(app: Flask) -> None:
    app.cli.add_command(retention_cli)
