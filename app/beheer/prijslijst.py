"""The beheerder's price list of avoided societal cost: always shown with its source in the report."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from sqlalchemy import func, or_, select
from wtforms import BooleanField, IntegerField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from workflows import taxonomie
from workflows.models import Prijspost, Rol, VermedenScenario

from ..auth.guards import rol_vereist
from ..extensions import db
from ..forms import Formulier
from ..validators import geen_bsn
from . import bp


class PrijspostFormulier(Formulier):
    naam = StringField("Naam", validators=[DataRequired("Vul de naam in."), Length(max=120), geen_bsn])
    eenheid = StringField("Per", description="De eenheid van de prijs, bijvoorbeeld: dag, maand, huisuitzetting.",
                          validators=[DataRequired("Vul de eenheid in."), Length(max=40)])
    prijs = IntegerField("Prijs in hele euro's", validators=[InputRequired("Vul de prijs in, in hele euro's."),
                                                             NumberRange(0, 10_000_000, "Kies 0 tot 10.000.000.")])
    bandbreedte = StringField("Bandbreedte", description="Optioneel, bijvoorbeeld: € 80–100.",
                              validators=[Optional(), Length(max=60)])
    bron = StringField("Bron", description="Waar de prijs vandaan komt; de rapportage toont die altijd.",
                       validators=[DataRequired("Noem de bron van de prijs."), Length(max=300)])
    volgorde = IntegerField("Volgorde in de keuzelijst", default=0,
                            validators=[InputRequired("Vul een getal in."), NumberRange(0, 999, "Kies 0 tot en met 999.")])
    actief = BooleanField("Actief (kiesbaar bij nieuwe zaken)", default=True)


@bp.route("/prijslijst")
@rol_vereist(Rol.BEHEERDER)
def prijslijst(fout: str | None = None, status: int = 200):
    gebruik = dict(db.session.execute(select(VermedenScenario.prijspost_id, func.count())
                                      .group_by(VermedenScenario.prijspost_id)).all())
    posten = db.session.scalars(select(Prijspost).order_by(Prijspost.volgorde, Prijspost.naam)).all()
    return render_template("beheer/instellingen/prijslijst.html", posten=posten, gebruik=gebruik, fout=fout), status


@bp.route("/prijslijst/<int:prijspost_id>", methods=["GET", "POST"])
@rol_vereist(Rol.BEHEERDER)
def prijspost_bewerken(prijspost_id: int | None = None):
    post = (db.session.get(Prijspost, prijspost_id) or abort(404)) if prijspost_id else None
    form = PrijspostFormulier(obj=post)
    if form.validate_on_submit():
        naam = form.naam.data.strip()
        if db.session.execute(select(Prijspost.id).where(
                or_(Prijspost.naam == naam, func.lower(Prijspost.naam) == naam.lower()),  # SQLite folds ASCII only
                Prijspost.id != (post.id if post else 0))).first():
            form.naam.errors = ["Er is al een post met deze naam."]
        else:
            if post is None:
                post = Prijspost()
                db.session.add(post)
            form.populate_obj(post)
            post.naam, post.eenheid, post.bron = naam, post.eenheid.strip(), post.bron.strip()
            post.bandbreedte = (post.bandbreedte or "").strip()
            db.session.commit()
            flash(f"Prijspost '{post.naam}' opgeslagen. De rapportage rekent voortaan met deze prijs.", "ok")
            return redirect(url_for(".prijslijst"))
    status = 422 if form.errors else 200
    return render_template("beheer/organisatie/formulier.html", form=form, titel="Prijspost",
                           terug=url_for(".prijslijst"),
                           uitleg="De rapportage rekent vermeden kosten uit met de prijs die hier staat, ook voor "
                                  "zaken van vóór een wijziging; de prijslijst staat met bron in elk rapport.",
                           hints={n: getattr(form, n).description for n in ("eenheid", "bandbreedte", "bron")},
                           velden=["naam", "eenheid", "prijs", "bandbreedte", "bron", "volgorde", "actief"]), status


bp.add_url_rule("/prijslijst/nieuw", "prijspost_nieuw", prijspost_bewerken, methods=["GET", "POST"])


@bp.route("/prijslijst/<int:prijspost_id>/verwijderen", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def prijspost_verwijderen(prijspost_id: int):
    post = db.session.get(Prijspost, prijspost_id) or abort(404)
    form = Formulier()
    if not form.validate_on_submit():
        abort(400)
    try:
        taxonomie.verwijder_prijspost(db.session, post)
    except taxonomie.InGebruik as fout:
        db.session.rollback()
        return prijslijst(fout=fout.melding, status=409)
    db.session.commit()
    flash(f"Prijspost '{post.naam}' verwijderd.", "ok")
    return redirect(url_for(".prijslijst"))
