from flask import Blueprint

bp = Blueprint("beheer", __name__)

from . import instellingen, mail, organisatie, prijslijst, routes  # noqa: E402,F401
