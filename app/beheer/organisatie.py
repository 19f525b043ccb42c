"""The beheerder's organisation screens: teams, diensten with ladder and norms, people, routing, absences."""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from workflows.kalender import amsterdam
from workflows.models import (
    Afwezigheid,
    Contactpersoon,
    Dienst,
    LadderFunctie,
    LadderTrede,
    Rol,
    Termijnnorm,
    Urgentie,
    VasteContactpersoon,
    Wijkteam,
)
from workflows.routering import afwezigheid_op, routeer
from workflows.zaken import STANDAARD_TERMIJNEN

from ..auth.guards import rol_vereist
from ..extensions import db
from . import bp
from .organisatie_forms import (
    AfwezigheidFormulier,
    ContactpersoonFormulier,
    DienstFormulier,
    LadderFormulier,
    TermijnFormulier,
    VasteContactpersoonFormulier,
    WijkteamFormulier,
)

BEHEER = Rol.BEHEERDER


def _vandaag() -> date:
    return amsterdam(datetime.now(timezone.utc)).date()


def _of_404(model, id_: int):
    return db.session.get(model, id_) or abort(404)


def _opslaan(form, veld: str, melding: str) -> bool:
    """Commit; a unique clash becomes a Dutch error on `veld` instead of a 500."""
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        form[veld].errors = list(form[veld].errors) + [melding]
        return False


# ---------------------------------------------------------------- wijkteams


@bp.route("/wijkteams")
@rol_vereist(BEHEER)
def wijkteams():
    teams = db.session.execute(select(Wijkteam).order_by(Wijkteam.naam)).scalars().all()
    return render_template("beheer/organisatie/wijkteams.html", teams=teams)


