"""Small guards that keep views short: role checks and scoped lookups."""
from __future__ import annotations

from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from sqlalchemy.orm import joinedload, selectinload

from workflows.models import Rol, VermedenScenario, Zaak
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
    else:  # what the case page shows, in a few queries instead of one per row
        stmt = stmt.options(joinedload(Zaak.dienst), joinedload(Zaak.oorzaak), joinedload(Zaak.wijkteam),
                            selectinload(Zaak.gebeurtenissen), selectinload(Zaak.berichten),
                            selectinload(Zaak.scenario).joinedload(VermedenScenario.prijspost))
    zaak = db.session.execute(stmt).scalar_one_or_none()
    if zaak is None:
        abort(404)
    return zaak
