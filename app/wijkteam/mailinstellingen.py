"""A team member's mail settings: direct mail or the daily overview, and how the dienst reaches them.

The member sets their own; the wijkteammanager sets the choice for the team; the beheerder sets it all under
Beheer › Gebruikers (app/beheer/instellingen.py).
"""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from wtforms import RadioField, StringField
from wtforms.validators import Length, Optional, Regexp

from workflows.models import Gebruiker, MailVoorkeur, Rol

from ..auth.guards import TEAMROLLEN, rol_vereist
from ..extensions import db
from ..forms import Formulier
from ..validators import emailadres
from . import bp

TELEFOON = Regexp(r"^\+?[\d\s().-]{6,40}$", message="Een telefoonnummer bestaat uit cijfers, spaties, +, - of ().")


class BereikbaarheidFormulier(Formulier):
    """What the dienst sees of a team member, and how they hear of deadline steps."""

    mail_voorkeur = RadioField("Meldingen over termijnen", choices=[(v.value, v.label) for v in MailVoorkeur],
                               default=MailVoorkeur.DIRECT.value)
    telefoon = StringField("Telefoonnummer voor de dienst", validators=[Optional(), Length(max=40), TELEFOON])
    contact_email = StringField("E-mailadres voor de dienst", validators=[Optional(), Length(max=254), emailadres])

    def vul(self, g: Gebruiker) -> None:
        self.mail_voorkeur.data = g.mail_voorkeur.value
        self.telefoon.data = g.telefoon or ""
        self.contact_email.data = g.contact_email or ""

    def zet(self, g: Gebruiker) -> None:
        g.mail_voorkeur = MailVoorkeur(self.mail_voorkeur.data)
        g.telefoon = (self.telefoon.data or "").strip() or None
        g.contact_email = self.contact_email.data or None


def bereikbaarheid(gebruiker: Gebruiker, terug: str, titel: str):
    """The settings page for one user; shared by the member themselves and the beheerder."""
    form = BereikbaarheidFormulier()
    if request.method == "GET":
        form.vul(gebruiker)
    elif form.validate():
        form.zet(gebruiker)
        db.session.commit()
        flash("Mailinstellingen opgeslagen.", "ok")
        return redirect(terug)
    return render_template("wijkteam/mailinstellingen.html", form=form, gebruiker=gebruiker, titel=titel,
                           terug=terug), 422 if form.errors else 200


@bp.route("/wijkteam/mail", methods=["GET", "POST"])
@rol_vereist(*TEAMROLLEN)
def mailinstellingen():
    return bereikbaarheid(current_user, url_for(".mailinstellingen"), "Mijn mailinstellingen")


@bp.route("/wijkteam/team-mail", methods=["GET", "POST"])
@rol_vereist(Rol.WIJKTEAMMANAGER)
def team_mail():
    """The manager chooses direct mail or the daily overview for each member of the team."""
    leden = db.session.execute(select(Gebruiker).where(Gebruiker.wijkteam_id == current_user.wijkteam_id,
                                                       Gebruiker.actief.is_(True)).order_by(Gebruiker.naam)
                               ).scalars().all()
    form = Formulier()
    fouten = {}
    if request.method == "POST":
        if not form.validate():
            abort(400, "Het formulier is verlopen; laad de pagina opnieuw.")
        keuzes = {}
        for lid in leden:
            waarde = request.form.get(f"voorkeur-{lid.id}", lid.mail_voorkeur.value)
            if waarde not in MailVoorkeur._value2member_map_:
                fouten[lid.id] = "Kies direct of dagelijks overzicht."
            keuzes[lid] = waarde
        if not fouten:
            for lid, waarde in keuzes.items():
                lid.mail_voorkeur = MailVoorkeur(waarde)
            db.session.commit()
            flash("Mailinstellingen van het team opgeslagen.", "ok")
            return redirect(url_for(".team_mail"))
    return render_template("wijkteam/team_mail.html", form=form, leden=leden, fouten=fouten,
                           voorkeuren=list(MailVoorkeur)), 422 if fouten else 200
