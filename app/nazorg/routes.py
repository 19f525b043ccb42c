"""Views after the decision: thin, each calls one use case of workflows.usecases_nazorg and commits once.

Access (documented in the README, "Na het besluit"): the case's own team records effect, agreements,
consent and end date; its manager proposes a hand-over. The receiving team's manager sees only the hand-over
page (the note and the case's structured facts) until they accept; then the case, with its whole history, is
the receiving team's, and the sending team no longer opens it. A knip stays on the card of the team that spent it.
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from notifications import nazorg as nazorg_mail
from workflows import usecases_nazorg as uc
from workflows.fouten import DomeinFout, GeenToegang, OngeldigeInvoer
from workflows.models import Rol, Wijkteam
from workflows.nazorg import (LABELS, Overdracht, OverdrachtStatus, effect_vraag_op, opgelost,
                              verlenging_herinneren_op)
from workflows.termijnen import kalender
from workflows.usecases import ZaakOnbekend

from .. import audit
from ..auth.guards import TEAMROLLEN, huidige_actor, rol_vereist, zaak_van_team
from ..extensions import db
from ..mail import instellingen
from . import bp
from .forms import (
    AfspraakFormulier,
    BesluitFormulier,
    EffectFormulier,
    EinddatumFormulier,
    OverdrachtFormulier,
    ToestemmingFormulier,
)


def _nu() -> datetime:
    return datetime.now(timezone.utc)


def overdracht_link(o: Overdracht) -> str:
    """The receiving manager's page of a proposed hand-over, as an absolute link for mail."""
    adressen = current_app.url_map.bind("localhost")
    return current_app.config["BASE_URL"] + adressen.build("nazorg.overdracht", {"overdracht_id": o.id})


def meld(resultaat, now: datetime) -> None:
    """Queue the mail a nazorg result causes, in the caller's transaction."""
    nazorg_mail.meld(db.session, resultaat, now, instellingen(), overdracht_link)


def _teams(zaak) -> list[tuple[int, str]]:
    teams = db.session.execute(select(Wijkteam.id, Wijkteam.naam).where(  # names only: no objects for a list
        Wijkteam.actief.is_(True), Wijkteam.id != zaak.wijkteam_id).order_by(Wijkteam.naam)).all()
    return [(0, "Kies een wijkteam")] + [(i, naam) for i, naam in teams]


def context(zaak) -> dict:
    """What the case page's part after the decision shows (templates/wijkteam/_nazorg.html)."""
    formulieren = g.get("nazorg_formulieren") or {}
    nazorg = uc.nazorg_van(db.session, zaak.id)
    open_overdracht = uc.open_overdracht(db.session, zaak.id)
    toestemming_form = formulieren.get("toestemming") or ToestemmingFormulier(formdata=None)
    if nazorg is not None and nazorg.toestemming is not None and "toestemming" not in formulieren:
        toestemming_form.toestemming_keuze.data = nazorg.toestemming.value
    einddatum_form = formulieren.get("einddatum") or EinddatumFormulier(formdata=None)
    if nazorg is not None and "einddatum" not in formulieren:
        einddatum_form.einddatum.data = nazorg.einddatum
    meting = uc.effectmeting_van(db.session, zaak.id)
    effect_form = formulieren.get("effect") or EffectFormulier(formdata=None)
    if meting is not None and meting.vastgelegd_op is not None and "effect" not in formulieren:
        effect_form.schaal.data, effect_form.eindpunt.data = meting.schaal.value, meting.eindpunt.value
        effect_form.effect_toelichting.data = meting.toelichting
    kal = kalender(db.session)
    return {
        "effect_vraag_op": effect_vraag_op(zaak.opgelost_op, kal) if opgelost(zaak) else None,
        "verlenging_op": verlenging_herinneren_op(nazorg.einddatum, kal) if nazorg and nazorg.einddatum else None,
        "opgelost": opgelost(zaak), "nazorg": nazorg, "meting": meting, "afspraken": uc.afspraken_van(db.session, zaak.id),
        "overdrachten": uc.overdrachten_van(db.session, zaak.id), "open_overdracht": open_overdracht,
        "effect_form": effect_form, "afspraak_form": formulieren.get("afspraak") or AfspraakFormulier(formdata=None),
        "toestemming_form": toestemming_form, "einddatum_form": einddatum_form,
        "labels": LABELS, "is_manager": current_user.rol == Rol.WIJKTEAMMANAGER,
        "kan_overdragen": uc.mag_overdragen(huidige_actor(), zaak, open_overdracht),
    }


