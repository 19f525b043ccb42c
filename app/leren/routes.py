"""The screens of learning between teams: "Wie beslist waarover" and the library of examples."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from workflows import usecases, voorbeelden, wegwijzer
from workflows.fouten import DomeinFout, GeenToegang, OngeldigeInvoer
from workflows.kalender import amsterdam
from workflows.models import Dienst, Oorzaak, Rol, ZaakSoort

from .. import mail
from ..auth.guards import TEAMROLLEN, huidige_actor, rol_vereist, zaak_van_team
from ..extensions import db
from . import bp
from .forms import BeoordelingFormulier, VastzettenFormulier, VoorbeeldFormulier


def _nu() -> datetime:
    return datetime.now(timezone.utc)


@bp.route("/wie-beslist-waarover")
@rol_vereist(*TEAMROLLEN)
def wie_beslist_waarover():
    vandaag = amsterdam(_nu()).date()
    diensten = wegwijzer.wie_beslist_waarover(db.session, current_user.wijkteam_id, vandaag)
    return render_template("leren/wie_beslist.html", diensten=diensten, vandaag=vandaag,
                           lmw_wanneer=wegwijzer.LMW_WANNEER)


# ---------------------------------------------------------------- examples between teams


def _getal(naam: str) -> int | None:
    waarde = request.args.get(naam, "")
    return int(waarde) if waarde.isdigit() and len(waarde) < 10 else None


@bp.route("/voorbeelden")
@rol_vereist(*TEAMROLLEN, Rol.MANAGEMENT)
def bibliotheek():
    instrument = request.args.get("instrument", "")
    vraag = voorbeelden.Zoekvraag(
        tekst=request.args.get("q", "")[:200], oorzaak_id=_getal("oorzaak_id"), dienst_id=_getal("dienst_id"),
        instrument=ZaakSoort(instrument) if instrument in ZaakSoort._value2member_map_ else None)
    gevonden = voorbeelden.bibliotheek(db.session, vraag)
    oorzaken = db.session.scalars(select(Oorzaak).order_by(Oorzaak.volgorde, Oorzaak.naam)).all()
    diensten = db.session.scalars(select(Dienst).order_by(Dienst.naam)).all()
    aantal_te_beoordelen = (len(voorbeelden.te_beoordelen(db.session, current_user.wijkteam_id))
                            if current_user.rol == Rol.WIJKTEAMMANAGER else 0)
    return render_template("leren/bibliotheek.html", voorbeelden=gevonden, vraag=vraag, oorzaken=oorzaken,
                           diensten=diensten, aantal_te_beoordelen=aantal_te_beoordelen,
                           vastzetten=VastzettenFormulier())


@bp.route("/zaken/<int:zaak_id>/voorbeeld", methods=["GET", "POST"])
@rol_vereist(*TEAMROLLEN)
def voorbeeld_voorstellen(zaak_id: int):
    zaak = zaak_van_team(zaak_id)
    bestaand = voorbeelden.van_zaak(db.session, zaak.id)
    form = VoorbeeldFormulier()
    if bestaand is None and voorbeelden.kan_voorbeeld_worden(zaak) and form.validate_on_submit():
        invoer = voorbeelden.VoorbeeldInvoer(form.situatie.data, form.blokkerende_regel.data, form.wat_werkte.data)
        now = _nu()
        try:
            r = usecases.voorbeeld_voorstellen(db.session, huidige_actor(), zaak.id, invoer, now)
            mail.meld(r, now)  # no one is mailed about a proposal today; the rule lives with the other mails
            db.session.commit()
        except OngeldigeInvoer as e:
            db.session.rollback()
            if e.veld in form:
                form[e.veld].errors = list(form[e.veld].errors) + [str(e)]
            else:
                flash(str(e), "fout")
        except DomeinFout as e:
            db.session.rollback()
            flash(str(e), "fout")
            return redirect(url_for("leren.voorbeeld_voorstellen", zaak_id=zaak_id))
        else:
            flash("Voorgesteld als voorbeeld. De manager van het team beoordeelt het voordat andere teams het zien.",
                  "ok")
            return redirect(url_for("wijkteam.zaak", zaak_id=zaak_id))
    return render_template("leren/voorbeeld_voorstellen.html", zaak=zaak, form=form, bestaand=bestaand,
                           kan=voorbeelden.kan_voorbeeld_worden(zaak))


@bp.route("/voorbeelden/te-beoordelen")
@rol_vereist(Rol.WIJKTEAMMANAGER)
def te_beoordelen():
    return render_template("leren/te_beoordelen.html",
                           voorbeelden=voorbeelden.te_beoordelen(db.session, current_user.wijkteam_id),
                           form=BeoordelingFormulier())


@bp.route("/voorbeelden/<int:voorbeeld_id>/beoordelen", methods=["POST"])
@rol_vereist(Rol.WIJKTEAMMANAGER)
def beoordelen(voorbeeld_id: int):
    form = BeoordelingFormulier()
    if not form.validate_on_submit() or form.besluit.data not in ("goedkeuren", "afwijzen"):
        abort(400)
    now = _nu()
    try:
        r = usecases.voorbeeld_beoordelen(db.session, huidige_actor(), voorbeeld_id, form.besluit.data == "goedkeuren",
                                          now)
        mail.meld(r, now)
        db.session.commit()
    except (GeenToegang, usecases.ZaakOnbekend):
        db.session.rollback()
        abort(404)  # another team's proposal: no hint that it exists
    except DomeinFout as e:
        db.session.rollback()
        flash(str(e), "fout")
    else:
        flash("Opgenomen in de bibliotheek voor alle teams." if form.besluit.data == "goedkeuren"
              else "Niet opgenomen.", "ok")
    return redirect(url_for("leren.te_beoordelen"))


@bp.route("/voorbeelden/<int:voorbeeld_id>/vastzetten", methods=["POST"])
@rol_vereist(Rol.MANAGEMENT)
def vastzetten(voorbeeld_id: int):
    form = VastzettenFormulier()
    if not form.validate_on_submit() or form.vast.data not in ("ja", "nee"):
        abort(400)
    try:
        voorbeelden.vastzetten(db.session, huidige_actor(), voorbeeld_id, form.vast.data == "ja")
        db.session.commit()
    except DomeinFout as e:
        db.session.rollback()
        if db.session.get(voorbeelden.Voorbeeld, voorbeeld_id) is None:
            abort(404)
        flash(str(e), "fout")
    return redirect(url_for("leren.bibliotheek"))
