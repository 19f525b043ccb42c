"""Setting up a wijkteam in one guided sequence: the team, its people (invited), its vaste contactpersonen,
and a summary of where its cases will go."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from email_validator import EmailNotValidError, validate_email
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import TextAreaField
from wtforms.validators import Length

from workflows.kalender import amsterdam
from workflows.models import Contactpersoon, Dienst, Gebruiker, Rol, VasteContactpersoon, Wijkteam
from workflows.routering import routeer

from .. import audit
from ..auth import accounts
from ..auth.guards import rol_vereist
from ..auth.models import GEEN_WACHTWOORD
from ..extensions import db
from . import bp
from .. import validators  # noqa: F401  (allows .local addresses)
from .organisatie_forms import WijkteamFormulier

BEHEER = Rol.BEHEERDER
STAPPEN = ["Team", "Mensen", "Vaste contactpersonen", "Overzicht"]
ROLWOORDEN = {"manager": Rol.WIJKTEAMMANAGER, "wijkteammanager": Rol.WIJKTEAMMANAGER,
              "medewerker": Rol.MEDEWERKER}


class MensenFormulier(FlaskForm):
    mensen = TextAreaField("Managers en medewerkers", validators=[Length(max=20000)])


class LeegFormulier(FlaskForm):
    """Only the CSRF token: the fields of the contactpersonen step depend on the diensten."""


def _team(team_id: int) -> Wijkteam:
    return db.session.get(Wijkteam, team_id) or abort(404)


def _geldig(email: str) -> bool:
    try:
        validate_email(email, check_deliverability=False)  # .local allowed: app/validators.py
    except EmailNotValidError:
        return False
    return len(email) <= 254


def lees_mensen(tekst: str) -> tuple[list[tuple[str, str, Rol]], list[str]]:
    """One person per line: 'naam, e-mailadres, manager|medewerker'. The people, and what is wrong (Dutch)."""
    mensen, fouten, gezien = [], [], set()
    for nr, regel in enumerate(tekst.splitlines(), start=1):
        if not regel.strip():
            continue
        delen = [d.strip() for d in regel.split(",")]
        if len(delen) != 3:
            fouten.append(f"Regel {nr}: schrijf 'naam, e-mailadres, manager' of 'naam, e-mailadres, medewerker'.")
            continue
        naam, email, rolwoord = delen[0], delen[1].lower(), delen[2].lower()
        if not naam or len(naam) > 120:
            fouten.append(f"Regel {nr}: vul een naam in (hoogstens 120 tekens).")
        elif not _geldig(email):
            fouten.append(f"Regel {nr}: '{delen[1]}' is geen geldig e-mailadres.")
        elif rolwoord not in ROLWOORDEN:
            fouten.append(f"Regel {nr}: de rol is 'manager' of 'medewerker', niet '{delen[2]}'.")
        elif email in gezien:
            fouten.append(f"Regel {nr}: {email} staat er twee keer in.")
        elif db.session.execute(select(Gebruiker.id).where(func.lower(Gebruiker.email) == email)).first():
            fouten.append(f"Regel {nr}: er is al een gebruiker met {email}.")
        else:
            gezien.add(email)
            mensen.append((naam, email, ROLWOORDEN[rolwoord]))
    return mensen, fouten


@bp.route("/teams/opzetten", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def team_opzetten():
    form = WijkteamFormulier()
    if form.validate_on_submit():
        naam = form.naam.data
        if db.session.execute(select(Wijkteam.id).where(func.lower(Wijkteam.naam) == naam.lower())).first():
            form.naam.errors = ["Er is al een wijkteam met deze naam."]
        else:
            team = Wijkteam(naam=naam, soort=form.soort.data, gebied=form.gebied.data or "", actief=True)
            db.session.add(team)
            db.session.flush()
            audit.zet_zaak(None, f"wijkteam {team.naam} aangemaakt (team opzetten)")
            db.session.commit()
            return redirect(url_for(".team_opzetten_mensen", team_id=team.id))
    return render_template("beheer/teamopzet/team.html", form=form, stap=1, stappen=STAPPEN), \
        422 if form.errors else 200


@bp.route("/teams/<int:team_id>/opzetten/mensen", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def team_opzetten_mensen(team_id: int):
    team = _team(team_id)
    form = MensenFormulier()
    fouten: list[str] = []
    if form.validate_on_submit():
        mensen, fouten = lees_mensen(form.mensen.data or "")
        if not fouten:
            now = datetime.now(timezone.utc)
            for naam, email, rol in mensen:
                gebruiker = Gebruiker(naam=naam, email=email, rol=rol, wijkteam_id=team.id,
                                      wachtwoord_hash=GEEN_WACHTWOORD, actief=True)
                db.session.add(gebruiker)
                db.session.flush()
                accounts.nodig_uit(gebruiker, current_user.naam, now)
            audit.zet_zaak(None, f"team {team.naam}: {len(mensen)} mensen uitgenodigd")
            db.session.commit()
            if mensen:
                flash(f"{len(mensen)} uitnodiging(en) verstuurd.", "ok")
            return redirect(url_for(".team_opzetten_contactpersonen", team_id=team.id))
        form.mensen.errors = fouten
    leden = db.session.execute(select(Gebruiker).where(Gebruiker.wijkteam_id == team.id)
                               .order_by(Gebruiker.naam)).scalars().all()
    return render_template("beheer/teamopzet/mensen.html", form=form, team=team, leden=leden, stap=2,
                           stappen=STAPPEN), 422 if fouten else 200


@bp.route("/teams/<int:team_id>/opzetten/contactpersonen", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def team_opzetten_contactpersonen(team_id: int):
    team = _team(team_id)
    diensten = db.session.execute(select(Dienst).where(Dienst.actief.is_(True)).order_by(Dienst.naam)).scalars().all()
    personen = {d.id: db.session.execute(select(Contactpersoon).where(
        Contactpersoon.dienst_id == d.id, Contactpersoon.actief.is_(True)).order_by(Contactpersoon.naam)).scalars().all()
        for d in diensten}
    bestaand = {v.dienst_id: v for v in db.session.execute(
        select(VasteContactpersoon).where(VasteContactpersoon.wijkteam_id == team.id)).scalars()}
    form = LeegFormulier()
    fouten: dict[int, str] = {}
    if form.validate_on_submit():
        keuzes = {}
        for d in diensten:
            ids = {p.id for p in personen[d.id]}
            try:
                cp, vv = int(request.form.get(f"cp_{d.id}", 0)), int(request.form.get(f"vv_{d.id}", 0))
            except ValueError:
                cp, vv = -1, -1
            if (cp and cp not in ids) or (vv and vv not in ids):
                fouten[d.id] = "Kies iemand van deze dienst."
            elif vv and not cp:
                fouten[d.id] = "Een vervanger hoort bij een vaste contactpersoon: kies eerst de contactpersoon."
            elif cp and cp == vv:
                fouten[d.id] = "De vervanger is een ander dan de vaste contactpersoon."
            keuzes[d.id] = (cp, vv)
        if not fouten:
            for d in diensten:
                cp, vv = keuzes[d.id]
                vast = bestaand.get(d.id)
                if not cp:
                    if vast is not None:
                        db.session.delete(vast)
                    continue
                if vast is None:
                    vast = VasteContactpersoon(wijkteam_id=team.id, dienst_id=d.id, contactpersoon_id=cp)
                    db.session.add(vast)
                vast.contactpersoon_id, vast.vervanger_id = cp, vv or None
            audit.zet_zaak(None, f"team {team.naam}: vaste contactpersonen ingesteld")
            db.session.commit()
            return redirect(url_for(".team_opzetten_overzicht", team_id=team.id))
    return render_template("beheer/teamopzet/contactpersonen.html", form=form, team=team, diensten=diensten,
                           personen=personen, bestaand=bestaand, fouten=fouten, stap=3, stappen=STAPPEN), \
        422 if fouten else 200


@bp.route("/teams/<int:team_id>/opzetten/overzicht")
@rol_vereist(BEHEER)
def team_opzetten_overzicht(team_id: int):
    team = _team(team_id)
    vandaag = amsterdam(datetime.now(timezone.utc)).date()
    diensten = db.session.execute(select(Dienst).where(Dienst.actief.is_(True)).order_by(Dienst.naam)).scalars().all()
    routes = [(d, routeer(db.session, team.id, d.id, vandaag)) for d in diensten]
    leden = db.session.execute(select(Gebruiker).where(Gebruiker.wijkteam_id == team.id)
                               .order_by(Gebruiker.rol, Gebruiker.naam)).scalars().all()
    return render_template("beheer/teamopzet/overzicht.html", team=team, routes=routes, leden=leden, stap=4,
                           stappen=STAPPEN)
