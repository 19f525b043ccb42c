"""The bottleneck report: /rapportage on screen and as CSV, XLSX and PDF, and management's follow-up actions.

Management and the beheerder see every team; a wijkteammanager sees the same
report for their own team only; others are refused.
"""
from __future__ import annotations

from datetime import date, datetime, timezone

from flask import Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from workflows.kalender import amsterdam
from workflows.fouten import OngeldigeInvoer
from workflows.models import Dienst, Oorzaak, Rol, Urgentie, Vervolgactie, Wijkteam
from workflows.rapportage import (
    Filters,
    conclusie_vastleggen,
    conclusies_van,
    maak_rapport,
    tabellen,
    vervolgactie_vastleggen,
    zaken_achter,
)

from ..auth.guards import rol_vereist
from ..extensions import db
from . import bp, export, grafieken
from .forms import ConclusieFormulier, FilterFormulier, LeegFormulier, VervolgFormulier

LEZERS = (Rol.MANAGEMENT, Rol.BEHEERDER, Rol.WIJKTEAMMANAGER)
# Flask adds "; charset=utf-8" to a text/ mimetype itself: naming it here too doubled it.
MIMETYPES = {"csv": "text/csv",
             "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
             "pdf": "application/pdf"}


def _nu() -> datetime:
    return datetime.now(timezone.utc)


def _eigen_team() -> int | None:
    """The team a wijkteammanager is limited to; None for those who see everything."""
    return current_user.wijkteam_id if current_user.rol == Rol.WIJKTEAMMANAGER else None


def _filterformulier(now: datetime) -> FilterFormulier:
    vandaag = amsterdam(now).date()
    if request.args:
        form = FilterFormulier(request.args)
    else:  # the default: this calendar year up to today
        form = FilterFormulier(formdata=None, data={"van": date(vandaag.year, 1, 1), "tot": vandaag})
    form.dienst.choices = [(0, "Alle diensten")] + [
        (d.id, d.naam) for d in db.session.scalars(select(Dienst).order_by(Dienst.naam))]
    form.oorzaak.choices = [(0, "Alle oorzaken")] + [
        (o.id, o.naam + ("" if o.actief else " (vervallen)"))
        for o in db.session.scalars(select(Oorzaak).order_by(Oorzaak.volgorde, Oorzaak.naam))]
    team = _eigen_team()
    teams = select(Wijkteam).order_by(Wijkteam.naam)
    if team:
        teams = teams.where(Wijkteam.id == team)
    form.wijkteam.choices = ([] if team else [(0, "Alle wijkteams")]) + [(t.id, t.naam) for t in db.session.scalars(teams)]
    if team:
        form.wijkteam.data = team
    return form


def _filters(form: FilterFormulier) -> Filters:
    return Filters(van=form.van.data, tot=form.tot.data, dienst_id=form.dienst.data or None,
                   wijkteam_id=_eigen_team() or form.wijkteam.data or None, oorzaak_id=form.oorzaak.data or None,
                   urgentie=Urgentie(form.urgentie.data) if form.urgentie.data else None)


def _kop(form: FilterFormulier, now: datetime) -> list[tuple[str, str]]:
    """What the report covers, in words, for the top of every export."""
    def keuze(veld):
        return dict(veld.choices).get(veld.data, "")

    return [("Knelpuntenrapportage", current_app.config["GEMEENTE_NAAM"]),
            ("Periode", f"{form.van.data:%d-%m-%Y} t/m {form.tot.data:%d-%m-%Y} (datum van versturen)"),
            ("Dienst", keuze(form.dienst)), ("Wijkteam", keuze(form.wijkteam)), ("Oorzaak", keuze(form.oorzaak)),
            ("Urgentie", keuze(form.urgentie)), ("Gemaakt op", f"{amsterdam(now):%d-%m-%Y %H:%M}")]


def _tabellen(rapport, form: FilterFormulier):
    """The report's tables, with the teams' ratings per dienst (workflows.waardering), the joint cases and
    overbruggingen per dienst (workflows.gezamenlijk) and the maatwerkbudget (workflows.maatwerk.cijfers)."""
    from workflows import gezamenlijk

    from workflows.maatwerk import cijfers as maatwerk

    from workflows.waardering import rapporttabel as waarderingen

    f = _filters(form)
    return (tabellen(rapport) + [waarderingen(db.session, f), gezamenlijk.rapporttabel(db.session, f)]
            + maatwerk.rapporttabellen(db.session, f, _nu()))


