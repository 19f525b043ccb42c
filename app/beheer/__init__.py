from flask import Blueprint

bp = Blueprint("beheer", __name__)

from . import auditlog, instellingen, mail, organisatie, prijslijst, routes, teamopzet  # noqa: E402,F401
