"""The wijkteam's screens: card and cases, knip and escalatie forms, the case page."""
from __future__ import annotations

import io
from datetime import datetime, timezone

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from notifications.models import Bijlage
from workflows import bewaking, knipkaart, termijnen, usecases, werkvoorraad, zaken, zoeken
from workflows.fouten import DomeinFout, GeenToegang, OngeldigeInvoer
from workflows.kalender import amsterdam
from workflows.models import (
    Dienst,
    Knipkaart,
    KnipkaartMutatie,
    Oorzaak,
    Prijspost,
    Rol,
    Status,
    UitzonderingSoort,
    Urgentie,
    Zaak,
    ZaakSoort,
)

from workflows import usecases_nazorg

from .. import audit, idempotentie, mail
from ..nazorg import routes as nazorg
from ..tweedemening import routes as tweede_mening
from ..zoekparameters import lees_zoekvraag
from ..auth.guards import TEAMROLLEN, huidige_actor, rol_vereist, zaak_van_team
from ..extensions import db
from ..links import link_url
from . import bp
from .forms import ActieFormulier, BerichtFormulier, BijlageFormulier, EscalatieFormulier, KnipFormulier
from .tijdlijn import tijdlijn


MAX_OPEN = 10  # the next deadlines on the dashboard; the case list (/zaken) has the rest, paged
MAX_CONCEPTEN = 10
MAX_AFGEROND = 5
MAX_MUTATIES = 200  # the card's history page; a year's card rarely has more


def _nu() -> datetime:
    return datetime.now(timezone.utc)


@bp.route("/wijkteam")
@rol_vereist(*TEAMROLLEN)
def dashboard():
    """What to do now (one list, each case once), the card, the next deadlines: each section one bounded query."""
    now = _nu()
    stand = knipkaart.lees_stand(db.session, current_user.wijkteam_id, knipkaart.jaar_van(now),  # a read: no
                                 standaard_quotum=current_app.config["STANDAARD_QUOTUM"])  # card made by a view
    is_manager = current_user.rol == Rol.WIJKTEAMMANAGER
    voorraad = werkvoorraad.nu_te_doen(db.session, current_user.wijkteam_id, now, concepten_versturen=is_manager)
    team = Zaak.wijkteam_id == current_user.wijkteam_id
    open_ = db.session.scalars(select(Zaak).options(joinedload(Zaak.dienst)).where(team, Zaak.status.in_(zaken.LOPEND))
                               .order_by(zaken.eerstvolgende_deadline_sql().asc().nulls_last(), Zaak.id)
                               .limit(MAX_OPEN)).all()
    concepten = [] if is_manager else db.session.scalars(
        select(Zaak).options(joinedload(Zaak.dienst), joinedload(Zaak.aangemaakt_door))
        .where(team, Zaak.status == Status.CONCEPT).order_by(Zaak.id.desc()).limit(MAX_CONCEPTEN)).all()
    afgerond = db.session.scalars(select(Zaak).options(joinedload(Zaak.dienst)).where(
        team, Zaak.status.in_(zaken.EINDSTATUSSEN)).order_by(Zaak.id.desc()).limit(MAX_AFGEROND)).all()
    return render_template("wijkteam/dashboard.html", stand=stand, voorraad=voorraad, Reden=werkvoorraad.Reden,
                           max_telling=werkvoorraad.MAX_TELLING,
                           open_zaken=open_, aantal_open=voorraad.aantal_open, concepten=concepten,
                           afgerond=afgerond, now=now,
                           nazorg_te_doen=usecases_nazorg.te_doen(db.session, current_user.wijkteam_id, now),
                           tweede_mening_open=tweede_mening.tm.open_voor(db.session, current_user.id),
                           termijnstanden=zaken.termijnstanden)


