"""The beheerder's organisation screens: wijkteams, diensten (ladder, termijnnormen), contactpersonen,
vaste contactpersonen with their vervangers, and afwezigheid."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from flask import abort, flash, redirect, render_template, request, url_for
from sqlalchemy import func, or_, select
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
from workflows.routering import routeer
from workflows.zaken import STANDAARD_TERMIJNEN

from .. import audit
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
EMAIL_BEZET = "Dit e-mailadres hoort al bij een andere contactpersoon."


def _vandaag() -> date:
    return amsterdam(datetime.now(timezone.utc)).date()


def _of_404(model, id_: int):
    return db.session.get(model, id_) or abort(404)


def _fout(field, melding: str) -> None:
    field.errors = list(field.errors) + [melding]


def _naam_bezet(model, naam: str, eigen_id: int | None) -> bool:
    """Whether another row already has this name (case-insensitive: 'wmo' and 'Wmo' are one dienst)."""
    return db.session.execute(select(model.id).where(func.lower(model.naam) == naam.lower(),
                                                     model.id != (eigen_id or 0))).first() is not None


def _opslaan(field, melding: str) -> bool:
    """Commit; a unique clash that slipped past the check (two beheerders at once) becomes `melding` on `field`."""
    try:
        db.session.commit()
        return True
    except IntegrityError:
        db.session.rollback()
        _fout(field, melding)
        return False


def _formulier(form, titel: str, terug: str, velden: list[str], status: int, uitleg: str = "",
               hints: dict[str, str] | None = None):
    return render_template("beheer/organisatie/formulier.html", form=form, titel=titel, terug=terug, velden=velden,
                           uitleg=uitleg, hints=hints or {}), status


def _status(form) -> int:
    return 422 if form.errors else 200


# ---------------------------------------------------------------- wijkteams


@bp.route("/wijkteams")
@rol_vereist(BEHEER)
def wijkteams():
    teams = db.session.execute(select(Wijkteam).order_by(Wijkteam.actief.desc(), Wijkteam.naam)).scalars().all()
    return render_template("beheer/organisatie/wijkteams.html", teams=teams)


@bp.route("/wijkteams/nieuw", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def wijkteam_nieuw():
    return _wijkteamformulier(None)


@bp.route("/wijkteams/<int:team_id>", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def wijkteam_bewerken(team_id: int):
    return _wijkteamformulier(_of_404(Wijkteam, team_id))


def _wijkteamformulier(team: Wijkteam | None):
    form = WijkteamFormulier(obj=team)
    if form.validate_on_submit():
        if _naam_bezet(Wijkteam, form.naam.data, team.id if team else None):
            _fout(form.naam, "Er is al een wijkteam met deze naam.")
        else:
            if team is None:
                team = Wijkteam()
                db.session.add(team)
            form.populate_obj(team)
            if _opslaan(form.naam, "Er is al een wijkteam met deze naam."):
                flash(f"Wijkteam {team.naam} is opgeslagen.", "ok")
                return redirect(url_for(".wijkteams"))
    titel = f"Wijkteam {team.naam}" if team else "Nieuw wijkteam"
    return _formulier(form, titel, url_for(".wijkteams"), ["naam", "soort", "gebied", "actief"], _status(form),
                      hints={"gebied": "De wijk of buurten waar het team werkt.",
                             "actief": "Een team dat stopt zet u op niet-actief: de knipkaart en zaken blijven "
                                       "bewaard."})


# ---------------------------------------------------------------- diensten, ladder, termijnnormen


@bp.route("/diensten")
@rol_vereist(BEHEER)
def diensten():
    lijst = db.session.execute(select(Dienst).order_by(Dienst.actief.desc(), Dienst.naam)).scalars().all()
    return render_template("beheer/organisatie/diensten.html", diensten=lijst)


@bp.route("/diensten/nieuw", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def dienst_nieuw():
    return _dienstformulier(None)


@bp.route("/diensten/<int:dienst_id>", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def dienst_bewerken(dienst_id: int):
    return _dienstformulier(_of_404(Dienst, dienst_id))


def _dienstformulier(dienst: Dienst | None):
    form = DienstFormulier(obj=dienst)
    if form.validate_on_submit():
        if _naam_bezet(Dienst, form.naam.data, dienst.id if dienst else None):
            _fout(form.naam, "Er is al een dienst met deze naam.")
        else:
            doel = dienst or Dienst()
            db.session.add(doel)
            form.populate_obj(doel)
            if _opslaan(form.naam, "Er is al een dienst met deze naam."):
                flash(f"Dienst {doel.naam} is opgeslagen.", "ok")
                return redirect(url_for(".dienst_bewerken", dienst_id=doel.id))
    return _dienstpagina(dienst, form, status=_status(form))


def _ladderkandidaten(dienst: Dienst) -> list[Contactpersoon]:
    """Active people of this dienst, plus the maatwerkfunctionarissen of other diensten (rung 3 is municipal)."""
    return list(db.session.execute(
        select(Contactpersoon).join(Dienst).where(
            Contactpersoon.actief.is_(True),
            or_(Contactpersoon.dienst_id == dienst.id,
                Contactpersoon.functie == LadderFunctie.MAATWERKFUNCTIONARIS))
        .order_by(Contactpersoon.dienst_id != dienst.id, Contactpersoon.naam)).scalars())


def _dienstpagina(dienst: Dienst | None, form, ladder_form=None, termijn_form=None, status: int = 200):
    treden, normen = [], {}
    ladder_form = ladder_form or LadderFormulier(formdata=None)
    termijn_form = termijn_form or TermijnFormulier(formdata=None)
    if dienst is not None:
        treden = db.session.execute(select(LadderTrede).where(LadderTrede.dienst_id == dienst.id)
                                    .order_by(LadderTrede.niveau)).scalars().all()
        normen = {n.urgentie: n for n in db.session.execute(
            select(Termijnnorm).where(Termijnnorm.dienst_id == dienst.id)).scalars()}
        ladder_form.contactpersoon_id.choices = [(0, "Kies een contactpersoon")] + [
            (c.id, f"{c.naam} ({c.functie.label}{', ' + c.dienst.naam if c.dienst_id != dienst.id else ''})")
            for c in _ladderkandidaten(dienst)]
    return render_template("beheer/organisatie/dienst.html", dienst=dienst, form=form, treden=treden, normen=normen,
                           standaard=STANDAARD_TERMIJNEN, urgenties=list(Urgentie), ladder_form=ladder_form,
                           termijn_form=termijn_form), status


def _naar_dienst(dienst: Dienst, anker: str):
    return redirect(url_for(".dienst_bewerken", dienst_id=dienst.id) + "#" + anker)


@bp.route("/diensten/<int:dienst_id>/ladder", methods=["POST"])
@rol_vereist(BEHEER)
def dienst_ladder(dienst_id: int):
    """Set or change a rung of the dienst's ladder, or remove one (`verwijder` = its niveau)."""
    dienst = _of_404(Dienst, dienst_id)
    if "verwijder" in request.form:
        niveau = request.form.get("verwijder", type=int)
        trede = db.session.execute(select(LadderTrede).where(LadderTrede.dienst_id == dienst.id,
                                                             LadderTrede.niveau == niveau)).scalar_one_or_none()
        if trede is None:
            abort(404)
        db.session.delete(trede)
        db.session.commit()
        flash(f"Trede {niveau} van de ladder van {dienst.naam} is verwijderd.", "ok")
        return _naar_dienst(dienst, "ladder")

    form = LadderFormulier()
    if form.validate():
        persoon = db.session.get(Contactpersoon, form.contactpersoon_id.data)
        if persoon is None or not persoon.actief:
            _fout(form.contactpersoon_id, "Kies een actieve contactpersoon uit de lijst.")
        elif persoon.dienst_id != dienst.id and not (
                form.niveau.data == 3 and persoon.functie == LadderFunctie.MAATWERKFUNCTIONARIS):
            _fout(form.contactpersoon_id, f"{persoon.naam} werkt bij {persoon.dienst.naam}. Kies iemand van "
                                          f"{dienst.naam}; alleen trede 3 mag de maatwerkfunctionaris van de "
                                          f"gemeente zijn.")
        else:
            trede = db.session.execute(select(LadderTrede).where(
                LadderTrede.dienst_id == dienst.id, LadderTrede.niveau == form.niveau.data)).scalar_one_or_none()
            if trede is None:
                trede = LadderTrede(dienst_id=dienst.id, niveau=form.niveau.data)
                db.session.add(trede)
            trede.contactpersoon_id = persoon.id
            db.session.commit()
            flash(f"Trede {form.niveau.data} van de ladder van {dienst.naam} is nu {persoon.naam}.", "ok")
            return _naar_dienst(dienst, "ladder")
    return _dienstpagina(dienst, DienstFormulier(obj=dienst, formdata=None), ladder_form=form, status=422)


