"""The beheerder's settings: quotas, closing days, the cause taxonomy, users."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, or_, select
from wtforms import BooleanField, DateField, IntegerField, SelectField, SelectMultipleField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from workflows import knipkaart, taxonomie, tweedemening
from workflows.fouten import OngeldigeInvoer
from workflows.kalender import Werkdagkalender, amsterdam, atw_dagen
from workflows.models import Gebruiker, Oorzaak, Rol, Sluitingsdag, Wijkteam, Zaak

from .. import audit
from ..auth import accounts, tweede_factor
from ..auth.guards import rol_vereist
from ..auth.models import GEEN_WACHTWOORD
from ..extensions import db
from ..validators import emailadres, geen_bsn
from . import bp

BEHEER = Rol.BEHEERDER
TEAMROLLEN = (Rol.WIJKTEAMMANAGER, Rol.MEDEWERKER)


def _jaar_nu() -> int:
    return amsterdam(datetime.now(timezone.utc)).year


# ---------------------------------------------------------------- forms


class QuotumFormulier(FlaskForm):
    wijkteam_id = IntegerField(validators=[InputRequired()])
    quotum = IntegerField("Quotum", validators=[InputRequired("Vul een aantal in."),
                                                NumberRange(0, 1000, "Kies 0 tot en met 1000.")])


class SluitingsdagFormulier(FlaskForm):
    datum = DateField("Datum", validators=[InputRequired("Vul een datum in.")])
    omschrijving = StringField("Omschrijving", validators=[DataRequired("Zeg waarom de gemeente dicht is."),
                                                           Length(max=200), geen_bsn])


class OorzaakFormulier(FlaskForm):
    naam = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=200), geen_bsn])
    voorbeeld = StringField("Voorbeeld", validators=[Optional(), Length(max=400), geen_bsn])
    volgorde = IntegerField("Volgorde in de keuzelijst", default=0,
                            validators=[InputRequired("Vul een getal in."), NumberRange(0, 999, "Kies 0 tot en met 999.")])
    vrije_tekst = BooleanField("Vraagt om een toelichting (zoals 'Anders')")
    actief = BooleanField("Actief (kiesbaar bij nieuwe zaken)", default=True)


class GebruikerFormulier(FlaskForm):
    naam = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120), geen_bsn])
    email = StringField("E-mailadres", validators=[DataRequired("Vul het e-mailadres in."), Length(max=254),
                                                   emailadres])
    rol = SelectField("Rol", choices=[(r.value, r.label) for r in Rol])
    wijkteam_id = SelectField("Wijkteam", coerce=int)
    rayon = SelectMultipleField("Teams in het rayon (alleen voor een rayonmanager)", coerce=int,
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    actief = BooleanField("Actief", default=True)


# ---------------------------------------------------------------- quota


@bp.route("/quota", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def quota():
    try:
        jaar = int(request.values.get("jaar", _jaar_nu()))
    except ValueError:
        abort(400, "Het jaar moet een getal zijn.")
    if not 2000 <= jaar <= 2100:
        abort(400, "Kies een jaar tussen 2000 en 2100.")
    standaard = current_app.config["STANDAARD_QUOTUM"]
    fout: tuple[int, str] | None = None
    status = 200
    if request.method == "POST":
        form = QuotumFormulier()
        if form.validate():
            try:
                knipkaart.quotum_instellen(db.session, form.wijkteam_id.data, jaar, form.quotum.data,
                                           standaard_quotum=standaard)
            except OngeldigeInvoer as e:
                db.session.rollback()
                fout, status = (form.wijkteam_id.data, e.melding), 422
            else:
                db.session.commit()
                flash(f"Quotum {jaar} opgeslagen.", "ok")
                return redirect(url_for(".quota", jaar=jaar))
        else:
            fout, status = (form.wijkteam_id.data or 0, " ".join(e for v in form.errors.values() for e in v)), 422
    teams = db.session.execute(select(Wijkteam).order_by(Wijkteam.naam)).scalars().all()
    rijen = []
    for team in teams:
        kaart = knipkaart.kaart(db.session, team.id, jaar, standaard_quotum=standaard)
        rijen.append((team, knipkaart.stand(db.session, kaart)))
    db.session.commit()  # cards made on first sight
    return render_template("beheer/instellingen/quota.html", jaar=jaar, rijen=rijen, fout=fout,
                           jaren=[_jaar_nu() - 1, _jaar_nu(), _jaar_nu() + 1]), status


# ---------------------------------------------------------------- closing days


@bp.route("/sluitingsdagen", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def sluitingsdagen():
    form = SluitingsdagFormulier()
    if form.validate_on_submit():
        reden = Werkdagkalender().vrije_dag_reden(form.datum.data)
        if reden:
            form.datum.errors = [f"Dit is al een vrije dag: {reden}."]
        elif db.session.execute(select(Sluitingsdag).where(Sluitingsdag.datum == form.datum.data)).first():
            form.datum.errors = ["Deze dag staat al als sluitingsdag."]
        else:
            db.session.add(Sluitingsdag(datum=form.datum.data, omschrijving=form.omschrijving.data.strip()))
            db.session.commit()
            flash(f"Sluitingsdag {form.datum.data:%d-%m-%Y} toegevoegd; termijnen die vanaf nu beginnen, "
                  "slaan deze dag over.", "ok")
            return redirect(url_for(".sluitingsdagen"))
    dagen = db.session.execute(select(Sluitingsdag).order_by(Sluitingsdag.datum)).scalars().all()
    jaar = _jaar_nu()
    atw = sorted({**atw_dagen(jaar), **atw_dagen(jaar + 1)}.items())
    status = 422 if form.errors else 200
    return render_template("beheer/instellingen/sluitingsdagen.html", form=form, dagen=dagen, atw=atw), status


@bp.route("/sluitingsdagen/<int:dag_id>/verwijderen", methods=["POST"])
@rol_vereist(BEHEER)
def sluitingsdag_verwijderen(dag_id: int):
    dag = db.session.get(Sluitingsdag, dag_id) or abort(404)
    db.session.delete(dag)
    db.session.commit()
    flash(f"Sluitingsdag {dag.datum:%d-%m-%Y} verwijderd.", "ok")
    return redirect(url_for(".sluitingsdagen"))


# ---------------------------------------------------------------- causes


@bp.route("/oorzaken")
@rol_vereist(BEHEER)
def oorzaken(fout: str | None = None, status: int = 200):
    gebruik = dict(db.session.execute(select(Zaak.oorzaak_id, func.count()).group_by(Zaak.oorzaak_id)).all())
    lijst = db.session.execute(select(Oorzaak).order_by(Oorzaak.volgorde, Oorzaak.naam)).scalars().all()
    return render_template("beheer/instellingen/oorzaken.html", oorzaken=lijst, gebruik=gebruik, fout=fout), status


@bp.route("/oorzaken/<int:oorzaak_id>", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def oorzaak_bewerken(oorzaak_id: int | None = None):
    oorzaak = (db.session.get(Oorzaak, oorzaak_id) or abort(404)) if oorzaak_id else None
    form = OorzaakFormulier(obj=oorzaak)
    if form.validate_on_submit():
        naam = form.naam.data.strip()
        # lower() in SQLite folds ASCII only: compare the exact name too, or a non-ASCII duplicate slips through
        dubbel = db.session.execute(select(Oorzaak.id).where(
            or_(Oorzaak.naam == naam, func.lower(Oorzaak.naam) == naam.lower()),
            Oorzaak.id != (oorzaak.id if oorzaak else 0))).first()
        if dubbel:
            form.naam.errors = ["Er is al een oorzaak met deze naam."]
        else:
            if oorzaak is None:
                oorzaak = Oorzaak()
                db.session.add(oorzaak)
            form.populate_obj(oorzaak)
            oorzaak.naam = oorzaak.naam.strip()
            db.session.commit()
            flash(f"Oorzaak '{oorzaak.naam}' opgeslagen.", "ok")
            return redirect(url_for(".oorzaken"))
    status = 422 if form.errors else 200
    return render_template("beheer/organisatie/formulier.html", form=form, titel="Oorzaak",
                           terug=url_for(".oorzaken"),
                           velden=["naam", "voorbeeld", "volgorde", "vrije_tekst", "actief"]), status


bp.add_url_rule("/oorzaken/nieuw", "oorzaak_nieuw", oorzaak_bewerken, methods=["GET", "POST"])


@bp.route("/oorzaken/<int:oorzaak_id>/verwijderen", methods=["POST"])
@rol_vereist(BEHEER)
def oorzaak_verwijderen(oorzaak_id: int):
    oorzaak = db.session.get(Oorzaak, oorzaak_id) or abort(404)
    try:
        taxonomie.verwijder_oorzaak(db.session, oorzaak)
    except taxonomie.InGebruik as fout:
        db.session.rollback()
        return oorzaken(fout=fout.melding, status=409)
    db.session.commit()
    flash(f"Oorzaak '{oorzaak.naam}' verwijderd.", "ok")
    return redirect(url_for(".oorzaken"))


# ---------------------------------------------------------------- users


@bp.route("/gebruikers")
@rol_vereist(BEHEER)
def gebruikers():
    lijst = db.session.execute(select(Gebruiker).order_by(Gebruiker.naam)).scalars().all()
    return render_template("beheer/instellingen/gebruikers.html", gebruikers=lijst)


@bp.route("/gebruikers/<int:gebruiker_id>", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def gebruiker_bewerken(gebruiker_id: int | None = None):
    gebruiker = (db.session.get(Gebruiker, gebruiker_id) or abort(404)) if gebruiker_id else None
    form = GebruikerFormulier(obj=gebruiker)
    teams = db.session.execute(select(Wijkteam).order_by(Wijkteam.naam)).scalars().all()
    form.wijkteam_id.choices = [(0, "Geen (voor beheer, management en rayonmanager)")] + [(t.id, t.naam)
                                                                                         for t in teams]
    form.rayon.choices = [(t.id, t.naam) for t in teams]
    if request.method == "GET" and gebruiker is not None:
        form.rol.data = gebruiker.rol.value
        form.wijkteam_id.data = gebruiker.wijkteam_id or 0
        form.rayon.data = [t.id for t in tweedemening.rayon_van(db.session, gebruiker.id)]
    if form.validate_on_submit():
        rol = Rol(form.rol.data)
        team_id = form.wijkteam_id.data or None
        rayon = list(form.rayon.data or [])
        if rol == Rol.RAYONMANAGER and not rayon:
            form.rayon.errors = ["Kies de teams van het rayon: een rayonmanager staat boven minstens één team."]
        elif rol != Rol.RAYONMANAGER and rayon:
            form.rayon.errors = [f"Alleen een rayonmanager heeft een rayon: een {rol.label.lower()} niet. "
                                 "Maak de keuze leeg."]
        elif rol in TEAMROLLEN and team_id is None:
            form.wijkteam_id.errors = ["Een wijkteammanager of medewerker hoort bij een wijkteam: kies het team."]
        elif rol not in TEAMROLLEN and team_id is not None:
            form.wijkteam_id.errors = [f"Een {rol.label.lower()} hoort niet bij een wijkteam: kies 'Geen'."]
        elif gebruiker is not None and gebruiker.id == current_user.id and (rol != Rol.BEHEERDER or not form.actief.data):
            form.rol.errors = ["U kunt uzelf niet de beheerrol afnemen of op niet-actief zetten."]
        elif db.session.execute(select(Gebruiker.id).where(func.lower(Gebruiker.email) == form.email.data,
                                                           Gebruiker.id != (gebruiker.id if gebruiker else 0))).first():
            form.email.errors = ["Er is al een gebruiker met dit e-mailadres."]
        else:
            nieuw = gebruiker is None
            if nieuw:
                # The beheerder never types a password: the user chooses one through the invitation.
                gebruiker = Gebruiker(wachtwoord_hash=GEEN_WACHTWOORD)
                db.session.add(gebruiker)
            gebruiker.naam = form.naam.data.strip()
            gebruiker.email = form.email.data
            gebruiker.rol = rol
            gebruiker.wijkteam_id = team_id
            gebruiker.actief = bool(form.actief.data)
            db.session.flush()
            tweedemening.rayon_instellen(db.session, gebruiker, rayon)
            if nieuw:
                accounts.nodig_uit(gebruiker, current_user.naam, datetime.now(timezone.utc))
                audit.zet_zaak(None, f"gebruiker {gebruiker.email} aangemaakt en uitgenodigd")
            db.session.commit()
            flash(f"Gebruiker {gebruiker.email} opgeslagen." + (" De uitnodiging is per e-mail verstuurd." if nieuw else ""),
                  "ok")
            return redirect(url_for(".gebruikers"))
    status = 422 if form.errors else 200
    return render_template("beheer/instellingen/gebruiker.html", form=form, gebruiker=gebruiker,
                           nu=datetime.now(timezone.utc), tweede_factor_vereist=(
                               tweede_factor.vereist(gebruiker) if gebruiker else False),
                           wachtwoord_toegestaan=accounts.wachtwoord_toegestaan(gebruiker) if gebruiker else True), status


bp.add_url_rule("/gebruikers/nieuw", "gebruiker_nieuw", gebruiker_bewerken, methods=["GET", "POST"])


# ---------------------------------------------------------------- account actions (each audited)


def _account_actie(gebruiker_id: int, wat, melding: str, audit_wat: str):
    gebruiker = db.session.get(Gebruiker, gebruiker_id) or abort(404)
    wat(gebruiker)
    audit.zet_zaak(None, f"{audit_wat}: {gebruiker.email}")
    db.session.commit()
    flash(melding.format(email=gebruiker.email), "ok")
    return redirect(url_for(".gebruiker_bewerken", gebruiker_id=gebruiker.id))


@bp.route("/gebruikers/<int:gebruiker_id>/uitnodigen", methods=["POST"])
@rol_vereist(BEHEER)
def gebruiker_uitnodigen(gebruiker_id: int):
    return _account_actie(gebruiker_id, lambda g: accounts.nodig_uit(g, current_user.naam, datetime.now(timezone.utc)),
                          "Nieuwe uitnodiging verstuurd naar {email}; eerdere uitnodigingslinks werken niet meer.",
                          "uitnodiging opnieuw verstuurd")


@bp.route("/gebruikers/<int:gebruiker_id>/herstellink", methods=["POST"])
@rol_vereist(BEHEER)
def gebruiker_herstellink(gebruiker_id: int):
    return _account_actie(gebruiker_id,
                          lambda g: accounts.stuur_herstellink(g, datetime.now(timezone.utc), door=current_user.naam),
                          "Link voor een nieuw wachtwoord verstuurd naar {email}.", "herstellink verstuurd")


@bp.route("/gebruikers/<int:gebruiker_id>/mail", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def gebruiker_mail(gebruiker_id: int):
    """A team member's mail settings: direct or the daily overview, and how the dienst reaches them."""
    from ..wijkteam.mailinstellingen import bereikbaarheid

    gebruiker = db.session.get(Gebruiker, gebruiker_id) or abort(404)
    if gebruiker.wijkteam_id is None:
        abort(404)
    audit.zet_zaak(None, f"mailinstellingen van {gebruiker.email}")
    return bereikbaarheid(gebruiker, url_for(".gebruiker_bewerken", gebruiker_id=gebruiker.id),
                          f"Mailinstellingen van {gebruiker.naam}")


@bp.route("/gebruikers/<int:gebruiker_id>/ontgrendelen", methods=["POST"])
@rol_vereist(BEHEER)
def gebruiker_ontgrendelen(gebruiker_id: int):
    return _account_actie(gebruiker_id, accounts.ontgrendelen,
                          "Account {email} ontgrendeld: de mislukte pogingen staan weer op nul.", "account ontgrendeld")


@bp.route("/gebruikers/<int:gebruiker_id>/tweede-factor-resetten", methods=["POST"])
@rol_vereist(BEHEER)
def gebruiker_tweede_factor_resetten(gebruiker_id: int):
    if gebruiker_id == current_user.id:
        flash("Uw eigen tweede factor reset een andere beheerder.", "fout")
        return redirect(url_for(".gebruiker_bewerken", gebruiker_id=gebruiker_id))
    return _account_actie(gebruiker_id, tweede_factor.resetten,
                          "Tweede factor van {email} gereset; deze gebruiker is overal uitgelogd en stelt bij de "
                          "volgende keer inloggen een nieuwe in.", "tweede factor gereset")
