from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from workflows.kalender import amsterdam

from .. import audit
from ..extensions import db, limiter
from . import bp
from .forms import InlogFormulier
from .models import controleer_wachtwoord, zoek_gebruiker


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
    status = 200
    if form.validate_on_submit():
        now = datetime.now(timezone.utc)
        gebruiker = zoek_gebruiker(form.email.data)
        g.audit_gedaan = True  # logged here, with the outcome, not by the request hook
        if gebruiker is not None and gebruiker.geblokkeerd_tot and gebruiker.geblokkeerd_tot > now:
            tot = amsterdam(gebruiker.geblokkeerd_tot)
            form.wachtwoord.errors.append(
                f"Dit account is tijdelijk geblokkeerd na te veel mislukte pogingen. Probeer het na {tot:%H:%M} "
                "opnieuw, of vraag de beheerder om hulp.")
            audit.leg_vast("geweigerd", gebruiker.email, gebruiker.rol.value, gebruiker_id=gebruiker.id,
                           wat="inloggen: account geblokkeerd", status=429)
            status = 429
        elif controleer_wachtwoord(gebruiker, form.wachtwoord.data):
            gebruiker.mislukte_pogingen = 0
            gebruiker.geblokkeerd_tot = None
            db.session.commit()
            login_user(gebruiker)
            audit.leg_vast("inloggen", gebruiker.email, gebruiker.rol.value, gebruiker_id=gebruiker.id,
                           wat="inloggen", status=302)
            return redirect(_veilige_volgende(request.args.get("next")) or url_for("main.index"))
        else:
            if gebruiker is not None:
                gebruiker.mislukte_pogingen = (gebruiker.mislukte_pogingen or 0) + 1
                if gebruiker.mislukte_pogingen >= current_app.config["LOGIN_MAX_POGINGEN"]:
                    gebruiker.geblokkeerd_tot = now + timedelta(minutes=current_app.config["LOGIN_BLOKKADE_MINUTEN"])
                    gebruiker.mislukte_pogingen = 0
                db.session.commit()
            form.wachtwoord.errors.append("Het e-mailadres of het wachtwoord klopt niet.")
            audit.leg_vast("geweigerd", (form.email.data or "")[:254], gebruiker.rol.value if gebruiker else "onbekend",
                           gebruiker_id=gebruiker.id if gebruiker else None, wat="inloggen: mislukt", status=422)
    if form.errors and status == 200:
        status = 422
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))