@bp.route("/diensten/<int:dienst_id>/termijnen", methods=["POST"])
@rol_vereist(BEHEER)
def dienst_termijnen(dienst_id: int):
    """Set the dienst's own norm for one urgentie, or go back to the standard one (`herstel` = the urgentie)."""
    dienst = _of_404(Dienst, dienst_id)
    if "herstel" in request.form:
        try:
            urgentie = Urgentie(request.form["herstel"])
        except ValueError:
            abort(400)
        norm = _norm(dienst, urgentie)
        if norm is not None:
            db.session.delete(norm)
            db.session.commit()
        reactie, oplos = STANDAARD_TERMIJNEN[urgentie]
        flash(f"{dienst.naam}, {urgentie.label.lower()}: weer de standaardtermijnen ({reactie} en {oplos} werkdagen).",
              "ok")
        return _naar_dienst(dienst, "termijnen")

    form = TermijnFormulier()
    if not form.validate():
        return _dienstpagina(dienst, DienstFormulier(obj=dienst, formdata=None), termijn_form=form, status=422)
    urgentie = Urgentie(form.urgentie.data)
    norm = _norm(dienst, urgentie)
    if norm is None:
        norm = Termijnnorm(dienst_id=dienst.id, urgentie=urgentie)
        db.session.add(norm)
    norm.reactie_werkdagen = form.reactie_werkdagen.data
    norm.oplos_werkdagen = form.oplos_werkdagen.data
    db.session.commit()
    flash(f"Termijnen van {dienst.naam} voor {urgentie.label.lower()} opgeslagen; ze gelden voor zaken die vanaf nu "
          f"worden verstuurd.", "ok")
    return _naar_dienst(dienst, "termijnen")


