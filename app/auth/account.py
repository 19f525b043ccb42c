"""Self-service: Mijn account (password, second factor), a forgotten password, accepting an invitation."""
from datetime import datetime, timezone

from flask import flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user

from .. import audit
from ..extensions import db, limiter
from . import accounts, bp, tweede_factor
from .forms import CodeFormulier, VergetenFormulier, WachtwoordKiezenFormulier, WachtwoordWijzigenFormulier
from .models import wachtwoord_klopt, zoek_gebruiker
from .routes import TE_VEEL, _login_limiet, begin_tweede_stap, inloggen
from .wachtwoord import problemen


def _nu() -> datetime:
    return datetime.now(timezone.utc)


@bp.route("/account")
@login_required
def account():
    return render_template("auth/account.html", via=session.get("inlog_via"),
                           vereist=tweede_factor.vereist(current_user),
                           mag_wachtwoord=accounts.wachtwoord_toegestaan(current_user),
                           heeft_wachtwoord=accounts.heeft_wachtwoord(current_user))


@bp.route("/account/wachtwoord", methods=["GET", "POST"])
@login_required
@limiter.limit(_login_limiet, methods=["POST"], error_message=TE_VEEL)
def wachtwoord_wijzigen():
    if not (accounts.wachtwoord_toegestaan(current_user) and accounts.heeft_wachtwoord(current_user)):
        flash("U logt in met uw gemeenteaccount; uw wachtwoord wijzigt u bij de gemeente.", "info")
        return redirect(url_for("auth.account"))
    form = WachtwoordWijzigenFormulier()
    if form.validate_on_submit():
        if not wachtwoord_klopt(current_user, form.huidig.data):
            form.huidig.errors.append("Uw huidige wachtwoord klopt niet.")
        elif fouten := problemen(form.nieuw.data, current_user.email):
            form.nieuw.errors.extend(fouten)
        else:
            accounts.wachtwoord_zetten(current_user, form.nieuw.data)
            audit.zet_zaak(None, "eigen wachtwoord gewijzigd; andere sessies beëindigd")
            db.session.commit()
            via = session.get("inlog_via")
            login_user(current_user._get_current_object())  # this session goes on with the new version; others end
            session["inlog_via"] = via
            flash("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd.", "ok")
            return redirect(url_for("auth.account"))
    return render_template("auth/wachtwoord.html", form=form, titel="Wachtwoord wijzigen", huidig=True), \
        422 if form.errors else 200


@bp.route("/account/herstelcodes", methods=["GET", "POST"])
@login_required
def herstelcodes():
    """New recovery codes, after a code from the app (the old ones stop working)."""
    if not current_user.totp_geheim:
        flash("U heeft nog geen tweede factor; stel die eerst in.", "info")
        return redirect(url_for("auth.account"))
    form = CodeFormulier()
    if form.validate_on_submit():
        if tweede_factor.code_gebruiken(current_user, form.code.data, _nu()):
            codes = tweede_factor.nieuwe_herstelcodes(current_user)
            audit.zet_zaak(None, "nieuwe herstelcodes")
            db.session.commit()
            return render_template("auth/herstelcodes.html", codes=codes, volgende=url_for("auth.account"))
        db.session.rollback()
        form.code.errors.append("Deze code klopt niet (of is al gebruikt). Vul de nieuwste code uit uw app in.")
    return render_template("auth/code.html", form=form, titel="Nieuwe herstelcodes",
                           uitleg="Vul de code uit uw authenticator-app in. Uw oude herstelcodes werken daarna niet "
                                  "meer."), 422 if form.errors else 200