def _rapport(now: datetime):
    form = _filterformulier(now)
    if request.args and not form.validate():
        return form, None
    rapport = maak_rapport(db.session, _filters(form), now, standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
    db.session.commit()  # the roll-up's catch-up (workflows.rapportfeiten), so the next report need not repeat it
    return form, rapport


@bp.route("/rapportage")
@rol_vereist(*LEZERS)
def index():
    now = _nu()
    form, rapport = _rapport(now)
    if rapport is None:
        return render_template("rapportage/index.html", form=form, rapport=None, status=400), 400
    vervolg_form = None
    if current_user.rol == Rol.MANAGEMENT:
        vervolg_form = _vervolgformulier()
    return render_template("rapportage/index.html", form=form, rapport=rapport, tabellen=_tabellen(rapport, form),
                           grafieken=grafieken.voor_rapport(rapport), kop=_kop(form, now), vervolg_form=vervolg_form,
                           afrond_form=LeegFormulier(), eigen_team=_eigen_team(),
                           periode={"van": form.van.data.isoformat(), "tot": form.tot.data.isoformat()})


def _export(formaat: str):
    now = _nu()
    form, rapport = _rapport(now)
    if rapport is None:
        fouten = "; ".join(f"{getattr(form, v).label.text}: {' '.join(m)}" for v, m in form.errors.items())
        return Response(f"Het rapport kan niet worden gemaakt. {fouten}\n", status=400,
                        mimetype="text/plain; charset=utf-8")
    kop, t = _kop(form, now), _tabellen(rapport, form)
    if formaat == "csv":
        inhoud = export.als_csv(kop, t)
    elif formaat == "xlsx":
        inhoud = export.als_xlsx(kop, t)
    else:
        html = render_template("rapportage/afdruk.html", rapport=rapport, tabellen=t,
                               grafieken=grafieken.voor_rapport(rapport), kop=kop,
                               gemeente=current_app.config["GEMEENTE_NAAM"])
        inhoud = export.als_pdf(html, request.url_root)
    naam = export.bestandsnaam(form.van.data, form.tot.data, formaat)
    return Response(inhoud, mimetype=MIMETYPES[formaat],
                    headers={"Content-Disposition": f'attachment; filename="{naam}"', "Cache-Control": "no-store"})


@bp.route("/rapportage/zaken")
@rol_vereist(*LEZERS)
def zaken():
    """The anonymised cases behind a figure; a wijkteammanager's filters keep to their own team."""
    now = _nu()
    form = _filterformulier(now)
    if request.args and not form.validate():
        return render_template("rapportage/zaken.html", form=form, tabel=None, totaal=0, kop=[]), 400
    tabel, totaal = zaken_achter(db.session, _filters(form))
    return render_template("rapportage/zaken.html", form=form, tabel=tabel, totaal=totaal,
                           kop=[(n, w) for n, w in _kop(form, now)[1:-1] if w])


@bp.route("/rapportage.csv")
@rol_vereist(*LEZERS)
def als_csv():
    return _export("csv")


@bp.route("/rapportage.xlsx")
@rol_vereist(*LEZERS)
def als_xlsx():
    return _export("xlsx")


@bp.route("/rapportage.pdf")
@rol_vereist(*LEZERS)
def als_pdf():
    return _export("pdf")


# ---------------------------------------------------------------- follow-up actions (management)


def _vervolgformulier(**kwargs) -> VervolgFormulier:
    form = VervolgFormulier(**kwargs)
    form.oorzaak_id.choices = [(0, "Kies een oorzaak")] + [
        (o.id, o.naam + ("" if o.actief else " (vervallen)"))
        for o in db.session.scalars(select(Oorzaak).order_by(Oorzaak.volgorde, Oorzaak.naam))]
    return form


@bp.route("/rapportage/vervolg", methods=["GET", "POST"])
@rol_vereist(Rol.MANAGEMENT)
def vervolg():
    form = _vervolgformulier()
    if form.validate_on_submit():
        try:
            vervolgactie_vastleggen(db.session, oorzaak_id=form.oorzaak_id.data, soort=form.soort.data,
                                    besluit=form.besluit.data, eigenaar=form.eigenaar.data, datum=form.datum.data,
                                    afgerond=form.afgerond.data, door_gebruiker_id=current_user.id, now=_nu())
        except OngeldigeInvoer as fout:
            db.session.rollback()
            getattr(form, fout.veld).errors = [fout.melding]
        else:
            db.session.commit()
            flash("Vervolgactie vastgelegd; die staat nu bij de oorzaak in de rapportage.", "ok")
            return redirect(url_for("rapportage.index", _anchor="vervolg"))
    status = 400 if request.method == "POST" else 200
    return render_template("rapportage/vervolg.html", form=form), status


@bp.route("/rapportage/vervolg/<int:actie_id>/afronden", methods=["POST"])
@rol_vereist(Rol.MANAGEMENT)
def vervolg_afronden(actie_id: int):
    v = db.session.get(Vervolgactie, actie_id) or abort(404)
    form = LeegFormulier()
    if not form.validate_on_submit():
        abort(400)
    v.afgerond = True
    db.session.commit()
    flash(f"Vervolgactie bij '{v.oorzaak.naam}' staat op afgerond.", "ok")
    return redirect(url_for("rapportage.index", _anchor="vervolg"))


# ---------------------------------------------------------------- conclusions per period (management)


@bp.route("/rapportage/conclusie", methods=["GET", "POST"])
@rol_vereist(Rol.MANAGEMENT)
def conclusie():
    """Management writes its conclusions for one period; each save is a new version with who and when."""
    form = ConclusieFormulier(request.form if request.method == "POST" else request.args)
    if request.method == "GET" and form.van.data and form.tot.data and not form.tekst.data:
        laatste = conclusies_van(db.session, form.van.data, form.tot.data)
        if laatste:
            form.tekst.data = laatste[0].tekst
    if request.method == "POST" and form.validate():
        try:
            conclusie_vastleggen(db.session, van=form.van.data, tot=form.tot.data, tekst=form.tekst.data,
                                 door_gebruiker_id=current_user.id, now=_nu())
        except OngeldigeInvoer as fout:
            db.session.rollback()
            form.tekst.errors = [fout.melding]
        else:
            db.session.commit()
            flash("Conclusies vastgelegd; ze staan op de eerste pagina van het rapport en in de PDF.", "ok")
            return redirect(url_for("rapportage.index", van=form.van.data.isoformat(), tot=form.tot.data.isoformat(),
                                    _anchor="conclusies"))
    elif request.method == "GET" and not (form.van.data and form.tot.data):
        abort(400)
    status = 400 if request.method == "POST" else 200
    return render_template("rapportage/conclusie.html", form=form), status
