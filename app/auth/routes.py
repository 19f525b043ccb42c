"""Logging in and out: password (with a second factor where required), or the municipality's provider."""
from datetime import datetime, timedelta, timezone
from urllib.parse import urlencode, urlsplit

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from workflows.models import Gebruiker

from .. import audit
from ..extensions import db, limiter
from . import bp, sso
from . import tweede_factor as factor
from .accounts import wachtwoord_toegestaan
from .forms import CodeFormulier, InlogFormulier
from .models import controleer_wachtwoord, poging_gelukt, poging_mislukt, tel_poging, zoek_gebruiker

HALF_GELDIG = timedelta(minutes=10)  # between the password and the second factor


def _veilige_volgende(doel: str | None) -> str | None:
    """Only redirect to a path on this site after login."""
    if not doel:
        return None
    delen = urlsplit(doel)
    if delen.scheme or delen.netloc or not doel.startswith("/") or doel.startswith("//"):
        return None
    return doel


def _login_limiet() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


TE_VEEL = "Te veel inlogpogingen vanaf dit adres. Wacht een minuut en probeer het opnieuw."


def _fout_tekst() -> str:
    return ("Het e-mailadres of het wachtwoord klopt niet. Na "
            f"{current_app.config['LOGIN_MAX_POGINGEN']} mislukte pogingen op rij blijft een account "
            f"{current_app.config['LOGIN_BLOKKADE_MINUTEN']} minuten geblokkeerd, ook voor het goede wachtwoord; "
            "vraag zo nodig de beheerder om hulp.")


def inloggen(gebruiker: Gebruiker, wat: str, *, via: str = "wachtwoord") -> None:
    """The person is who they say: start the session and write it in the audit log."""
    session.pop("half_ingelogd", None)
    session.pop("nieuw_geheim", None)
    login_user(gebruiker)
    session["inlog_via"] = via
    g.audit_gedaan = True
    audit.leg_vast("inloggen", gebruiker.email, gebruiker.rol.value, gebruiker_id=gebruiker.id, wat=wat, status=302)


def half_ingelogd() -> Gebruiker | None:
    """The user who gave the right password but not yet the second factor (for at most ten minutes)."""
    half = session.get("half_ingelogd")
    if not half or half.get("tot", 0) < datetime.now(timezone.utc).timestamp():
        return None
    gebruiker = db.session.get(Gebruiker, half.get("id"))
    if gebruiker is None or gebruiker.sessie_versie != half.get("versie") or not gebruiker.actief:
        return None
    return gebruiker


def begin_tweede_stap(gebruiker: Gebruiker, volgende: str | None) -> str:
    """Remember the half login; the URL of the step that comes next (the code, or setting up the factor)."""
    session["half_ingelogd"] = {"id": gebruiker.id, "versie": gebruiker.sessie_versie, "volgende": volgende,
                                "tot": (datetime.now(timezone.utc) + HALF_GELDIG).timestamp()}
    if gebruiker.totp_geheim:
        return url_for("auth.tweede_factor")
    return url_for("auth.tweede_factor_instellen")


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limiet, methods=["POST"], error_message=TE_VEEL)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = InlogFormulier()
    if form.validate_on_submit():
        now = datetime.now(timezone.utc)
        gebruiker = zoek_gebruiker(form.email.data)
        g.audit_gedaan = True  # logged here, with the outcome, not by the request hook
        maximum = current_app.config["LOGIN_MAX_POGINGEN"]
        mag_proberen = gebruiker is not None and tel_poging(gebruiker.id, now, maximum)
        if gebruiker is not None and not mag_proberen:
            controleer_wachtwoord(None, form.wachtwoord.data)  # as slow as a real check: the answer tells nothing
            audit.leg_vast("geweigerd", gebruiker.email, gebruiker.rol.value, gebruiker_id=gebruiker.id,
                           wat="inloggen: account geblokkeerd", status=422)
        elif controleer_wachtwoord(gebruiker, form.wachtwoord.data):
            volgende = _veilige_volgende(request.args.get("next"))
            if not wachtwoord_toegestaan(gebruiker):
                # The password was right, so saying this reveals nothing the person does not know.
                audit.leg_vast("geweigerd", gebruiker.email, gebruiker.rol.value, gebruiker_id=gebruiker.id,
                               wat="inloggen: wachtwoord uit voor deze rol", status=422)
                form.wachtwoord.errors.append(
                    f"Voor uw rol ({gebruiker.rol.label.lower()}) is inloggen met een wachtwoord uitgeschakeld. "
                    f"Kies '{current_app.config['OIDC_KNOPTEKST']}'.")
                return render_template("auth/login.html", form=form, sso=sso.aan()), 422
            if gebruiker.totp_geheim or factor.vereist(gebruiker):
                return redirect(begin_tweede_stap(gebruiker, volgende))
            poging_gelukt(gebruiker.id)
            inloggen(gebruiker, "inloggen")
            return redirect(volgende or url_for("main.index"))
        else:
            if gebruiker is not None:
                poging_mislukt(gebruiker.id, now, maximum,
                               timedelta(minutes=current_app.config["LOGIN_BLOKKADE_MINUTEN"]))
            audit.leg_vast("geweigerd", (form.email.data or "")[:254], gebruiker.rol.value if gebruiker else "onbekend",
                           gebruiker_id=gebruiker.id if gebruiker else None, wat="inloggen: mislukt", status=422)
        # One answer for a wrong address, a wrong password and a locked account: none tells whether the account
        # exists (and a locked account is not a way to find out).
        form.wachtwoord.errors.append(_fout_tekst())
    return render_template("auth/login.html", form=form, sso=sso.aan()), 422 if form.errors else 200


