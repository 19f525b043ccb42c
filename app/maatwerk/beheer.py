"""The beheerder's maatwerkbudget settings: budgets per team and year, disciplines, professionals, finance and
the municipality's account. Under /beheer/maatwerk; the same second factor as the rest of beheer."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import flash, redirect, render_template, request, url_for
from sqlalchemy import select

from workflows.fouten import OngeldigeInvoer
from workflows.maatwerk import aanvragen as mw
from workflows.maatwerk import budget as budgetboek
from workflows.maatwerk import instellingen as beheer
from workflows.maatwerk.modellen import MaatwerkBudget, MaatwerkProfessional, discipline_label
from workflows.models import Rol, Wijkteam

from ..auth.guards import rol_vereist
from ..extensions import db
from . import bp
from .forms import POOL, BudgetFormulier, InstellingFormulier, ProfessionalFormulier


def _teams() -> list[Wijkteam]:
    return db.session.scalars(select(Wijkteam).where(Wijkteam.actief.is_(True)).order_by(Wijkteam.naam)).all()


def _budgetkeuzes(teams: list[Wijkteam]) -> list[tuple[int, str]]:
    return ([(0, "Kies een wijkteam of de pool"), (POOL, "Gemeentelijke pool (voor alle teams)")]
            + [(t.id, t.naam) for t in teams])


def _pagina(instelling_form=None, budget_form=None, professional_form=None, status: int = 200):
    inst = mw.instelling(db.session)
    jaar = mw.jaar_van(datetime.now(timezone.utc))
    teams = _teams()
    if instelling_form is None:
        instelling_form = InstellingFormulier(formdata=None, obj=inst)
        instelling_form.disciplines.data = ", ".join(inst.discipline_lijst)
    budget_form = budget_form or BudgetFormulier(formdata=None, jaar=jaar)
    budget_form.wijkteam_id.choices = _budgetkeuzes(teams)
    professional_form = professional_form or ProfessionalFormulier(formdata=None)
    professional_form.discipline.choices = [("", "Kies een discipline")] + [
        (d, discipline_label(d)) for d in inst.discipline_lijst]
    professional_form.wijkteam_id.choices = [(0, "Alle wijkteams")] + [(t.id, t.naam) for t in teams]
    budgetten = {b.wijkteam_id: budgetboek.stand(db.session, b) for b in db.session.scalars(
        select(MaatwerkBudget).where(MaatwerkBudget.jaar == jaar))}
    professionals = db.session.scalars(select(MaatwerkProfessional).order_by(
        MaatwerkProfessional.discipline, MaatwerkProfessional.naam)).all()
    db.session.commit()  # the settings row may just have been made
    return render_template("beheer/maatwerk/index.html", inst=inst, jaar=jaar, teams=teams, budgetten=budgetten,
                           professionals=professionals, instelling_form=instelling_form, budget_form=budget_form,
                           professional_form=professional_form, discipline_label=discipline_label), status


@bp.route("/beheer/maatwerk")
@rol_vereist(Rol.BEHEERDER)
def beheer_index():
    return _pagina()


@bp.route("/beheer/maatwerk/instellingen", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def beheer_instellingen():
    form = InstellingFormulier()
    if not form.validate():
        return _pagina(instelling_form=form, status=422)
    try:
        beheer.instelling_opslaan(db.session, disciplines=form.disciplines.data, betaalwijze=form.betaalwijze.data,
                                  financien_naam=form.financien_naam.data or "",
                                  financien_email=form.financien_email.data or "",
                                  rekening_naam=form.rekening_naam.data or "",
                                  rekening_iban=form.rekening_iban.data or "",
                                  rekening_bic=form.rekening_bic.data or "")
    except OngeldigeInvoer as fout:
        db.session.rollback()
        form[fout.veld].errors = list(form[fout.veld].errors) + [fout.melding]
        return _pagina(instelling_form=form, status=422)
    db.session.commit()
    flash("Instellingen van het maatwerkbudget opgeslagen.", "ok")
    return redirect(url_for(".beheer_index"))


@bp.route("/beheer/maatwerk/budget", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def beheer_budget():
    form = BudgetFormulier()
    form.wijkteam_id.choices = _budgetkeuzes(_teams())
    if not form.validate():
        return _pagina(budget_form=form, status=422)
    try:
        centen = budgetboek.lees_bedrag(form.bedrag.data)
        team_id = None if form.wijkteam_id.data == POOL else form.wijkteam_id.data
        budgetboek.budget_instellen(db.session, team_id, form.jaar.data, centen)
    except OngeldigeInvoer as fout:
        db.session.rollback()
        form.bedrag.errors = [fout.melding]
        return _pagina(budget_form=form, status=422)
    db.session.commit()
    if team_id is None:
        flash(f"De gemeentelijke pool {form.jaar.data} is nu {budgetboek.euro(centen)}: een aanvraag die het "
              "budget van het eigen team te boven gaat, komt op de pool.", "ok")
    else:
        team = db.session.get(Wijkteam, team_id)
        flash(f"Maatwerkbudget {form.jaar.data} van {team.naam} is nu {budgetboek.euro(centen)}.", "ok")
    return redirect(url_for(".beheer_index"))


@bp.route("/beheer/maatwerk/professionals", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def beheer_professional():
    inst = mw.instelling(db.session)
    form = ProfessionalFormulier()
    form.discipline.choices = [(d, d) for d in inst.discipline_lijst]
    form.wijkteam_id.choices = _budgetkeuzes(_teams())
    if not form.validate():
        return _pagina(professional_form=form, status=422)
    try:
        p = beheer.professional_toevoegen(db.session, form.naam.data, form.email.data, form.discipline.data,
                                          form.wijkteam_id.data)
    except OngeldigeInvoer as fout:
        db.session.rollback()
        form[fout.veld].errors = list(form[fout.veld].errors) + [fout.melding]
        return _pagina(professional_form=form, status=422)
    db.session.commit()
    flash(f"{p.met_functie} toegevoegd.", "ok")
    return redirect(url_for(".beheer_index"))


@bp.route("/beheer/maatwerk/professionals/<int:professional_id>/actief", methods=["POST"])
@rol_vereist(Rol.BEHEERDER)
def beheer_professional_actief(professional_id: int):
    p = db.session.get(MaatwerkProfessional, professional_id)
    if p is None:
        return redirect(url_for(".beheer_index"))
    p.actief = request.form.get("actief") == "ja"
    db.session.commit()
    flash(f"{p.naam} is {'weer actief' if p.actief else 'niet meer actief'}.", "ok")
    return redirect(url_for(".beheer_index"))
