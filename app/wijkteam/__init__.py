from flask import Blueprint

bp = Blueprint("wijkteam", __name__)


@bp.after_request
def _niet_bewaren(response):
    # Every page of the team shows residents' cases, and attachments are theirs: no browser history,
    # back-button or proxy cache keeps them (send_file's own "no-cache" still lets a cache store the file).
    response.headers["Cache-Control"] = "no-store"
    return response


from . import routes  # noqa: E402,F401