@bp.route("/wachtwoord-vergeten", methods=["GET", "POST"])
@limiter.limit(_login_limiet, methods=["POST"], error_message=TE_VEEL)
def wachtwoord_vergeten():
    form = VergetenFormulier()
    if form.validate_on_submit():
        gebruiker = zoek_gebruiker(form.email.data)
        g.audit_gedaan = True
        if gebruiker is not None and gebruiker.actief and accounts.wachtwoord_toegestaan(gebruiker):
            accounts.stuur_herstellink(gebruiker, _nu())
            audit.leg_vast("wijzigen", gebruiker.email, gebruiker.rol.value, gebruiker_id=gebruiker.id,
                           wat="herstellink voor wachtwoord aangevraagd", status=302, commit=False)
        else:
            audit.leg_vast("geweigerd", (form.email.data or "")[:254], "onbekend",
                           wat="herstellink gevraagd voor onbekend, inactief of SSO-account", status=302, commit=False)
        db.session.commit()
        # The same words whether the address exists or not.
        flash("Als er een account met dit e-mailadres is, ontvangt u binnen enkele minuten een e-mail met een link "
              "om een nieuw wachtwoord te kiezen. Kijk ook in uw map met ongewenste e-mail.", "ok")
        return redirect(url_for("auth.login"))
    return render_template("auth/vergeten.html", form=form), 422 if form.errors else 200


def _kies_wachtwoord(token: str, soort: str, titel: str):
    """The page behind a one-time link: choose a password. Opening it uses nothing up; saving does."""
    rij = accounts.geldige_link(token, soort, _nu())
    if rij is None:
        return render_template("auth/link_ongeldig.html", soort=soort), 410
    gebruiker = rij.gebruiker
    form = WachtwoordKiezenFormulier()
    if form.validate_on_submit():
        if fouten := problemen(form.nieuw.data, gebruiker.email):
            form.nieuw.errors.extend(fouten)
        elif accounts.link_gebruiken(token, soort, _nu()) is None:
            db.session.rollback()
            return render_template("auth/link_ongeldig.html", soort=soort), 410
        else:
            accounts.wachtwoord_zetten(gebruiker, form.nieuw.data)
            g.audit_gedaan = True
            wat = "uitnodiging aanvaard: wachtwoord gekozen" if soort == accounts.UITNODIGING else \
                "wachtwoord hersteld via link; andere sessies beëindigd"
            audit.leg_vast("wijzigen", gebruiker.email, gebruiker.rol.value, gebruiker_id=gebruiker.id, wat=wat,
                           status=302, commit=False)
            db.session.commit()
            if soort == accounts.UITNODIGING and tweede_factor.vereist(gebruiker):
                flash("Uw wachtwoord is opgeslagen. Stel nu uw tweede factor in.", "ok")
                return redirect(begin_tweede_stap(gebruiker, None))
            if soort == accounts.UITNODIGING:
                inloggen(gebruiker, "inloggen na uitnodiging")
                flash("Welkom bij Knipkaart. Uw wachtwoord is opgeslagen.", "ok")
                return redirect(url_for("main.index"))
            flash("Uw wachtwoord is gewijzigd. Log in met uw nieuwe wachtwoord.", "ok")
            return redirect(url_for("auth.login"))
    return render_template("auth/wachtwoord.html", form=form, titel=titel, huidig=False, gebruiker=gebruiker), \
        422 if form.errors else 200


@bp.route("/wachtwoord-herstellen/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limiet, methods=["POST"], error_message=TE_VEEL)
def wachtwoord_herstellen(token: str):
    return _kies_wachtwoord(token, accounts.HERSTEL, "Nieuw wachtwoord kiezen")


@bp.route("/uitnodiging/<token>", methods=["GET", "POST"])
@limiter.limit(_login_limiet, methods=["POST"], error_message=TE_VEEL)
def uitnodiging(token: str):
    return _kies_wachtwoord(token, accounts.UITNODIGING, "Welkom bij Knipkaart: kies uw wachtwoord")


VRIJ = {"auth.logout", "auth.tweede_factor_instellen", "static", "auth.account"}


@bp.before_app_request
def _tweede_factor_afdwingen():
    """A session by password of a role that needs a second factor it does not have (the policy or the role
    changed since): set it up first."""
    # Flask-Login keeps the user in g, and g lives as long as the app context, which a test (or a CLI
    # command) may hold across requests: load the user of this request's session afresh.
    g.pop("_login_user", None)
    if not current_user.is_authenticated or session.get("inlog_via") == "sso":
        return None
    if current_user.totp_geheim or not tweede_factor.vereist(current_user):
        return None
    if request.endpoint in VRIJ or request.blueprint in ("api", "gezondheid"):
        return None
    return redirect(url_for("auth.tweede_factor_instellen"))