@bp.route("/wijkteams/<int:team_id>", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def wijkteam_bewerken(team_id: int | None = None):
    team = _of_404(Wijkteam, team_id) if team_id else None
    form = WijkteamFormulier(obj=team)
    if form.validate_on_submit():
        if team is None:
            team = Wijkteam()
            db.session.add(team)
        form.populate_obj(team)
        team.naam = team.naam.strip()
        if _opslaan(form, "naam", "Er is al een wijkteam met deze naam."):
            flash(f"Wijkteam {team.naam} is opgeslagen.", "ok")
            return redirect(url_for(".wijkteams"))
    status = 422 if form.errors else 200
    return render_template("beheer/organisatie/formulier.html", form=form, titel="Wijkteam",
                           terug=url_for(".wijkteams"), velden=["naam", "soort", "gebied", "actief"]), status


bp.add_url_rule("/wijkteams/nieuw", "wijkteam_nieuw", wijkteam_bewerken, methods=["GET", "POST"])


# ---------------------------------------------------------------- diensten, ladder, norms


@bp.route("/diensten")
@rol_vereist(BEHEER)
def diensten():
    lijst = db.session.execute(select(Dienst).order_by(Dienst.naam)).scalars().all()
    return render_template("beheer/organisatie/diensten.html", diensten=lijst)


@bp.route("/diensten/<int:dienst_id>", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def dienst_bewerken(dienst_id: int | None = None):
    dienst = _of_404(Dienst, dienst_id) if dienst_id else None
    form = DienstFormulier(obj=dienst)
    if form.validate_on_submit():
        if dienst is None:
            dienst = Dienst()
            db.session.add(dienst)
        form.populate_obj(dienst)
        if _opslaan(form, "naam", "Er is al een dienst met deze naam."):
            flash(f"Dienst {dienst.naam} is opgeslagen.", "ok")
            return redirect(url_for(".dienst_bewerken", dienst_id=dienst.id))
    status = 422 if form.errors else 200
    return _dienstpagina(dienst, form, status=status)


bp.add_url_rule("/diensten/nieuw", "dienst_nieuw", dienst_bewerken, methods=["GET", "POST"])


def _dienstpagina(dienst, form, ladder_form=None, termijn_form=None, status=200):
    treden, normen, personen = [], {}, []
    if dienst is not None:
        treden = db.session.execute(select(LadderTrede).where(LadderTrede.dienst_id == dienst.id)
                                    .order_by(LadderTrede.niveau)).scalars().all()
        normen = {n.urgentie: n for n in db.session.execute(
            select(Termijnnorm).where(Termijnnorm.dienst_id == dienst.id)).scalars()}
        personen = db.session.execute(select(Contactpersoon).where(Contactpersoon.dienst_id == dienst.id)
                                      .order_by(Contactpersoon.naam)).scalars().all()
    ladder_form = ladder_form or LadderFormulier(formdata=None)
    ladder_form.contactpersoon_id.choices = [(c.id, f"{c.naam} ({c.functie.label})") for c in personen if c.actief]
    termijn_form = termijn_form or TermijnFormulier(formdata=None)
    return render_template("beheer/organisatie/dienst.html", dienst=dienst, form=form, treden=treden, normen=normen,
                           standaard=STANDAARD_TERMIJNEN, urgenties=list(Urgentie), ladder_form=ladder_form,
                           termijn_form=termijn_form, personen=personen), status


@bp.route("/diensten/<int:dienst_id>/ladder", methods=["POST"])
@rol_vereist(BEHEER)
def dienst_ladder(dienst_id: int):
    dienst = _of_404(Dienst, dienst_id)
    if request.form.get("verwijder"):
        trede = db.session.execute(select(LadderTrede).where(LadderTrede.dienst_id == dienst.id,
                                                             LadderTrede.niveau == int(request.form["verwijder"]))
                                   ).scalar_one_or_none() or abort(404)
        db.session.delete(trede)
        db.session.commit()
        flash("Trede verwijderd.", "ok")
        return redirect(url_for(".dienst_bewerken", dienst_id=dienst.id) + "#ladder")
    form = LadderFormulier()
    personen = db.session.execute(select(Contactpersoon).where(Contactpersoon.dienst_id == dienst.id,
                                                               Contactpersoon.actief.is_(True))).scalars().all()
    form.contactpersoon_id.choices = [(c.id, c.naam) for c in personen]
    if not form.validate():
        return _dienstpagina(dienst, DienstFormulier(obj=dienst, formdata=None), ladder_form=form, status=422)
    trede = db.session.execute(select(LadderTrede).where(LadderTrede.dienst_id == dienst.id,
                                                         LadderTrede.niveau == form.niveau.data)).scalar_one_or_none()
    if trede is None:
        trede = LadderTrede(dienst_id=dienst.id, niveau=form.niveau.data)
        db.session.add(trede)
    trede.contactpersoon_id = form.contactpersoon_id.data
    db.session.commit()
    flash(f"Trede {form.niveau.data} van de ladder is ingesteld.", "ok")
    return redirect(url_for(".dienst_bewerken", dienst_id=dienst.id) + "#ladder")


@bp.route("/diensten/<int:dienst_id>/termijnen", methods=["POST"])
@rol_vereist(BEHEER)
def dienst_termijnen(dienst_id: int):
    dienst = _of_404(Dienst, dienst_id)
    form = TermijnFormulier()
    if not form.validate():
        return _dienstpagina(dienst, DienstFormulier(obj=dienst, formdata=None), termijn_form=form, status=422)
    urgentie = Urgentie(form.urgentie.data)
    norm = db.session.execute(select(Termijnnorm).where(Termijnnorm.dienst_id == dienst.id,
                                                        Termijnnorm.urgentie == urgentie)).scalar_one_or_none()
    if norm is None:
        norm = Termijnnorm(dienst_id=dienst.id, urgentie=urgentie)
        db.session.add(norm)
    norm.reactie_werkdagen = form.reactie_werkdagen.data
    norm.oplos_werkdagen = form.oplos_werkdagen.data
    db.session.commit()
    flash(f"Termijnen voor {urgentie.label.lower()} opgeslagen; ze gelden voor zaken die vanaf nu worden verstuurd.",
          "ok")
    return redirect(url_for(".dienst_bewerken", dienst_id=dienst.id) + "#termijnen")


# ---------------------------------------------------------------- contactpersonen


@bp.route("/contactpersonen")
@rol_vereist(BEHEER)
def contactpersonen():
    vandaag = _vandaag()
    personen = db.session.execute(select(Contactpersoon).join(Dienst)
                                  .order_by(Dienst.naam, Contactpersoon.naam)).scalars().all()
    afwezig = {p.id: afwezigheid_op(db.session, p.id, vandaag) for p in personen}
    return render_template("beheer/organisatie/contactpersonen.html", personen=personen, afwezig=afwezig)


def _dienstkeuzes(form) -> None:
    form.dienst_id.choices = [(0, "Kies een dienst")] + [
        (d.id, d.naam) for d in db.session.execute(select(Dienst).order_by(Dienst.naam)).scalars()]


@bp.route("/contactpersonen/<int:cp_id>", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def contactpersoon_bewerken(cp_id: int | None = None):
    cp = _of_404(Contactpersoon, cp_id) if cp_id else None
    form = ContactpersoonFormulier(obj=cp)
    if cp is not None and request.method == "GET":
        form.functie.data = cp.functie.value
    _dienstkeuzes(form)
    if form.validate_on_submit():
        dubbel = db.session.execute(select(Contactpersoon.id).where(
            func.lower(Contactpersoon.email) == form.email.data, Contactpersoon.id != (cp.id if cp else 0))).first()
        if not db.session.get(Dienst, form.dienst_id.data):
            form.dienst_id.errors = ["Kies een dienst."]
        elif dubbel:
            form.email.errors = ["Dit e-mailadres hoort al bij een andere contactpersoon."]
        else:
            if cp is None:
                cp = Contactpersoon()
                db.session.add(cp)
            form.populate_obj(cp)
            cp.functie = LadderFunctie(form.functie.data)
            if _opslaan(form, "email", "Dit e-mailadres hoort al bij een andere contactpersoon."):
                flash(f"Contactpersoon {cp.naam} is opgeslagen.", "ok")
                return redirect(url_for(".contactpersonen"))
    status = 422 if form.errors else 200
    return render_template("beheer/organisatie/formulier.html", form=form, titel="Contactpersoon",
                           terug=url_for(".contactpersonen"),
                           velden=["naam", "email", "dienst_id", "functie", "actief"]), status


bp.add_url_rule("/contactpersonen/nieuw", "contactpersoon_nieuw", contactpersoon_bewerken, methods=["GET", "POST"])


# ---------------------------------------------------------------- vaste contactpersonen


@bp.route("/vaste-contactpersonen")
@rol_vereist(BEHEER)
def vaste_contactpersonen():
    teams = db.session.execute(select(Wijkteam).where(Wijkteam.actief.is_(True)).order_by(Wijkteam.naam)).scalars().all()
    diensten_ = db.session.execute(select(Dienst).where(Dienst.actief.is_(True)).order_by(Dienst.naam)).scalars().all()
    vast = {(v.wijkteam_id, v.dienst_id): v for v in db.session.execute(select(VasteContactpersoon)).scalars()}
    return render_template("beheer/organisatie/vaste_contactpersonen.html", teams=teams, diensten=diensten_, vast=vast)


@bp.route("/vaste-contactpersonen/<int:wijkteam_id>/<int:dienst_id>", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def vaste_contactpersoon_instellen(wijkteam_id: int, dienst_id: int):
    team, dienst = _of_404(Wijkteam, wijkteam_id), _of_404(Dienst, dienst_id)
    vast = db.session.execute(select(VasteContactpersoon).where(
        VasteContactpersoon.wijkteam_id == team.id, VasteContactpersoon.dienst_id == dienst.id)).scalar_one_or_none()
    personen = db.session.execute(select(Contactpersoon).where(Contactpersoon.dienst_id == dienst.id,
                                                               Contactpersoon.actief.is_(True))
                                  .order_by(Contactpersoon.naam)).scalars().all()
    form = VasteContactpersoonFormulier()
    form.contactpersoon_id.choices = [(0, "Geen (zaken gaan naar de algemene mailbox)")] + [(p.id, p.naam) for p in personen]
    form.vervanger_id.choices = [(0, "Geen vervanger")] + [(p.id, p.naam) for p in personen]
    if request.method == "GET" and vast:
        form.contactpersoon_id.data = vast.contactpersoon_id
        form.vervanger_id.data = vast.vervanger_id or 0
    if form.validate_on_submit():
        cp_id, verv_id = form.contactpersoon_id.data, form.vervanger_id.data
        if cp_id == 0 and verv_id:
            form.vervanger_id.errors = ["Een vervanger hoort bij een vaste contactpersoon; kies die eerst."]
        elif cp_id and cp_id == verv_id:
            form.vervanger_id.errors = ["De vervanger moet iemand anders zijn dan de vaste contactpersoon."]
        else:
            if cp_id == 0:
                if vast:
                    db.session.delete(vast)
            else:
                if vast is None:
                    vast = VasteContactpersoon(wijkteam_id=team.id, dienst_id=dienst.id)
                    db.session.add(vast)
                vast.contactpersoon_id = cp_id
                vast.vervanger_id = verv_id or None
            db.session.commit()
            flash(f"Vaste contactpersoon voor {team.naam} bij {dienst.naam} is opgeslagen.", "ok")
            return redirect(url_for(".vaste_contactpersonen"))
    status = 422 if form.errors else 200
    return render_template("beheer/organisatie/formulier.html", form=form, titel=f"{team.naam} · {dienst.naam}",
                           terug=url_for(".vaste_contactpersonen"),
                           velden=["contactpersoon_id", "vervanger_id"]), status


# ---------------------------------------------------------------- afwezigheden


def _personen_keuzes(form) -> None:
    personen = db.session.execute(select(Contactpersoon).join(Dienst).where(Contactpersoon.actief.is_(True))
                                  .order_by(Contactpersoon.naam)).scalars().all()
    form.contactpersoon_id.choices = [(0, "Kies een persoon")] + [(p.id, f"{p.naam} ({p.dienst.naam})")
                                                                  for p in personen]


def _gevolgen(cp_id: int, dag: date) -> list[tuple[str, str]]:
    """Where this person's new cases go on `dag`, per team they are vaste contactpersoon of."""
    uit = []
    for vast in db.session.execute(select(VasteContactpersoon).where(
            VasteContactpersoon.contactpersoon_id == cp_id)).scalars():
        route = routeer(db.session, vast.wijkteam_id, vast.dienst_id, dag)
        uit.append((f"{vast.wijkteam.naam} → {vast.dienst.naam}", route.reden))
    return uit


@bp.route("/afwezigheden", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def afwezigheden():
    vandaag = _vandaag()
    form = AfwezigheidFormulier()
    _personen_keuzes(form)
    if form.validate_on_submit():
        cp = db.session.get(Contactpersoon, form.contactpersoon_id.data)
        if cp is None:
            form.contactpersoon_id.errors = ["Kies een persoon."]
        else:
            db.session.add(Afwezigheid(contactpersoon_id=cp.id, van=form.van.data, tot=form.tot.data,
                                       omschrijving=(form.omschrijving.data or "").strip()))
            db.session.flush()
            zonder = [v.wijkteam.naam for v in db.session.execute(select(VasteContactpersoon).where(
                VasteContactpersoon.contactpersoon_id == cp.id, VasteContactpersoon.vervanger_id.is_(None))).scalars()]
            db.session.commit()
            flash(f"{cp.naam} is afwezig van {form.van.data:%d-%m-%Y} t/m {form.tot.data:%d-%m-%Y}.", "ok")
            if zonder:
                flash("Let op: geen vervanger voor " + ", ".join(sorted(zonder)) +
                      "; die zaken gaan naar de algemene mailbox van de dienst.", "waarschuwing")
            return redirect(url_for(".afwezigheden"))
    lijst = db.session.execute(select(Afwezigheid).where(Afwezigheid.tot >= vandaag)
                               .order_by(Afwezigheid.van)).scalars().all()
    gevolgen = {a.id: _gevolgen(a.contactpersoon_id, max(a.van, vandaag)) for a in lijst}
    status = 422 if form.errors else 200
    return render_template("beheer/organisatie/afwezigheden.html", form=form, afwezigheden=lijst,
                           gevolgen=gevolgen, vandaag=vandaag), status


@bp.route("/afwezigheden/<int:afwezigheid_id>/verwijderen", methods=["POST"])
@rol_vereist(BEHEER)
def afwezigheid_verwijderen(afwezigheid_id: int):
    a = _of_404(Afwezigheid, afwezigheid_id)
    naam = a.contactpersoon.naam
    db.session.delete(a)
    db.session.commit()
    flash(f"Afwezigheid van {naam} verwijderd.", "ok")
    return redirect(url_for(".afwezigheden"))
