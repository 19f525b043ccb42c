from flask import Blueprint

bp = Blueprint("beheer", __name__)

from . import instellingen, organisatie, routes  # noqa: E402,F401
