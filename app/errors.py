"""Error pages in Dutch; JSON problem details for clients that ask for JSON."""
from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db

TITELS = {
    400: "Het verzoek klopt niet",
    401: "Niet ingelogd",
    403: "Geen toegang",
    404: "Niet gevonden",
    405: "Deze handeling kan hier niet",
    409: "Conflict",
    413: "Te groot",
    422: "De invoer klopt niet",
    429: "Te veel verzoeken",
    500: "Er ging iets mis",
}

UITLEG = {
    403: "U heeft geen toegang tot deze pagina of handeling. Denkt u dat dit niet klopt? Neem contact op met de beheerder.",
    404: "Deze pagina bestaat niet, of u mag hem niet zien.",
    413: "Het verstuurde bestand of formulier is te groot.",
    500: "Er ging iets mis aan onze kant. Er is niets half opgeslagen; probeer het later opnieuw.",
}


def _wil_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "application/problem+json", "text/html"])
    return request.path.startswith("/api/") or best in ("application/json", "application/problem+json")


def _antwoord(status: int, detail: str | None = None, headers: list[tuple[str, str]] | None = None):
    titel = TITELS.get(status, "Fout")
    detail = detail or UITLEG.get(status, "")
    if _wil_json():
        body = {"type": "about:blank", "title": titel, "status": status, "detail": detail}
        return body, status, [*(headers or []), ("Content-Type", "application/problem+json")]
    return render_template("errors/fout.html", status=status, titel=titel, detail=detail), status, headers or []


def init_app(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_fout(e):
        return _antwoord(400, "Het formulier is verlopen of niet vanaf deze site verstuurd. "
                              "Laad de pagina opnieuw en probeer het nog eens; uw invoer is niet opgeslagen.")

    @app.errorhandler(HTTPException)
    def http_fout(e: HTTPException):
        if e.code and e.code >= 500:
            db.session.rollback()
        eigen_tekst = e.description != type(e).description  # abort(400, "...") with our own Dutch text
        # The exception's own headers say what the client needs: Allow on a 405 (RFC 9110), WWW-Authenticate, ...
        koppen = [(k, v) for k, v in e.get_headers() if k.lower() != "content-type"]
        return _antwoord(e.code or 500, e.description if eigen_tekst else None, koppen)

    @app.errorhandler(Exception)
    def onverwacht(e: Exception):
        db.session.rollback()
        app.logger.exception("Onverwachte fout")
        return _antwoord(500)
