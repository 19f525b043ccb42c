from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .. import audit
from ..extensions import limiter
from . import bp
from .forms import InlogFormulier
from .models import controleer_wachtwoord, poging_gelukt, poging_mislukt, tel_poging, zoek_gebruiker


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


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limiet, methods=["POST"],
               error_message="Te veel inlogpogingen vanaf dit adres. Wacht een minuut en probeer het opnieuw.")
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
            poging_gelukt(gebruiker.id)
            login_user(gebruiker)
            audit.leg_vast("inloggen", gebruiker.email, gebruiker.rol.value, gebruiker_id=gebruiker.id,
                           wat="inloggen", status=302)
            return redirect(_veilige_volgende(request.args.get("next")) or url_for("main.index"))
        else:
            if gebruiker is not None:
                poging_mislukt(gebruiker.id, now, maximum,
                               timedelta(minutes=current_app.config["LOGIN_BLOKKADE_MINUTEN"]))
            audit.leg_vast("geweigerd", (form.email.data or "")[:254], gebruiker.rol.value if gebruiker else "onbekend",
                           gebruiker_id=gebruiker.id if gebruiker else None, wat="inloggen: mislukt", status=422)
        # One answer for a wrong address, a wrong password and a locked account: none tells whether the account
        # exists (and a locked account is not a way to find out).
        form.wachtwoord.errors.append(
            "Het e-mailadres of het wachtwoord klopt niet. Na "
            f"{maximum} mislukte pogingen op rij blijft een account {current_app.config['LOGIN_BLOKKADE_MINUTEN']} "
            "minuten geblokkeerd, ook voor het goede wachtwoord; vraag zo nodig de beheerder om hulp.")
    return render_template("auth/login.html", form=form), 422 if form.errors else 200


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))