@bp.route("/wijkteam/knipkaart")
@rol_vereist(*TEAMROLLEN)
def knipkaart_geschiedenis():
    """This year's card with every spend and return, newest first (the dashboard shows the stand only)."""
    jaar = knipkaart.jaar_van(_nu())
    stand = knipkaart.lees_stand(db.session, current_user.wijkteam_id, jaar,
                                 standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
    mutaties = db.session.execute(
        select(KnipkaartMutatie).join(Knipkaart, Knipkaart.id == KnipkaartMutatie.knipkaart_id)
        .options(selectinload(KnipkaartMutatie.zaak).load_only(Zaak.id, Zaak.nummer, Zaak.wijkteam_id))
        .where(Knipkaart.wijkteam_id == current_user.wijkteam_id, Knipkaart.jaar == jaar)
        .order_by(KnipkaartMutatie.id.desc()).limit(MAX_MUTATIES)).scalars().all()
    return render_template("wijkteam/knipkaart.html", stand=stand, mutaties=mutaties)


def _keuzes(form, soort: ZaakSoort) -> None:
    # The Landelijk Maatwerkloket is never a first stop (DOMAIN.md "Deadlines"); the form explains why.
    stmt = select(Dienst).where(Dienst.actief.is_(True), Dienst.landelijk.is_(False)).order_by(Dienst.naam)
    if soort == ZaakSoort.KNIP:
        stmt = stmt.where(Dienst.accepteert_knippen.is_(True))
    form.dienst_id.choices = [(0, "Kies een dienst")] + [(d.id, d.naam) for d in db.session.scalars(stmt)]
    oorzaken = db.session.scalars(select(Oorzaak).where(Oorzaak.actief.is_(True)).order_by(Oorzaak.volgorde,
                                                                                             Oorzaak.naam))
    form.oorzaak_id.choices = [(0, "Kies een oorzaak")] + [(o.id, o.naam) for o in oorzaken]
    posten = db.session.scalars(select(Prijspost).where(Prijspost.actief.is_(True)).order_by(Prijspost.volgorde,
                                                                                             Prijspost.naam)).all()
    for i, regel in enumerate(form.scenario, start=1):
        regel.prijspost_id.label.text = f"Scenario {i}: wat is voorkomen?"
        regel.aantal.label.text = f"Aantal bij scenario {i}"
        regel.prijspost_id.choices = [(0, "Niets gekozen")] + [
            (p.id, f"{p.naam} (€ {p.prijs:,} per {p.eenheid})".replace(",", ".")) for p in posten]


def _invoer(form, soort: ZaakSoort) -> zaken.ZaakInvoer:
    escalatie = soort == ZaakSoort.ESCALATIE
    return zaken.ZaakInvoer(
        dienst_id=form.dienst_id.data,
        clientreferentie=form.clientreferentie.data or "",
        gevraagd=form.gevraagd.data or "",
        blokkerende_regel=form.blokkerende_regel.data or "",
        urgentie=Urgentie(form.urgentie.data),
        oorzaak_id=form.oorzaak_id.data,
        oorzaak_toelichting=form.oorzaak_toelichting.data or "",
        voorgestelde_oplossing=form.voorgestelde_oplossing.data or "",
        uitzondering=None if escalatie else UitzonderingSoort(form.uitzondering.data),
        geen_inkomen=bool(form.geen_inkomen.data),
        bovenlokaal=bool(form.bovenlokaal.data),
        rendement=(form.rendement.data or "") if escalatie else "",
        legitimiteit=(form.legitimiteit.data or "") if escalatie else "",
        betrokkenheid=(form.betrokkenheid.data or "") if escalatie else "",
        scenario=[(r.prijspost_id.data, r.aantal.data) for r in form.scenario if r.prijspost_id.data],
    )


def _veld_fout(form, fout: OngeldigeInvoer) -> None:
    if fout.veld == "scenario":
        form.scenario.entries[0].prijspost_id.errors = [fout.melding]
        flash(fout.melding, "fout")
    elif fout.veld and fout.veld in form:
        form[fout.veld].errors = list(form[fout.veld].errors) + [fout.melding]
    else:
        flash(fout.melding, "fout")


def _zaakformulier(soort: ZaakSoort, zaak: Zaak | None = None):
    """Create, edit and send: one flow for knip and escalatie, new or concept."""
    form_cls = KnipFormulier if soort == ZaakSoort.KNIP else EscalatieFormulier
    form = form_cls(obj=zaak) if zaak is not None and request.method == "GET" else form_cls()
    if zaak is not None and request.method == "GET":
        form.urgentie.data = zaak.urgentie.value
        if zaak.uitzondering and soort == ZaakSoort.KNIP:
            form.uitzondering.data = zaak.uitzondering.value
    _keuzes(form, soort)
    if request.method == "GET":
        form.formulier_sleutel.data = idempotentie.nieuwe_sleutel()
    is_manager = current_user.rol == Rol.WIJKTEAMMANAGER
    versturen = request.form.get("knop") == "versturen"
    status = 200
    if request.method == "POST":
        eerder = idempotentie.eerder_verwerkt(form.formulier_sleutel.data)
        if eerder is not None:
            flash("Dit formulier was al verstuurd en is één keer verwerkt.", "info")
            return redirect(eerder.resultaat_url or url_for(".dashboard"))
        if versturen and not is_manager:
            abort(403)
        if request.form.get("knop") == "terug":  # back from the confirmation: the form as it was, nothing saved
            return _formulier_pagina(form, soort, zaak, is_manager, 200)
        if form.validate() and versturen and soort == ZaakSoort.KNIP and request.form.get("bevestigd") != "ja":
            return _bevestigen(form, soort, zaak)
        if form.validate():
            actor = huidige_actor()
            now = _nu()
            claim = idempotentie.claim(form.formulier_sleutel.data, current_user.id)
            if claim is None and form.formulier_sleutel.data:
                db.session.rollback()
                flash("Dit formulier was al verstuurd en is één keer verwerkt.", "info")
                return redirect(url_for(".dashboard"))
            try:
                if zaak is None:
                    r = usecases.zaak_aanmaken(db.session, actor, soort, _invoer(form, soort), now,
                                               versturen=versturen, standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
                else:
                    r = usecases.concept_bijwerken(db.session, actor, zaak.id, _invoer(form, soort), now,
                                                   versturen=versturen,
                                                   standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
                zaak = r.zaak
                mail.meld(r, now)
            except OngeldigeInvoer as fout:
                db.session.rollback()
                _veld_fout(form, fout)
                status = 422
            except DomeinFout as fout:
                db.session.rollback()
                flash(fout.melding + (" Er is niets opgeslagen." if zaak is None else " Het concept is niet gewijzigd."),
                      "fout")
                status = 409
            else:
                resultaat = url_for(".zaak", zaak_id=zaak.id)
                if claim is not None:
                    claim.resultaat_url = resultaat
                db.session.commit()
                if versturen:
                    flash(("Knip ingezet en verstuurd" if soort == ZaakSoort.KNIP else "Escalatie verstuurd")
                          + f" als {zaak.nummer} naar {zaak.ontvanger_email}.", "ok")
                else:
                    flash("Opgeslagen als concept. De wijkteammanager kan het versturen.", "ok")
                return redirect(resultaat)
        else:
            status = 422
            landelijk = db.session.scalars(select(Dienst.id).where(Dienst.landelijk.is_(True))).all()
            if form.dienst_id.data in landelijk:
                form.dienst_id.errors = [zaken.LMW_NIET_EERST]
    return _formulier_pagina(form, soort, zaak, is_manager, status)


def _kaartstand():
    return knipkaart.lees_stand(db.session, current_user.wijkteam_id, knipkaart.jaar_van(_nu()),
                                standaard_quotum=current_app.config["STANDAARD_QUOTUM"])


def _formulier_pagina(form, soort: ZaakSoort, zaak: Zaak | None, is_manager: bool, status: int):
    stand = _kaartstand() if soort == ZaakSoort.KNIP else None
    return render_template("wijkteam/zaakformulier.html", form=form, soort=soort, zaak=zaak,
                           is_manager=is_manager, stand=stand), status


def _bevestigen(form, soort: ZaakSoort, zaak: Zaak | None):
    """Spending a knip is confirmed on a summary page first; nothing is saved or spent until then."""
    invoer = _invoer(form, soort)
    try:
        zaken.controleer_invoer(db.session, soort, invoer)
    except OngeldigeInvoer as fout:
        db.session.rollback()
        _veld_fout(form, fout)
        return _formulier_pagina(form, soort, zaak, True, 422)
    except DomeinFout as fout:
        db.session.rollback()
        flash(fout.melding + " Er is niets verstuurd of opgeslagen.", "fout")
        return _formulier_pagina(form, soort, zaak, True, 409)
    stand = _kaartstand()
    if stand.resterend <= 0:
        flash(f"De knipkaart {stand.jaar} is vol: alle {stand.quotum} knippen zijn ingezet. Er is niets verstuurd "
              "of opgeslagen. Open een escalatie, of vraag de beheerder om een hoger quotum.", "fout")
        return _formulier_pagina(form, soort, zaak, True, 409)
    from workflows.routering import routeer

    dienst = db.session.get(Dienst, invoer.dienst_id)
    route = routeer(db.session, current_user.wijkteam_id, invoer.dienst_id, amsterdam(_nu()).date())
    velden = [(k, v) for k, v in request.form.items(multi=True) if k not in ("knop", "bevestigd", "csrf_token")]
    return render_template("wijkteam/knip_bevestigen.html", invoer=invoer, dienst=dienst, route=route, stand=stand,
                           velden=velden, zaak=zaak, form=form,
                           tweede_meningen=tweede_mening.tm.van_zaak(db.session, zaak.id) if zaak else [],
                           oorzaak=db.session.get(Oorzaak, invoer.oorzaak_id)), 200


@bp.route("/knippen/nieuw", methods=["GET", "POST"])
@rol_vereist(*TEAMROLLEN)
def nieuwe_knip():
    return _zaakformulier(ZaakSoort.KNIP)


@bp.route("/escalaties/nieuw", methods=["GET", "POST"])
@rol_vereist(*TEAMROLLEN)
def nieuwe_escalatie():
    return _zaakformulier(ZaakSoort.ESCALATIE)


@bp.route("/zaken/<int:zaak_id>/bewerken", methods=["GET", "POST"])
@rol_vereist(*TEAMROLLEN)
def bewerken(zaak_id: int):
    zaak = zaak_van_team(zaak_id)
    if zaak.status != Status.CONCEPT:
        flash("Alleen een concept kan nog worden gewijzigd.", "fout")
        return redirect(url_for(".zaak", zaak_id=zaak.id))
    return _zaakformulier(zaak.soort, zaak)


@bp.route("/zaken/<int:zaak_id>")
@rol_vereist(*TEAMROLLEN)
def zaak(zaak_id: int):
    zaak_ = zaak_van_team(zaak_id)
    return _zaakpagina(zaak_)


def _zaakpagina(zaak_: Zaak, actie_form=None, bericht_form=None, status: int = 200, bijlage_form=None):
    actor = huidige_actor()
    acties = zaken.mogelijke_acties(actor, zaak_, db.session)
    actie_form = actie_form or ActieFormulier(formdata=None)
    bericht_form = bericht_form or BerichtFormulier(formdata=None)
    actie_form.formulier_sleutel.data = idempotentie.nieuwe_sleutel()
    bericht_form.formulier_sleutel.data = idempotentie.nieuwe_sleutel()
    bijlage_form = bijlage_form or BijlageFormulier(formdata=None)
    link = link_url(zaak_, zaak_.ontvanger_email) if zaak_.ontvanger_email and zaak_.status in zaken.LOPEND else None
    bijlagen = db.session.execute(select(Bijlage).where(Bijlage.zaak_id == zaak_.id).order_by(Bijlage.id)
                                  ).scalars().all()
    uitgeput = zaak_.status in zaken.OPEN_BIJ_DIENST and bewaking.is_uitgeput(db.session, zaak_)
    top = bewaking.bovenste_trede(db.session, zaak_) if uitgeput else None
    ladder = bewaking.ladder(db.session, zaak_) if zaak_.status != Status.CONCEPT and not zaak_.is_advies else []
    # While the dienst waits on the team, the conversation box is the answer box (no separate button).
    acties = [o for o in acties if o.actie != zaken.Actie.BEANTWOORDEN]
    return render_template("wijkteam/zaak.html", zaak=zaak_, acties=acties, actie_form=actie_form,
                           uitgeput=uitgeput, maatwerkfunctionaris=top.contactpersoon if top else None, ladder=ladder,
                           stand=_kaartstand() if zaak_.is_knip and zaak_.status == Status.CONCEPT else None,
                           bijlage_form=bijlage_form, max_bijlage_mb=usecases.MAX_BIJLAGE // (1024 * 1024),
                           bericht_form=bericht_form, termijnen=zaken.termijnstanden(zaak_), now=_nu(),
                           link=link, tijdlijn=tijdlijn(db.session, zaak_), bijlagen=bijlagen,
                           inzage=audit.voor_zaak(zaak_.id), **nazorg.context(zaak_),
                           **tweede_mening.context(zaak_)), status


@bp.route("/zaken/<int:zaak_id>/bijlagen/<int:bijlage_id>")
@rol_vereist(*TEAMROLLEN)
def bijlage(zaak_id: int, bijlage_id: int):
    zaak_ = zaak_van_team(zaak_id)
    b = db.session.execute(select(Bijlage).where(Bijlage.id == bijlage_id, Bijlage.zaak_id == zaak_.id)
                           ).scalar_one_or_none()
    if b is None or b.data is None:
        abort(404)
    return send_file(io.BytesIO(b.data), mimetype=b.content_type, as_attachment=True, download_name=b.bestandsnaam)


@bp.route("/zaken/<int:zaak_id>/bijlagen", methods=["POST"])
@rol_vereist(*TEAMROLLEN)
def bijlage_toevoegen(zaak_id: int):
    """Upload a file to the case: checked and sniffed in the use case; nothing kept on error."""
    zaak_ = zaak_van_team(zaak_id)
    form = BijlageFormulier()
    if not form.validate():
        return _zaakpagina(zaak_, bijlage_form=form, status=422)
    bestand = form.bestand.data
    now = _nu()
    try:
        with bestand.stream:  # a large upload is spooled to a temporary file: closed here, not left to the GC
            data = bestand.stream.read(usecases.MAX_BIJLAGE + 1)
        r = usecases.bijlage_toevoegen(db.session, huidige_actor(), zaak_.id, bestand.filename or "", data, now)
        mail.meld(r, now)
    except DomeinFout as fout:
        return _domeinfout(zaak_id, fout, form.bestand, lambda z: _zaakpagina(z, bijlage_form=form, status=422))
    db.session.commit()
    flash("Bijlage toegevoegd." + (f" {r.zaak.dienst.naam} opent hem via de link in de mail."
                                  if r.zaak.ontvanger_email else ""), "ok")
    return redirect(url_for(".zaak", zaak_id=zaak_id) + "#bijlagen")


@bp.route("/zaken/<int:zaak_id>/actie", methods=["POST"])
@rol_vereist(*TEAMROLLEN)
def actie(zaak_id: int):
    zaak_ = zaak_van_team(zaak_id)
    form = ActieFormulier()
    eerder = idempotentie.eerder_verwerkt(form.formulier_sleutel.data)
    if eerder is not None:
        flash("Deze handeling was al verwerkt.", "info")
        return redirect(url_for(".zaak", zaak_id=zaak_.id))
    if not form.validate():
        return _zaakpagina(zaak_, actie_form=form, status=422)
    structureel = {"ja": True, "nee": False}.get(form.structureel.data)
    if idempotentie.claim(form.formulier_sleutel.data, current_user.id) is None and form.formulier_sleutel.data:
        db.session.rollback()
        flash("Deze handeling was al verwerkt.", "info")
        return redirect(url_for(".zaak", zaak_id=zaak_.id))
    now = _nu()
    try:
        if form.actie.data == zaken.Actie.OMZETTEN.value:  # an adviesvraag becomes an escalatie: two cases
            from workflows import advies

            r, escalatie = advies.omzetten(db.session, huidige_actor(), zaak_.id, now,
                                           urgentie=Urgentie(form.urgentie.data or Urgentie.NORMAAL.value),
                                           clientreferentie=form.clientreferentie.data or "",
                                           standaard_quotum=current_app.config["STANDAARD_QUOTUM"])
            mail.meld(r, now)
            mail.meld(escalatie, now)
            db.session.commit()
            flash(f"Omgezet in een escalatie{' en verstuurd' if escalatie.zaak.nummer else ' (concept voor de manager)'}"
                  ": vraag en advies gaan mee.", "ok")
            return redirect(url_for(".zaak", zaak_id=escalatie.zaak.id))
        waardering = None
        if form.actie.data == zaken.Actie.SLUITEN.value and form.waardering.data:
            waardering = (int(form.waardering.data), form.waardering_toelichting.data or "")
        r = usecases.handelen(db.session, huidige_actor(), zaak_.id, form.actie.data, now,
                              toelichting=form.toelichting.data or "", structureel=structureel,
                              standaard_quotum=current_app.config["STANDAARD_QUOTUM"], waardering=waardering)
        mail.meld(r, now)
    except DomeinFout as fout:
        veld = form.toelichting
        if getattr(fout, "veld", None) in ("clientreferentie", "urgentie", "waardering", "waardering_toelichting"):
            veld = form[fout.veld]  # turning an adviesvraag into an escalatie, or the rating given on closing
        return _domeinfout(zaak_id, fout, veld, lambda z: _zaakpagina(z, actie_form=form, status=422))
    db.session.commit()
    flash(f"{zaken.OVERGANGEN[r.overgang.actie].label}: gedaan. De zaak is nu '{r.zaak.status.label}'.", "ok")
    return redirect(url_for(".zaak", zaak_id=zaak_id))


@bp.route("/zaken/<int:zaak_id>/bericht", methods=["POST"])
@rol_vereist(*TEAMROLLEN)
def bericht(zaak_id: int):
    zaak_ = zaak_van_team(zaak_id)
    form = BerichtFormulier()
    if idempotentie.eerder_verwerkt(form.formulier_sleutel.data) is not None:
        return redirect(url_for(".zaak", zaak_id=zaak_.id))
    if not form.validate():
        return _zaakpagina(zaak_, bericht_form=form, status=422)
    if idempotentie.claim(form.formulier_sleutel.data, current_user.id) is None and form.formulier_sleutel.data:
        db.session.rollback()
        return redirect(url_for(".zaak", zaak_id=zaak_.id))
    now = _nu()
    alleen_bericht = bool(form.alleen_bericht.data)
    try:
        r = usecases.bericht_plaatsen(db.session, huidige_actor(), zaak_.id, form.tekst.data, now,
                                      als_antwoord=False if alleen_bericht else None)
        mail.meld(r, now)
    except DomeinFout as fout:
        return _domeinfout(zaak_id, fout, form.tekst, lambda z: _zaakpagina(z, bericht_form=form, status=422))
    db.session.commit()
    if r.overgang is not None and r.overgang.actie == zaken.Actie.BEANTWOORDEN:
        flash(f"Antwoord verstuurd naar {r.zaak.dienst.naam}. De oplostermijn loopt weer.", "ok")
    else:
        flash("Bericht geplaatst.", "ok")
    return redirect(url_for(".zaak", zaak_id=zaak_id) + "#gesprek")


def _domeinfout(zaak_id: int, fout: DomeinFout, veld, opnieuw):
    """The one translation of a domain error on the team's case page: nothing is kept, the reason is shown."""
    db.session.rollback()
    if isinstance(fout, GeenToegang):
        abort(403)
    if isinstance(fout, OngeldigeInvoer):
        veld.errors = list(veld.errors) + [fout.melding]
        return opnieuw(zaak_van_team(zaak_id))
    flash(fout.melding, "fout")
    return redirect(url_for(".zaak", zaak_id=zaak_id))


# ---------------------------------------------------------------- the team's case list

CSV_MAX = 10_000


@bp.route("/zaken")
@rol_vereist(*TEAMROLLEN)
def zaken_lijst():
    """Every case of the team: search, filters and order in the URL (bookmarkable), paged, as CSV too."""
    now = _nu()
    vraag, fouten = lees_zoekvraag(request.args)
    diensten = db.session.scalars(select(Dienst).order_by(Dienst.naam)).all()
    formaat = request.args.get("formaat", "")
    if fouten:
        resultaat, eerder = None, []
        status = 400
    else:
        status = 200
        if formaat == "csv":
            return _zaken_csv(vraag, now)
        resultaat = zoeken.zoek_zaken(db.session, current_user.wijkteam_id, vraag, now)
        eerder = zoeken.eerdere_zaken(db.session, current_user.wijkteam_id, vraag.tekst, now,
                                      bewaartermijn_maanden=current_app.config["RETENTION_MONTHS"])
    audit.zet_zaak(None, f"zaken gezocht: {', '.join(z.nummer or str(z.id) for z in resultaat.zaken)}"[:400]
                   if resultaat else "zaken gezocht")
    args = {k: v for k, v in request.args.items() if k not in ("pagina", "formaat") and v}
    return render_template("wijkteam/zaken.html", vraag=vraag, fouten=fouten, resultaat=resultaat, eerder=eerder,
                           status_opties=[("", "Alle")] + [(s.value, s.label) for s in Status],
                           dienst_opties=[("", "Alle")] + [(d.id, d.naam) for d in diensten],
                           urgentie_opties=[("", "Alle")] + [(u.value, u.label) for u in Urgentie],
                           sorteringen=zoeken.SORTERINGEN, args=args, now=now,
                           eerstvolgende=zaken.eerstvolgende_deadline, te_laat=termijnen.te_laat), status


def _csv_veilig(waarde) -> str:
    tekst = "" if waarde is None else str(waarde)
    # A cell that starts like a formula is shown as text in Excel, never run.
    return "'" + tekst if tekst[:1] in ("=", "+", "-", "@", "\t", "\r") else tekst


def _zaken_csv(vraag, now):
    import csv

    stmt = zoeken.zoek_stmt(current_user.wijkteam_id, vraag, now).options(joinedload(Zaak.dienst)).limit(CSV_MAX)
    uit = io.StringIO()
    w = csv.writer(uit, delimiter=";", lineterminator="\r\n")
    w.writerow(["Zaak", "Soort", "Status", "Dienst", "Urgentie", "Cliëntreferentie", "Trede",
                "Eerstvolgende deadline", "Aangemaakt", "Verstuurd", "Opgelost", "Gesloten"])
    for z in db.session.scalars(stmt):
        d = zaken.eerstvolgende_deadline(z)
        w.writerow([_csv_veilig(v) for v in (
            z.nummer or "concept", z.soort.value, z.status.label, z.dienst.naam, z.urgentie.label,
            z.clientreferentie, z.trede, _tijd_nl(d), _tijd_nl(z.aangemaakt_op), _tijd_nl(z.verstuurd_op),
            _tijd_nl(z.opgelost_op), _tijd_nl(z.gesloten_op))])
    data = ("\ufeff" + uit.getvalue()).encode("utf-8")
    naam = f"zaken-{current_user.wijkteam.naam.lower().replace(' ', '-').replace('/', '-')}-{now:%Y%m%d}.csv"
    return send_file(io.BytesIO(data), mimetype="text/csv; charset=utf-8", as_attachment=True, download_name=naam)


def _tijd_nl(dt) -> str:
    from workflows.kalender import amsterdam

    return "" if dt is None else f"{amsterdam(dt):%d-%m-%Y %H:%M}"
