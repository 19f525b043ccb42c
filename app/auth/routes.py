from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from . import bp
from .forms import InlogFormulier
from .models import controleer_inlog


def _veilige_volgende(doel: str | None) -> str | None:
    """Only redirect to a path on this site after login."""
    if not doel:
        return None
    delen = urlsplit(doel)
    if delen.scheme or delen.netloc or not doel.startswith("/") or doel.startswith("//"):
        return None
    return doel


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = InlogFormulier()
    if form.validate_on_submit():
        gebruiker = controleer_inlog(form.email.data, form.wachtwoord.data)
        if gebruiker is None:
            form.wachtwoord.errors.append("Het e-mailadres of het wachtwoord klopt niet.")
        else:
            login_user(gebruiker)
            return redirect(_veilige_volgende(request.args.get("next")) or url_for("main.index"))
    status = 422 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    logout_user()
    flash("U bent uitgelogd.", "info")
    return redirect(url_for("auth.login"))
