"""Command-line commands: `flask --app app create-user`, `seed-demo`."""
from __future__ import annotations

import click
from flask import Flask, current_app
from sqlalchemy import func, select

from workflows.models import Gebruiker, Rol, Wijkteam

from .auth.models import hash_wachtwoord
from .auth.wachtwoord import problemen
from .extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(create_user)
    app.cli.add_command(seed_demo)


@click.command("create-user")
@click.option("--email", prompt="E-mailadres")
@click.option("--naam", prompt="Naam")
@click.option("--rol", type=click.Choice([r.value for r in Rol]), default=Rol.BEHEERDER.value, show_default=True)
@click.option("--wijkteam", "wijkteam_naam", default=None, help="Naam van het wijkteam (voor wijkteamrollen).")
@click.password_option("--wachtwoord", prompt="Wachtwoord")
def create_user(email: str, naam: str, rol: str, wijkteam_naam: str | None, wachtwoord: str) -> None:
    """Maak een gebruiker aan (standaard: de eerste beheerder)."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter("Dit is geen e-mailadres.", param_hint="--email")
    fouten = problemen(wachtwoord, email)
    if fouten:
        raise click.BadParameter(" ".join(fouten), param_hint="--wachtwoord")
    if db.session.execute(select(Gebruiker).where(func.lower(Gebruiker.email) == email)).scalar_one_or_none():
        raise click.ClickException(f"Er is al een gebruiker met e-mailadres {email}.")
    rol_ = Rol(rol)
    wijkteam_id = None
    if rol_ in (Rol.WIJKTEAMMANAGER, Rol.MEDEWERKER):
        if not wijkteam_naam:
            raise click.BadParameter("Een wijkteamrol heeft --wijkteam nodig.", param_hint="--wijkteam")
        team = db.session.execute(select(Wijkteam).where(Wijkteam.naam == wijkteam_naam)).scalar_one_or_none()
        if team is None:
            raise click.BadParameter(f"Wijkteam '{wijkteam_naam}' bestaat niet.", param_hint="--wijkteam")
        wijkteam_id = team.id
    db.session.add(Gebruiker(email=email, naam=naam.strip(), rol=rol_, wijkteam_id=wijkteam_id,
                             wachtwoord_hash=hash_wachtwoord(wachtwoord)))
    db.session.commit()
    click.echo(f"Gebruiker {email} ({rol_.label}) aangemaakt.")


@click.command("seed-demo")
@click.option("--als-leeg", is_flag=True, help="Alleen vullen als er nog geen wijkteams zijn (voor make run).")
def seed_demo(als_leeg: bool) -> None:
    """Vul de database met de demo (alleen in development)."""
    if current_app.config["ENV_PRODUCTION"]:
        raise click.ClickException("seed-demo werkt alleen in development, nooit in productie.")
    if db.session.execute(select(func.count(Wijkteam.id))).scalar_one():
        if als_leeg:
            click.echo("Demo staat er al; niets gedaan.")
            return
        raise click.ClickException("De database bevat al gegevens; seed-demo vult alleen een lege database.")
    from .demo import vul_demo

    accounts = vul_demo(db.session)
    db.session.commit()
    click.echo("Demo aangemaakt. Accounts (wachtwoord: demo):")
    for email, omschrijving in accounts:
        click.echo(f"  {email:40} {omschrijving}")