def _terug(zaak_id: int, anker: str):
    return redirect(url_for("wijkteam.zaak", zaak_id=zaak_id) + "#" + anker)


def _opnieuw(zaak_id: int, naam: str, form, status: int = 422):
    """The case page again with this form's errors beside its fields; nothing was kept."""
    from ..wijkteam.routes import _zaakpagina

    db.session.rollback()
    g.nazorg_formulieren = {naam: form}
    return _zaakpagina(zaak_van_team(zaak_id), status=status)


def _uitvoeren(zaak_id: int, naam: str, form, veld, doe, gelukt: str, anker: str, opnieuw=None):
    """Validate, run the use case, queue its mail, commit; a domain error goes back beside the field (on the case
    page, or through `opnieuw(zaak_id, naam, form)` for a form with a page of its own)."""
    opnieuw = opnieuw or _opnieuw
    zaak = zaak_van_team(zaak_id)
    if not form.validate():
        return opnieuw(zaak.id, naam, form)
    now = _nu()
    try:
        r = doe(zaak, now)
        meld(r, now)
    except ZaakOnbekend:
        db.session.rollback()
        abort(404)
    except GeenToegang:
        db.session.rollback()
        abort(403)
    except OngeldigeInvoer as fout:
        doel = form[fout.veld] if fout.veld in form else veld
        doel.errors = list(doel.errors) + [fout.melding]
        return opnieuw(zaak.id, naam, form)
    except DomeinFout as fout:
        db.session.rollback()
        flash(fout.melding, "fout")
        return _terug(zaak.id, anker)
    db.session.commit()
    flash(gelukt, "ok")
    return _terug(zaak.id, anker)


@bp.route("/zaken/<int:zaak_id>/effect", methods=["POST"])
@rol_vereist(*TEAMROLLEN)
def effect(zaak_id: int):
    form = EffectFormulier()
    return _uitvoeren(zaak_id, "effect", form, form.effect_toelichting, lambda z, now: uc.effect_vastleggen(
        db.session, huidige_actor(), z.id, form.schaal.data, form.eindpunt.data, form.effect_toelichting.data, now),
        "Effect en eindpunt vastgelegd.", "effect")


@bp.route("/zaken/<int:zaak_id>/afspraken", methods=["POST"])
@rol_vereist(*TEAMROLLEN)
def afspraak(zaak_id: int):
    form = AfspraakFormulier()
    return _uitvoeren(zaak_id, "afspraak", form, form.afspraak, lambda z, now: uc.afspraak_vastleggen(
        db.session, huidige_actor(), z.id, form.afspraak.data, form.uiterlijk.data, now),
        "Afspraak vastgelegd.", "afspraken")


@bp.route("/zaken/<int:zaak_id>/toestemming", methods=["POST"])
@rol_vereist(*TEAMROLLEN)
def toestemming(zaak_id: int):
    form = ToestemmingFormulier()
    return _uitvoeren(zaak_id, "toestemming", form, form.toestemming_keuze, lambda z, now: uc.toestemming_vastleggen(
        db.session, huidige_actor(), z.id, form.toestemming_keuze.data, now),
        "Toestemming bijgewerkt.", "toestemming")


@bp.route("/zaken/<int:zaak_id>/einddatum", methods=["POST"])
@rol_vereist(*TEAMROLLEN)
def einddatum(zaak_id: int):
    form = EinddatumFormulier()
    return _uitvoeren(zaak_id, "einddatum", form, form.einddatum, lambda z, now: uc.einddatum_vastleggen(
        db.session, huidige_actor(), z.id, form.einddatum.data, now),
        "Einddatum vastgelegd." if form.einddatum.data else "Einddatum verwijderd.", "verlengen")


def _overdracht_pagina(zaak_id: int, _naam: str, form, status: int = 422):
    """The hand-over's page again with the form's errors; nothing was kept."""
    db.session.rollback()
    return render_template("wijkteam/overdracht_voorstellen.html", zaak=zaak_van_team(zaak_id), form=form), status


