"""Asking (the team's wijkteammanager, on the concept's case page) and answering (the colleague asked)."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user

from notifications import tweedemening as tweedemening_mail
from workflows import tweedemening as tm
from workflows.fouten import DomeinFout, GeenToegang, OngeldigeInvoer
from workflows.models import Rol, Zaak
from workflows.usecases import ZaakOnbekend

from .. import audit
from ..auth.guards import huidige_actor, rol_vereist, zaak_van_team
from ..extensions import db
from ..mail import instellingen
from . import bp
from .forms import MeningFormulier, VraagFormulier

GEVERS = (Rol.WIJKTEAMMANAGER, Rol.RAYONMANAGER)
PREFIX = "tweede"  # the question's fields on the case page beside its other forms: ids of their own


def _nu() -> datetime:
    return datetime.now(timezone.utc)


def _absoluut(endpoint: str, **waarden) -> str:
    # Built from the URL map, not url_for: the same link from a request or a job.
    return current_app.config["BASE_URL"] + current_app.url_map.bind("localhost").build(endpoint, waarden)


def meld(resultaat, now: datetime) -> None:
    tweedemening_mail.meld(db.session, resultaat, now, instellingen(),
                           lambda m: _absoluut("tweedemening.mening", mening_id=m.id),
                           lambda zaak: _absoluut("wijkteam.zaak", zaak_id=zaak.id) + "#tweede-mening")


def vraagformulier(zaak: Zaak, form: VraagFormulier | None = None) -> VraagFormulier:
    """The case page's form (templates/wijkteam/_tweede_mening.html), its choices filled."""
    form = form or VraagFormulier(formdata=None, prefix=PREFIX)
    form.aan_id.choices = [(0, "Kies een collega")] + [
        (p.id, f"{p.naam} ({tm.functie(p)})") for p in tm.kan_gevraagd_worden(db.session, zaak)]
    return form


def context(zaak: Zaak) -> dict:
    """What the case page shows of second opinions: the question form (a knip concept) and every answer."""
    if not zaak.is_knip:
        return {}
    meningen = tm.van_zaak(db.session, zaak.id)
    mag_vragen = tm.mag_vragen(huidige_actor(), zaak, meningen)
    return {"tweede_meningen": meningen, "tweede_mening_mag_vragen": mag_vragen,
            "tweede_mening_form": vraagformulier(zaak, g.get("tweede_mening_form")) if mag_vragen else None}


@bp.route("/zaken/<int:zaak_id>/tweede-mening", methods=["POST"])
@rol_vereist(Rol.WIJKTEAMMANAGER)
def vragen(zaak_id: int):
    zaak = zaak_van_team(zaak_id)
    form = vraagformulier(zaak, VraagFormulier(prefix=PREFIX))
    terug = url_for("wijkteam.zaak", zaak_id=zaak.id) + "#tweede-mening"
    form.validate()
    if not form.aan_id.errors and not form.aan_id.data:  # the placeholder "Kies een collega" is no choice
        form.aan_id.errors = list(form.aan_id.errors) + ["Kies aan wie u het vraagt."]
    if form.errors:
        return _opnieuw(zaak, form)
    now = _nu()
    try:
        r = tm.vragen(db.session, huidige_actor(), zaak.id, form.aan_id.data, form.vraag.data, now)
        meld(r, now)
    except ZaakOnbekend:
        db.session.rollback()
        abort(404)
    except GeenToegang:
        db.session.rollback()
        abort(403)
    except OngeldigeInvoer as fout:
        db.session.rollback()
        doel = form[fout.veld] if fout.veld in form else form.vraag
        doel.errors = list(doel.errors) + [fout.melding]
        return _opnieuw(zaak_van_team(zaak_id), form)
    except DomeinFout as fout:
        db.session.rollback()
        flash(fout.melding + " Er is niets gevraagd.", "fout")
        return redirect(terug), 303
    db.session.commit()
    m = tm.van_zaak(db.session, zaak.id)[-1]
    flash(f"Tweede mening gevraagd aan {m.gevraagd_aan.naam}; u krijgt een e-mail zodra het antwoord er is.", "ok")
    return redirect(terug)


def _opnieuw(zaak: Zaak, form: VraagFormulier):
    """The case page again with the question's errors beside its fields; nothing was asked."""
    from ..wijkteam.routes import _zaakpagina

    db.session.rollback()
    g.tweede_mening_form = form
    return _zaakpagina(zaak_van_team(zaak.id), status=422)


@bp.route("/tweede-mening")
@rol_vereist(*GEVERS)
def lijst():
    """What was asked of the current user: open questions first."""
    return render_template("tweedemening/lijst.html", meningen=tm.voor(db.session, current_user.id))


def _aan_mij(mening_id: int) -> tm.TweedeMening:
    """A question asked of the current user; 404 for anyone else (no hint that it exists)."""
    m = db.session.get(tm.TweedeMening, mening_id)
    if m is None or m.gevraagd_aan_id != current_user.id:
        abort(404)
    audit.zet_zaak(m.zaak_id, f"tweede mening {m.id}")
    return m


@bp.route("/tweede-mening/<int:mening_id>", methods=["GET", "POST"])
@rol_vereist(*GEVERS)
def mening(mening_id: int):
    """The colleague reads the case's facts (not the cliëntreferentie) and the question, and answers once."""
    m = _aan_mij(mening_id)
    form = MeningFormulier()
    status = 200
    if request.method == "POST" and not m.open:
        flash(f"U gaf uw mening al op {m.gegeven_op:%d-%m-%Y}; er is niets gewijzigd.", "fout")
        return redirect(url_for(".mening", mening_id=mening_id)), 303
    if form.validate_on_submit():
        now = _nu()
        try:
            r = tm.geven(db.session, current_user, m.id, form.mening.data, form.toelichting.data, now)
            meld(r, now)
        except ZaakOnbekend:
            db.session.rollback()
            abort(404)
        except OngeldigeInvoer as fout:
            db.session.rollback()
            doel = form[fout.veld] if fout.veld in form else form.toelichting
            doel.errors = list(doel.errors) + [fout.melding]
            status = 422
        except DomeinFout as fout:
            db.session.rollback()
            flash(fout.melding + " Er is niets opgeslagen.", "fout")
            return redirect(url_for(".mening", mening_id=mening_id)), 303
        else:
            db.session.commit()
            flash("Uw mening is doorgegeven aan het team.", "ok")
            return redirect(url_for(".mening", mening_id=mening_id))
    elif form.errors:
        status = 422
    m = _aan_mij(mening_id)
    return render_template("tweedemening/mening.html", m=m, zaak=m.zaak, form=form), status
