"""Jinja filters and globals: Dutch dates, deadlines as people read them."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Flask
from markupsafe import Markup

from workflows.kalender import amsterdam
from workflows.models import STATUS_LABELS, Status
from workflows.overgangen import gebeurtenis_label

DAGEN = ["ma", "di", "wo", "do", "vr", "za", "zo"]
MAANDEN = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]


def datumtijd(dt: datetime | None) -> str:
    if dt is None:
        return "—"
    d = amsterdam(dt)
    return f"{DAGEN[d.weekday()]} {d.day} {MAANDEN[d.month - 1]} {d.year}, {d:%H:%M}"


def datum(d) -> str:
    if d is None:
        return "—"
    return f"{DAGEN[d.weekday()]} {d.day} {MAANDEN[d.month - 1]} {d.year}"


def tijd_over(deadline: datetime | None, now: datetime | None = None) -> str:
    """'nog 2 dagen en 3 uur' or '5 uur te laat', for a deadline."""
    if deadline is None:
        return ""
    now = now or datetime.now(timezone.utc)
    delta = deadline - now
    te_laat = delta.total_seconds() < 0
    seconden = abs(int(delta.total_seconds()))
    dagen, rest = divmod(seconden, 86400)
    uren = rest // 3600
    minuten = (rest % 3600) // 60
    if dagen:
        tekst = f"{dagen} {'dag' if dagen == 1 else 'dagen'}" + (f" en {uren} uur" if uren else "")
    elif uren:
        tekst = f"{uren} uur"
    else:
        tekst = f"{max(minuten, 1)} min"
    return f"{tekst} te laat" if te_laat else f"nog {tekst}"


def status_label(status) -> str:
    return STATUS_LABELS[Status(status)] if status else ""


def init_app(app: Flask) -> None:
    app.jinja_env.filters["datumtijd"] = datumtijd
    app.jinja_env.filters["datum"] = datum
    app.jinja_env.filters["tijd_over"] = tijd_over
    app.jinja_env.filters["status_label"] = status_label
    app.jinja_env.filters["gebeurtenis_label"] = gebeurtenis_label
    app.jinja_env.globals["nu"] = lambda: datetime.now(timezone.utc)
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    @app.context_processor
    def _gemeente():
        return {"gemeente_naam": app.config["GEMEENTE_NAAM"], "Markup": Markup}