@bp.route("/zaken/<int:zaak_id>/overdracht", methods=["GET", "POST"])
@rol_vereist(Rol.WIJKTEAMMANAGER)
def overdragen(zaak_id: int):
    """The hand-over on a page of its own: its choice lists every other team, not something for every case view."""
    zaak = zaak_van_team(zaak_id)
    form = OverdrachtFormulier()  # reads the submitted form on POST only
    form.naar_wijkteam_id.choices = _teams(zaak)
    if request.method == "GET":
        return render_template("wijkteam/overdracht_voorstellen.html", zaak=zaak, form=form)
    return _uitvoeren(zaak_id, "overdracht", form, form.notitie, lambda z, now: uc.overdracht_voorstellen(
        db.session, huidige_actor(), z.id, form.naar_wijkteam_id.data, form.notitie.data, now),
        "Overdracht voorgesteld. De manager van het andere team krijgt een e-mail en beslist.", "overdracht",
        opnieuw=_overdracht_pagina)


@bp.route("/overdrachten/<int:overdracht_id>/intrekken", methods=["POST"])
@rol_vereist(Rol.WIJKTEAMMANAGER)
def overdracht_intrekken(overdracht_id: int):
    o = db.session.get(Overdracht, overdracht_id)
    if o is None:
        abort(404)
    zaak = zaak_van_team(o.zaak_id)
    audit.zet_zaak(zaak.id, f"overdracht {o.id} intrekken")
    form = BesluitFormulier()  # only its CSRF token is read
    if not form.validate() and "csrf_token" in form.errors:
        abort(400)
    now = _nu()
    try:
        r = uc.overdracht_intrekken(db.session, huidige_actor(), o.id, now)
        meld(r, now)
    except ZaakOnbekend:
        db.session.rollback()
        abort(404)
    except DomeinFout as fout:
        db.session.rollback()
        flash(fout.melding, "fout")
        return _terug(zaak.id, "overdracht")
    db.session.commit()
    flash("Overdracht ingetrokken; de zaak blijft bij uw team.", "ok")
    return _terug(zaak.id, "overdracht")


def _overdracht_voor_ontvanger(overdracht_id: int) -> Overdracht:
    """A hand-over addressed to the current manager's team; 404 for anyone else (no hint that it exists)."""
    o = db.session.get(Overdracht, overdracht_id)
    if o is None or current_user.rol != Rol.WIJKTEAMMANAGER or o.naar_wijkteam_id != current_user.wijkteam_id:
        abort(404)
    audit.zet_zaak(o.zaak_id, f"overdracht {o.id}")
    return o


@bp.route("/overdrachten")
@rol_vereist(Rol.WIJKTEAMMANAGER)
def overdrachten():
    """The hand-overs waiting for this manager's team."""
    return render_template("wijkteam/overdrachten.html", wachtend=uc.te_beslissen(db.session, current_user.wijkteam_id))


@bp.route("/overdrachten/<int:overdracht_id>", methods=["GET", "POST"])
@rol_vereist(Rol.WIJKTEAMMANAGER)
def overdracht(overdracht_id: int):
    """The receiving manager reads the note and the case's facts, and accepts or refuses."""
    o = _overdracht_voor_ontvanger(overdracht_id)
    form = BesluitFormulier()
    status = 200
    if o.status == OverdrachtStatus.VOORGESTELD and form.validate_on_submit():
        aanvaarden = form.besluit.data == "aanvaarden"
        if not aanvaarden and not (form.reden.data or "").strip():
            form.reden.errors = list(form.reden.errors) + ["Geef een reden: het andere team leest die."]
            status = 422
        else:
            now = _nu()
            try:
                r = uc.overdracht_beslissen(db.session, huidige_actor(), o.id, aanvaarden, form.reden.data or "", now)
                meld(r, now)
            except ZaakOnbekend:
                db.session.rollback()
                abort(404)
            except OngeldigeInvoer as fout:
                db.session.rollback()
                form.reden.errors = list(form.reden.errors) + [fout.melding]
                status = 422
            except DomeinFout as fout:
                db.session.rollback()
                flash(fout.melding, "fout")
                return redirect(url_for(".overdracht", overdracht_id=overdracht_id))
            else:
                db.session.commit()
                if aanvaarden:
                    flash(f"Zaak {r.zaak.nummer} is nu van uw team, met de hele geschiedenis.", "ok")
                    return redirect(url_for("wijkteam.zaak", zaak_id=r.zaak.id))
                flash("U hebt de overdracht geweigerd; het andere team krijgt uw reden.", "ok")
                return redirect(url_for(".overdrachten"))
    elif form.is_submitted():
        status = 422 if o.status == OverdrachtStatus.VOORGESTELD else 409
        if status == 409:
            flash(f"Over deze overdracht is al beslist: {o.status.label.lower()}.", "fout")
    return render_template("wijkteam/overdracht.html", o=o, zaak=o.zaak, form=form), status
