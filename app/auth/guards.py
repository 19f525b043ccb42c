"""Small guards that keep views short: role checks and scoped lookups."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from workflows.models import Rol, Zaak
from workflows.zaken import Actor

from ..extensions import db


def rol_vereist(*rollen: Rol):
    """Allow the view only to logged-in users with one of `rollen`; others get 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if current_user.rol not in rollen:
                abort(403)
            return view(*args, **kwargs)

        wrapped.toegestane_rollen = rollen
        return wrapped

    return decorator


TEAMROLLEN = (Rol.WIJKTEAMMANAGER, Rol.MEDEWERKER)


def huidige_actor() -> Actor:
    return Actor.gebruiker(current_user)


def zaak_van_team(zaak_id: int, *, vergrendel: bool = False) -> Zaak:
    """The case, if it belongs to the current user's team; 404 otherwise (no hint that it exists)."""
    stmt = db.select(Zaak).where(Zaak.id == zaak_id, Zaak.wijkteam_id == current_user.wijkteam_id)
    if vergrendel:
        stmt = stmt.with_for_update()
    zaak = db.session.execute(stmt).scalar_one_or_none()
    if zaak is None:
        abort(404)
    return zaak