@bp.route("/login/tweede-factor", methods=["GET", "POST"])
@limiter.limit(_login_limiet, methods=["POST"], error_message=TE_VEEL)
def tweede_factor():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    gebruiker = half_ingelogd()
    if gebruiker is None or not gebruiker.totp_geheim:
        flash("Log opnieuw in: de vorige stap is verlopen.", "info")
        return redirect(url_for("auth.login"))
    form = CodeFormulier()
    if form.validate_on_submit():
        now = datetime.now(timezone.utc)
        maximum = current_app.config["LOGIN_MAX_POGINGEN"]
        g.audit_gedaan = True
        code = form.code.data.strip()
        if not tel_poging(gebruiker.id, now, maximum):
            audit.leg_vast("geweigerd", gebruiker.email, gebruiker.rol.value, gebruiker_id=gebruiker.id,
                           wat="inloggen: account geblokkeerd (tweede factor)", status=422)
        elif factor.code_gebruiken(gebruiker, code, now):
            db.session.commit()
            poging_gelukt(gebruiker.id)
            volgende = session["half_ingelogd"].get("volgende")
            inloggen(gebruiker, "inloggen met tweede factor")
            return redirect(volgende or url_for("main.index"))
        elif any(t.isalpha() for t in code) and factor.herstelcode_gebruiken(gebruiker, code, now):
            db.session.commit()
            poging_gelukt(gebruiker.id)
            volgende = session["half_ingelogd"].get("volgende")
            inloggen(gebruiker, "inloggen met herstelcode")
            flash("U bent ingelogd met een herstelcode; die werkt nu niet meer. Is uw telefoon weg, stel de tweede "
                  "factor dan opnieuw in via Mijn account.", "waarschuwing")
            return redirect(volgende or url_for("main.index"))
        else:
            db.session.rollback()
            poging_mislukt(gebruiker.id, now, maximum, timedelta(minutes=current_app.config["LOGIN_BLOKKADE_MINUTEN"]))
            audit.leg_vast("geweigerd", gebruiker.email, gebruiker.rol.value, gebruiker_id=gebruiker.id,
                           wat="inloggen: tweede factor onjuist", status=422)
        form.code.errors.append("Deze code klopt niet (of is al gebruikt). Gebruik de nieuwste code uit uw app, "
                                "of een van uw herstelcodes.")
    return render_template("auth/tweede_factor.html", form=form), 422 if form.errors else 200


