from flask import Blueprint, request

bp = Blueprint("wijkteam", __name__)

# Views that take a file: their own request size limit instead of the app's small one (MAX_CONTENT_LENGTH).
GROTE_UPLOADS = {"wijkteam.bijlage_toevoegen": 10 * 1024 * 1024 + 256 * 1024}


def grote_uploads_toestaan() -> None:
    """Raise the request size limit for the upload views, before anything reads the form (CSRF does)."""
    grens = GROTE_UPLOADS.get(request.endpoint or "")
    if grens is not None:
        request.max_content_length = grens


@bp.after_request
def _niet_bewaren(response):
    # Every page of the team shows residents' cases, and attachments are theirs: no browser history,
    # back-button or proxy cache keeps them (send_file's own "no-cache" still lets a cache store the file).
    response.headers["Cache-Control"] = "no-store"
    return response


from . import mailinstellingen, routes  # noqa: E402,F401
