"""The audit log, written after every request by someone the app knows (DOMAIN.md "Privacy").

Who (user, contactpersoon by link, API token), when, from where (IP), what
(method, path, endpoint, the case) and how it ended (status). Reads are
`lezen`, changes `wijzigen`, refused requests `geweigerd`, logins `inloggen`.
The row goes in after the view's own transaction; the database refuses to
change or delete it (workflows/audit.py).
"""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask, g, request
from flask_login import current_user

from workflows.models import Auditregel

from .extensions import db

NIET_GELOGD = ("static", "gezondheid.healthz", "gezondheid.readyz", "mail.outbox", "mail.outbox_bericht")


def zet_actor(wie: str, rol: str, gebruiker_id: int | None = None) -> None:
    """For requests not made with a login session (the contactpersoon's link, an API token)."""
    g.audit_actor = (wie, rol, gebruiker_id)


def zet_zaak(zaak_id: int | None, wat: str = "") -> None:
    """The case a request was about, when its URL does not say (a link token, an API call)."""
    g.audit_zaak_id = zaak_id
    if wat:
        g.audit_wat = wat


def leg_vast(soort: str, wie: str, rol: str, *, gebruiker_id: int | None = None, wat: str = "",
             zaak_id: int | None = None, status: int | None = None, kanaal: str = "web",
             commit: bool = True) -> None:
    """Add one row: in its own transaction (logins, the request hook), or with commit=False in the caller's,
    so that the change and its audit row are committed together (a reply applied by mail)."""
    regel = Auditregel(op=datetime.now(timezone.utc), soort=soort, wie=wie[:254], rol=rol[:40],
                       gebruiker_id=gebruiker_id, kanaal=kanaal, ip=(request.remote_addr or "")[:45],
                       methode=request.method, pad=request.full_path.rstrip("?")[:400], wat=wat[:400],
                       status=status, zaak_id=zaak_id, request_id=(g.get("request_id") or "")[:64])
    db.session.add(regel)
    if commit:
        db.session.commit()


def _actor() -> tuple[str, str, int | None] | None:
    if g.get("audit_actor"):
        return g.audit_actor
    if current_user and current_user.is_authenticated:
        return current_user.email, current_user.rol.value, current_user.id
    return None


def _kanaal() -> str:
    return {"dienst": "link", "api": "api"}.get(request.blueprint or "", "web")


def init_app(app: Flask) -> None:
    @app.before_request
    def _begin():
        # g lives as long as the app context, which a test (or a CLI command) may hold across requests.
        for naam in ("audit_actor", "audit_zaak_id", "audit_wat", "audit_gedaan"):
            g.pop(naam, None)

    @app.after_request
    def _audit(response):
        if request.endpoint in NIET_GELOGD or request.endpoint is None or g.get("audit_gedaan"):
            return response
        actor = _actor()
        if actor is None:
            return response
        leest = request.method in ("GET", "HEAD")
        soort = "geweigerd" if response.status_code in (401, 403, 404) else ("lezen" if leest else "wijzigen")
        if not leest and response.status_code >= 400 and soort != "geweigerd":
            soort = "afgewezen"  # bad input: nothing changed
        zaak_id = g.get("audit_zaak_id") or (request.view_args or {}).get("zaak_id")
        if not isinstance(zaak_id, int) or not 0 < zaak_id < 2**31:
            zaak_id = None  # a number no case can have (the path still says what was asked)
        wat = g.get("audit_wat") or request.endpoint
        if response.status_code >= 400:
            db.session.rollback()  # whatever the view left half-done does not ride along with the audit row
        try:
            leg_vast(soort, actor[0], actor[1], gebruiker_id=actor[2], wat=wat, zaak_id=zaak_id,
                     status=response.status_code, kanaal=_kanaal())
        except Exception:
            db.session.rollback()
            app.logger.exception("audit row could not be written")
            raise
        return response


def voor_zaak(zaak_id: int, limiet: int = 30) -> list[Auditregel]:
    """The latest audit rows of a case, for its page: who looked at or changed it."""
    from sqlalchemy import select

    return list(db.session.scalars(select(Auditregel).where(Auditregel.zaak_id == zaak_id)
                                   .order_by(Auditregel.id.desc()).limit(limiet)))
