"""Security headers on every response: a strict Content-Security-Policy and the usual companions.

No inline script or style anywhere in the pages (the SVG charts use presentation attributes, not style),
so the policy needs no 'unsafe-inline'. HSTS only where cookies are secure (production, behind TLS).
"""
from __future__ import annotations

from flask import Flask, abort, request

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'")


NUL_MELDING = "De invoer bevat een onzichtbaar NUL-teken (\\0); dat kan niet worden opgeslagen. Er is niets gewijzigd."


def init_app(app: Flask) -> None:
    @app.before_request
    def _geen_nul_tekens():
        # PostgreSQL cannot store NUL in text; refuse it up front with a clear answer instead of failing later.
        if request.blueprint in ("inbound",) or (request.path or "").startswith("/mail/"):
            return None
        waarden = list(request.args.values())
        if request.method in ("POST", "PUT", "PATCH") and request.mimetype in (
                "application/x-www-form-urlencoded", "multipart/form-data"):
            waarden += list(request.form.values())
        if any("\x00" in w for w in waarden) or "\x00" in request.path:
            abort(400, NUL_MELDING)
        return None

    @app.after_request
    def _koppen(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config.get("SESSION_COOKIE_SECURE"):
            h.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