def _norm(dienst: Dienst, urgentie: Urgentie) -> Termijnnorm | None:
    return db.session.execute(select(Termijnnorm).where(Termijnnorm.dienst_id == dienst.id,
                                                        Termijnnorm.urgentie == urgentie)).scalar_one_or_none()


# ---------------------------------------------------------------- contactpersonen


def _afwezig_op(dag: date) -> dict[int, Afwezigheid]:
    """Per contactpersoon the absence covering `dag` (the longest, if several overlap)."""
    uit: dict[int, Afwezigheid] = {}
    for a in db.session.execute(select(Afwezigheid).where(Afwezigheid.van <= dag, Afwezigheid.tot >= dag)
                                .order_by(Afwezigheid.tot)).scalars():
        uit[a.contactpersoon_id] = a
    return uit


@bp.route("/contactpersonen")
@rol_vereist(BEHEER)
def contactpersonen():
    personen = db.session.execute(select(Contactpersoon).join(Dienst)
                                  .order_by(Dienst.naam, Contactpersoon.actief.desc(), Contactpersoon.naam)
                                  ).scalars().all()
    groepen: dict[Dienst, list[Contactpersoon]] = {}
    for p in personen:
        groepen.setdefault(p.dienst, []).append(p)
    vast_voor: dict[int, list[str]] = {}
    for v in db.session.execute(select(VasteContactpersoon).join(Wijkteam).order_by(Wijkteam.naam)).scalars():
        vast_voor.setdefault(v.contactpersoon_id, []).append(v.wijkteam.naam)
    return render_template("beheer/organisatie/contactpersonen.html", groepen=groepen, vast_voor=vast_voor,
                           afwezig=_afwezig_op(_vandaag()))