@bp.route("/login/tweede-factor/instellen", methods=["GET", "POST"])
@limiter.limit(_login_limiet, methods=["POST"], error_message=TE_VEEL)
def tweede_factor_instellen():
    """Set up the second factor: at the first login of a role that needs it, or from Mijn account."""
    gebruiker = current_user if current_user.is_authenticated else half_ingelogd()
    if gebruiker is None:
        flash("Log opnieuw in: de vorige stap is verlopen.", "info")
        return redirect(url_for("auth.login"))
    if gebruiker.totp_geheim:
        flash("U heeft al een tweede factor. De beheerder kan die resetten als u uw telefoon kwijt bent.", "info")
        return redirect(url_for("auth.account") if current_user.is_authenticated else url_for("auth.login"))
    geheim = session.get("nieuw_geheim") or factor.nieuw_geheim()
    session["nieuw_geheim"] = geheim
    form = CodeFormulier()
    if form.validate_on_submit():
        now = datetime.now(timezone.utc)
        stap = factor.passende_stap(geheim, form.code.data, now)
        if stap is None:
            form.code.errors.append("Deze code klopt niet. Scan de QR-code opnieuw en vul de code in die uw app nu "
                                    "toont.")
        else:
            codes = factor.instellen(gebruiker, geheim, stap)
            g.audit_gedaan = True
            audit.leg_vast("wijzigen", gebruiker.email, gebruiker.rol.value, gebruiker_id=gebruiker.id,
                           wat="tweede factor ingesteld", status=200, commit=False)
            db.session.commit()
            session.pop("nieuw_geheim", None)
            volgende = url_for("auth.account")
            if not current_user.is_authenticated:
                volgende = session["half_ingelogd"].get("volgende") or url_for("main.index")
                poging_gelukt(gebruiker.id)
                inloggen(gebruiker, "inloggen met tweede factor (net ingesteld)")
            return render_template("auth/herstelcodes.html", codes=codes, volgende=volgende)
    uri = factor.koppel_uri(geheim, gebruiker.email)
    return render_template("auth/tweede_factor_instellen.html", form=form, qr=factor.qr_svg(uri),
                           geheim=geheim, verplicht=factor.vereist(gebruiker)), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    via = session.get("inlog_via")
    id_token = session.get("oidc_id_token")
    logout_user()
    session.clear()
    if via == "sso" and sso.aan() and current_app.config["OIDC_UITLOGGEN_BIJ_PROVIDER"]:
        try:
            einde = sso.metadata().get("end_session_endpoint")
        except sso.SsoGeweigerd:
            einde = None
        if einde:
            params = {"client_id": current_app.config["OIDC_CLIENT_ID"],
                      "post_logout_redirect_uri": current_app.config["BASE_URL"] + url_for("auth.login")}
            if id_token:
                params["id_token_hint"] = id_token
            return redirect(einde + ("&" if "?" in einde else "?") + urlencode(params))
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))


# ---------------------------------------------------------------- single sign-on


@bp.route("/login/sso")
@limiter.limit(_login_limiet, error_message=TE_VEEL)
def sso_start():
    if not sso.aan():
        abort(404)
    try:
        sso.metadata()
        terug = current_app.config["BASE_URL"] + url_for("auth.sso_terug")
        session["sso_volgende"] = _veilige_volgende(request.args.get("next"))
        return sso.client().authorize_redirect(terug)
    except sso.SsoGeweigerd as fout:
        return _sso_geweigerd(fout)


@bp.route("/login/sso/terug")
@limiter.limit(_login_limiet, error_message=TE_VEEL)
def sso_terug():
    if not sso.aan():
        abort(404)
    try:
        claims, id_token = sso.terugkeer()
        inlog = sso.gebruiker_voor(claims)
    except sso.SsoGeweigerd as fout:
        db.session.rollback()
        return _sso_geweigerd(fout)
    db.session.commit()
    volgende = session.pop("sso_volgende", None)
    inloggen(inlog.gebruiker, f"inloggen via gemeenteaccount (SSO){': ' + inlog.wat if inlog.wat else ''}", via="sso")
    if len(id_token) < 2000:  # for the logout at the provider; a larger one would not fit the session cookie
        session["oidc_id_token"] = id_token
    return redirect(volgende or url_for("main.index"))


def _sso_geweigerd(fout: "sso.SsoGeweigerd"):
    g.audit_gedaan = True
    audit.leg_vast("geweigerd", "sso", "onbekend", wat=f"inloggen via gemeenteaccount: {fout.reden}", status=fout.status)
    return render_template("auth/sso_geweigerd.html", melding=fout.melding), fout.status


@bp.after_app_request
def _formulier_naar_provider(response):
    """Logging out is a form whose answer redirects to the provider's end-session page: the pages' CSP
    (form-action 'self', app/beveiliging.py) must let that redirect through."""
    csp = response.headers.get("Content-Security-Policy")
    if csp and sso.aan() and current_app.config["OIDC_UITLOGGEN_BIJ_PROVIDER"]:
        delen = urlsplit(current_app.config["OIDC_ISSUER"])
        response.headers["Content-Security-Policy"] = csp.replace(
            "form-action 'self'", f"form-action 'self' {delen.scheme}://{delen.netloc}", 1)
    return response