@bp.route("/contactpersonen/nieuw", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def contactpersoon_nieuw():
    return _contactpersoonformulier(None)


@bp.route("/contactpersonen/<int:cp_id>", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def contactpersoon_bewerken(cp_id: int):
    return _contactpersoonformulier(_of_404(Contactpersoon, cp_id))


def _rollen_van(cp: Contactpersoon) -> list[str]:
    """Where this person is relied on: as vaste contactpersoon, as vervanger, on a ladder."""
    uit = []
    for v in db.session.execute(select(VasteContactpersoon).where(or_(
            VasteContactpersoon.contactpersoon_id == cp.id, VasteContactpersoon.vervanger_id == cp.id))).scalars():
        rol = "vaste contactpersoon" if v.contactpersoon_id == cp.id else "vervanger"
        uit.append(f"{rol} voor {v.wijkteam.naam}")
    for t in db.session.execute(select(LadderTrede).where(LadderTrede.contactpersoon_id == cp.id)).scalars():
        uit.append(f"trede {t.niveau} van de ladder van {db.session.get(Dienst, t.dienst_id).naam}")
    return sorted(uit)


def _contactpersoonformulier(cp: Contactpersoon | None):
    form = ContactpersoonFormulier(obj=cp)
    diensten_ = db.session.execute(select(Dienst).order_by(Dienst.actief.desc(), Dienst.naam)).scalars().all()
    form.dienst_id.choices = [(0, "Kies een dienst")] + [
        (d.id, d.naam if d.actief else f"{d.naam} (niet actief)") for d in diensten_]
    if form.validate_on_submit():
        dienst = db.session.get(Dienst, form.dienst_id.data)
        dubbel = db.session.execute(select(Contactpersoon.id).where(
            func.lower(Contactpersoon.email) == form.email.data,
            Contactpersoon.id != (cp.id if cp else 0))).first()
        if dienst is None:
            _fout(form.dienst_id, "Kies een dienst.")
        elif cp is not None and cp.dienst_id != dienst.id and _rollen_van(cp):
            _fout(form.dienst_id, f"{cp.naam} is nog {', '.join(_rollen_van(cp))}. Wijs daar eerst iemand anders aan; "
                                  f"daarna kunt u de dienst wijzigen.")
        if dubbel:
            _fout(form.email, EMAIL_BEZET)
        if not form.errors:
            opgeslagen = _contactpersoon_opslaan(form, cp)
            if opgeslagen is not None:
                return opgeslagen
    titel = f"Contactpersoon {cp.naam}" if cp else "Nieuwe contactpersoon"
    return _formulier(form, titel, url_for(".contactpersonen"), ["naam", "email", "dienst_id", "functie", "actief"],
                      _status(form), hints={
                          "email": "Zaken en herinneringen gaan naar dit adres; antwoorden komen hiervandaan.",
                          "functie": "Bepaalt voor welke trede van de ladder iemand bedoeld is.",
                          "actief": "Wie vertrekt zet u op niet-actief: eerdere zaken blijven bij deze persoon "
                                    "staan."})


def _contactpersoon_opslaan(form, cp: Contactpersoon | None):
    """Apply the validated form and commit; None when a concurrent insert took the address first."""
    nieuw = cp is None
    if nieuw:
        cp = Contactpersoon()
        db.session.add(cp)
    adres_gewijzigd = not nieuw and cp.email.lower() != form.email.data
    gedeactiveerd = not nieuw and cp.actief and not form.actief.data
    cp.naam = form.naam.data
    cp.email = form.email.data
    cp.dienst_id = form.dienst_id.data
    cp.functie = LadderFunctie(form.functie.data)
    cp.actief = form.actief.data
    if adres_gewijzigd and cp.onbestelbaar_sinds is not None:
        # The bounce was for the old address; the new one deserves a fresh chance.
        cp.onbestelbaar_sinds = None
        cp.onbestelbaar_reden = ""
    if not _opslaan(form.email, EMAIL_BEZET):
        return None
    rollen = _rollen_van(cp) if gedeactiveerd else []
    if rollen:
        flash(f"{cp.naam} is opgeslagen en staat nu op niet-actief, maar is nog {', '.join(rollen)}. "
              f"Nieuwe zaken gaan daar naar de vervanger of de algemene mailbox; wijs iemand anders aan.",
              "waarschuwing")
    else:
        flash(f"Contactpersoon {cp.naam} is opgeslagen.", "ok")
    return redirect(url_for(".contactpersonen"))


@bp.route("/contactpersonen/<int:cp_id>/mijn-link-intrekken", methods=["POST"])
@rol_vereist(BEHEER)
def mijn_link_intrekken(cp_id: int):
    """Revoke every personal "Mijn zaken" link of this contactpersoon (a lost phone, a forwarded mail)."""
    cp = _of_404(Contactpersoon, cp_id)
    cp.mijn_zaken_versie = (cp.mijn_zaken_versie or 1) + 1
    audit.zet_zaak(None, f"persoonlijke link ingetrokken: contactpersoon {cp.id}")  # the request's audit row
    db.session.commit()
    flash(f"De persoonlijke links van {cp.naam} werken niet meer. Een nieuwe vraagt {cp.naam} aan op "
          f"'Mijn zaken'.", "ok")
    return redirect(url_for(".contactpersonen"))


# ---------------------------------------------------------------- vaste contactpersonen


@bp.route("/vaste-contactpersonen")
@rol_vereist(BEHEER)
def vaste_contactpersonen():
    teams = db.session.execute(select(Wijkteam).where(Wijkteam.actief.is_(True)).order_by(Wijkteam.naam)
                               ).scalars().all()
    diensten_ = db.session.execute(select(Dienst).where(Dienst.actief.is_(True)).order_by(Dienst.naam)
                                   ).scalars().all()
    vast = {(v.wijkteam_id, v.dienst_id): v for v in db.session.execute(select(VasteContactpersoon)).scalars()}
    return render_template("beheer/organisatie/vaste_contactpersonen.html", teams=teams, diensten=diensten_,
                           vast=vast, afwezig=_afwezig_op(_vandaag()))


def _keuzelabel(p: Contactpersoon) -> str:
    return p.naam if p.actief else f"{p.naam} (niet actief)"


@bp.route("/vaste-contactpersonen/<int:wijkteam_id>/<int:dienst_id>", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def vaste_contactpersoon_instellen(wijkteam_id: int, dienst_id: int):
    team, dienst = _of_404(Wijkteam, wijkteam_id), _of_404(Dienst, dienst_id)
    vast = db.session.execute(select(VasteContactpersoon).where(
        VasteContactpersoon.wijkteam_id == team.id, VasteContactpersoon.dienst_id == dienst.id)).scalar_one_or_none()
    huidig = {vast.contactpersoon_id, vast.vervanger_id} - {None} if vast else set()
    personen = db.session.execute(select(Contactpersoon).where(
        Contactpersoon.dienst_id == dienst.id, or_(Contactpersoon.actief.is_(True), Contactpersoon.id.in_(huidig)))
        .order_by(Contactpersoon.naam)).scalars().all()

    form = VasteContactpersoonFormulier()
    form.contactpersoon_id.choices = [(0, "Geen: zaken gaan naar de algemene mailbox")] + [
        (p.id, _keuzelabel(p)) for p in personen]
    form.vervanger_id.choices = [(0, "Geen vervanger")] + [(p.id, _keuzelabel(p)) for p in personen]
    if request.method == "GET" and vast is not None:
        form.contactpersoon_id.data = vast.contactpersoon_id
        form.vervanger_id.data = vast.vervanger_id or 0

    if form.validate_on_submit():
        for field in (form.contactpersoon_id, form.vervanger_id):
            _controleer_persoon(field, dienst)
        if not form.errors:
            cp_id, verv_id = form.contactpersoon_id.data, form.vervanger_id.data or None
            if not cp_id:
                if vast is not None:
                    db.session.delete(vast)
            else:
                if vast is None:
                    vast = VasteContactpersoon(wijkteam_id=team.id, dienst_id=dienst.id)
                    db.session.add(vast)
                vast.contactpersoon_id, vast.vervanger_id = cp_id, verv_id
            db.session.flush()
            route = routeer(db.session, team.id, dienst.id, _vandaag())
            db.session.commit()
            flash(f"{team.naam} bij {dienst.naam} is opgeslagen. Nieuwe zaken gaan nu naar "
                  f"{route.contactpersoon.naam if route.contactpersoon else route.email}: {route.reden}", "ok")
            return redirect(url_for(".vaste_contactpersonen"))

    huidige_route = routeer(db.session, team.id, dienst.id, _vandaag())
    return _formulier(
        form, f"{team.naam} bij {dienst.naam}", url_for(".vaste_contactpersonen"),
        ["contactpersoon_id", "vervanger_id"],
        _status(form),
        uitleg=f"Zaken van {team.naam} aan {dienst.naam} gaan naar de vaste contactpersoon; is die afwezig, dan naar "
               f"de vervanger; anders naar de algemene mailbox ({dienst.mailbox}). Vandaag: {huidige_route.reden}",
        hints={"contactpersoon_id": f"Alleen actieve medewerkers van {dienst.naam}.",
               "vervanger_id": "Neemt de zaken over tijdens afwezigheid van de vaste contactpersoon."})


def _controleer_persoon(field, dienst: Dienst) -> None:
    """The chosen person must exist, work at this dienst and be active."""
    if not field.data:
        return
    persoon = db.session.get(Contactpersoon, field.data)
    if persoon is None:
        _fout(field, "Deze contactpersoon bestaat niet; kies iemand uit de lijst.")
    elif persoon.dienst_id != dienst.id:
        _fout(field, f"{persoon.naam} werkt bij {persoon.dienst.naam}; kies iemand van {dienst.naam}.")
    elif not persoon.actief:
        _fout(field, f"{persoon.naam} is niet meer actief; kies iemand anders.")


# ---------------------------------------------------------------- afwezigheid


@dataclass(frozen=True)
class Bestemming:
    """Where one team's new cases for an absent person's dienst go, and why."""

    team: str
    naar: str
    reden: str
    persoon: bool  # False: only the general mailbox


def _bestemmingen(cp_id: int, dag: date) -> list[Bestemming]:
    """Per team this person is vaste contactpersoon of, where new cases go on `dag` (as routeer decides)."""
    uit = []
    for vast in db.session.execute(select(VasteContactpersoon).join(Wijkteam).where(
            VasteContactpersoon.contactpersoon_id == cp_id).order_by(Wijkteam.naam)).scalars():
        route = routeer(db.session, vast.wijkteam_id, vast.dienst_id, dag)
        if route.contactpersoon is None:
            naar = f"algemene mailbox {route.email}"
        elif route.contactpersoon.id == vast.vervanger_id:
            naar = f"vervanger {route.contactpersoon.naam}"
        else:
            naar = route.contactpersoon.naam
        uit.append(Bestemming(vast.wijkteam.naam, naar, route.reden, route.contactpersoon is not None))
    return uit


def _zonder_vervanger(cp: Contactpersoon, van: date, tot: date) -> list[str]:
    """The teams whose cases would reach nobody in person during this absence: no vervanger, or one also away."""
    uit = []
    for vast in db.session.execute(select(VasteContactpersoon).join(Wijkteam).where(
            VasteContactpersoon.contactpersoon_id == cp.id).order_by(Wijkteam.naam)).scalars():
        if vast.vervanger is None or not vast.vervanger.bereikbaar:
            uit.append(f"geen vervanger voor {vast.wijkteam.naam}")
        elif db.session.execute(select(Afwezigheid.id).where(Afwezigheid.contactpersoon_id == vast.vervanger_id,
                                                             Afwezigheid.van <= tot, Afwezigheid.tot >= van)).first():
            uit.append(f"vervanger {vast.vervanger.naam} voor {vast.wijkteam.naam} is dan ook (deels) afwezig")
    return uit


@bp.route("/afwezigheden", methods=["GET", "POST"])
@rol_vereist(BEHEER)
def afwezigheden():
    vandaag = _vandaag()
    form = AfwezigheidFormulier()
    personen = db.session.execute(select(Contactpersoon).join(Dienst).where(Contactpersoon.actief.is_(True))
                                  .order_by(Contactpersoon.naam)).scalars().all()
    form.contactpersoon_id.choices = [(0, "Kies een contactpersoon")] + [(p.id, f"{p.naam} ({p.dienst.naam})")
                                                                         for p in personen]
    if request.method == "GET" and request.args.get("contactpersoon_id", type=int):
        form.contactpersoon_id.data = request.args.get("contactpersoon_id", type=int)

    if form.validate_on_submit():
        cp = db.session.get(Contactpersoon, form.contactpersoon_id.data)
        if cp is None or not cp.actief:
            _fout(form.contactpersoon_id, "Deze contactpersoon bestaat niet of is niet actief; kies iemand uit de "
                                          "lijst.")
        elif form.tot.data < vandaag:
            _fout(form.tot, "Deze periode ligt helemaal in het verleden; voer een huidige of komende afwezigheid in.")
        else:
            van, tot = form.van.data, form.tot.data
            db.session.add(Afwezigheid(contactpersoon_id=cp.id, van=van, tot=tot,
                                       omschrijving=form.omschrijving.data or ""))
            db.session.flush()
            waarschuwingen = _zonder_vervanger(cp, van, tot)
            db.session.commit()
            melding = f"{cp.naam} is afwezig van {van:%d-%m-%Y} t/m {tot:%d-%m-%Y}."
            if waarschuwingen:
                flash(f"{melding} Let op: {'; '.join(waarschuwingen)}. Nieuwe zaken van "
                      f"{'dat team' if len(waarschuwingen) == 1 else 'die teams'} gaan dan naar de algemene mailbox "
                      f"van {cp.dienst.naam} ({cp.dienst.mailbox}).", "waarschuwing")
            else:
                flash(melding, "ok")
            return redirect(url_for(".afwezigheden"))

    lijst = db.session.execute(select(Afwezigheid).where(Afwezigheid.tot >= vandaag)
                               .order_by(Afwezigheid.van, Afwezigheid.tot)).scalars().all()
    bestemmingen = {a.id: _bestemmingen(a.contactpersoon_id, max(a.van, vandaag)) for a in lijst}
    return render_template("beheer/organisatie/afwezigheden.html", form=form, afwezigheden=lijst,
                           bestemmingen=bestemmingen, vandaag=vandaag), _status(form)


@bp.route("/afwezigheden/<int:afwezigheid_id>/verwijderen", methods=["POST"])
@rol_vereist(BEHEER)
def afwezigheid_verwijderen(afwezigheid_id: int):
    afwezigheid = _of_404(Afwezigheid, afwezigheid_id)
    naam = afwezigheid.contactpersoon.naam
    van, tot = afwezigheid.van, afwezigheid.tot
    db.session.delete(afwezigheid)
    db.session.commit()
    flash(f"De afwezigheid van {naam} ({van:%d-%m-%Y} t/m {tot:%d-%m-%Y}) is verwijderd; nieuwe zaken gaan weer "
          f"naar {naam}.", "ok")
    return redirect(url_for(".afwezigheden"))
